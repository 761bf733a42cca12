import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

/**
 * The first hour of a provider's admissions officer, from a fresh database: the first DfE
 * admin is made with `npm run users:add-admin`, signs in at /provider/sign-in and adds the
 * officer, who signs in there too and signs out from the header. With JavaScript on and off;
 * axe on every new page where JavaScript is on.
 */
const run = promisify(execFile);
const ADMIN = 'first.admin@example.org';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser({ env: { DEV_TOOLS: 'true' } });
});
afterAll(async () => h?.close());

/** The command a person types, against the service's database. */
async function addAdminCommand(email: string): Promise<string> {
  const { stdout } = await run('npx', ['tsx', 'src/features/accounts/cli/add-admin.ts', email], {
    env: { ...process.env, DATABASE_URL: h.server.database.url, LOG_LEVEL: 'silent' },
  });
  return stdout;
}

async function staffSignIn(page: Page, email: string, axe: (page: Page) => Promise<void>) {
  await page.goto('/');
  await page.getByRole('link', { name: 'Provider sign in' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
    'Sign in to manage iQTS applications and training',
  );
  await axe(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your email');
  await axe(page);
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, email));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

for (const js of [true, false]) {
  describe(`the first hour of a provider, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('the command makes the first admin, who adds a provider user, who signs in and out — axe clean on the new pages', async () => {
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const officer = `admissions.${js ? 'js' : 'nojs'}@example.org`;
      const db = h.server.database.db;
      expect(await db.selectFrom('users').select('id').where('role', '=', 'admin').execute()).toHaveLength(js ? 0 : 1);
      expect(await addAdminCommand(ADMIN)).toMatch(
        js ? `Added ${ADMIN} as a DfE admin.` : `${ADMIN} is already a DfE admin: nothing changed.`,
      );

      // Someone without an account is told so at the staff sign-in; nothing is created.
      const { page: stranger } = await h.newPage({ javaScriptEnabled: js });
      await stranger.goto('/provider/sign-in');
      await stranger.getByLabel('Email address').fill(officer);
      await stranger.getByRole('button', { name: 'Continue' }).click();
      expect(await stranger.title()).toMatch(/^Error: /);
      expect(
        await stranger.getByRole('link', { name: /There is no provider, mentor or DfE account/ }).isVisible(),
      ).toBe(true);
      await axe(stranger);
      expect(await db.selectFrom('users').select('id').where('email', '=', officer).execute()).toEqual([]);

      // The admin signs in and adds the provider's first user.
      const { page: admin } = await h.newPage({ javaScriptEnabled: js });
      await staffSignIn(admin, ADMIN, axe);
      expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Providers and their users');
      expect(await admin.getByText(`Signed in as ${ADMIN}`).isVisible()).toBe(true);
      await axe(admin);
      await admin.getByLabel('Email address').fill(officer);
      const provider = admin.getByLabel('Provider', { exact: true });
      const providerName = (await provider
        .locator('option')
        .nth(js ? 1 : 2)
        .textContent())!.trim();
      await provider.selectOption({ label: providerName });
      await admin.getByRole('checkbox', { name: 'Make decisions on applications' }).check();
      await admin.getByRole('button', { name: 'Add user' }).click();
      await expect.poll(() => new URL(admin.url()).pathname).toBe('/admin');
      const email = await db
        .selectFrom('outbox')
        .select('body')
        .where('to_email', '=', officer)
        .where('template', '=', 'provider-user-added')
        .executeTakeFirstOrThrow();
      expect(email.body).toContain('/provider/sign-in');

      // The officer signs in from the header's link, sees their provider, and signs out from the header.
      const { page: officerPage, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      await staffSignIn(officerPage, officer, axe);
      expect(new URL(officerPage.url()).pathname).toBe('/provider');
      expect(await officerPage.getByRole('heading', { level: 1 }).textContent()).toBe('Applications');
      expect(await officerPage.getByText(providerName).first().isVisible()).toBe(true);
      expect(await officerPage.getByText(`Signed in as ${officer}`).isVisible()).toBe(true);
      await axe(officerPage);
      await officerPage.locator('.app-account').getByRole('button', { name: 'Sign out' }).click();
      expect(await officerPage.getByRole('heading', { level: 1 }).textContent()).toBe('You have signed out');
      await officerPage.goto('/provider');
      expect(new URL(officerPage.url()).pathname).toBe('/provider/sign-in');
      expect(cspViolations).toEqual([]);
    });
  });
}

describe('the pages every service has, and the development tools', () => {
  it('accessibility statement, privacy notice and cookies are reached from the footer — axe clean', async () => {
    const { page } = await h.newPage();
    for (const name of ['Accessibility statement', 'Privacy notice', 'Cookies']) {
      await page.goto('/');
      await page.locator('.govuk-footer').getByRole('link', { name, exact: true }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      expect(await axeViolations(page), name).toEqual([]);
    }
  });

  for (const js of [true, false]) {
    it(`"Load sample data" on /dev/users, then sign in as a sample provider user (JavaScript ${js ? 'on' : 'off'})`, async () => {
      const { page } = await h.newPage({ javaScriptEnabled: js });
      await page.goto('/dev/users');
      if (js) expect(await axeViolations(page)).toEqual([]);
      const load = page.getByRole('button', { name: 'Load sample data' });
      if (js) {
        await load.click();
        expect(await page.getByText(/Sample data loaded: 6 providers, 500 placement schools/).isVisible()).toBe(true);
        expect(await axeViolations(page)).toEqual([]);
      } else {
        // Loaded already: the page offers the sample users instead.
        expect(await load.count()).toBe(0);
      }
      await page.getByRole('button', { name: 'Sign in as sample.provider1@example.com' }).click();
      expect(await page.getByText('Signed in as sample.provider1@example.com').isVisible()).toBe(true);
    });
  }
});
