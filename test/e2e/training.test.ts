import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { addDays, localToday, weekStart } from '../../src/shared/local-dates.ts';
import { latestCode } from '../helpers/accounts.ts';
import { FormClient } from '../helpers/app.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import { partnerSchool, providerIdOf, recruitedCandidate } from '../helpers/training.ts';

/**
 * Training in Chromium, with JavaScript on and off: the provider adds a mentor and starts
 * training; the trainee logs two weeks; the mentor confirms one and queries the other; the
 * provider resolves the query; the mentor records an observation; the provider records
 * the final review. axe on every page, error states included.
 */
const PROVIDER = 'sample.provider1@example.com';
let h: BrowserHarness;
const references: Record<string, string> = {};
const today = localToday('Africa/Lagos');
const weekA = addDays(weekStart(today), -14);
const weekB = addDays(weekStart(today), -7);
const start = addDays(weekStart(today), -56);

beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  await seedSampleData(db, 0);
  const providerId = await providerIdOf(db, 'sample-provider-worldwide-online');
  await partnerSchool(db, providerId, 'Surulere Browser School', 'Lagos', 'NG');
  const provider = new FormClient(h.server.app);
  const { signIn } = await import('../helpers/accounts.ts');
  await signIn(provider, db, PROVIDER);
  for (const js of ['on', 'off']) {
    const { reference } = await recruitedCandidate(h.server, provider, `browser.trainee.${js}@example.org`);
    references[js] = reference;
  }
}, 180_000);
afterAll(async () => h?.close());

async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, email));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.url()).not.toMatch(/sign-in/);
}

async function fillDate(page: Page, id: string, iso: string) {
  await page.locator(`#${id}-day`).fill(String(Number(iso.slice(8))));
  await page.locator(`#${id}-month`).fill(String(Number(iso.slice(5, 7))));
  await page.locator(`#${id}-year`).fill(iso.slice(0, 4));
}

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();

for (const js of [true, false]) {
  const tag = js ? 'on' : 'off';
  describe(`training, JavaScript ${tag}`, () => {
    it('from a recruited candidate to a final review, axe clean on every page', async () => {
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const mentorEmail = `browser.mentor.${tag}@example.org`;
      const traineeEmail = `browser.trainee.${tag}@example.org`;

      // The provider adds a mentor, refused first with the reasons.
      const { page: provider } = await h.newPage({ javaScriptEnabled: js });
      await signIn(provider, PROVIDER);
      await provider.goto('/provider/mentors/new');
      await provider.getByRole('button', { name: 'Add mentor' }).click();
      expect(await errorSummary(provider)).toContain('Select the mentor’s school');
      await axe(provider);
      await provider.getByLabel('School').selectOption({ label: 'Surulere Browser School, Lagos, Nigeria' });
      await provider.getByLabel('Full name').fill(`Tunde Bello ${tag}`);
      await provider.getByLabel('Email address').fill(mentorEmail);
      await provider.getByLabel('Lead mentor').check();
      await fillDate(provider, 'trainedOn', '2026-06-15');
      await provider.getByRole('button', { name: 'Add mentor' }).click();
      await expect.poll(() => provider.url()).toMatch(/\/provider\/mentors$/);
      expect(await provider.getByRole('row', { name: new RegExp(mentorEmail) }).count()).toBe(1);
      await axe(provider);

      // Start training from the application.
      await provider.goto(`/provider/applications/${references[tag]}`);
      await provider.getByRole('link', { name: 'Start training' }).click();
      await axe(provider);
      await provider.getByRole('button', { name: 'Start training' }).click();
      expect(await errorSummary(provider)).toContain('Enter the course start date');
      await axe(provider);
      await fillDate(provider, 'startDate', start);
      await fillDate(provider, 'expectedEndDate', addDays(start, 273));
      await provider
        .getByLabel('Mentor and placement school')
        .selectOption({ label: `Tunde Bello ${tag} (Lead mentor), Surulere Browser School` });
      await fillDate(provider, 'placementStart', start);
      await fillDate(provider, 'placementEnd', addDays(start, 270));
      await provider.getByRole('button', { name: 'Start training' }).click();
      await expect.poll(() => provider.url()).toMatch(/\/provider\/trainees\/\d+$/);
      const traineeUrl = provider.url();
      expect(await provider.locator('main').textContent()).toContain('0 of 24 weeks confirmed');
      await axe(provider);

      // The trainee logs two weeks.
      const { page: trainee } = await h.newPage({ javaScriptEnabled: js });
      await signIn(trainee, traineeEmail);
      await trainee.goto('/training');
      await axe(trainee);
      await trainee.getByRole('button', { name: 'Log placement days' }).click();
      const placement = new URL(trainee.url()).searchParams.get('placement');
      for (const week of [weekA, weekB]) {
        await trainee.goto(`/training/days?placement=${placement}&week=${week}`);
        for (let i = 0; i < 5; i++) {
          await trainee.locator(`#portion-${i}-2`).check();
          if (i === 0 && week === weekA) {
            // The kind of day is left out once: refused, nothing saved.
            await trainee.getByRole('button', { name: 'Save these days' }).click();
            expect(await errorSummary(trainee)).toContain('Select the kind of day');
            await axe(trainee);
          }
          await trainee.locator(`#kind-${i}`).selectOption('teaching');
        }
        await trainee.getByRole('button', { name: 'Save these days' }).click();
        await expect.poll(() => trainee.url()).toContain('saved=5');
        await axe(trainee);
      }

      // The mentor confirms week A and queries week B.
      const { page: mentor } = await h.newPage({ javaScriptEnabled: js });
      await signIn(mentor, mentorEmail);
      await axe(mentor);
      await mentor.getByRole('link', { name: /Amina Okafor/ }).click();
      await axe(mentor);
      await mentor
        .locator(`form[action$="/weeks/${weekA}"]`)
        .getByRole('button', { name: 'Confirm these days' })
        .click();
      await mentor.locator(`form[action$="/weeks/${weekB}"]`).getByRole('button', { name: 'Query these days' }).click();
      expect(await errorSummary(mentor)).toContain('Enter why you are querying these days');
      await axe(mentor);
      await mentor.locator(`#reason-${weekB}`).fill('The school was closed on Friday');
      await mentor.locator(`form[action$="/weeks/${weekB}"]`).getByRole('button', { name: 'Query these days' }).click();
      await expect
        .poll(async () => mentor.locator('main').textContent())
        .toContain('No days are waiting for you to confirm');

      // The provider resolves the query: confirms four days, removes Friday.
      await provider.goto(traineeUrl);
      for (let i = 0; i < 5; i++) {
        const form = provider.locator('form[action*="/days/"]').first();
        await form.getByLabel(i === 4 ? 'Remove the day' : 'Confirm the day').check();
        await form.getByLabel('Reason').fill(i === 4 ? 'The school was closed' : 'Checked with the school');
        await form.getByRole('button', { name: 'Resolve' }).click();
        await expect.poll(() => provider.locator('form[action*="/days/"]').count()).toBe(4 - i);
      }
      expect(await provider.locator('main').textContent()).not.toContain('Queried days to resolve');
      await axe(provider);

      // The mentor records an observation.
      await mentor.getByRole('link', { name: 'Record a lesson observation' }).click();
      await fillDate(mentor, 'date', weekA);
      await mentor.getByLabel('Class', { exact: true }).fill('Year 8 mathematics');
      await mentor.getByLabel('Age group').fill('12 to 13');
      await mentor.getByRole('checkbox', { name: /TS4: Plan and teach/ }).check();
      await mentor.getByRole('button', { name: 'Save observation' }).click();
      expect(await errorSummary(mentor)).toContain('Select a judgement for TS4');
      await axe(mentor);
      await mentor.getByLabel('Judgement for TS4: Plan and teach well-structured lessons').selectOption('meeting');
      await mentor.getByLabel('Strengths', { exact: true }).fill('Well sequenced starter');
      await mentor.getByLabel('Targets', { exact: true }).fill('More questioning');
      await mentor.getByRole('button', { name: 'Save observation' }).click();
      await expect.poll(async () => mentor.locator('main').textContent()).toContain('Well sequenced starter');
      await axe(mentor);

      // The provider records the final review.
      await provider.goto(traineeUrl);
      await provider.getByRole('link', { name: 'Record a review' }).click();
      await axe(provider);
      await provider.getByLabel('Final assessment').check();
      await fillDate(provider, 'date', today);
      for (const s of ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part2'])
        await provider.locator(`#${s}-3`).check();
      await provider.getByLabel('Passed: all standards met').check();
      await provider.getByLabel('Comments').fill('Every standard met at the final assessment');
      await provider.getByRole('button', { name: 'Save review' }).click();
      await expect.poll(() => provider.url()).toMatch(/\/provider\/trainees\/\d+/);
      const record = await provider.locator('main').textContent();
      expect(record).toContain('Passed: all standards met');
      expect(record).toContain('1 of 24 weeks confirmed');
      await axe(provider);
      // The trainee sees the same.
      await trainee.goto('/training');
      expect(await trainee.locator('main').textContent()).toContain('Passed: all standards met');
      await axe(trainee);
    });
  });
}
