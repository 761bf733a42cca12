import { type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import { isPostgres } from '../../db/migrations/helpers.ts';
import type { Database, TraineeTable } from '../../db/schema.ts';
import { enqueueEmails } from '../../notifications/outbox.ts';
import type { TemplateName } from '../../notifications/templates.ts';
import { govukDate } from '../../shared/dates.ts';
import { addDays, localToday } from '../../shared/local-dates.ts';
import {
  scopeProviderIds,
  type AdminScope,
  type CandidateScope,
  type MentorScope,
  type ProviderScope,
} from '../../shared/scope.ts';
import { accountFor } from '../accounts/repository.ts';
import { activePartnerSchool, schoolPlace } from '../placement-schools/repository.ts';
import { dayProblem, halvesOf, longDate, type DayEntry, type DayStatus } from './day-log.ts';
import { checkDays, type CheckedDay, type DayRow, type ImportTrainee, type RowProblem } from './import.ts';
import {
  CRITERIA_VERSIONS,
  progress,
  projection,
  type CriteriaVersionId,
  type Progress,
  type StudyMode,
} from './requirements.ts';
import type { Judgement, ReviewKind, ReviewOutcome, Standard } from './standards.ts';
import { traineeTransition, type TraineeEvent, type TraineeState } from './state-machine.ts';

/**
 * The training record: the only module that reads or writes trainees, mentors, placements,
 * placement days, observations, reflections, reviews and cohort policies. A trainee reaches
 * only their own record; a mentor only the trainees they mentor, while the placement lasts
 * and 30 days after; a provider user only their providers' trainees. Anything else is
 * simply not found. Every change is one transaction with its audit row and its emails.
 */
type Db = Kysely<Database> | Transaction<Database>;

/** A mentor keeps access to a trainee for this long after the placement ends. */
export const MENTOR_ACCESS_DAYS = 30;

export interface Trainee {
  id: number;
  applicationId: number;
  providerId: number;
  providerName: string;
  candidateId: number;
  name: string;
  state: TraineeState;
  startDate: string;
  expectedEndDate: string;
  studyMode: StudyMode;
  daysPerWeek: number;
  ageRange: string;
  subjects: string[];
  trainingCountry: string;
  criteriaVersion: CriteriaVersionId;
  cohort: string;
  stateDetail: { date?: string; reason?: string; reasons?: string[] } | null;
  isSample: boolean;
  updatedAt: string;
}

const fromRow = (r: Selectable<TraineeTable> & { provider_name: string }): Trainee => ({
  id: r.id,
  applicationId: r.application_id,
  providerId: r.provider_id,
  providerName: r.provider_name,
  candidateId: r.candidate_id,
  name: r.name,
  state: r.state as TraineeState,
  startDate: r.start_date,
  expectedEndDate: r.expected_end_date,
  studyMode: r.study_mode as StudyMode,
  daysPerWeek: r.days_per_week,
  ageRange: r.age_range,
  subjects: JSON.parse(r.subjects) as string[],
  trainingCountry: r.training_country,
  criteriaVersion: r.criteria_version as CriteriaVersionId,
  cohort: r.cohort,
  stateDetail: r.state_detail ? (JSON.parse(r.state_detail) as Trainee['stateDetail']) : null,
  isSample: r.is_sample === 1,
  updatedAt: r.updated_at,
});

const trainees = (db: Db) =>
  db
    .selectFrom('trainees as t')
    .innerJoin('providers as p', 'p.id', 't.provider_id')
    .selectAll('t')
    .select('p.name as provider_name');

/** The cohort a course start date belongs to: academic years run September to August. */
export function cohortOf(startDate: string): string {
  const year = Number(startDate.slice(0, 4));
  const first = Number(startDate.slice(5, 7)) >= 9 ? year : year - 1;
  return `${first} to ${first + 1}`;
}

// ——— Who may see which trainee ———

export async function providerTrainee(db: Db, scope: ProviderScope, traineeId: number): Promise<Trainee | undefined> {
  const row = await trainees(db)
    .where('t.id', '=', traineeId)
    .where('t.provider_id', 'in', scopeProviderIds(scope))
    .executeTakeFirst();
  return row && fromRow(row);
}

/** A DfE admin reaches every provider's trainees. */
export async function adminTrainee(db: Db, _scope: AdminScope, traineeId: number): Promise<Trainee | undefined> {
  const row = await trainees(db).where('t.id', '=', traineeId).executeTakeFirst();
  return row && fromRow(row);
}

/** The candidate's training record: their newest, if they have one. */
export async function ownTrainee(db: Db, scope: CandidateScope): Promise<Trainee | undefined> {
  const row = await trainees(db)
    .where('t.candidate_id', '=', scope.candidateId)
    .orderBy('t.id', 'desc')
    .executeTakeFirst();
  return row && fromRow(row);
}

/** The placements a mentor may still see: their own, until 30 days after the end (in the school's zone). */
function mentoredPlacements(db: Db, scope: MentorScope, now: Date) {
  // The latest end date still visible anywhere on earth today; each row is checked in its own zone below.
  const earliestEnd = addDays(now.toISOString().slice(0, 10), -MENTOR_ACCESS_DAYS - 1);
  return db
    .selectFrom('placements as pl')
    .innerJoin('mentors as m', 'm.id', 'pl.mentor_id')
    .select(['pl.id', 'pl.trainee_id', 'pl.end_date', 'pl.time_zone', 'm.id as mentor_id'])
    .where('m.user_id', '=', scope.userId)
    .where('pl.end_date', '>=', earliestEnd);
}

const stillMentoring = (p: { end_date: string; time_zone: string }, now: Date) =>
  localToday(p.time_zone, now) <= addDays(p.end_date, MENTOR_ACCESS_DAYS);

export async function mentorTrainee(
  db: Db,
  scope: MentorScope,
  traineeId: number,
  now = new Date(),
): Promise<{ trainee: Trainee; placementIds: number[]; mentorIds: number[] } | undefined> {
  const placements = (await mentoredPlacements(db, scope, now).where('pl.trainee_id', '=', traineeId).execute()).filter(
    (p) => stillMentoring(p, now),
  );
  if (placements.length === 0) return undefined;
  const row = await trainees(db).where('t.id', '=', traineeId).executeTakeFirst();
  return (
    row && {
      trainee: fromRow(row),
      placementIds: placements.map((p) => p.id),
      mentorIds: [...new Set(placements.map((p) => p.mentor_id))],
    }
  );
}

export async function mentorTrainees(db: Db, scope: MentorScope, now = new Date()) {
  const placements = (await mentoredPlacements(db, scope, now).execute()).filter((p) => stillMentoring(p, now));
  const ids = [...new Set(placements.map((p) => p.trainee_id))];
  if (ids.length === 0) return [];
  const rows = await trainees(db).where('t.id', 'in', ids).orderBy('t.name').execute();
  return rows.map(fromRow);
}

// ——— The whole record of one trainee (after the scope check) ———

export interface PlacementView {
  id: number;
  schoolId: number;
  schoolName: string;
  mentorId: number;
  mentorName: string;
  mentorEmail: string;
  startDate: string;
  endDate: string;
  timeZone: string;
}

export interface DayView {
  id: number;
  placementId: number;
  date: string;
  halves: number;
  kind: string;
  note: string | null;
  status: DayStatus;
  queryReason: string | null;
}

export interface TraineeRecord {
  trainee: Trainee;
  placements: PlacementView[];
  days: DayView[];
  observations: {
    id: number;
    date: string;
    className: string;
    ageGroup: string;
    judgements: Partial<Record<Standard, Judgement>>;
    strengths: string;
    targets: string;
    mentorName: string;
  }[];
  reflections: { id: number; date: string; standards: Standard[]; text: string }[];
  reviews: {
    id: number;
    kind: ReviewKind;
    date: string;
    judgements: Partial<Record<Standard, Judgement>>;
    outcome: ReviewOutcome;
    comments: string;
  }[];
  policy: { weekDays: number | null; note: string } | null;
  /** Today in the zone of the current (or last) placement. */
  today: string;
  progress: Progress;
}

async function placementsOf(db: Db, traineeId: number): Promise<PlacementView[]> {
  const rows = await db
    .selectFrom('placements as pl')
    .innerJoin('placement_schools as s', 's.id', 'pl.school_id')
    .innerJoin('mentors as m', 'm.id', 'pl.mentor_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'pl.id',
      'pl.school_id',
      's.name as school_name',
      'pl.mentor_id',
      'm.name as mentor_name',
      'u.email',
      'pl.start_date',
      'pl.end_date',
      'pl.time_zone',
    ])
    .where('pl.trainee_id', '=', traineeId)
    .orderBy('pl.start_date')
    .orderBy('pl.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    mentorId: r.mentor_id,
    mentorName: r.mentor_name,
    mentorEmail: r.email,
    startDate: r.start_date,
    endDate: r.end_date,
    timeZone: r.time_zone,
  }));
}

/** The zone whose "today" a trainee lives by: the placement running now, else the latest. */
export function currentZone(placements: readonly PlacementView[], now: Date): string {
  const running = placements.find((p) => {
    const today = localToday(p.timeZone, now);
    return p.startDate <= today && today <= p.endDate;
  });
  return (running ?? placements.at(-1))?.timeZone ?? 'Europe/London';
}

async function policyOf(db: Db, providerId: number, cohort: string) {
  const row = await db
    .selectFrom('cohort_policies')
    .select(['week_days', 'note'])
    .where('provider_id', '=', providerId)
    .where('cohort', '=', cohort)
    .executeTakeFirst();
  return row ? { weekDays: row.week_days, note: row.note } : null;
}

function progressOf(
  trainee: Trainee,
  days: readonly Pick<DayView, 'date' | 'halves' | 'status'>[],
  policyWeekDays: number | null,
  today: string,
): Progress {
  return progress({
    criteria: trainee.criteriaVersion,
    daysPerWeek: trainee.daysPerWeek,
    policyWeekDays,
    startDate: trainee.startDate,
    expectedEndDate: trainee.expectedEndDate,
    today,
    days,
  });
}

/** Everything about one trainee. Call only with a trainee the caller's scope has reached. */
export async function traineeRecord(db: Db, trainee: Trainee, now = new Date()): Promise<TraineeRecord> {
  const [placements, days, observations, reflections, reviews, policy] = await Promise.all([
    placementsOf(db, trainee.id),
    db
      .selectFrom('placement_days')
      .select(['id', 'placement_id', 'date', 'halves', 'kind', 'note', 'status', 'query_reason'])
      .where('trainee_id', '=', trainee.id)
      .orderBy('date')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('observations as o')
      .innerJoin('mentors as m', 'm.id', 'o.mentor_id')
      .select(['o.id', 'o.date', 'o.class_name', 'o.age_group', 'o.judgements', 'o.strengths', 'o.targets', 'm.name'])
      .where('o.trainee_id', '=', trainee.id)
      .orderBy('o.date', 'desc')
      .orderBy('o.id', 'desc')
      .execute(),
    db
      .selectFrom('reflections')
      .select(['id', 'date', 'standards', 'text'])
      .where('trainee_id', '=', trainee.id)
      .orderBy('date', 'desc')
      .orderBy('id', 'desc')
      .execute(),
    db
      .selectFrom('reviews')
      .select(['id', 'kind', 'date', 'judgements', 'outcome', 'comments'])
      .where('trainee_id', '=', trainee.id)
      .orderBy('date')
      .orderBy('id')
      .execute(),
    policyOf(db, trainee.providerId, trainee.cohort),
  ]);
  const today = localToday(currentZone(placements, now), now);
  const dayViews: DayView[] = days.map((d) => ({
    id: d.id,
    placementId: d.placement_id,
    date: d.date,
    halves: d.halves,
    kind: d.kind,
    note: d.note,
    status: d.status as DayStatus,
    queryReason: d.query_reason,
  }));
  return {
    trainee,
    placements,
    days: dayViews,
    observations: observations.map((o) => ({
      id: o.id,
      date: o.date,
      className: o.class_name,
      ageGroup: o.age_group,
      judgements: JSON.parse(o.judgements) as Partial<Record<Standard, Judgement>>,
      strengths: o.strengths,
      targets: o.targets,
      mentorName: o.name,
    })),
    reflections: reflections.map((r) => ({ ...r, standards: JSON.parse(r.standards) as Standard[] })),
    reviews: reviews.map((r) => ({
      id: r.id,
      kind: r.kind as ReviewKind,
      date: r.date,
      judgements: JSON.parse(r.judgements) as Partial<Record<Standard, Judgement>>,
      outcome: r.outcome as ReviewOutcome,
      comments: r.comments,
    })),
    policy,
    today,
    progress: progressOf(trainee, dayViews, policy?.weekDays ?? null, today),
  };
}

// ——— Writes ———

export type WriteResult<T = undefined> =
  | ({ ok: true } & (T extends undefined ? object : { value: T }))
  | { ok: false; message: string; field?: string; fieldErrors?: Record<string, string> };

/** One audit row about a trainee, written in the transaction that made the change. */
function auditTrainee(
  trx: Transaction<Database>,
  actorUserId: number | null,
  trainee: Pick<Trainee, 'id' | 'providerId'>,
  action: string,
  detail: unknown,
  now: Date,
) {
  return recordAudit(
    trx,
    { actorUserId, providerId: trainee.providerId, applicationId: null, traineeId: trainee.id, action, detail },
    now,
  );
}

/** Serialises changes to one trainee's days (PostgreSQL; SQLite has one writer already). */
async function lockTrainee(trx: Transaction<Database>, traineeId: number) {
  if (isPostgres(trx)) await trx.selectFrom('trainees').select('id').where('id', '=', traineeId).forUpdate().execute();
}

/** Recomputes the trainee's summary of confirmed days, in the transaction that changed them. */
async function refreshSummary(trx: Transaction<Database>, trainee: Trainee, now: Date) {
  const days = await trx
    .selectFrom('placement_days')
    .select(['date', 'halves', 'status'])
    .where('trainee_id', '=', trainee.id)
    .where('status', '=', 'confirmed')
    .execute();
  const policy = await policyOf(trx, trainee.providerId, trainee.cohort);
  const p = progressOf(
    trainee,
    days.map((d) => ({ ...d, status: 'confirmed' as const })),
    policy?.weekDays ?? null,
    now.toISOString().slice(0, 10),
  );
  await trx
    .updateTable('trainees')
    .set({ confirmed_halves: p.confirmedDays * 2, counted_weeks: p.countedWeeks })
    .where('id', '=', trainee.id)
    .execute();
}

async function traineeEmail(db: Db, trainee: Trainee) {
  return (await db.selectFrom('users').select('email').where('id', '=', trainee.candidateId).executeTakeFirstOrThrow())
    .email;
}

/** The addresses of the provider's users who manage trainees. */
async function traineeManagers(db: Db, providerId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('provider_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.email')
    .where('m.provider_id', '=', providerId)
    .where('m.can_manage_trainees', '=', 1)
    .execute();
  return rows.map((r) => r.email);
}

const MENTOR_ROLES = { general: 'General mentor', lead: 'Lead mentor' } as const;
export type MentorRole = keyof typeof MENTOR_ROLES;
export { MENTOR_ROLES };

export interface MentorInvite {
  providerId: number;
  schoolId: number;
  name: string;
  email: string;
  role: MentorRole;
  trainedOn: string;
}

/**
 * Adds a mentor at one of the provider's partner schools and emails them how to sign in.
 * A person already mentoring elsewhere keeps one account; an address that belongs to a
 * candidate or provider user cannot become a mentor account.
 */
export async function inviteMentor(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: MentorInvite,
  serviceUrl: string,
  now = new Date(),
): Promise<WriteResult<number>> {
  const school = await activePartnerSchool(db, scope, input.providerId, input.schoolId);
  if (!school) return { ok: false, field: 'schoolId', message: 'Select one of your partner schools' };
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx): Promise<WriteResult<number>> => {
    const user = await accountFor(trx, { email: input.email, name: input.name, role: 'mentor' }, now);
    if (user.role !== 'mentor')
      return {
        ok: false,
        field: 'email',
        message: 'This email address is used by another kind of account. Enter the mentor’s school email address',
      };
    const inserted = await trx
      .insertInto('mentors')
      .values({
        user_id: user.id,
        provider_id: input.providerId,
        school_id: school.id,
        name: input.name,
        mentor_role: input.role,
        trained_on: input.trainedOn,
        created_at: stamp,
      })
      .onConflict((oc) => oc.columns(['provider_id', 'school_id', 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted)
      return { ok: false, field: 'email', message: `${input.email} is already a mentor at ${school.name}` };
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: input.providerId,
        applicationId: null,
        action: 'invite-mentor',
        detail: { mentorId: inserted.id, schoolId: school.id, role: input.role },
      },
      now,
    );
    const provider = await trx
      .selectFrom('providers')
      .select('name')
      .where('id', '=', input.providerId)
      .executeTakeFirstOrThrow();
    await enqueueEmails(
      trx,
      [
        {
          to: input.email,
          template: 'mentor-invited',
          personalisation: { mentorName: input.name, providerName: provider.name, schoolName: school.name, serviceUrl },
        },
      ],
      now,
    );
    return { ok: true, value: inserted.id };
  });
}

/** The mentors of the scope's providers, with their schools. */
export async function providerMentors(db: Db, scope: ProviderScope) {
  return db
    .selectFrom('mentors as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('placement_schools as s', 's.id', 'm.school_id')
    .select([
      'm.id',
      'm.provider_id',
      'm.name',
      'u.email',
      'm.mentor_role',
      'm.trained_on',
      'm.school_id',
      's.name as school_name',
    ])
    .where('m.provider_id', 'in', scopeProviderIds(scope))
    .orderBy('s.name')
    .orderBy('m.name')
    .execute();
}

async function mentorOfProvider(db: Db, scope: ProviderScope, providerId: number, mentorId: number) {
  return db
    .selectFrom('mentors as m')
    .innerJoin('placement_schools as s', 's.id', 'm.school_id')
    .select(['m.id', 'm.school_id', 'm.name', 's.name as school_name'])
    .where('m.id', '=', mentorId)
    .where('m.provider_id', '=', providerId)
    .where('m.provider_id', 'in', scopeProviderIds(scope))
    .executeTakeFirst();
}

export interface PlacementInput {
  mentorId: number;
  startDate: string;
  endDate: string;
}

async function insertPlacement(
  trx: Transaction<Database>,
  scope: ProviderScope,
  trainee: Pick<Trainee, 'id' | 'providerId'>,
  input: PlacementInput,
  now: Date,
): Promise<WriteResult<number>> {
  const mentor = await mentorOfProvider(trx, scope, trainee.providerId, input.mentorId);
  if (!mentor) return { ok: false, field: 'mentorId', message: 'Select a mentor from the list' };
  const place = await schoolPlace(trx, mentor.school_id);
  const row = await trx
    .insertInto('placements')
    .values({
      trainee_id: trainee.id,
      school_id: mentor.school_id,
      mentor_id: mentor.id,
      start_date: input.startDate,
      end_date: input.endDate,
      time_zone: place?.timeZone ?? 'UTC',
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await auditTrainee(
    trx,
    scope.userId,
    trainee,
    'add-placement',
    { placementId: row.id, school: mentor.school_name, mentor: mentor.name, ...input },
    now,
  );
  return { ok: true, value: row.id };
}

export interface StartTraining {
  applicationId: number;
  startDate: string;
  expectedEndDate: string;
  studyMode: StudyMode;
  daysPerWeek: number;
  ageRange: string;
  subjects: string[];
  trainingCountry: string;
  criteriaVersion: CriteriaVersionId;
  placement: PlacementInput;
  isSample?: boolean;
}

/**
 * Starts a trainee record from a recruited application, with its first placement. One
 * record per application (a unique index): a double submit starts it once.
 */
export async function startTraining(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: StartTraining,
  serviceUrl: string,
  now = new Date(),
): Promise<WriteResult<number>> {
  return db
    .transaction()
    .execute(async (trx): Promise<WriteResult<number>> => {
      const app = await trx
        .selectFrom('applications as a')
        .innerJoin('providers as p', 'p.id', 'a.provider_id')
        .select(['a.id', 'a.status', 'a.provider_id', 'a.candidate_id', 'a.candidate_name', 'p.name as provider_name'])
        .where('a.id', '=', input.applicationId)
        .where('a.provider_id', 'in', scopeProviderIds(scope))
        .executeTakeFirst();
      if (!app || app.provider_id === null) return { ok: false, message: 'Application not found' };
      if (app.status !== 'recruited')
        return { ok: false, message: 'You can only start training for a recruited candidate' };
      const stamp = now.toISOString();
      const name = app.candidate_name ?? 'Trainee';
      const inserted = await trx
        .insertInto('trainees')
        .values({
          application_id: app.id,
          provider_id: app.provider_id,
          candidate_id: app.candidate_id,
          name,
          state: 'in-training',
          start_date: input.startDate,
          expected_end_date: input.expectedEndDate,
          study_mode: input.studyMode,
          days_per_week: input.daysPerWeek,
          age_range: input.ageRange,
          subjects: JSON.stringify(input.subjects),
          training_country: input.trainingCountry,
          criteria_version: input.criteriaVersion,
          cohort: cohortOf(input.startDate),
          is_sample: input.isSample ? 1 : 0,
          updated_at: stamp,
          created_at: stamp,
        })
        .onConflict((oc) => oc.column('application_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return { ok: false, message: 'Training has already started for this candidate' };
      const placed = await insertPlacement(
        trx,
        scope,
        { id: inserted.id, providerId: app.provider_id },
        input.placement,
        now,
      );
      if (!placed.ok) {
        throw new Refused(placed);
      }
      await recordAudit(
        trx,
        {
          actorUserId: scope.userId,
          providerId: app.provider_id,
          applicationId: app.id,
          traineeId: inserted.id,
          action: 'start-training',
          to: 'in-training',
          detail: { startDate: input.startDate, criteriaVersion: input.criteriaVersion },
        },
        now,
      );
      const email = (
        await trx.selectFrom('users').select('email').where('id', '=', app.candidate_id).executeTakeFirstOrThrow()
      ).email;
      await enqueueEmails(
        trx,
        [
          {
            to: email,
            template: 'training-started',
            personalisation: {
              traineeName: name,
              providerName: app.provider_name,
              serviceUrl,
              startDate: govukDate(input.startDate),
            },
          },
        ],
        now,
      );
      return { ok: true, value: inserted.id };
    })
    .catch(refusal);
}

/** A refusal found after a write in the transaction: thrown to roll it back, then returned. */
class Refused extends Error {
  constructor(readonly result: { ok: false; message: string; field?: string }) {
    super(result.message);
  }
}
function refusal(error: unknown): { ok: false; message: string; field?: string } {
  if (error instanceof Refused) return error.result;
  throw error;
}

export async function addPlacement(
  db: Kysely<Database>,
  scope: ProviderScope,
  trainee: Trainee,
  input: PlacementInput,
  now = new Date(),
): Promise<WriteResult<number>> {
  return db.transaction().execute((trx) => insertPlacement(trx, scope, trainee, input, now));
}

/** Recruited applications of the scope's providers that have no training record yet. */
export async function readyToStart(db: Db, scope: ProviderScope) {
  return db
    .selectFrom('applications as a')
    .leftJoin('trainees as t', 't.application_id', 'a.id')
    .select(['a.id', 'a.reference', 'a.candidate_name', 'a.provider_id'])
    .where('a.provider_id', 'in', scopeProviderIds(scope))
    .where('a.status', '=', 'recruited')
    .where('t.id', 'is', null)
    .orderBy('a.updated_at')
    .limit(200)
    .execute();
}

/** The trainee record started from an application, if any: to link from the application. */
export async function traineeIdForApplication(db: Db, scope: ProviderScope, applicationId: number) {
  const row = await db
    .selectFrom('trainees')
    .select('id')
    .where('application_id', '=', applicationId)
    .where('provider_id', 'in', scopeProviderIds(scope))
    .executeTakeFirst();
  return row?.id;
}

/** The candidate's trainee id, if training has started: to link from their application. */
export async function ownTraineeId(db: Db, scope: CandidateScope) {
  return (await db.selectFrom('trainees').select('id').where('candidate_id', '=', scope.candidateId).executeTakeFirst())
    ?.id;
}

// ——— The placement-day log ———

/**
 * Logs a week's days for one placement: every day checked first (nothing is saved if one
 * is refused), under a lock on the trainee so that two saves cannot together log more
 * than a full day on a date; the unique index keeps a date to one row per placement.
 */
export async function logDays(
  db: Kysely<Database>,
  scope: CandidateScope,
  input: { placementId: number; entries: DayEntry[]; source?: 'trainee' | 'import' },
  now = new Date(),
): Promise<WriteResult<number> & { problems?: Record<string, string> }> {
  return db
    .transaction()
    .execute(async (trx) => {
      const trainee = await ownTrainee(trx, scope);
      if (!trainee) return { ok: false as const, message: 'You do not have a training record' };
      await lockTrainee(trx, trainee.id);
      return writeDays(trx, trainee, { ...input, actorUserId: scope.userId }, now);
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error))
        return { ok: false as const, message: 'One of these days was logged at the same time. Check the week again' };
      throw error;
    });
}

/** Shared by the trainee's week form and the provider's import: the same checks. */
export async function writeDays(
  trx: Transaction<Database>,
  trainee: Trainee,
  input: { placementId: number; entries: DayEntry[]; source?: 'trainee' | 'import'; actorUserId: number | null },
  now: Date,
): Promise<WriteResult<number> & { problems?: Record<string, string> }> {
  if (trainee.state !== 'in-training') return { ok: false, message: 'You can only log days while in training' };
  const placement = await trx
    .selectFrom('placements')
    .select(['id', 'start_date', 'end_date', 'time_zone'])
    .where('id', '=', input.placementId)
    .where('trainee_id', '=', trainee.id)
    .executeTakeFirst();
  if (!placement) return { ok: false, field: 'placementId', message: 'Select one of your placements' };
  if (input.entries.length === 0) return { ok: false, message: 'Select at least one day you were in school' };
  const dates = input.entries.map((e) => e.date).sort();
  const logged = await trx
    .selectFrom('placement_days')
    .select(['placement_id as placementId', 'date', 'halves'])
    .where('trainee_id', '=', trainee.id)
    .where('date', '>=', dates[0]!)
    .where('date', '<=', dates.at(-1)!)
    .execute();
  const today = localToday(placement.time_zone, now);
  const problems: Record<string, string> = {};
  const seen = [...logged];
  for (const entry of input.entries) {
    const problem = dayProblem(
      entry,
      { id: placement.id, startDate: placement.start_date, endDate: placement.end_date },
      today,
      seen,
    );
    if (problem) problems[entry.date] = problem;
    else seen.push({ placementId: placement.id, date: entry.date, halves: halvesOf(entry.portion) });
  }
  if (Object.keys(problems).length > 0) return { ok: false, message: Object.values(problems)[0]!, problems };
  const stamp = now.toISOString();
  await trx
    .insertInto('placement_days')
    .values(
      input.entries.map((e) => ({
        trainee_id: trainee.id,
        placement_id: placement.id,
        date: e.date,
        halves: halvesOf(e.portion),
        kind: e.kind,
        note: e.note || null,
        status: 'logged',
        source: input.source ?? 'trainee',
        updated_at: stamp,
        created_at: stamp,
      })),
    )
    .execute();
  await auditTrainee(
    trx,
    input.actorUserId,
    trainee,
    input.source === 'import' ? 'import-days' : 'log-days',
    { placementId: placement.id, dates },
    now,
  );
  return { ok: true, value: input.entries.length };
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/**
 * The mentor confirms or queries the days logged in one week (Monday to Sunday) at their
 * placements: one statement, matching only days still awaiting them, so a double submit
 * changes nothing the second time.
 */
export async function reviewWeek(
  db: Kysely<Database>,
  scope: MentorScope,
  input: { traineeId: number; week: string; action: 'confirm' | 'query'; reason: string; serviceUrl: string },
  now = new Date(),
): Promise<WriteResult<number>> {
  return db.transaction().execute(async (trx): Promise<WriteResult<number>> => {
    const reached = await mentorTrainee(trx, scope, input.traineeId, now);
    if (!reached) return { ok: false, message: 'Trainee not found' };
    const { trainee, placementIds } = reached;
    await lockTrainee(trx, trainee.id);
    const stamp = now.toISOString();
    const result = await trx
      .updateTable('placement_days')
      .set(
        input.action === 'confirm'
          ? { status: 'confirmed', updated_at: stamp }
          : { status: 'queried', query_reason: input.reason, updated_at: stamp },
      )
      .where('trainee_id', '=', trainee.id)
      .where('placement_id', 'in', placementIds)
      .where('status', '=', 'logged')
      .where('date', '>=', input.week)
      .where('date', '<=', addDays(input.week, 6))
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows);
    if (changed === 0) return { ok: false, message: 'There are no days awaiting you in this week' };
    if (input.action === 'confirm') await refreshSummary(trx, trainee, now);
    await auditTrainee(
      trx,
      scope.userId,
      trainee,
      input.action === 'confirm' ? 'confirm-week' : 'query-week',
      { week: input.week, days: changed, ...(input.reason ? { reason: input.reason } : {}) },
      now,
    );
    if (input.action === 'query') {
      const personalisation = {
        traineeName: trainee.name,
        providerName: trainee.providerName,
        serviceUrl: input.serviceUrl,
        weekOf: longDate(input.week),
        reason: input.reason,
        traineeId: String(trainee.id),
      };
      await enqueueEmails(
        trx,
        [
          { to: await traineeEmail(trx, trainee), template: 'days-queried', personalisation },
          ...(await traineeManagers(trx, trainee.providerId)).map((to) => ({
            to,
            template: 'days-queried-provider' as const,
            personalisation,
          })),
        ],
        now,
      );
    }
    return { ok: true, value: changed };
  });
}

/** The provider resolves a queried day: confirms it, or removes it, with a reason either way. */
export async function resolveDay(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: { trainee: Trainee; dayId: number; action: 'confirm' | 'remove'; reason: string },
  now = new Date(),
): Promise<WriteResult> {
  return db.transaction().execute(async (trx): Promise<WriteResult> => {
    const trainee = await providerTrainee(trx, scope, input.trainee.id);
    if (!trainee) return { ok: false, message: 'Trainee not found' };
    await lockTrainee(trx, trainee.id);
    const day = await trx
      .selectFrom('placement_days')
      .select(['id', 'date', 'halves'])
      .where('id', '=', input.dayId)
      .where('trainee_id', '=', trainee.id)
      .where('status', '=', 'queried')
      .executeTakeFirst();
    if (!day) return { ok: false, message: 'This day is no longer queried: it may have been resolved already' };
    const result =
      input.action === 'confirm'
        ? await trx
            .updateTable('placement_days')
            .set({ status: 'confirmed', updated_at: now.toISOString() })
            .where('id', '=', day.id)
            .where('status', '=', 'queried')
            .executeTakeFirst()
        : await trx
            .deleteFrom('placement_days')
            .where('id', '=', day.id)
            .where('status', '=', 'queried')
            .executeTakeFirst();
    const changed = 'numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows;
    if (Number(changed) !== 1) return { ok: false, message: 'This day is no longer queried' };
    await refreshSummary(trx, trainee, now);
    await auditTrainee(
      trx,
      scope.userId,
      trainee,
      input.action === 'confirm' ? 'confirm-queried-day' : 'remove-queried-day',
      { date: day.date, halves: day.halves, reason: input.reason },
      now,
    );
    return { ok: true };
  });
}

// ——— Evidence against the standards ———

export async function addObservation(
  db: Kysely<Database>,
  scope: MentorScope,
  input: {
    traineeId: number;
    date: string;
    className: string;
    ageGroup: string;
    judgements: Partial<Record<Standard, Judgement>>;
    strengths: string;
    targets: string;
  },
  now = new Date(),
): Promise<WriteResult> {
  return db.transaction().execute(async (trx): Promise<WriteResult> => {
    const reached = await mentorTrainee(trx, scope, input.traineeId, now);
    if (!reached) return { ok: false, message: 'Trainee not found' };
    const row = await trx
      .insertInto('observations')
      .values({
        trainee_id: reached.trainee.id,
        mentor_id: reached.mentorIds[0]!,
        date: input.date,
        class_name: input.className,
        age_group: input.ageGroup,
        judgements: JSON.stringify(input.judgements),
        strengths: input.strengths,
        targets: input.targets,
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditTrainee(
      trx,
      scope.userId,
      reached.trainee,
      'record-observation',
      { observationId: row.id, date: input.date, standards: Object.keys(input.judgements) },
      now,
    );
    return { ok: true };
  });
}

export async function addReflection(
  db: Kysely<Database>,
  scope: CandidateScope,
  input: { date: string; standards: Standard[]; text: string },
  now = new Date(),
): Promise<WriteResult> {
  return db.transaction().execute(async (trx): Promise<WriteResult> => {
    const trainee = await ownTrainee(trx, scope);
    if (!trainee) return { ok: false, message: 'You do not have a training record' };
    const row = await trx
      .insertInto('reflections')
      .values({
        trainee_id: trainee.id,
        date: input.date,
        standards: JSON.stringify(input.standards),
        text: input.text,
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditTrainee(
      trx,
      scope.userId,
      trainee,
      'write-reflection',
      { reflectionId: row.id, standards: input.standards },
      now,
    );
    return { ok: true };
  });
}

export async function addReview(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: {
    traineeId: number;
    kind: ReviewKind;
    date: string;
    judgements: Partial<Record<Standard, Judgement>>;
    outcome: ReviewOutcome;
    comments: string;
  },
  now = new Date(),
): Promise<WriteResult> {
  return db.transaction().execute(async (trx): Promise<WriteResult> => {
    const trainee = await providerTrainee(trx, scope, input.traineeId);
    if (!trainee) return { ok: false, message: 'Trainee not found' };
    if (trainee.state !== 'in-training')
      return { ok: false, message: 'You can only record a review for a trainee who is in training' };
    const row = await trx
      .insertInto('reviews')
      .values({
        trainee_id: trainee.id,
        kind: input.kind,
        date: input.date,
        judgements: JSON.stringify(input.judgements),
        outcome: input.outcome,
        comments: input.comments,
        author_user_id: scope.userId,
        created_at: now.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await auditTrainee(
      trx,
      scope.userId,
      trainee,
      `record-${input.kind}-review`,
      { reviewId: row.id, outcome: input.outcome },
      now,
    );
    return { ok: true };
  });
}

// ——— The trainee's state ———

export interface TraineeChange {
  trainee: Trainee;
  event: TraineeEvent;
  detail: { date?: string; reason?: string; reasons?: string[] };
  personalisation: Record<string, string>;
  serviceUrl: string;
  /** Checked again inside the transaction, on the locked row: a message refuses the step. */
  check?: (trx: Transaction<Database>, trainee: Trainee) => Promise<string | null>;
  /** Work that belongs to the step (the award's record), after the state changes; adds personalisation. */
  then?: (trx: Transaction<Database>, trainee: Trainee) => Promise<Record<string, string>>;
}

/** One step of the trainee's state machine, applied once, audited and emailed in one transaction. */
export async function changeTraineeState(
  db: Kysely<Database>,
  scope: ProviderScope | AdminScope,
  change: TraineeChange,
  now = new Date(),
): Promise<WriteResult> {
  return db.transaction().execute((trx) => applyTraineeChange(trx, scope, change, now));
}

/** The same step inside a caller's transaction (a bulk change that all happens or none does). */
export async function applyTraineeChange(
  trx: Transaction<Database>,
  scope: ProviderScope | AdminScope,
  change: TraineeChange,
  now = new Date(),
): Promise<WriteResult> {
  await lockTrainee(trx, change.trainee.id);
  let q = trainees(trx).where('t.id', '=', change.trainee.id);
  if (scope.kind === 'provider') q = q.where('t.provider_id', 'in', scopeProviderIds(scope));
  const row = await q.executeTakeFirst();
  if (!row) return { ok: false, message: 'Trainee not found' };
  const trainee = fromRow(row);
  const step = traineeTransition(trainee.state, change.event, scope.kind);
  if (!step.ok) return step;
  const refused = change.check ? await change.check(trx, trainee) : null;
  if (refused) return { ok: false, message: refused };
  const stamp = now.toISOString();
  const updated = await trx
    .updateTable('trainees')
    .set({ state: step.to, state_detail: JSON.stringify(change.detail), updated_at: stamp })
    .where('id', '=', trainee.id)
    .where('state', '=', trainee.state)
    .where('updated_at', '=', row.updated_at)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1)
    return {
      ok: false,
      message: 'The trainee’s record changed while you were working on it. Check it and try again',
    };
  await recordAudit(
    trx,
    {
      actorUserId: scope.userId,
      providerId: trainee.providerId,
      applicationId: null,
      traineeId: trainee.id,
      action: change.event,
      from: trainee.state,
      to: step.to,
      detail: change.detail,
    },
    now,
  );
  const extra = change.then ? await change.then(trx, trainee) : {};
  const personalisation = {
    traineeName: trainee.name,
    providerName: trainee.providerName,
    serviceUrl: change.serviceUrl,
    traineeId: String(trainee.id),
    ...change.personalisation,
    ...extra,
  };
  const { trainee: toTrainee, provider, admins } = step.transition.notify;
  const emails: { to: string; template: TemplateName; personalisation: Record<string, string> }[] = [];
  if (toTrainee) emails.push({ to: await traineeEmail(trx, trainee), template: toTrainee, personalisation });
  if (provider)
    for (const to of await traineeManagers(trx, trainee.providerId))
      emails.push({ to, template: provider, personalisation });
  if (admins)
    for (const { email } of await trx.selectFrom('users').select('email').where('role', '=', 'admin').execute())
      emails.push({ to: email, template: admins, personalisation });
  await enqueueEmails(trx, emails, now);
  return { ok: true };
}

// ——— The provider's list ———

export interface TraineeFilters {
  state?: TraineeState;
  country?: string;
  schoolId?: number;
  mentorId?: number;
  behind?: boolean;
  page: number;
}

export interface TraineeListRow {
  id: number;
  name: string;
  state: TraineeState;
  trainingCountry: string;
  startDate: string;
  expectedEndDate: string;
  criteriaVersion: CriteriaVersionId;
  achieved: number;
  required: number;
  unit: 'days' | 'weeks';
  behind: boolean;
}

/**
 * The scope's trainees. "Behind" is judged from each trainee's summary row (kept with
 * their days), so the list reads one row a trainee, never their days.
 */
export async function listTrainees(
  db: Db,
  scope: ProviderScope,
  filters: TraineeFilters,
  pageSize: number | null,
  now = new Date(),
): Promise<{ total: number; rows: TraineeListRow[] }> {
  let q = db
    .selectFrom('trainees as t')
    .select([
      't.id',
      't.name',
      't.state',
      't.training_country',
      't.start_date',
      't.expected_end_date',
      't.criteria_version',
      't.confirmed_halves',
      't.counted_weeks',
    ])
    .where('t.provider_id', 'in', scopeProviderIds(scope));
  if (filters.state) q = q.where('t.state', '=', filters.state);
  if (filters.country) q = q.where('t.training_country', '=', filters.country);
  if (filters.schoolId !== undefined || filters.mentorId !== undefined) {
    const { schoolId, mentorId } = filters;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('placements as pl')
          .select('pl.id')
          .whereRef('pl.trainee_id', '=', 't.id')
          .$if(schoolId !== undefined, (s) => s.where('pl.school_id', '=', schoolId!))
          .$if(mentorId !== undefined, (s) => s.where('pl.mentor_id', '=', mentorId!)),
      ),
    );
  }
  const today = now.toISOString().slice(0, 10);
  const rows = (await q.orderBy('t.name').orderBy('t.id').execute()).map((r): TraineeListRow => {
    const p = summaryProgress(r, today);
    return {
      id: r.id,
      name: r.name,
      state: r.state as TraineeState,
      trainingCountry: r.training_country,
      startDate: r.start_date,
      expectedEndDate: r.expected_end_date,
      criteriaVersion: r.criteria_version as CriteriaVersionId,
      ...p,
    };
  });
  const shown = filters.behind ? rows.filter((r) => r.behind && r.state === 'in-training') : rows;
  if (pageSize === null) return { total: shown.length, rows: shown };
  return { total: shown.length, rows: shown.slice((filters.page - 1) * pageSize, filters.page * pageSize) };
}

/** Progress from a trainee's summary row: the same pace rule as the full record, without the days. */
function summaryProgress(
  r: {
    criteria_version: string;
    confirmed_halves: number;
    counted_weeks: number;
    start_date: string;
    expected_end_date: string;
  },
  today: string,
) {
  const p = CRITERIA_VERSIONS[r.criteria_version as CriteriaVersionId].requirement;
  const required = p.count;
  const achieved = p.unit === 'days' ? r.confirmed_halves / 2 : r.counted_weeks;
  const { behind } = projection({
    achieved,
    required,
    startDate: r.start_date,
    expectedEndDate: r.expected_end_date,
    today,
  });
  return { achieved, required, unit: p.unit, behind };
}

// ——— Cohort policies ———

export async function cohortPolicies(db: Db, scope: ProviderScope) {
  return db
    .selectFrom('cohort_policies as c')
    .innerJoin('providers as p', 'p.id', 'c.provider_id')
    .select(['c.provider_id', 'p.name as provider_name', 'c.cohort', 'c.week_days', 'c.note', 'c.updated_at'])
    .where('c.provider_id', 'in', scopeProviderIds(scope))
    .orderBy('c.cohort', 'desc')
    .execute();
}

/** Records a provider's policy for a cohort and recomputes its trainees' summaries. */
export async function setCohortPolicy(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: { providerId: number; cohort: string; weekDays: number | null; note: string },
  now = new Date(),
): Promise<WriteResult> {
  if (!scope.providerIds.includes(input.providerId)) return { ok: false, message: 'Provider not found' };
  return db.transaction().execute(async (trx): Promise<WriteResult> => {
    const stamp = now.toISOString();
    await trx
      .insertInto('cohort_policies')
      .values({
        provider_id: input.providerId,
        cohort: input.cohort,
        week_days: input.weekDays,
        note: input.note,
        updated_at: stamp,
      })
      .onConflict((oc) =>
        oc
          .columns(['provider_id', 'cohort'])
          .doUpdateSet({ week_days: input.weekDays, note: input.note, updated_at: stamp }),
      )
      .execute();
    const affected = await trainees(trx)
      .where('t.provider_id', '=', input.providerId)
      .where('t.cohort', '=', input.cohort)
      .execute();
    for (const row of affected) await refreshSummary(trx, fromRow(row), now);
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: input.providerId,
        applicationId: null,
        action: 'set-cohort-policy',
        detail: { cohort: input.cohort, weekDays: input.weekDays, note: input.note },
      },
      now,
    );
    return { ok: true };
  });
}

// ——— Importing a provider's day log (npm run import:days) ———

/** In-list sizes that every engine accepts. */
const CHUNK = 500;
const chunks = <T>(xs: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** The provider's trainees named in an import file, with their placements and the days logged on the file's dates. */
async function importTrainees(trx: Transaction<Database>, providerId: number, rows: readonly DayRow[]) {
  const emails = [...new Set(rows.flatMap((r) => (r.traineeEmail ? [r.traineeEmail] : [])))];
  const ids = [...new Set(rows.flatMap((r) => (r.traineeId !== null ? [r.traineeId] : [])))];
  const found = new Map<number, { id: number; email: string; name: string; state: string }>();
  const base = () =>
    trx
      .selectFrom('trainees as t')
      .innerJoin('users as u', 'u.id', 't.candidate_id')
      .select(['t.id', 'u.email', 't.name', 't.state'])
      .where('t.provider_id', '=', providerId);
  // A candidate's newest record, as their own pages show it.
  const newest = new Map<string, number>();
  for (const part of chunks(emails))
    for (const r of await base().where('u.email', 'in', part).orderBy('t.id').execute()) {
      const older = newest.get(r.email);
      if (older !== undefined) found.delete(older);
      newest.set(r.email, r.id);
      found.set(r.id, r);
    }
  for (const part of chunks(ids)) for (const r of await base().where('t.id', 'in', part).execute()) found.set(r.id, r);
  const traineeIds = [...found.keys()];
  // One writer per trainee while the file is checked and written (PostgreSQL; SQLite has one writer).
  if (isPostgres(trx))
    for (const part of chunks(traineeIds))
      await trx.selectFrom('trainees').select('id').where('id', 'in', part).orderBy('id').forUpdate().execute();
  const dates = rows.map((r) => r.date).sort();
  const placements: {
    id: number;
    trainee_id: number;
    school_name: string;
    start_date: string;
    end_date: string;
    time_zone: string;
  }[] = [];
  const logged: { trainee_id: number; placement_id: number; date: string; halves: number; kind: string }[] = [];
  for (const part of chunks(traineeIds)) {
    placements.push(
      ...(await trx
        .selectFrom('placements as pl')
        .innerJoin('placement_schools as s', 's.id', 'pl.school_id')
        .select(['pl.id', 'pl.trainee_id', 's.name as school_name', 'pl.start_date', 'pl.end_date', 'pl.time_zone'])
        .where('pl.trainee_id', 'in', part)
        .orderBy('pl.start_date')
        .orderBy('pl.id')
        .execute()),
    );
    if (dates.length)
      logged.push(
        ...(await trx
          .selectFrom('placement_days')
          .select(['trainee_id', 'placement_id', 'date', 'halves', 'kind'])
          .where('trainee_id', 'in', part)
          .where('date', '>=', dates[0]!)
          .where('date', '<=', dates.at(-1)!)
          .execute()),
      );
  }
  return [...found.values()].map((t): ImportTrainee => ({
    id: t.id,
    email: t.email,
    name: t.name,
    state: t.state as TraineeState,
    placements: placements
      .filter((p) => p.trainee_id === t.id)
      .map((p) => ({
        id: p.id,
        schoolName: p.school_name,
        startDate: p.start_date,
        endDate: p.end_date,
        timeZone: p.time_zone,
      })),
    logged: logged
      .filter((d) => d.trainee_id === t.id)
      .map((d) => ({ placementId: d.placement_id, date: d.date, halves: d.halves, kind: d.kind })),
  }));
}

export type ImportDaysResult =
  | { ok: true; added: number; confirmed: number; already: number; trainees: number }
  | { ok: false; problems: RowProblem[] };

/**
 * Imports a provider's parsed day file in one transaction: the rows are checked
 * against the service inside it (the trainees locked), then, only if no row of the file
 * is refused, written through `writeDays`,
 * the trainee's own path, with its audit row (source 'import'). Rows marked confirmed
 * are confirmed in the same transaction, audited as such, and the trainee's summary
 * recomputed. Any refusal rolls everything back.
 */
export async function importDays(
  db: Kysely<Database>,
  providerId: number,
  file: { rows: readonly DayRow[]; problems: readonly RowProblem[] },
  now = new Date(),
): Promise<ImportDaysResult> {
  return db
    .transaction()
    .execute(async (trx): Promise<ImportDaysResult> => {
      // The rows refused for their own fields are reported with the rest, and stop the import too.
      const { rows, problems } = file;
      const checked = checkDays(rows, await importTrainees(trx, providerId, rows), now, problems);
      if (checked.problems.length) return { ok: false, problems: checked.problems };
      const groups = new Map<string, CheckedDay[]>();
      for (const day of checked.add) {
        const key = `${day.traineeId}|${day.placementId}`;
        groups.set(key, [...(groups.get(key) ?? []), day]);
      }
      let confirmed = 0;
      const touched = new Set<number>();
      for (const days of groups.values()) {
        const { traineeId, placementId } = days[0]!;
        const row = await trainees(trx).where('t.id', '=', traineeId).executeTakeFirstOrThrow();
        const trainee = fromRow(row);
        const written = await writeDays(
          trx,
          trainee,
          { placementId, entries: days.map((d) => d.entry), source: 'import', actorUserId: null },
          now,
        );
        if (!written.ok) throw new Refused({ ok: false, message: `line ${days[0]!.line}: ${written.message}` });
        touched.add(traineeId);
        const toConfirm = days.filter((d) => d.status === 'confirmed').map((d) => d.entry.date);
        if (toConfirm.length === 0) continue;
        for (const part of chunks(toConfirm))
          await trx
            .updateTable('placement_days')
            .set({ status: 'confirmed', updated_at: now.toISOString() })
            .where('placement_id', '=', placementId)
            .where('trainee_id', '=', traineeId)
            .where('date', 'in', part)
            .where('source', '=', 'import')
            .execute();
        confirmed += toConfirm.length;
        await refreshSummary(trx, trainee, now);
        await recordAudit(
          trx,
          {
            actorUserId: null,
            providerId: trainee.providerId,
            applicationId: null,
            traineeId,
            action: 'import-confirmed-days',
            detail: { placementId, dates: toConfirm, note: 'confirmed in the provider’s own records' },
          },
          now,
        );
      }
      return {
        ok: true,
        added: checked.add.length,
        confirmed,
        already: checked.already.length,
        trainees: touched.size,
      };
    })
    .catch((error: unknown): ImportDaysResult => {
      if (error instanceof Refused) return { ok: false, problems: [{ line: 1, reasons: [error.message] }] };
      if (isUniqueViolation(error))
        return {
          ok: false,
          problems: [{ line: 1, reasons: ['Some of these days were logged at the same time: run the import again'] }],
        };
      throw error;
    });
}
