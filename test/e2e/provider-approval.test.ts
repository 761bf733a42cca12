import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

/**
 * The DfE suspends a provider in Chromium, JavaScript on and off: from the admin overview
 * to the provider's page, the confirmation page (a missing reason refused first), and the
 * finder, which at once shows the provider as not taking new applications. The suspension
 * is then lifted the same way, and the finder lists the provider again. axe on every admin
 * page, error states included.
 */
const ADMIN = 'browser.approval.admin@example.org';
const SLUG = 'sample-provider-worldwide-online';
let h: BrowserHarness;
let providerId: number;
let providerName: string;

beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  await seedSampleData(db, 0);
  const row = await db
    .selectFrom('providers')
    .select(['id', 'name'])
    .where('slug', '=', SLUG)
    .executeTakeFirstOrThrow();
  providerId = row.id;
  providerName = row.name;
  await db
    .insertInto('users')
    .values({ email: ADMIN, name: null, role: 'admin', created_at: new Date().toISOString(), last_signed_in_at: null })
    .execute();
}, 180_000);
afterAll(async () => h?.close());

async function signIn(page: Page, email: string) {
  await page.goto('/provider/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, email));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => page.url()).not.toMatch(/sign-in/);
}

for (const js of [true, false]) {
  describe(`suspending a provider, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('the admin suspends it and the finder says at once it is not taking applications; lifting brings it back', async () => {
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const { page: admin } = await h.newPage({ javaScriptEnabled: js });
      await signIn(admin, ADMIN);
      await admin.goto('/admin');
      await admin.getByRole('link', { name: providerName, exact: true }).click();
      expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe(providerName);
      await axe(admin);

      // The list of providers, filtered by status in the URL.
      const { page: list } = await h.newPage({ javaScriptEnabled: js });
      await signIn(list, ADMIN);
      await list.goto('/admin/providers');
      await list.getByLabel('Status').selectOption('approved');
      await list.getByRole('button', { name: 'Show providers' }).click();
      expect(list.url()).toContain('status=approved');
      expect(await list.getByRole('link', { name: providerName, exact: true }).count()).toBe(1);
      await axe(list);
      await list.goto('/admin/providers/new');
      await list.getByRole('button', { name: 'Record the application' }).click();
      expect(await list.locator('.govuk-error-summary').textContent()).toContain('Enter the provider’s name');
      await axe(list);

      // The confirmation page: a missing reason first.
      await admin.getByRole('link', { name: 'Suspend', exact: true }).click();
      expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Suspend');
      await axe(admin);
      await admin.getByRole('button', { name: 'Suspend', exact: true }).click();
      expect(await admin.locator('.govuk-error-summary').textContent()).toContain('Enter the reason');
      expect(await admin.title()).toMatch(/^Error: /);
      await axe(admin);
      await admin.getByLabel('Reason').fill('Sample suspension for the browser test');
      await admin.getByRole('button', { name: 'Suspend', exact: true }).click();
      expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('suspended');
      expect(await admin.locator('table').last().textContent()).toContain('Sample suspension for the browser test');
      await axe(admin);

      // A candidate, at once: not taking new applications, and no reason beyond that.
      const { page: candidate } = await h.newPage({ javaScriptEnabled: js });
      await candidate.goto('/providers');
      const notTaking = candidate.locator('.app-not-taking');
      expect(await notTaking.textContent()).toContain(providerName);
      expect(await notTaking.textContent()).toContain('not taking new applications at the moment');
      expect(await candidate.locator('.app-results').first().textContent()).not.toContain(providerName);
      await notTaking.getByRole('link', { name: providerName }).click();
      expect(await candidate.locator('.app-not-taking').textContent()).toContain(
        'This provider is not taking new applications at the moment.',
      );
      expect(await candidate.getByRole('link', { name: 'Apply to this provider' }).count()).toBe(0);
      expect(await candidate.locator('main').textContent()).not.toContain('Sample suspension');
      if (js) expect(await axeViolations(candidate), candidate.url()).toEqual([]);

      // Lifting the suspension: the finder lists it again.
      await admin.getByRole('link', { name: 'Lift the suspension' }).click();
      await axe(admin);
      await admin.getByLabel('Reason').fill('Checks complete');
      await admin.getByRole('button', { name: 'Lift the suspension' }).click();
      expect(await admin.locator('.govuk-notification-banner').textContent()).toContain('approved');
      await candidate.goto('/providers');
      expect(await candidate.locator('.app-not-taking').count()).toBe(0);
      expect(await candidate.getByRole('link', { name: providerName }).count()).toBe(1);
      const status = await h.server.database.db
        .selectFrom('providers')
        .select('status')
        .where('id', '=', providerId)
        .executeTakeFirstOrThrow();
      expect(status.status).toBe('approved');
    });
  });
}
