import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode } from '../helpers/accounts.ts';
import { LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

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

async function fillSection(page: Page, section: string, values: Record<string, string>, js: boolean) {
  await page.goto(`/application/${section}`);
  await axe(page, js);
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`[name="${name}"]`);
    const kind = await field
      .first()
      .evaluate((el) => (el.tagName === 'SELECT' ? 'select' : (el as HTMLInputElement).type));
    if (kind === 'select') await field.selectOption(value);
    else if (kind === 'radio') await page.locator(`[name="${name}"][value="${value}"]`).check();
    else await field.fill(value);
  }
  await page.getByRole('button', { name: 'Save and continue' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent(), section).toBe('Your iQTS application');
}

for (const js of [false, true]) {
  describe(`applying for iQTS with JavaScript ${js ? 'on' : 'off'}`, () => {
    it('a candidate signs in with a code from the outbox, completes the task list and submits; a provider user offers, confirms the placement condition, recruits; the candidate sees each status', async () => {
      const email = `browser-${js ? 'js' : 'nojs'}@example.org`;
      const { page: candidate, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      await signInAs(candidate, email, js);
      expect(await candidate.getByRole('heading', { level: 1 }).textContent()).toBe('Your iQTS application');
      await axe(candidate, js);

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
      await candidate.getByRole('button', { name: 'Check your answers' }).click();
      await axe(candidate, js);
      await candidate.getByRole('button', { name: 'Submit application' }).click();
      expect(await candidate.getByText('Application submitted').isVisible()).toBe(true);
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
    }, 180_000);
  });
}

it('axe checked every page of both journeys', () => {
  expect(new Set(checked).size).toBeGreaterThanOrEqual(18);
});
