import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import type { FormClient } from './app.ts';

/** The newest sign-in code emailed to an address, read from the outbox as a person reads their email. */
export async function latestCode(db: Kysely<Database>, email: string): Promise<string> {
  const row = await db
    .selectFrom('outbox')
    .select(['body', 'personalisation'])
    .where('to_email', '=', email)
    .where('template', '=', 'sign-in-code')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const code = /\b(\d{6})\b/.exec(row.body)?.[1];
  expect(code, 'the email shows a 6-digit code').toBeDefined();
  return code!;
}

/** Signs in through the real pages: email, then the code from the email. */
export async function signIn(client: FormClient, db: Kysely<Database>, email: string): Promise<string> {
  const csrf = await client.csrf('/sign-in');
  const sent = await client.post('/sign-in', { email }, csrf);
  expect(sent.statusCode).toBe(303);
  const code = await latestCode(db, email);
  const csrf2 = await client.csrf('/sign-in/code');
  const res = await client.post('/sign-in/code', { code }, csrf2);
  expect(res.statusCode, res.body.slice(0, 200)).toBe(303);
  return String(res.headers.location);
}
