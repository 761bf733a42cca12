import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import { isPostgres } from '../../db/migrations/helpers.ts';
import type { ApplicationTable, Database } from '../../db/schema.ts';
import { enqueueEmails } from '../../notifications/outbox.ts';
import { scopeProviderIds, type CandidateScope, type ProviderScope } from '../../shared/scope.ts';
import { addPartnerSchool, schoolSummary } from '../placement-schools/repository.ts';
import type { SchoolRow } from '../placement-schools/import.ts';
import type { Answers } from './sections.ts';
import { closeInterviewsOf } from '../interviews/close.ts';
import { STATES, transition, type ApplicationEvent, type ApplicationState } from './state-machine.ts';

/**
 * Applications in the database: the only module that reads or writes `applications`.
 * Every function takes a required scope: a candidate reaches only their own applications,
 * a provider user only those sent to the providers where they hold the route's permission,
 * so another provider's application is simply not found. Every state change is one
 * transaction with its audit row and its emails.
 */
export interface Application {
  id: number;
  reference: string;
  candidateId: number;
  providerId: number | null;
  status: ApplicationState;
  answers: Answers;
  candidateName: string | null;
  country: string | null;
  phase: string | null;
  offerConditions: { text: string; met: boolean }[] | null;
  rejection: { reasons: string[]; feedback: string } | null;
  withdrawalReason: string | null;
  placementSchoolId: number | null;
  submittedAt: string | null;
  updatedAt: string;
  createdAt: string;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function fromRow(r: Selectable<ApplicationTable>): Application {
  return {
    id: r.id,
    reference: r.reference,
    candidateId: r.candidate_id,
    providerId: r.provider_id,
    status: r.status as ApplicationState,
    answers: JSON.parse(r.answers) as Answers,
    candidateName: r.candidate_name,
    country: r.country,
    phase: r.phase,
    offerConditions: json(r.offer_conditions),
    rejection: json(r.rejection),
    withdrawalReason: r.withdrawal_reason,
    placementSchoolId: r.placement_school_id,
    submittedAt: r.submitted_at,
    updatedAt: r.updated_at,
    createdAt: r.created_at,
  };
}

const newReference = () =>
  `IQTS-${randomBytes(4).readUInt32BE(0).toString(36).toUpperCase().padStart(7, '0').slice(-7)}`;

/** The candidate's applications, newest first. */
export async function candidateApplications(db: Kysely<Database>, scope: CandidateScope): Promise<Application[]> {
  const rows = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', scope.candidateId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(fromRow);
}

export async function candidateApplication(
  db: Kysely<Database>,
  scope: CandidateScope,
  reference: string,
): Promise<Application | undefined> {
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', scope.candidateId)
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/**
 * The draft being written, created (with what the candidate already told us) when there
 * is none. One draft per candidate is a unique index: concurrent first visits insert
 * once, and every visit then reads that one draft.
 */
export async function draftFor(
  db: Kysely<Database>,
  scope: CandidateScope,
  prefill: Answers = {},
  now = new Date(),
): Promise<Application> {
  const existing = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', scope.candidateId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (existing) return fromRow(existing);
  // A new application starts from the last one's answers, so nothing is typed twice.
  const last = await db
    .selectFrom('applications')
    .select('answers')
    .where('candidate_id', '=', scope.candidateId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const answers = last ? (JSON.parse(last.answers) as Answers) : prefill;
  const stamp = now.toISOString();
  await db
    .insertInto('applications')
    .values({
      reference: newReference(),
      candidate_id: scope.candidateId,
      provider_id: null,
      status: 'draft',
      answers: JSON.stringify(answers),
      created_at: stamp,
      updated_at: stamp,
    })
    .onConflict((oc) => oc.column('candidate_id').where('status', '=', sql.lit('draft')).doNothing())
    .execute();
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', scope.candidateId)
    .where('status', '=', 'draft')
    .executeTakeFirstOrThrow();
  return fromRow(row);
}

/**
 * Saves one section of a draft in one statement that sets only that section, so
 * concurrent saves of different sections all stay, and the last save of a section wins.
 */
export async function saveSection(
  db: Kysely<Database>,
  scope: CandidateScope,
  applicationId: number,
  sectionId: string,
  values: Record<string, string>,
  now = new Date(),
): Promise<boolean> {
  const json = JSON.stringify(values);
  const answers = isPostgres(db)
    ? sql<string>`(jsonb_set(answers::jsonb, array[${sectionId}]::text[], ${json}::jsonb))::text`
    : sql<string>`json_set(answers, ${'$."' + sectionId.replace(/"/g, '') + '"'}, json(${json}))`;
  const result = await db
    .updateTable('applications')
    .set({ answers, updated_at: now.toISOString() })
    .where('id', '=', applicationId)
    .where('candidate_id', '=', scope.candidateId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Fills a section the candidate has not answered, in one conditional update: if they save it
 * meanwhile, their answers stay and nothing is written.
 */
export async function fillEmptySection(
  db: Kysely<Database>,
  scope: CandidateScope,
  applicationId: number,
  sectionId: string,
  values: Record<string, string>,
  now = new Date(),
): Promise<boolean> {
  const json = JSON.stringify(values);
  const path = '$."' + sectionId.replace(/"/g, '') + '"';
  const answers = isPostgres(db)
    ? sql<string>`(jsonb_set(answers::jsonb, array[${sectionId}]::text[], ${json}::jsonb))::text`
    : sql<string>`json_set(answers, ${path}, json(${json}))`;
  const absent = isPostgres(db)
    ? sql<boolean>`(answers::jsonb -> ${sectionId}) is null`
    : sql<boolean>`json_extract(answers, ${path}) is null`;
  const result = await db
    .updateTable('applications')
    .set({ answers, updated_at: now.toISOString() })
    .where('id', '=', applicationId)
    .where('candidate_id', '=', scope.candidateId)
    .where('status', '=', 'draft')
    .where(absent)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function chooseProvider(
  db: Kysely<Database>,
  scope: CandidateScope,
  applicationId: number,
  providerId: number,
  now = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('applications')
    .set({ provider_id: providerId, updated_at: now.toISOString() })
    .where('id', '=', applicationId)
    .where('candidate_id', '=', scope.candidateId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

interface People {
  candidateEmail: string;
  candidateName: string;
  providerName: string;
  providerEmails: string[];
}

async function people(
  trx: Transaction<Database>,
  app: Pick<Selectable<ApplicationTable>, 'candidate_id' | 'provider_id' | 'candidate_name'>,
): Promise<People> {
  // One query for the candidate and the provider, one for the provider's decision makers.
  const [who, staff] = await Promise.all([
    trx
      .selectFrom('users as u')
      .leftJoin('providers as p', (join) => join.on('p.id', '=', app.provider_id ?? -1))
      .select(['u.email', 'p.name', 'p.contact_email'])
      .where('u.id', '=', app.candidate_id)
      .executeTakeFirstOrThrow(),
    app.provider_id
      ? trx
          .selectFrom('provider_memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select('u.email')
          .where('m.provider_id', '=', app.provider_id)
          .where('m.can_make_decisions', '=', 1)
          .execute()
      : Promise.resolve([]),
  ]);
  const emails = [...new Set([...staff.map((s) => s.email), ...(who.contact_email ? [who.contact_email] : [])])];
  return {
    candidateEmail: who.email,
    candidateName: app.candidate_name ?? 'Candidate',
    providerName: who.name ?? 'the provider',
    providerEmails: emails,
  };
}

export type ChangeResult = { ok: true; application: Application } | { ok: false; message: string };

type Settable = Partial<
  Pick<
    ApplicationTable,
    | 'offer_conditions'
    | 'rejection'
    | 'withdrawal_reason'
    | 'placement_school_id'
    | 'provider_id'
    | 'submitted_at'
    | 'candidate_name'
    | 'country'
    | 'phase'
  >
>;

export interface ChangeRequest {
  applicationId: number;
  event: ApplicationEvent;
  set?: Settable;
  detail?: unknown;
  serviceUrl: string;
  /** Extra personalisation for the emails (conditions, reasons…). */
  personalisation?: Record<string, string>;
  /** Work in the same transaction before the change, returning more to set and to say. */
  within?: (
    trx: Transaction<Database>,
    row: Selectable<ApplicationTable>,
  ) => Promise<{ set: Settable; personalisation?: Record<string, string>; detail?: unknown }>;
}

/**
 * One step of the state machine, applied exactly once: the update only matches while the
 * application is still in the state the step starts from, so a double click or a retried
 * POST changes nothing the second time. The scope decides who acts and what they reach.
 */
export async function changeState(
  db: Kysely<Database>,
  scope: CandidateScope | ProviderScope,
  req: ChangeRequest,
  now = new Date(),
): Promise<ChangeResult> {
  return db
    .transaction()
    .execute(async (trx): Promise<ChangeResult> => {
      let q = trx.selectFrom('applications').selectAll().where('id', '=', req.applicationId);
      q =
        scope.kind === 'candidate'
          ? q.where('candidate_id', '=', scope.candidateId)
          : q.where('provider_id', 'in', scopeProviderIds(scope));
      const row = await q.executeTakeFirst();
      if (!row) return { ok: false, message: 'Application not found' };
      const step = transition(row.status as ApplicationState, req.event, scope.kind);
      if (!step.ok) return step;
      const stamp = now.toISOString();
      const extra = req.within ? await req.within(trx, row) : undefined;
      const set = { ...req.set, ...extra?.set };
      const updated = await trx
        .updateTable('applications')
        .set({ ...set, status: step.to, updated_at: stamp })
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        // Undo anything `within` wrote: the change did not happen.
        throw new StaleChange();
      }
      await recordAudit(
        trx,
        {
          actorUserId: scope.userId,
          providerId: row.provider_id ?? set.provider_id ?? null,
          applicationId: row.id,
          action: req.event,
          from: row.status,
          to: step.to,
          detail: extra?.detail ?? req.detail,
        },
        now,
      );
      // The decision ends the interview stage: interviews not yet held are cancelled with it.
      if (row.status === 'interviewing' && step.to !== 'interviewing') {
        await closeInterviewsOf(
          trx,
          {
            applicationId: row.id,
            providerId: row.provider_id,
            actorUserId: scope.userId,
            side: scope.kind,
            state: STATES[step.to].toLowerCase(),
          },
          now,
        );
      }
      const after = { ...row, ...set, status: step.to, updated_at: stamp };
      const who = await people(trx, after);
      const base = {
        candidateName: who.candidateName,
        providerName: who.providerName,
        reference: after.reference,
        serviceUrl: req.serviceUrl,
        ...req.personalisation,
        ...extra?.personalisation,
      };
      const { candidate, provider } = step.transition.notify;
      await enqueueEmails(
        trx,
        [
          ...(candidate ? [{ to: who.candidateEmail, template: candidate, personalisation: base }] : []),
          ...(provider ? who.providerEmails.map((to) => ({ to, template: provider, personalisation: base })) : []),
        ],
        now,
      );
      return { ok: true, application: fromRow(after) };
    })
    .catch((error: unknown) => {
      if (error instanceof StaleChange) {
        return {
          ok: false,
          message: 'The application changed while you were working on it. Check its status and try again',
        };
      }
      throw error;
    });
}

class StaleChange extends Error {}

/**
 * Proposes a placement school: one of the provider's active partner schools, or the school
 * the candidate arranged or works in, recorded as a new unverified partner school. Either
 * way it is one step of the state machine: guarded, audited and emailed.
 */
export async function proposePlacementSchool(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: {
    application: Application;
    school: { schoolId: number } | { record: Omit<SchoolRow, 'line'> };
    serviceUrl: string;
  },
  now = new Date(),
): Promise<ChangeResult> {
  return changeState(
    db,
    scope,
    {
      applicationId: input.application.id,
      event: 'propose-placement-school',
      serviceUrl: input.serviceUrl,
      within: async (trx, row) => {
        let schoolId: number;
        if ('record' in input.school) {
          schoolId = await addPartnerSchool(trx, row.provider_id!, input.school.record, false, now);
          await recordAudit(
            trx,
            {
              actorUserId: scope.userId,
              providerId: row.provider_id,
              applicationId: row.id,
              action: 'record-placement-school',
              detail: { schoolId },
            },
            now,
          );
        } else schoolId = input.school.schoolId;
        const schoolName = (await schoolSummary(trx, schoolId))?.name ?? '';
        return {
          set: { placement_school_id: schoolId },
          personalisation: { schoolName },
          detail: { schoolId, schoolName },
        };
      },
    },
    now,
  );
}

export interface ListFilters {
  status?: ApplicationState;
  country?: string;
  phase?: 'primary' | 'secondary';
  q?: string;
  sort: 'newest' | 'oldest';
  page: number;
}

/** Submitted applications of the scope's providers. */
function submitted(db: Kysely<Database>, scope: ProviderScope) {
  return db
    .selectFrom('applications')
    .where('provider_id', 'in', scopeProviderIds(scope))
    .where('status', '!=', 'draft');
}

export async function listApplications(
  db: Kysely<Database>,
  scope: ProviderScope,
  f: ListFilters,
  limit: number | null,
) {
  let q = submitted(db, scope);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.country) q = q.where('country', '=', f.country);
  if (f.phase) q = q.where('phase', '=', f.phase);
  if (f.q) {
    const term = f.q;
    q = q.where((eb) =>
      eb.or([
        eb('candidate_name', 'like', `%${term.replace(/[%_\\]/g, '')}%`),
        eb('reference', '=', term.toUpperCase()),
      ]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let rows = q
    .selectAll()
    .orderBy('submitted_at', f.sort === 'newest' ? 'desc' : 'asc')
    .orderBy('id', 'desc');
  if (limit !== null) rows = rows.limit(limit).offset((f.page - 1) * limit);
  return { total, applications: (await rows.execute()).map(fromRow) };
}

export async function providerApplication(
  db: Kysely<Database>,
  scope: ProviderScope,
  reference: string,
): Promise<Application | undefined> {
  const row = await submitted(db, scope).selectAll().where('reference', '=', reference).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}
