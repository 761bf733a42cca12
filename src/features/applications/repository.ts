import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ApplicationTable, Database } from '../../db/schema.ts';
import { enqueueEmails } from '../../notifications/outbox.ts';
import type { TemplateName } from '../../notifications/templates.ts';
import type { Answers } from './sections.ts';
import { transition, type Actor, type ApplicationEvent, type ApplicationState } from './state-machine.ts';

/**
 * Applications in the database. Every state change is one transaction with its audit row
 * and its emails. A provider user's reads and writes are scoped to their providers here,
 * in the data layer: another provider's application is simply not found.
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
export async function candidateApplications(db: Kysely<Database>, candidateId: number): Promise<Application[]> {
  const rows = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', candidateId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(fromRow);
}

export async function candidateApplication(
  db: Kysely<Database>,
  candidateId: number,
  reference: string,
): Promise<Application | undefined> {
  const row = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', candidateId)
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The draft being written, created (with what the candidate already told us) when there is none. */
export async function draftFor(
  db: Kysely<Database>,
  candidateId: number,
  prefill: Answers = {},
  now = new Date(),
): Promise<Application> {
  const existing = await db
    .selectFrom('applications')
    .selectAll()
    .where('candidate_id', '=', candidateId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (existing) return fromRow(existing);
  // A new application starts from the last one's answers, so nothing is typed twice.
  const last = await db
    .selectFrom('applications')
    .select('answers')
    .where('candidate_id', '=', candidateId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const answers = last ? (JSON.parse(last.answers) as Answers) : prefill;
  const stamp = now.toISOString();
  const row = await db
    .insertInto('applications')
    .values({
      reference: newReference(),
      candidate_id: candidateId,
      provider_id: null,
      status: 'draft',
      answers: JSON.stringify(answers),
      created_at: stamp,
      updated_at: stamp,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return fromRow(row);
}

export async function saveSection(
  db: Kysely<Database>,
  candidateId: number,
  applicationId: number,
  sectionId: string,
  values: Record<string, string>,
  now = new Date(),
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('applications')
      .select('answers')
      .where('id', '=', applicationId)
      .where('candidate_id', '=', candidateId)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (!row) return false;
    const answers = JSON.parse(row.answers) as Answers;
    answers[sectionId] = values;
    await trx
      .updateTable('applications')
      .set({ answers: JSON.stringify(answers), updated_at: now.toISOString() })
      .where('id', '=', applicationId)
      .where('status', '=', 'draft')
      .execute();
    return true;
  });
}

export async function chooseProvider(
  db: Kysely<Database>,
  candidateId: number,
  applicationId: number,
  providerId: number,
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('applications')
    .set({ provider_id: providerId, updated_at: now.toISOString() })
    .where('id', '=', applicationId)
    .where('candidate_id', '=', candidateId)
    .where('status', '=', 'draft')
    .execute();
}

export async function audit(
  trx: Transaction<Database> | Kysely<Database>,
  row: {
    actorUserId: number | null;
    providerId: number | null;
    applicationId: number | null;
    action: string;
    from?: string | null;
    to?: string | null;
    detail?: unknown;
  },
  now = new Date(),
): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      actor_user_id: row.actorUserId,
      provider_id: row.providerId,
      application_id: row.applicationId,
      action: row.action,
      from_state: row.from ?? null,
      to_state: row.to ?? null,
      detail: row.detail === undefined ? null : JSON.stringify(row.detail),
      created_at: now.toISOString(),
    })
    .execute();
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

export interface ChangeRequest {
  applicationId: number;
  event: ApplicationEvent;
  actor: Actor;
  actorUserId: number;
  /** For a provider user: the providers they may act for. The application must belong to one. */
  providerIds?: number[];
  /** For a candidate: the application must be theirs. */
  candidateId?: number;
  set?: Partial<
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
  detail?: unknown;
  serviceUrl: string;
  /** Extra personalisation for the emails (conditions, reasons…). */
  personalisation?: Record<string, string>;
}

/**
 * One step of the state machine, applied exactly once: the update only matches while the
 * application is still in the state the step starts from, so a double click or a retried
 * POST changes nothing the second time.
 */
export async function changeState(db: Kysely<Database>, req: ChangeRequest, now = new Date()): Promise<ChangeResult> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('applications').selectAll().where('id', '=', req.applicationId);
    if (req.candidateId !== undefined) q = q.where('candidate_id', '=', req.candidateId);
    if (req.providerIds !== undefined)
      q = q.where('provider_id', 'in', req.providerIds.length ? req.providerIds : [-1]);
    const row = await q.executeTakeFirst();
    if (!row) return { ok: false, message: 'Application not found' };
    const step = transition(row.status as ApplicationState, req.event, req.actor);
    if (!step.ok) return step;
    const stamp = now.toISOString();
    const updated = await trx
      .updateTable('applications')
      .set({ ...req.set, status: step.to, updated_at: stamp })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      return {
        ok: false,
        message: 'The application changed while you were working on it. Check its status and try again',
      };
    await audit(
      trx,
      {
        actorUserId: req.actorUserId,
        providerId: row.provider_id ?? req.set?.provider_id ?? null,
        applicationId: row.id,
        action: req.event,
        from: row.status,
        to: step.to,
        detail: req.detail,
      },
      now,
    );
    const after = { ...row, ...req.set, status: step.to, updated_at: stamp };
    const who = await people(trx, after);
    const base = {
      candidateName: who.candidateName,
      providerName: who.providerName,
      reference: after.reference,
      serviceUrl: req.serviceUrl,
      ...req.personalisation,
    };
    const { candidate, provider } = step.transition.notify;
    await enqueueEmails(
      trx,
      [
        ...(candidate ? [{ to: who.candidateEmail, template: candidate as TemplateName, personalisation: base }] : []),
        ...(provider
          ? who.providerEmails.map((to) => ({ to, template: provider as TemplateName, personalisation: base }))
          : []),
      ],
      now,
    );
    return { ok: true, application: fromRow(after) };
  });
}

/** The audit trail of one application, for the provider users of its provider only. */
export async function applicationHistory(db: Kysely<Database>, applicationId: number) {
  return db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.id', 'a.action', 'a.from_state', 'a.to_state', 'a.detail', 'a.created_at', 'u.email', 'u.role'])
    .where('a.application_id', '=', applicationId)
    .orderBy('a.id')
    .execute();
}
