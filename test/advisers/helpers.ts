import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { latestCode, signIn } from '../helpers/accounts.ts';
import { $, FormClient } from '../helpers/app.ts';

/** A DfE admin, made as the command line makes the first one, signed in. */
export async function signedInAdmin(db: Kysely<Database>, client: FormClient, email = 'dfe.admin@example.org') {
  await db
    .insertInto('users')
    .values({ email, name: null, role: 'admin', created_at: new Date().toISOString(), last_signed_in_at: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  await signIn(client, db, email);
  return client;
}

/** Adds an adviser through the admin page, then signs them in and sets hours through their page. */
export async function addAdviserWithHours(
  admin: FormClient,
  adviser: FormClient,
  db: Kysely<Database>,
  who: { name: string; email: string },
  hours: { weekday: string; startTime: string; endTime: string; slotMinutes?: string }[],
) {
  const added = await admin.post('/admin/advisers', who, await admin.csrf('/admin/advisers'));
  expect(added.statusCode, added.body.slice(0, 300)).toBe(303);
  await signIn(adviser, db, who.email);
  for (const h of hours) {
    const res = await adviser.post('/adviser/hours', { slotMinutes: '30', ...h }, await adviser.csrf('/adviser/hours'));
    expect(res.statusCode, $(res)('.govuk-error-summary').text()).toBe(303);
  }
}

export const KATHMANDU_ANSWERS = {
  name: 'Sita Sharma',
  country: { country: 'NP', town: 'Kathmandu' },
  phone: '01-4412345',
  stage: 'exploring',
  interest: { ageGroup: 'secondary', subject: 'Mathematics' },
  degree: 'have-degree',
  help: ['understanding-iqts', 'eligibility'],
};

/** Answers every sign-up question through the pages, verifying the email with the emailed code. */
export async function signUp(
  client: FormClient,
  db: Kysely<Database>,
  email: string,
  options: {
    country?: string;
    town?: string;
    timeZone?: string;
    phone?: string;
    share?: 'yes' | 'no';
    signedIn?: boolean;
  } = {},
) {
  const post = async (path: string, form: Record<string, string | string[]>) => {
    const url = `/advisers/sign-up/${path}`;
    const res = await client.post(url, form, await client.csrf(url));
    expect(res.statusCode, `${url}: ${$(res)('.govuk-error-summary').text()}`).toBe(303);
    return res;
  };
  await post('name', { name: KATHMANDU_ANSWERS.name });
  if (!options.signedIn) {
    await post('email', { email });
    const code = await latestCode(db, email);
    const verified = await client.post(
      '/advisers/sign-up/email/code',
      { code },
      await client.csrf('/advisers/sign-up/email/code'),
    );
    expect(verified.statusCode).toBe(303);
  }
  await post('country', { country: options.country ?? 'NP', town: options.town ?? 'Kathmandu' });
  const zonePage = await client.get('/advisers/sign-up/time-zone');
  const proposed = $(zonePage)('#timeZone option[selected]').attr('value');
  await post('time-zone', { timeZone: options.timeZone ?? proposed ?? '' });
  await post('phone', { phone: options.phone ?? KATHMANDU_ANSWERS.phone });
  await post('stage', { stage: 'exploring' });
  await post('interest', KATHMANDU_ANSWERS.interest);
  await post('degree', { degreeStatus: 'have-degree' });
  await post('help', { helpWith: KATHMANDU_ANSWERS.help });
  await post('consent', { contactConsent: 'yes', shareConsent: options.share ?? 'yes' });
  const sent = await client.post('/advisers/sign-up/check', {}, await client.csrf('/advisers/sign-up/check'));
  expect(sent.statusCode).toBe(303);
  expect(sent.headers.location).toBe('/advisers/call');
  return { proposed };
}
