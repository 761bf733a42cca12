import { type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { govukDate } from '../../shared/dates.ts';
import { scopeProviderIds, type AdminScope, type CandidateScope, type ProviderScope } from '../../shared/scope.ts';
import {
  adminTrainee,
  applyTraineeChange,
  changeTraineeState,
  providerTrainee,
  traineeRecord,
  type Trainee,
  type WriteResult,
} from '../training/repository.ts';
import { awardGuards, failingGuards, type Guard } from './guards.ts';
import { drawTrn, IQTS_ROUTE, verifyCode } from './trn.ts';

/**
 * The award: recommending a trainee (guards checked again inside the transaction), the DfE's
 * queue, awarding iQTS with a teacher reference number, returning and revoking, and the
 * public check. The only module that reads or writes teachers, awards and the check's rate
 * limiter. State changes go through the trainee's one state-machine table.
 */
type Db = Kysely<Database> | Transaction<Database>;

// ——— Recommending ———

export async function guardsFor(db: Db, trainee: Trainee, outcomeDate: string | undefined, now = new Date()) {
  const record = await traineeRecord(db, trainee, now);
  return {
    record,
    guards: awardGuards({
      startDate: trainee.startDate,
      criteriaVersion: trainee.criteriaVersion,
      reviews: record.reviews,
      progress: record.progress,
      days: record.days,
      placements: record.placements,
      today: record.today,
      outcomeDate,
    }),
  };
}

const refusal = (failing: Guard[]) =>
  failing.length === 0
    ? null
    : `You cannot recommend this trainee yet: ${failing.map((g) => g.rule.toLowerCase()).join('; ')}`;

function recommendation(trainee: Trainee, outcomeDate: string, serviceUrl: string, now: Date) {
  return {
    trainee,
    event: 'recommend' as const,
    detail: { date: outcomeDate },
    personalisation: { outcomeDate: govukDate(outcomeDate) },
    serviceUrl,
    // The same guards, on the locked row, in the transaction that changes the state.
    check: async (trx: Transaction<Database>, current: Trainee) =>
      refusal(failingGuards((await guardsFor(trx, current, outcomeDate, now)).guards)),
  };
}

export async function recommend(
  db: Kysely<Database>,
  scope: ProviderScope,
  trainee: Trainee,
  outcomeDate: string,
  serviceUrl: string,
  now = new Date(),
): Promise<WriteResult> {
  return changeTraineeState(db, scope, recommendation(trainee, outcomeDate, serviceUrl, now), now);
}

export interface BulkRow {
  line: number;
  traineeId: number;
  outcomeDate: string;
}

/** Recommends every row, or none: the first refusal rolls all of them back, with its line number. */
export async function recommendMany(
  db: Kysely<Database>,
  scope: ProviderScope,
  rows: readonly BulkRow[],
  serviceUrl: string,
  now = new Date(),
): Promise<{ ok: true; count: number } | { ok: false; problems: { line: number; message: string }[] }> {
  const problems: { line: number; message: string }[] = [];
  // Checked first, without changing anything, so every problem is reported at once.
  for (const row of rows) {
    const trainee = await providerTrainee(db, scope, row.traineeId);
    if (!trainee) {
      problems.push({ line: row.line, message: `Trainee ${row.traineeId} is not one of your trainees` });
      continue;
    }
    if (trainee.state !== 'in-training') {
      problems.push({ line: row.line, message: `${trainee.name} is not in training` });
      continue;
    }
    const failing = failingGuards((await guardsFor(db, trainee, row.outcomeDate, now)).guards);
    for (const g of failing)
      problems.push({
        line: row.line,
        message: `${trainee.name}: ${g.detail.replace(/^./, (c) => c.toLowerCase())} (${g.rule.toLowerCase()})`,
      });
  }
  if (problems.length > 0) return { ok: false, problems };
  class Refused extends Error {
    constructor(
      readonly line: number,
      message: string,
    ) {
      super(message);
    }
  }
  try {
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const trainee = await providerTrainee(trx, scope, row.traineeId);
        if (!trainee) throw new Refused(row.line, `Trainee ${row.traineeId} is not one of your trainees`);
        const result = await applyTraineeChange(
          trx,
          scope,
          recommendation(trainee, row.outcomeDate, serviceUrl, now),
          now,
        );
        if (!result.ok) throw new Refused(row.line, result.message);
      }
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problems: [{ line: error.line, message: error.message }] };
    throw error;
  }
  return { ok: true, count: rows.length };
}

// ——— The DfE's queue ———

export interface QueueRow {
  traineeId: number;
  name: string;
  providerName: string;
  trainingCountry: string;
  outcomeDate: string | null;
  recommendedAt: string;
}

export async function recommendations(db: Db, _scope: AdminScope): Promise<QueueRow[]> {
  const rows = await db
    .selectFrom('trainees as t')
    .innerJoin('providers as p', 'p.id', 't.provider_id')
    .select(['t.id', 't.name', 'p.name as provider_name', 't.training_country', 't.state_detail', 't.updated_at'])
    .where('t.state', '=', 'recommended')
    .orderBy('t.updated_at')
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    traineeId: r.id,
    name: r.name,
    providerName: r.provider_name,
    trainingCountry: r.training_country,
    outcomeDate: r.state_detail ? ((JSON.parse(r.state_detail) as { date?: string }).date ?? null) : null,
    recommendedAt: r.updated_at,
  }));
}

// ——— Awarding ———

export interface Award {
  id: number;
  traineeId: number;
  trn: string;
  name: string;
  dateOfBirth: string;
  outcomeDate: string;
  route: string;
  trainingCountry: string;
  providerName: string;
  ageRange: string;
  subjects: string[];
  verifyCode: string;
  awardedAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

const awards = (db: Db) => db.selectFrom('awards').selectAll();
type AwardRow = Awaited<ReturnType<ReturnType<typeof awards>['executeTakeFirstOrThrow']>>;
const awardFrom = (r: AwardRow): Award => ({
  id: r.id,
  traineeId: r.trainee_id,
  trn: r.trn,
  name: r.name,
  dateOfBirth: r.date_of_birth,
  outcomeDate: r.outcome_date,
  route: r.route,
  trainingCountry: r.training_country,
  providerName: r.provider_name,
  ageRange: r.age_range,
  subjects: JSON.parse(r.subjects) as string[],
  verifyCode: r.verify_code,
  awardedAt: r.awarded_at,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
});

/** A trainee's award, for the DfE (which reaches every provider). */
export async function awardOfTrainee(db: Db, _scope: AdminScope, traineeId: number): Promise<Award | undefined> {
  const row = await awards(db).where('trainee_id', '=', traineeId).executeTakeFirst();
  return row && awardFrom(row);
}

/** A trainee's award, for their provider's users. */
export async function providerAward(db: Db, scope: ProviderScope, traineeId: number): Promise<Award | undefined> {
  const row = await awards(db)
    .where('trainee_id', '=', traineeId)
    .where('provider_id', 'in', scopeProviderIds(scope))
    .executeTakeFirst();
  return row && awardFrom(row);
}

/** The candidate's own award, if they hold one (newest first). */
export async function ownAward(db: Db, scope: CandidateScope): Promise<Award | undefined> {
  const row = await db
    .selectFrom('awards as a')
    .innerJoin('trainees as t', 't.id', 'a.trainee_id')
    .selectAll('a')
    .where('t.candidate_id', '=', scope.candidateId)
    .orderBy('a.id', 'desc')
    .executeTakeFirst();
  return row && awardFrom(row);
}

/** The date of birth the candidate gave in their application, as YYYY-MM-DD. */
export function dateOfBirthFrom(answersJson: string): string | null {
  const personal = (JSON.parse(answersJson) as Record<string, Record<string, string>>)['personal-details'] ?? {};
  const [d, m, y] = ['day', 'month', 'year'].map((k) => personal[`date-of-birth-${k}`] ?? '');
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) return null;
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

/**
 * The person's TRN: the one they already hold (same email and date of birth), or a new one.
 * A drawn number that collides is drawn again; the unique indexes decide, so concurrent
 * awards on either engine never share a number.
 */
export async function allocateTrn(
  trx: Transaction<Database>,
  person: { email: string; dateOfBirth: string; name: string },
  now: Date,
  draw: () => string = drawTrn,
): Promise<{ teacherId: number; trn: string; reused: boolean }> {
  const existing = () =>
    trx
      .selectFrom('teachers')
      .select(['id', 'trn'])
      .where('email', '=', person.email)
      .where('date_of_birth', '=', person.dateOfBirth)
      .executeTakeFirst();
  const found = await existing();
  if (found) return { teacherId: found.id, trn: found.trn, reused: true };
  for (let attempt = 0; attempt < 20; attempt++) {
    const inserted = await trx
      .insertInto('teachers')
      .values({
        trn: draw(),
        email: person.email,
        date_of_birth: person.dateOfBirth,
        name: person.name,
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'trn'])
      .executeTakeFirst();
    if (inserted) return { teacherId: inserted.id, trn: inserted.trn, reused: false };
    // Either the person was added meanwhile, or the number is taken: look, then draw again.
    const meanwhile = await existing();
    if (meanwhile) return { teacherId: meanwhile.id, trn: meanwhile.trn, reused: true };
  }
  throw new Error('Could not draw a free teacher reference number');
}

export type AwardResult = { ok: true; award: Award; already: boolean } | { ok: false; message: string };

/** Awards iQTS (and QTS) to a recommended trainee. A second submit finds the first award. */
export async function awardTrainee(
  db: Kysely<Database>,
  scope: AdminScope,
  traineeId: number,
  serviceUrl: string,
  now = new Date(),
): Promise<AwardResult> {
  const before = await awardOfTrainee(db, scope, traineeId);
  if (before) return { ok: true, award: before, already: true };
  const trainee = await adminTrainee(db, scope, traineeId);
  if (!trainee) return { ok: false, message: 'Trainee not found' };
  const outcomeDate = trainee.stateDetail?.date ?? '';
  const result = await changeTraineeState(
    db,
    scope,
    {
      trainee,
      event: 'award',
      detail: { date: outcomeDate },
      personalisation: { outcomeDate: govukDate(outcomeDate) },
      serviceUrl,
      check: async (trx, current) => {
        if (!current.stateDetail?.date) return 'The recommendation has no outcome date: return it to the provider';
        const application = await trx
          .selectFrom('applications')
          .select('answers')
          .where('id', '=', current.applicationId)
          .executeTakeFirstOrThrow();
        // The date of birth finds the person's TRN and lets the public check the record.
        return dateOfBirthFrom(application.answers)
          ? null
          : 'The application has no date of birth: return the recommendation to the provider';
      },
      then: async (trx, current) => {
        const person = await trx
          .selectFrom('users as u')
          .innerJoin('applications as a', 'a.candidate_id', 'u.id')
          .select(['u.email', 'a.answers'])
          .where('a.id', '=', current.applicationId)
          .executeTakeFirstOrThrow();
        const dateOfBirth = dateOfBirthFrom(person.answers)!;
        const { teacherId, trn } = await allocateTrn(
          trx,
          { email: person.email, dateOfBirth, name: current.name },
          now,
        );
        const date = current.stateDetail!.date!;
        await trx
          .insertInto('awards')
          .values({
            trainee_id: current.id,
            teacher_id: teacherId,
            trn,
            date_of_birth: dateOfBirth,
            name: current.name,
            outcome_date: date,
            route: IQTS_ROUTE,
            training_country: current.trainingCountry,
            provider_id: current.providerId,
            provider_name: current.providerName,
            age_range: current.ageRange,
            subjects: JSON.stringify(current.subjects),
            verify_code: verifyCode(),
            awarded_by: scope.userId,
            awarded_at: now.toISOString(),
            revoked_at: null,
            revoke_reason: null,
          })
          .execute();
        return { trn, outcomeDate: govukDate(date) };
      },
    },
    now,
  );
  const after = await awardOfTrainee(db, scope, traineeId);
  if (after) return { ok: true, award: after, already: !result.ok };
  return result.ok ? { ok: false, message: 'The award was not recorded' } : result;
}

export async function returnToProvider(
  db: Kysely<Database>,
  scope: AdminScope,
  trainee: Trainee,
  reason: string,
  serviceUrl: string,
  now = new Date(),
): Promise<WriteResult> {
  return changeTraineeState(
    db,
    scope,
    { trainee, event: 'return-to-training', detail: { reason }, personalisation: { reason }, serviceUrl },
    now,
  );
}

export async function revokeAward(
  db: Kysely<Database>,
  scope: AdminScope,
  trainee: Trainee,
  reason: string,
  serviceUrl: string,
  now = new Date(),
): Promise<WriteResult> {
  return changeTraineeState(
    db,
    scope,
    {
      trainee,
      event: 'revoke',
      detail: { reason },
      personalisation: { reason },
      serviceUrl,
      then: async (trx, current) => {
        await trx
          .updateTable('awards')
          .set({ revoked_at: now.toISOString(), revoke_reason: reason })
          .where('trainee_id', '=', current.id)
          .execute();
        return {};
      },
    },
    now,
  );
}

export async function recentAwards(db: Db, _scope: AdminScope, limit = 50) {
  const rows = await awards(db).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(awardFrom);
}

// ——— The public check ———

/**
 * The award a TRN and date of birth find, or none. One indexed statement whatever the
 * input, so a miss costs what a hit costs.
 */
export async function checkRecord(db: Db, trn: string, dateOfBirth: string): Promise<Award | undefined> {
  const row = await awards(db)
    .where('trn', '=', trn)
    .where('date_of_birth', '=', dateOfBirth)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && awardFrom(row);
}

export async function awardByCode(db: Db, code: string): Promise<Award | undefined> {
  const row = await awards(db).where('verify_code', '=', code).executeTakeFirst();
  return row && awardFrom(row);
}

/** Drops windows that have passed: run with the other retention jobs. */
export async function pruneRateLimits(db: Kysely<Database>, windowSeconds: number, now = new Date()) {
  const current = Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;
  await db.deleteFrom('check_rate_limits').where('window_start', '<', current).execute();
}
