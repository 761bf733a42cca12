import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { scopeProviderIds, type ProviderScope } from '../shared/scope.ts';

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
