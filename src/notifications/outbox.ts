import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { isPostgres } from '../db/migrations/helpers.ts';
import { PREPARED } from '../db/prepared.ts';
import type { Database, OutboxTable } from '../db/schema.ts';
import { renderEmail, type Personalisation, type TemplateName } from './templates.ts';

/**
 * The email outbox. A state change writes its emails in its own transaction, so an email
 * exists exactly when the change it tells of was committed; a worker delivers them later.
 *
 * Delivery: a worker claims due rows by setting a lease (`locked_until`), sends each, and
 * only then marks it `sent`. Another worker skips a leased row, so with several processes
 * on one PostgreSQL database a row is sent once. A worker that dies mid-batch leaves its
 * rows leased; they become due again when the lease runs out. Failures wait longer each
 * time and stop as `failed` after MAX_ATTEMPTS.
 */
export type OutboxRow = Selectable<OutboxTable>;

/** A small text file sent with an email, such as a calendar invitation (.ics). */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutboxEmail {
  to: string;
  template: TemplateName;
  personalisation: Personalisation;
  /** Sent as files by SMTP; the email's body should also link to them, as Notify sends text only. */
  attachments?: EmailAttachment[];
}

export type OutboxWriter = Kysely<Database> | Transaction<Database>;

export const MAX_ATTEMPTS = 8;
/** How long a claim holds a row. Sends are cut off well within it (see the worker). */
export const LEASE_MS = 60_000;
const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 3_600_000;

const pendingRow = (email: OutboxEmail, stamp: string) => {
  const { subject, body } = renderEmail(email.template, email.personalisation);
  return {
    to_email: email.to,
    template: email.template,
    subject,
    body,
    personalisation: JSON.stringify(email.personalisation),
    status: 'pending',
    next_attempt_at: stamp,
    locked_until: null,
    last_error: null,
    sent_at: null,
    transport_id: null,
    created_at: stamp,
    attachments: email.attachments?.length ? JSON.stringify(email.attachments) : null,
  };
};

/** Writes one email, to be sent once the caller's transaction commits. */
export async function enqueueEmail(trx: OutboxWriter, email: OutboxEmail, now = new Date()): Promise<void> {
  await enqueueEmails(trx, [email], now);
}

/** Several emails about one change, in one statement. */
export async function enqueueEmails(trx: OutboxWriter, emails: OutboxEmail[], now = new Date()): Promise<void> {
  if (emails.length === 0) return;
  const stamp = now.toISOString();
  await trx
    .insertInto('outbox')
    .values(emails.map((email) => pendingRow(email, stamp)))
    .modifyEnd(PREPARED)
    .execute();
}

/**
 * The wait before the next try, after `attempts` failed tries (1 = the first failure):
 * 30 s, 1 min, 2 min … doubling, never more than an hour. Up to 20% is taken off at
 * random so that emails which failed together do not all retry together.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(step * (1 - 0.2 * jitter));
}

/**
 * Claims up to `limit` due rows for one worker: sets their lease to now + LEASE_MS and
 * returns them (with the new `locked_until`). Rows leased by another worker are left alone.
 */
export async function claimDue(db: Kysely<Database>, limit: number, now = new Date()): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  const stamp = now.toISOString();
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  if (isPostgres(db)) {
    // Row locks taken with SKIP LOCKED: a concurrent claimer passes over these rows
    // instead of waiting for them, and after commit the lease keeps them skipped.
    return db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', stamp)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', stamp)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      const claimed = await trx
        .updateTable('outbox')
        .set({ locked_until: lease })
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .returningAll()
        .execute();
      return claimed.sort(byDue);
    });
  }
  // SQLite runs one writer at a time, so a single conditional UPDATE claims atomically;
  // the outer conditions repeat the inner ones so the statement stands on its own.
  const claimed = await db
    .updateTable('outbox')
    .set({ locked_until: lease })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', stamp)
        .where((e) => e.or([e('locked_until', 'is', null), e('locked_until', '<', stamp)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit),
    )
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', stamp)]))
    .returningAll()
    .execute();
  return claimed.sort(byDue);
}

const byDue = (a: OutboxRow, b: OutboxRow) =>
  a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : a.id - b.id;

/** The transport accepted the email: it is never sent again. */
export async function recordSent(
  db: Kysely<Database>,
  row: OutboxRow,
  transportId: string,
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'sent',
      sent_at: now.toISOString(),
      transport_id: transportId.slice(0, 200),
      locked_until: null,
      last_error: null,
    })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * The transport refused or failed: count the attempt and wait longer, or give up after
 * MAX_ATTEMPTS. Only while this worker still holds the row's lease, so a late failure
 * never overwrites what another worker recorded since.
 */
export async function recordFailure(
  db: Kysely<Database>,
  row: OutboxRow,
  error: unknown,
  now = new Date(),
  random: () => number = Math.random,
): Promise<'retry' | 'failed'> {
  const attempts = row.attempts + 1;
  const gaveUp = attempts >= MAX_ATTEMPTS;
  let update = db
    .updateTable('outbox')
    .set({
      attempts,
      status: gaveUp ? 'failed' : 'pending',
      last_error: describeFailure(error, row.to_email),
      locked_until: null,
      ...(gaveUp ? {} : { next_attempt_at: new Date(now.getTime() + backoffMs(attempts, random)).toISOString() }),
    })
    .where('id', '=', row.id)
    .where('status', '=', 'pending');
  update =
    row.locked_until === null
      ? update.where('locked_until', 'is', null)
      : update.where('locked_until', '=', row.locked_until);
  await update.execute();
  return gaveUp ? 'failed' : 'retry';
}

/** Gives claimed rows back without trying them (a worker stopping, or its lease running short). */
export async function releaseClaims(db: Kysely<Database>, rows: OutboxRow[]): Promise<void> {
  for (const row of rows) {
    if (row.locked_until === null) continue;
    await db
      .updateTable('outbox')
      .set({ locked_until: null })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('locked_until', '=', row.locked_until)
      .execute();
  }
}

/**
 * What went wrong, for last_error and logs, without personal data: the error's name,
 * code and status, and its message with email addresses (and the recipient, however
 * written) and long numbers such as security codes taken out.
 */
export function describeFailure(error: unknown, recipient?: string): string {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    name?: unknown;
    code?: unknown;
    responseCode?: unknown;
    status?: unknown;
    message?: unknown;
    response?: { status?: unknown; data?: { errors?: { error?: unknown }[] } };
  };
  const parts: string[] = [typeof e.name === 'string' && e.name ? e.name : 'Error'];
  if (typeof e.code === 'string' || typeof e.code === 'number') parts.push(String(e.code));
  const status = e.responseCode ?? e.status ?? e.response?.status;
  if (typeof status === 'number') parts.push(String(status));
  const remoteKind = e.response?.data?.errors?.[0]?.error;
  if (typeof remoteKind === 'string') parts.push(remoteKind);
  let message = typeof e.message === 'string' ? e.message : '';
  if (recipient) message = message.split(recipient).join('[recipient]');
  message = message.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[email]').replace(/\d{6,}/g, '[number]');
  return `${parts.join(' ')}${message ? `: ${message}` : ''}`.replace(/\s+/g, ' ').slice(0, 300);
}

/** Emails still to be sent, for /health and the admin pages. */
export async function outboxBacklog(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select(sql<number | string>`count(*)`.as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The newest emails, for the development tools' outbox page. */
export async function recentEmails(db: Kysely<Database>, limit: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'to_email', 'subject', 'body', 'status', 'created_at'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The files an outbox row carries. */
export function rowAttachments(row: Pick<OutboxRow, 'attachments'>): EmailAttachment[] {
  return row.attachments ? (JSON.parse(row.attachments) as EmailAttachment[]) : [];
}
