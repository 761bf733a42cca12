import type { Kysely, Transaction } from 'kysely';
import { PREPARED } from '../db/prepared.ts';
import type { Database } from '../db/schema.ts';
import { scopeProviderIds, type AdminScope, type ProviderScope } from '../shared/scope.ts';

/**
 * The audit trail: one append-only row for every change a person makes, written in the
 * same transaction as the change. Nothing here updates or deletes a row.
 */
export interface AuditEntry {
  actorUserId: number | null;
  providerId: number | null;
  applicationId: number | null;
  traineeId?: number | null;
  action: string;
  from?: string | null;
  to?: string | null;
  detail?: unknown;
}

export async function recordAudit(
  trx: Transaction<Database> | Kysely<Database>,
  entry: AuditEntry,
  now = new Date(),
): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      actor_user_id: entry.actorUserId,
      provider_id: entry.providerId,
      application_id: entry.applicationId,
      trainee_id: entry.traineeId ?? null,
      action: entry.action,
      from_state: entry.from ?? null,
      to_state: entry.to ?? null,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
      created_at: now.toISOString(),
    })
    .modifyEnd(PREPARED)
    .execute();
}

/** One application's trail, for the users of the provider it was sent to. */
export async function applicationHistory(db: Kysely<Database>, scope: ProviderScope, applicationId: number) {
  return db
    .selectFrom('audit_events as a')
    .innerJoin('applications as app', 'app.id', 'a.application_id')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.id', 'a.action', 'a.from_state', 'a.to_state', 'a.detail', 'a.created_at', 'u.email', 'u.role'])
    .where('a.application_id', '=', applicationId)
    .where('app.provider_id', 'in', scopeProviderIds(scope))
    .orderBy('a.id')
    .execute();
}

/** One trainee's trail, for the users of their provider. */
export async function traineeHistory(db: Kysely<Database>, scope: ProviderScope, traineeId: number) {
  return db
    .selectFrom('audit_events as a')
    .innerJoin('trainees as t', 't.id', 'a.trainee_id')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.id', 'a.action', 'a.from_state', 'a.to_state', 'a.detail', 'a.created_at', 'u.email', 'u.role'])
    .where('a.trainee_id', '=', traineeId)
    .where('t.provider_id', 'in', scopeProviderIds(scope))
    .orderBy('a.id')
    .execute();
}

// ——— The DfE's audit log: read only ———

export interface AuditFilters {
  providerId?: number;
  /** The person who made the change: their user id or email address. */
  actor?: number | string;
  /** An application's reference: its rows and its trainee's. */
  reference?: string;
  traineeId?: number;
  /** A teacher reference number: the rows of the trainee it was awarded to. */
  trn?: string;
  action?: string;
  /** Plain UTC dates, both included. */
  from?: string;
  to?: string;
}

export interface AuditLogRow {
  id: number;
  createdAt: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  detail: string | null;
  actorUserId: number | null;
  actorEmail: string | null;
  providerId: number | null;
  providerName: string | null;
  applicationId: number | null;
  reference: string | null;
  traineeId: number | null;
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();

function filtered(db: Kysely<Database>, f: AuditFilters) {
  let q = db.selectFrom('audit_events as a');
  if (f.providerId !== undefined) q = q.where('a.provider_id', '=', f.providerId);
  if (typeof f.actor === 'number') q = q.where('a.actor_user_id', '=', f.actor);
  if (typeof f.actor === 'string') {
    const email = f.actor;
    q = q.where('a.actor_user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('email', '=', email));
  }
  if (f.reference !== undefined) {
    const reference = f.reference;
    const application = db.selectFrom('applications').select('id').where('reference', '=', reference);
    q = q.where((eb) =>
      eb.or([
        eb('a.application_id', 'in', application),
        eb('a.trainee_id', 'in', eb.selectFrom('trainees').select('id').where('application_id', 'in', application)),
      ]),
    );
  }
  if (f.traineeId !== undefined) q = q.where('a.trainee_id', '=', f.traineeId);
  if (f.trn !== undefined) {
    const trn = f.trn;
    q = q.where('a.trainee_id', 'in', (eb) => eb.selectFrom('awards').select('trainee_id').where('trn', '=', trn));
  }
  if (f.action !== undefined) q = q.where('a.action', '=', f.action);
  if (f.from !== undefined) q = q.where('a.created_at', '>=', `${f.from}T00:00:00.000Z`);
  if (f.to !== undefined) q = q.where('a.created_at', '<', nextDay(f.to));
  return q;
}

/**
 * The audit rows matching the filters, newest first: one page (or every row, for the CSV
 * file, when `page` is null) and the total. Rows keep the ids of records deleted since;
 * their names are then empty.
 */
export async function auditLog(
  db: Kysely<Database>,
  _scope: AdminScope,
  filters: AuditFilters,
  page: { number: number; size: number } | null,
): Promise<{ total: number; rows: AuditLogRow[] }> {
  const total = Number(
    (
      await filtered(db, filters)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  let q = filtered(db, filters)
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .leftJoin('providers as p', 'p.id', 'a.provider_id')
    .leftJoin('applications as app', 'app.id', 'a.application_id')
    .select([
      'a.id',
      'a.created_at as createdAt',
      'a.action',
      'a.from_state as fromState',
      'a.to_state as toState',
      'a.detail',
      'a.actor_user_id as actorUserId',
      'u.email as actorEmail',
      'a.provider_id as providerId',
      'p.name as providerName',
      'a.application_id as applicationId',
      'app.reference',
      'a.trainee_id as traineeId',
    ])
    .orderBy('a.id', 'desc');
  if (page) q = q.limit(page.size).offset((page.number - 1) * page.size);
  return { total, rows: await q.execute() };
}

/** Every action the trail holds, for the filter's list. */
export async function auditActions(db: Kysely<Database>, _scope: AdminScope): Promise<string[]> {
  const rows = await db.selectFrom('audit_events').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}
