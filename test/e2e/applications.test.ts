import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode } from '../helpers/accounts.ts';
import { LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import { chooseCountry } from '../helpers/country.ts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
  await seedSampleData(h.server.database.db, 0);
  const provider = await h.server.database.db
    .selectFrom('providers')
    .select('id')
    .where('slug', '=', 'sample-provider-worldwide-online')
    .executeTakeFirstOrThrow();
  await importSchools(
    h.server.database.db,
    provider.id,
    validateSchoolsCsv('name,town,country,latitude,longitude\nIkeja Partner School,Lagos,NG,6.6018,3.3515\n').rows,
  );
});
afterAll(async () => h?.close());

/** Runs axe where JavaScript is on; counts the pages checked. */
const checked: string[] = [];
async function axe(page: Page, js: boolean) {
  if (!js) return;
  expect(await axeViolations(page), page.url()).toEqual([]);
  checked.push(new URL(page.url()).pathname);
}

async function signInAs(page: Page, email: string, js: boolean) {
  await page.goto('/sign-in');
  await axe(page, js);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await axe(page, js);
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, email));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Answers a section's questions in order (a radio before the questions it reveals); countries by name. */
async function answerSection(page: Page, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`[name="${name}"]`);
    const kind = await field
      .first()
      .evaluate((el) => (el.tagName === 'SELECT' ? 'select' : (el as HTMLInputElement).type));
    if (kind === 'select') {
      const country = (await field.locator(`option[value="${value}"]`).textContent())!.trim();
      const label = (await page.locator(`label[for="${name}"]`).textContent())!.trim();
      await chooseCountry(page, label, country);
    } else if (kind === 'radio') await page.locator(`[name="${name}"][value="${value}"]`).check();
    else await field.fill(value);
  }
}

async function fillSection(page: Page, section: string, values: Record<string, string>, js: boolean) {
  await page.goto(`/application/${section}`);
  await axe(page, js);
  await answerSection(page, values);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent(), section).toBe('Your iQTS application');
}

/** The eligibility checker as a candidate in Lagos answers it. */
async function checkEligibility(page: Page, js: boolean) {
  await page.goto('/eligibility/where-you-live');
  await page.getByRole('radio', { name: 'Outside England', exact: true }).check();
  await chooseCountry(page, 'Which country do you live in?', 'Nigeria');
  await axe(page, js);
  await page.getByRole('button', { name: 'Continue' }).click();
  for (const label of ['Secondary (ages 11 to 18)', 'Yes, from outside the UK', 'Yes, a GCSE or O level']) {
    await page.getByRole('radio', { name: label, exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.getByRole('radio', { name: 'Yes, I completed some of my education in English', exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your answers');
}

const taskStatus = (page: Page, task: string) =>
  page
    .locator('.govuk-task-list__item', { has: page.getByRole('link', { name: task, exact: true }) })
    .locator('.govuk-task-list__status')
    .textContent()
    .then((t) => t?.trim());

for (const js of [false, true]) {
  describe(`applying for iQTS with JavaScript ${js ? 'on' : 'off'}`, () => {
    it('a candidate signs in with a code from the outbox, completes the task list and submits; a provider user offers, confirms the placement condition, recruits; the candidate sees each status', async () => {
      const email = `browser-${js ? 'js' : 'nojs'}@example.org`;
      const { page: candidate, cspViolations, consoleWarnings } = await h.newPage({ javaScriptEnabled: js });
      await checkEligibility(candidate, js);
      await signInAs(candidate, email, js);
      expect(await candidate.getByRole('heading', { level: 1 }).textContent()).toBe('Your iQTS application');
      await axe(candidate, js);
      // The country from the eligibility check is filled in, for the candidate to confirm.
      expect(await taskStatus(candidate, 'Where you live')).toBe('Incomplete');
      expect(await candidate.getByText('You have completed 0 of 13 sections').isVisible()).toBe(true);

      // An error state, then each section.
      await candidate.goto('/application/personal-details');
      await candidate.getByRole('button', { name: 'Save and continue' }).click();
      expect(await candidate.title()).toMatch(/^Error: /);
      await axe(candidate, js);
      for (const [section, values] of Object.entries(LAGOS_CANDIDATE))
        await fillSection(candidate, section, values, js);

      await candidate.goto('/application/provider');
      await axe(candidate, js);
      await candidate.getByLabel('Sample Provider Worldwide Online').check();
      await candidate.getByRole('button', { name: 'Save and continue' }).click();
      expect(await candidate.getByText('You have completed 13 of 13 sections').isVisible()).toBe(true);
      await candidate.getByRole('button', { name: 'Check your answers' }).click();
      await axe(candidate, js);
      // Change a section from check answers: saving comes back to check answers.
      await candidate.getByRole('link', { name: 'Change (Nationality)' }).click();
      await axe(candidate, js);
      const second = candidate.getByText('Second nationality', { exact: true });
      // The follow-up is revealed only when it applies; without JavaScript it is always there.
      expect(await second.isVisible()).toBe(!js);
      await candidate.getByRole('radio', { name: 'Yes', exact: true }).check();
      expect(await second.isVisible()).toBe(true);
      await axe(candidate, js);
      await chooseCountry(candidate, 'Second nationality', 'United Kingdom');
      await candidate.getByRole('button', { name: 'Save and continue' }).click();
      expect(await candidate.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Check your answers before submitting your application',
      );
      const nationalities = candidate.locator('.govuk-summary-card', {
        has: candidate.getByRole('heading', { name: 'Nationality' }),
      });
      expect(await nationalities.textContent()).toContain('United Kingdom');
      expect(await nationalities.textContent()).toContain('Nigeria');
      await candidate.getByRole('button', { name: 'Submit application' }).click();
      expect(await candidate.getByText('Application submitted').isVisible()).toBe(true);
      expect(await candidate.getByRole('heading', { name: 'What happens next' }).isVisible()).toBe(true);
      await axe(candidate, js);
      const applicationUrl = new URL(candidate.url()).pathname;
      const status = async () => {
        await candidate.goto(applicationUrl);
        return candidate.getByTestId('status').textContent();
      };
      expect(await status()).toBe('Awaiting decision');

      const { page: provider } = await h.newPage({ javaScriptEnabled: js });
      await signInAs(provider, 'sample.provider1@example.com', js);
      expect(await provider.getByRole('heading', { level: 1 }).textContent()).toBe('Applications');
      await axe(provider, js);
      await provider.getByRole('link', { name: applicationUrl.split('/').at(-1)! }).click();
      await axe(provider, js);
      await provider.getByRole('button', { name: 'Propose Ikeja Partner School' }).click();
      await provider.getByLabel('Placement school confirmed').check();
      await provider.getByRole('button', { name: 'Make offer' }).click();
      expect(await status()).toBe('Offer made');
      await axe(candidate, js);
      await candidate.getByRole('button', { name: 'Accept offer' }).click();
      expect(await status()).toBe('Offer accepted – conditions pending');
      await provider.reload();
      await provider.getByRole('button', { name: 'Mark conditions as met' }).click();
      expect(await provider.getByTestId('status').textContent()).toBe('Recruited');
      await axe(provider, js);
      expect(await status()).toBe('Recruited');
      expect(cspViolations).toEqual([]);
      expect(consoleWarnings).toEqual([]);
    }, 180_000);

    it('withdrawing asks "Are you sure?" on its own page; "No" keeps the application', async () => {
      const { page, consoleWarnings } = await h.newPage({ javaScriptEnabled: js });
      await signInAs(page, `withdraw-${js ? 'js' : 'nojs'}@example.org`, js);
      for (const [section, values] of Object.entries(LAGOS_CANDIDATE)) await fillSection(page, section, values, js);
      await page.goto('/application/provider');
      await page.getByLabel('Sample Provider Worldwide Online').check();
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.getByRole('button', { name: 'Check your answers' }).click();
      await page.getByRole('button', { name: 'Submit application' }).click();
      const applicationUrl = new URL(page.url()).pathname;

      await page.getByRole('link', { name: 'Withdraw this application' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Are you sure you want to withdraw your application?',
      );
      await axe(page, js);
      await page.getByRole('link', { name: 'No, keep my application' }).click();
      expect(await page.getByTestId('status').textContent()).toBe('Awaiting decision');

      await page.getByRole('link', { name: 'Withdraw this application' }).click();
      await page.getByRole('button', { name: 'Yes, withdraw my application' }).click();
      expect(await page.title()).toMatch(/^Error: /);
      await axe(page, js);
      await page.getByLabel('Why are you withdrawing?').fill('I have accepted a teaching job');
      await page.getByRole('button', { name: 'Yes, withdraw my application' }).click();
      expect(new URL(page.url()).pathname).toBe(applicationUrl);
      expect(await page.getByText('You have withdrawn your application').isVisible()).toBe(true);
      expect(await page.getByTestId('status').textContent()).toBe('Withdrawn by candidate');
      await axe(page, js);
      expect(consoleWarnings).toEqual([]);
    }, 180_000);
  });
}

it('axe checked every page of both journeys', () => {
  expect(new Set(checked).size).toBeGreaterThanOrEqual(18);
});
