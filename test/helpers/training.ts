import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { signIn } from './accounts.ts';
import { $, FormClient, type TestApp } from './app.ts';
import { completeApplication, LAGOS_CANDIDATE } from './applications.ts';

/** A candidate carried through the real pages to "Recruited" at a provider; returns their client and reference. */
export async function recruitedCandidate(
  t: TestApp,
  provider: FormClient,
  email: string,
  providerSlug = 'sample-provider-worldwide-online',
  answers = LAGOS_CANDIDATE,
): Promise<{ candidate: FormClient; reference: string }> {
  const db = t.database.db;
  const candidate = new FormClient(t.app);
  await signIn(candidate, db, email);
  await completeApplication(candidate, answers, providerSlug);
  const submitted = await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
  expect(submitted.statusCode, $(submitted)('.govuk-error-summary').text()).toBe(303);
  const { reference } = await db
    .selectFrom('applications as a')
    .innerJoin('users as u', 'u.id', 'a.candidate_id')
    .select('a.reference')
    .where('u.email', '=', email)
    .where('a.status', '=', 'awaiting-decision')
    .executeTakeFirstOrThrow();
  const view = `/provider/applications/${reference}`;
  const pcsrf = await provider.csrf(view);
  expect((await provider.post(`${view}/make-offer`, { conditions: [] }, pcsrf)).statusCode).toBe(303);
  const ccsrf = await candidate.csrf(`/applications/${reference}`);
  expect((await candidate.post(`/applications/${reference}/accept-offer`, {}, ccsrf)).statusCode).toBe(303);
  expect((await provider.post(`${view}/confirm-conditions-met`, {}, pcsrf)).statusCode).toBe(303);
  return { candidate, reference };
}

/** A partner school of a provider, in a given town. */
export async function partnerSchool(
  db: Kysely<Database>,
  providerId: number,
  name: string,
  town: string,
  country: string,
) {
  await importSchools(db, providerId, validateSchoolsCsv(`name,town,country\n${name},${town},${country}\n`).rows);
  return db.selectFrom('placement_schools').select('id').where('name', '=', name).executeTakeFirstOrThrow();
}

export const providerIdOf = async (db: Kysely<Database>, slug: string) =>
  (await db.selectFrom('providers').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

/** Fills a week form: the given weekday indexes (0 Monday) as full teaching days. */
export function weekDays(indexes: number[], portion = 'full', kind = 'teaching'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of indexes) {
    out[`portion-${i}`] = portion;
    out[`kind-${i}`] = kind;
  }
  return out;
}

export const signInAs = async (t: TestApp, email: string) => {
  const client = new FormClient(t.app);
  await signIn(client, t.database.db, email);
  return client;
};
