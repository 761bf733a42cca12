import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../../db/migrations/helpers.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueEmail } from '../../notifications/outbox.ts';

/**
 * Passwordless sign-in: a 6-digit code by email, valid 10 minutes, single use, a few
 * guesses at most, and limited per email address and per IP address. The rules are
 * pure functions; the rest reads and writes sign_in_codes.
 */
export const CODE_MINUTES = 10;
export const WINDOW_MINUTES = 15;
export const MAX_CODES_PER_EMAIL = 5;
export const MAX_CODES_PER_IP = 20;
export const MAX_GUESSES = 5;
/** Advisory lock classes (PostgreSQL) for issuing codes: one per address, one per IP address. */
const LOCK_EMAIL = 7301;
const LOCK_IP = 7302;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
/** A practical check, as GOV.UK Notify does: something@domain.tld, no spaces. */
export const looksLikeEmail = (email: string): boolean =>
  email.length <= 320 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);

export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');
export const hashCode = (secret: string, email: string, code: string): string =>
  createHmac('sha256', secret).update(`${email}\n${code}`).digest('hex');

/** How long to wait, in whole minutes, when a limit is reached; 0 when a code may be sent. */
export function waitMinutes(recent: string[], limit: number, now: Date): number {
  if (recent.length < limit) return 0;
  const oldest = [...recent].sort()[recent.length - limit]!;
  const freeAt = new Date(oldest).getTime() + WINDOW_MINUTES * 60_000;
  return Math.max(1, Math.ceil((freeAt - now.getTime()) / 60_000));
}

export type SendResult = { sent: true } | { sent: false; retryAfterMinutes: number };

/**
 * Holds, until the transaction ends, a lock per address and per IP address, so that two
 * requests cannot both count the same codes and both issue one. PostgreSQL runs
 * transactions side by side, so it takes advisory locks (email first, then IP, always in
 * that order, so two requests never wait for each other in a circle). SQLite needs none:
 * the service's one connection runs one transaction at a time (Kysely queues the others),
 * and the service runs one process on SQLite.
 */
async function lockSender(trx: Transaction<Database>, email: string, ip: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`select pg_advisory_xact_lock(${LOCK_EMAIL}, hashtext(${email}))`.execute(trx);
  await sql`select pg_advisory_xact_lock(${LOCK_IP}, hashtext(${ip}))`.execute(trx);
}

/** Creates a code and its email in one transaction, unless a limit says wait. */
export async function sendSignInCode(
  db: Kysely<Database>,
  options: { email: string; ip: string; secret: string; serviceUrl: string; now?: Date },
): Promise<SendResult> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString();
  return db.transaction().execute(async (trx) => {
    await lockSender(trx, options.email, options.ip);
    const byEmail = await trx
      .selectFrom('sign_in_codes')
      .select('created_at')
      .where('email', '=', options.email)
      .where('created_at', '>', since)
      .execute();
    const byIp = await trx
      .selectFrom('sign_in_codes')
      .select('created_at')
      .where('ip', '=', options.ip)
      .where('created_at', '>', since)
      .execute();
    const wait = Math.max(
      waitMinutes(
        byEmail.map((r) => r.created_at),
        MAX_CODES_PER_EMAIL,
        now,
      ),
      waitMinutes(
        byIp.map((r) => r.created_at),
        MAX_CODES_PER_IP,
        now,
      ),
    );
    if (wait > 0) return { sent: false, retryAfterMinutes: wait };
    const code = newCode();
    await trx
      .insertInto('sign_in_codes')
      .values({
        email: options.email,
        code_hash: hashCode(options.secret, options.email, code),
        ip: options.ip,
        expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000).toISOString(),
        used_at: null,
        created_at: now.toISOString(),
      })
      .execute();
    await enqueueEmail(
      trx,
      {
        to: options.email,
        template: 'sign-in-code',
        personalisation: { code, minutes: String(CODE_MINUTES), serviceUrl: options.serviceUrl },
      },
      now,
    );
    return { sent: true };
  });
}

export type VerifyResult = { ok: true } | { ok: false; message: string };

const EXPIRED = 'Your security code has expired. Request a new code';
const TOO_MANY = 'You have entered the wrong code too many times. Request a new code';
const WRONG = 'The security code is not correct. Check the code in the email and try again';

/**
 * Checks a code against the newest unused code for the address. Each guess first takes
 * one of the code's MAX_GUESSES attempts in a single conditional UPDATE, and only a guess
 * that got one is compared: however many guesses arrive at once, at most MAX_GUESSES are
 * ever compared. Using the code is a second conditional UPDATE, so it works once.
 */
export async function verifySignInCode(
  db: Kysely<Database>,
  options: { email: string; code: string; secret: string; now?: Date },
): Promise<VerifyResult> {
  const now = (options.now ?? new Date()).toISOString();
  const attempt = await db
    .updateTable('sign_in_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('sign_in_codes')
        .select('id')
        .where('email', '=', options.email)
        .where('used_at', 'is', null)
        .orderBy('id', 'desc')
        .limit(1),
    )
    .where('attempts', '<', MAX_GUESSES)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'code_hash'])
    .executeTakeFirst();
  if (!attempt) {
    // No attempt left to take: say why, from the code the guess was for.
    const row = await db
      .selectFrom('sign_in_codes')
      .select(['attempts', 'expires_at'])
      .where('email', '=', options.email)
      .where('used_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row || row.expires_at <= now) return { ok: false, message: EXPIRED };
    return { ok: false, message: row.attempts >= MAX_GUESSES ? TOO_MANY : EXPIRED };
  }
  const expected = hashCode(options.secret, options.email, options.code);
  if (!safeEqual(expected, attempt.code_hash)) return { ok: false, message: WRONG };
  const used = await db
    .updateTable('sign_in_codes')
    .set({ used_at: now })
    .where('id', '=', attempt.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1)
    return { ok: false, message: 'Your security code has already been used. Request a new code' };
  return { ok: true };
}

const safeEqual = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
