import { createHmac, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
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

/** Creates a code and its email in one transaction, unless a limit says wait. */
export async function sendSignInCode(
  db: Kysely<Database>,
  options: { email: string; ip: string; secret: string; serviceUrl: string; now?: Date },
): Promise<SendResult> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString();
  return db.transaction().execute(async (trx) => {
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

/** Checks a code against the newest live code for the address; each guess counts. */
export async function verifySignInCode(
  db: Kysely<Database>,
  options: { email: string; code: string; secret: string; now?: Date },
): Promise<VerifyResult> {
  const now = (options.now ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('sign_in_codes')
      .selectAll()
      .where('email', '=', options.email)
      .where('used_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row || row.expires_at <= now)
      return { ok: false, message: 'Your security code has expired. Request a new code' };
    if (row.attempts >= MAX_GUESSES)
      return { ok: false, message: 'You have entered the wrong code too many times. Request a new code' };
    const expected = hashCode(options.secret, options.email, options.code);
    if (expected !== row.code_hash) {
      await trx
        .updateTable('sign_in_codes')
        .set({ attempts: row.attempts + 1 })
        .where('id', '=', row.id)
        .execute();
      return { ok: false, message: 'The security code is not correct. Check the code in the email and try again' };
    }
    // Single use: the conditional update makes a second use of the same code fail.
    const used = await trx
      .updateTable('sign_in_codes')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1)
      return { ok: false, message: 'Your security code has already been used. Request a new code' };
    return { ok: true };
  });
}
