import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import { lockProvider } from '../../db/locks.ts';
import { isPostgres } from '../../db/migrations/helpers.ts';
import { PREPARED } from '../../db/prepared.ts';
import type { ApplicationTable, Database } from '../../db/schema.ts';
import { enqueueEmails } from '../../notifications/outbox.ts';
import { scopeProviderIds, type CandidateScope, type ProviderScope } from '../../shared/scope.ts';
import { addPartnerSchool, schoolSummary } from '../placement-schools/repository.ts';
import { placesTaken } from '../providers/approval-repository.ts';
import { notTakingApplications } from '../providers/approval.ts';
import { cohortCapProblem, offerCohort } from '../providers/cohort-cap.ts';
import type { SchoolRow } from '../placement-schools/import.ts';
import type { Answers } from './sections.ts';
import { syncDeadlines } from '../deadlines/repository.ts';
import { closeInterviewsOf } from '../interviews/close.ts';
import { STATES, transition, type ApplicationEvent, type ApplicationState, type Transition } from './state-machine.ts';

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

export interface People {
  candidateEmail: string;
  candidateName: string;
  providerName: string;
  providerEmails: string[];
}

export async function people(
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

/** The emails of the provider's users who make decisions, one a line: a correlated subquery of `applications as a`. */
function deciderEmails(trx: Transaction<Database>) {
  const emails = isPostgres(trx) ? sql`string_agg(u.email, E'\n')` : sql`group_concat(u.email, char(10))`;
  return sql<string | null>`(select ${emails} from provider_memberships m inner join users u on u.id = m.user_id
    where m.provider_id = a.provider_id and m.can_make_decisions = 1)`;
}

function peopleFrom(
  app: Pick<Selectable<ApplicationTable>, 'candidate_name'>,
  candidateEmail: string,
  providerName: string | null,
  contactEmail: string | null,
  deciders: string | null,
): People {
  const staff = deciders ? deciders.split('\n') : [];
  return {
    candidateEmail,
    candidateName: app.candidate_name ?? 'Candidate',
    providerName: providerName ?? 'the provider',
    providerEmails: [...new Set([...staff, ...(contactEmail ? [contactEmail] : [])])],
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
    | 'offer_cohort'
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
      // The application and everyone its emails go to, in one query: the hot path of every decision.
      let q = trx
        .selectFrom('applications as a')
        .innerJoin('users as cu', 'cu.id', 'a.candidate_id')
        .leftJoin('providers as p', 'p.id', 'a.provider_id')
        .selectAll('a')
        .select([
          'cu.email as candidate_email',
          'cu.time_zone as candidate_time_zone',
          'p.name as provider_name',
          'p.contact_email as provider_contact_email',
          'p.status as provider_status',
          deciderEmails(trx).as('decider_emails'),
        ])
        .where('a.id', '=', req.applicationId);
      q =
        scope.kind === 'candidate'
          ? q.where('a.candidate_id', '=', scope.candidateId)
          : q.where('a.provider_id', 'in', scopeProviderIds(scope));
      const found = await q.modifyEnd(PREPARED).executeTakeFirst();
      if (!found) return { ok: false, message: 'Application not found' };
      const {
        candidate_email,
        candidate_time_zone,
        provider_name,
        provider_contact_email,
        provider_status,
        decider_emails,
        ...row
      } = found;
      const step = transition(row.status as ApplicationState, req.event, scope.kind);
      if (!step.ok) return step;
      const providerId = req.set?.provider_id ?? row.provider_id;
      const guarded = await providerGuard(trx, req.event, providerId, now, {
        status: providerId === row.provider_id ? provider_status : undefined,
      });
      const extra = req.within ? await req.within(trx, row) : undefined;
      const set = { ...req.set, ...guarded };
      // Choosing a provider changes who is told: the step looks them up again then.
      const known =
        (set.provider_id ?? extra?.set.provider_id ?? row.provider_id) === row.provider_id
          ? (after: Selectable<ApplicationTable>) =>
              peopleFrom(after, candidate_email, provider_name, provider_contact_email, decider_emails)
          : undefined;
      const after = await applyStep(
        trx,
        row,
        step.to,
        step.transition,
        scope.userId,
        scope.kind,
        { ...req, set },
        extra,
        now,
        known,
        { time_zone: candidate_time_zone },
      );
      return { ok: true, application: fromRow(after) };
    })
    .catch((error: unknown) => {
      if (error instanceof ProviderRefusal) return { ok: false, message: error.message };
      if (error instanceof StaleChange) {
        return {
          ok: false,
          message: 'The application changed while you were working on it. Check its status and try again',
        };
      }
      throw error;
    });
}

export class StaleChange extends Error {}

/**
 * Writes one allowed step: the conditional update, the audit row, the deadlines it opens or
 * closes, and its emails, all in the caller's transaction. Throws StaleChange when the
 * application changed since it was read, so the whole transaction is undone.
 */
async function applyStep(
  trx: Transaction<Database>,
  row: Selectable<ApplicationTable>,
  to: ApplicationState,
  t: Transition,
  actorUserId: number | null,
  side: 'candidate' | 'provider' | 'system',
  req: Omit<ChangeRequest, 'applicationId' | 'within'>,
  extra: { set: Settable; personalisation?: Record<string, string>; detail?: unknown } | undefined,
  now: Date,
  /** Who the emails go to, when the caller already read them with the application. */
  known?: (after: Selectable<ApplicationTable>) => People,
  /** The candidate's time zone setting, when the caller already read it. */
  candidateSetting?: { time_zone: string | null },
): Promise<Selectable<ApplicationTable>> {
  const stamp = now.toISOString();
  const set = { ...req.set, ...extra?.set };
  const updated = await trx
    .updateTable('applications')
    .set({ ...set, ...firstDecision(row, req.event, now), status: to, updated_at: stamp })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .where('updated_at', '=', row.updated_at)
    .modifyEnd(PREPARED)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    // Undo anything `within` wrote: the change did not happen.
    throw new StaleChange();
  }
  await recordAudit(
    trx,
    {
      actorUserId,
      providerId: row.provider_id ?? set.provider_id ?? null,
      applicationId: row.id,
      action: req.event,
      from: row.status,
      to,
      detail: extra?.detail ?? req.detail,
    },
    now,
  );
  // The decision ends the interview stage: interviews not yet held are cancelled with it.
  if (row.status === 'interviewing' && to !== 'interviewing') {
    await closeInterviewsOf(
      trx,
      { applicationId: row.id, providerId: row.provider_id, actorUserId, side, state: STATES[to].toLowerCase() },
      now,
    );
  }
  const after = { ...row, ...set, status: to, updated_at: stamp };
  // Deadlines the step closes or opens; what it opens is said in its emails.
  const { forCandidate, ...deadlineWords } = await syncDeadlines(
    trx,
    after,
    row.status as ApplicationState,
    req.event,
    now,
    candidateSetting,
  );
  const who = known ? known(after) : await people(trx, after);
  const base = {
    candidateName: who.candidateName,
    providerName: who.providerName,
    reference: after.reference,
    serviceUrl: req.serviceUrl,
    ...deadlineWords,
    ...req.personalisation,
    ...extra?.personalisation,
  };
  const { candidate, provider } = t.notify;
  await enqueueEmails(
    trx,
    [
      // The candidate reads a deadline in their own zone; provider staff in England's.
      ...(candidate
        ? [{ to: who.candidateEmail, template: candidate, personalisation: { ...base, ...forCandidate } }]
        : []),
      ...(provider ? who.providerEmails.map((to) => ({ to, template: provider, personalisation: base })) : []),
    ],
    now,
  );
  return after;
}

/**
 * A step the service takes itself (a deadline passed: "by default"), inside the caller's
 * transaction: no person acts, the audit row says so, and both sides are emailed. Nothing
 * happens (false) when the application has already moved on.
 */
export async function changeStateByDefault(
  trx: Transaction<Database>,
  req: {
    applicationId: number;
    event: 'reject-by-default' | 'decline-by-default';
    serviceUrl: string;
    personalisation: Record<string, string>;
    detail: Record<string, unknown>;
  },
  now = new Date(),
): Promise<boolean> {
  const row = await trx.selectFrom('applications').selectAll().where('id', '=', req.applicationId).executeTakeFirst();
  if (!row) return false;
  const step = transition(row.status as ApplicationState, req.event, 'system');
  if (!step.ok) return false;
  await applyStep(
    trx,
    row,
    step.to,
    step.transition,
    null,
    'system',
    {
      event: req.event,
      serviceUrl: req.serviceUrl,
      personalisation: req.personalisation,
      detail: { byDefault: true, ...req.detail },
    },
    undefined,
    now,
  );
  return true;
}

/** The provider cannot take this step now (not approved, or its cohort is full). */
class ProviderRefusal extends Error {}

/**
 * Only an approved provider receives applications and makes offers, and an offer must fit
 * within the provider's cohort cap. Checked inside the change's transaction. For an offer
 * the provider's row is locked (PostgreSQL; SQLite's transactions already take the write
 * lock), so a suspension and an offer, or two offers for the last place, happen one after
 * the other: the second sees the first. A submit needs no lock: a suspension reads no
 * applications, so a submit that read "approved" just before a suspension committed is
 * one that came first, and a suspended provider keeps its applications: it can still
 * interview, reject, and see through offers already made. `known.status` is the
 * provider's status when the caller read it with the application in this transaction.
 */
async function providerGuard(
  trx: Transaction<Database>,
  event: ApplicationEvent,
  providerId: number | null,
  now: Date,
  known: { status?: string | null } = {},
): Promise<Settable> {
  if ((event !== 'submit' && event !== 'make-offer') || providerId === null) return {};
  if (event === 'submit') {
    const p =
      known.status != null
        ? { status: known.status }
        : await trx.selectFrom('providers').select('status').where('id', '=', providerId).executeTakeFirst();
    const problem = p ? notTakingApplications(p.status) : 'Choose a training provider';
    if (problem) throw new ProviderRefusal(problem);
    return {};
  }
  await lockProvider(trx, providerId);
  const p = await trx
    .selectFrom('providers')
    .select(['status', 'cohort_cap'])
    .where('id', '=', providerId)
    .executeTakeFirstOrThrow();
  if (p.status === 'suspended')
    throw new ProviderRefusal(
      'Your approval to offer iQTS is suspended, so you cannot make new offers. You can still invite candidates to interview or reject applications',
    );
  if (p.status !== 'approved')
    throw new ProviderRefusal('You are not approved to offer iQTS, so you cannot make new offers');
  const cohort = offerCohort(now.toISOString().slice(0, 10));
  const problem = cohortCapProblem(await placesTaken(trx, providerId, cohort), p.cohort_cap, cohort);
  if (problem) throw new ProviderRefusal(problem);
  return { offer_cohort: cohort };
}

/** A provider's first decision (an offer or a rejection), with whole days since submission: for national figures. */
function firstDecision(
  row: Selectable<ApplicationTable>,
  event: ApplicationEvent,
  now: Date,
): { decided_at?: string; decision_days?: number } {
  if ((event !== 'make-offer' && event !== 'reject') || row.decided_at !== null || row.submitted_at === null) return {};
  const days = Math.floor((now.getTime() - new Date(row.submitted_at).getTime()) / 86_400_000);
  return { decided_at: now.toISOString(), decision_days: Math.max(0, days) };
}

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
  /** deadline: the open deadline due soonest first; those with none last. */
  sort: 'newest' | 'oldest' | 'deadline';
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
  let rows =
    f.sort === 'deadline'
      ? q
          .selectAll()
          .orderBy(
            sql`coalesce((select min(d.due_at) from deadlines d where d.application_id = applications.id and d.closed_at is null), '9999')`,
          )
          .orderBy('submitted_at', 'asc')
          .orderBy('id', 'desc')
      : q
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
