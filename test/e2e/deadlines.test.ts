import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeState } from '../../src/features/applications/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { candidateScope, providerScope } from '../../src/shared/scope.ts';
import { latestCode } from '../helpers/accounts.ts';
import { LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

/**
 * A candidate in Lagos with an offer reads, on their application page, the time to answer
 * by in their own zone; the provider reads the decision deadline in London time with the
 * candidate's beside it. Both pages pass axe, and read the same without JavaScript.
 */
let h: BrowserHarness;
const email = 'deadline.browser@example.org';
let reference: string;
let offerReference: string;

beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  await seedSampleData(db, 0);
  const provider = await db
    .selectFrom('providers')
    .select('id')
    .where('slug', '=', 'sample-provider-worldwide-online')
    .executeTakeFirstOrThrow();
  const staff = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'sample.provider1@example.com')
    .executeTakeFirstOrThrow();
  const stamp = new Date().toISOString();
  const user = await db
    .insertInto('users')
    .values({
      email,
      name: null,
      role: 'candidate',
      created_at: stamp,
      last_signed_in_at: null,
      time_zone: 'Africa/Lagos',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Two submitted applications, through the state machine so their deadlines open as they would.
  const submit = async (ref: string) => {
    const draft = await db
      .insertInto('applications')
      .values({
        reference: ref,
        candidate_id: user.id,
        provider_id: null,
        status: 'draft',
        answers: JSON.stringify(LAGOS_CANDIDATE),
        created_at: stamp,
        updated_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const result = await changeState(db, candidateScope(user.id), {
      applicationId: draft.id,
      event: 'submit',
      set: {
        provider_id: provider.id,
        submitted_at: stamp,
        candidate_name: 'Amina Okafor',
        country: 'NG',
        phase: 'secondary',
      },
      serviceUrl: h.baseUrl,
    });
    expect(result.ok).toBe(true);
    return draft.id;
  };
  reference = 'IQTS-DL00001';
  await submit(reference);
  offerReference = 'IQTS-DL00002';
  const offered = await submit(offerReference);
  const made = await changeState(db, providerScope(staff.id, 'make-decisions', [provider.id]), {
    applicationId: offered,
    event: 'make-offer',
    set: { offer_conditions: '[]' },
    serviceUrl: h.baseUrl,
  });
  expect(made.ok).toBe(true);
}, 120_000);
afterAll(async () => h?.close());

async function signInAs(page: Page, address: string, path = '/sign-in') {
  await page.goto(path);
  await page.getByLabel('Email address').fill(address);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, address));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

for (const js of [true, false]) {
  describe(`deadlines in the reader's zone, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('the candidate reads when to answer their offer, 11:59pm Lagos time, and when the provider must decide', async () => {
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      await signInAs(page, email);
      await page.goto(`/applications/${offerReference}`);
      const respond = page.getByTestId('respond-by');
      expect(await respond.textContent()).toMatch(/^Respond by 11:59pm on \d{1,2} \w+ \d{4}, Lagos time \(UTC\+1\)\.$/);
      expect(await page.getByRole('heading', { name: 'Respond to your offer' }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Accept offer' }).isVisible()).toBe(true);
      if (js) expect(await axeViolations(page)).toEqual([]);

      await page.goto(`/applications/${reference}`);
      expect(await page.getByTestId('decision-due').textContent()).toMatch(
        /must decide by \d{1,2}:59[ap]m on \d{1,2} \w+ \d{4}, Lagos time \(UTC\+1\)/,
      );
      if (js) expect(await axeViolations(page)).toEqual([]);
      expect(cspViolations).toEqual([]);
    });

    it('the provider sees the time left as a tag in the list, sorted by deadline, and the deadline in both zones', async () => {
      const { page } = await h.newPage({ javaScriptEnabled: js });
      await signInAs(page, 'sample.provider1@example.com');
      await page.goto('/provider');
      await page.getByLabel('Sort by').selectOption('deadline');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).searchParams.get('sort')).toBe('deadline');
      const row = page.getByRole('row', { name: new RegExp(reference) });
      expect(await row.locator('.govuk-tag').textContent()).toMatch(/^Decide within \d+ working days$/);
      if (js) expect(await axeViolations(page)).toEqual([]);
      await page.goto(`/provider/applications/${reference}`);
      const box = (await page.getByTestId('deadline-provider-decision').textContent())!.replace(/\s+/g, ' ');
      expect(box).toMatch(/Decide by 11:59pm on \d{1,2} \w+ \d{4}, London time \(UTC(\+1)?\)/);
      expect(box).toMatch(/for the candidate: \d{1,2}:59[ap]m on \d{1,2} \w+ \d{4}, Lagos time \(UTC\+1\)/);
      if (js) expect(await axeViolations(page)).toEqual([]);
    });
  });
}
