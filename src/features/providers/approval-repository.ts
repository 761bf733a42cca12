import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueEmails } from '../../notifications/outbox.ts';
import type { TemplateName } from '../../notifications/templates.ts';
import { govukDate } from '../../shared/dates.ts';
import type { AdminScope } from '../../shared/scope.ts';
import {
  APPROVAL_STATES,
  APPROVAL_TRANSITIONS,
  approvalTransition,
  isApprovalState,
  type ApprovalEvent,
  type ApprovalState,
} from './approval.ts';
import { PLACE_HOLDING_STATES } from './cohort-cap.ts';
import { providerSlug, type Provider } from './model.ts';
import { NOTHING_STATED_YET, providerFromRow } from './repository.ts';

/**
 * The DfE's side of providers: their approval life and cohort cap. Every change is one
 * transaction with its audit row (provider_id set) and its emails to the provider's users;
 * a state change happens only while the provider is still in the state the form was shown
 * for (a conditional UPDATE), so a stale form or a race changes nothing.
 */
type Db = Kysely<Database> | Transaction<Database>;

/** The audit actions of a provider's approval life and cap: its history. */
export const APPROVAL_ACTIONS = [
  'provider-application-recorded',
  ...APPROVAL_TRANSITIONS.map((t) => t.action),
  'provider-cohort-cap-changed',
];

export interface AdminProviderRow {
  id: number;
  name: string;
  status: ApprovalState;
  statusChangedOn: string | null;
  cohortCap: number;
  isSample: boolean;
}

export async function adminProviderList(
  db: Kysely<Database>,
  _scope: AdminScope,
  filters: { status?: ApprovalState; page: number },
  pageSize: number,
): Promise<{ total: number; providers: AdminProviderRow[]; counts: Record<string, number> }> {
  let q = db.selectFrom('providers');
  if (filters.status) q = q.where('status', '=', filters.status);
  const [{ n }, rows, counts] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q
      .select(['id', 'name', 'status', 'status_changed_on', 'cohort_cap', 'is_sample'])
      .orderBy('name')
      .orderBy('id')
      .limit(pageSize)
      .offset((filters.page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('providers')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute(),
  ]);
  return {
    total: Number(n),
    providers: rows.map((r) => ({
      id: r.id,
      name: r.name,
      status: isApprovalState(r.status) ? r.status : 'no-longer-offering',
      statusChangedOn: r.status_changed_on,
      cohortCap: r.cohort_cap,
      isSample: r.is_sample === 1,
    })),
    counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
  };
}

export interface HistoryEntry {
  action: string;
  from: string | null;
  to: string | null;
  date: string | null;
  reason: string | null;
  by: string | null;
  at: string;
}

export interface AdminProvider {
  provider: Provider;
  cohortCap: number;
  history: HistoryEntry[];
}

export async function adminProvider(
  db: Kysely<Database>,
  _scope: AdminScope,
  providerId: number,
): Promise<AdminProvider | undefined> {
  const row = await db.selectFrom('providers').selectAll().where('id', '=', providerId).executeTakeFirst();
  if (!row) return undefined;
  const audit = await db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.action', 'a.from_state', 'a.to_state', 'a.detail', 'a.created_at', 'u.email'])
    .where('a.provider_id', '=', providerId)
    .where('a.action', 'in', APPROVAL_ACTIONS)
    .orderBy('a.id', 'desc')
    .execute();
  return {
    provider: providerFromRow(row),
    cohortCap: row.cohort_cap,
    history: audit.map((a) => {
      const detail = a.detail ? (JSON.parse(a.detail) as { date?: string; reason?: string }) : {};
      return {
        action: a.action,
        from: a.from_state,
        to: a.to_state,
        date: detail.date ?? null,
        reason: detail.reason ?? null,
        by: a.email,
        at: a.created_at,
      };
    }),
  };
}

/** Places taken in a provider's cohort: offers open, accepted or recruited. */
export async function placesTaken(db: Db, providerId: number, cohort: string): Promise<number> {
  const { n } = await db
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('provider_id', '=', providerId)
    .where('offer_cohort', '=', cohort)
    .where('status', 'in', [...PLACE_HOLDING_STATES])
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Everyone who works for the provider, told of a change to its approval. */
async function providerEmails(trx: Db, providerId: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('provider_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.email')
    .where('m.provider_id', '=', providerId)
    .orderBy('u.email')
    .execute();
  return [...new Set(rows.map((r) => r.email))];
}

async function tell(
  trx: Db,
  providerId: number,
  template: TemplateName,
  personalisation: Record<string, string>,
  now: Date,
) {
  const emails = await providerEmails(trx, providerId);
  await enqueueEmails(
    trx,
    emails.map((to) => ({ to, template, personalisation })),
    now,
  );
}

export type ApprovalChange = { ok: true; providerId: number } | { ok: false; field: string; message: string };

/** Records a provider's application for approval: a new provider, waiting for the DfE's decision. */
export async function recordProviderApplication(
  db: Kysely<Database>,
  scope: AdminScope,
  input: { name: string; website: string | null; date: string; reason: string },
  now = new Date(),
): Promise<ApprovalChange> {
  const slug = providerSlug(input.name);
  if (!slug) return { ok: false, field: 'name', message: 'Enter a name with at least one letter or number' };
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx): Promise<ApprovalChange> => {
    // The slug is unique: two admins recording one provider at once keep one row.
    const inserted = await trx
      .insertInto('providers')
      .values({
        slug,
        name: input.name,
        website: input.website,
        contact_email: null,
        status: 'applied',
        approved_on: null,
        status_changed_on: input.date,
        listed_periods: null,
        coverage: JSON.stringify({ kind: 'unknown' }),
        coverage_note: null,
        delivery: null,
        ...NOTHING_STATED_YET,
        public_facts: null,
        source: 'Recorded by the DfE when the provider applied for approval',
        created_at: stamp,
        updated_at: stamp,
      })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { ok: false, field: 'name', message: 'A provider with this name is already recorded' };
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: inserted.id,
        applicationId: null,
        action: 'provider-application-recorded',
        to: 'applied',
        detail: { date: input.date, reason: input.reason },
      },
      now,
    );
    return { ok: true, providerId: inserted.id };
  });
}

/**
 * One step of a provider's approval life. `expected` is the state the admin saw: the
 * update matches only while the provider is still in it.
 */
export async function changeApprovalState(
  db: Kysely<Database>,
  scope: AdminScope,
  input: {
    providerId: number;
    event: ApprovalEvent;
    expected: ApprovalState;
    date: string;
    reason: string;
    serviceUrl: string;
  },
  now = new Date(),
): Promise<{ ok: true; to: ApprovalState } | { ok: false; message: string } | { ok: false; notFound: true }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('providers')
      .select(['id', 'name', 'status'])
      .where('id', '=', input.providerId)
      .executeTakeFirst();
    if (!row) return { ok: false as const, notFound: true as const };
    const stale = (status: string) => ({
      ok: false as const,
      message:
        `This provider is now ‘${(isApprovalState(status) ? APPROVAL_STATES[status] : status).toLowerCase()}’: ` +
        'it changed after you opened the form. Check its status and choose again',
    });
    if (row.status !== input.expected) return stale(row.status);
    const step = approvalTransition(input.expected, input.event, 'admin');
    if (!step.ok) return step;
    const updated = await trx
      .updateTable('providers')
      .set({
        status: step.to,
        status_changed_on: input.date,
        ...(step.to === 'approved' && input.event === 'approve' ? { approved_on: input.date } : {}),
        updated_at: now.toISOString(),
      })
      .where('id', '=', row.id)
      .where('status', '=', input.expected)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      const current = await trx.selectFrom('providers').select('status').where('id', '=', row.id).executeTakeFirst();
      return stale(current?.status ?? input.expected);
    }
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: row.id,
        applicationId: null,
        action: step.transition.action,
        from: input.expected,
        to: step.to,
        detail: { date: input.date, reason: input.reason },
      },
      now,
    );
    await tell(
      trx,
      row.id,
      step.transition.notify,
      { providerName: row.name, serviceUrl: input.serviceUrl, date: govukDate(input.date), reason: input.reason },
      now,
    );
    return { ok: true as const, to: step.to };
  });
}

/** The DfE's permission for a different cohort cap (200 unless it says otherwise). */
export async function setCohortCap(
  db: Kysely<Database>,
  scope: AdminScope,
  input: { providerId: number; cap: number; reason: string; serviceUrl: string },
  now = new Date(),
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('providers')
      .select(['id', 'name', 'cohort_cap'])
      .where('id', '=', input.providerId)
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('providers')
      .set({ cohort_cap: input.cap, updated_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: row.id,
        applicationId: null,
        action: 'provider-cohort-cap-changed',
        from: String(row.cohort_cap),
        to: String(input.cap),
        detail: { reason: input.reason },
      },
      now,
    );
    await tell(
      trx,
      row.id,
      'provider-cohort-cap-changed',
      {
        providerName: row.name,
        serviceUrl: input.serviceUrl,
        cap: input.cap.toLocaleString('en-GB'),
        reason: input.reason,
      },
      now,
    );
    return true;
  });
}
