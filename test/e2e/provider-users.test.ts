import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProviderUser } from '../../src/features/accounts/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { adminScope } from '../../src/shared/scope.ts';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import type { Page } from 'playwright-core';

/**
 * A provider's user manager changes a colleague's permissions and removes them; the colleague
 * is refused what they lost.
 */
let h: BrowserHarness;
let providerId: number;
beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  await seedSampleData(db, 0);
  providerId = (
    await db
      .selectFrom('providers')
      .select('id')
      .where('slug', '=', 'sample-provider-worldwide-online')
      .executeTakeFirstOrThrow()
  ).id;
  const admin = await db
    .insertInto('users')
    .values({
      email: 'users.admin@example.org',
      name: null,
      role: 'admin',
      created_at: new Date().toISOString(),
      last_signed_in_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const js of [true, false]) {
    const result = await addProviderUser(db, adminScope(admin.id), {
      email: `colleague-${js ? 'js' : 'nojs'}@example.org`,
      providerId,
      permissions: ['make-decisions', 'manage-placement-schools'],
      serviceUrl: 'http://localhost',
    });
    expect(result.ok).toBe(true);
  }
});
afterAll(async () => h?.close());

async function signIn(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, email));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

for (const js of [true, false]) {
  describe(`provider users, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('change a colleague’s permissions, refuse what they lost, remove them — axe clean on every page', async () => {
      const colleagueEmail = `colleague-${js ? 'js' : 'nojs'}@example.org`;
      // axe runs in the page, so it checks where JavaScript is on; the markup is the same without it.
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const { page } = await h.newPage({ javaScriptEnabled: js });
      await signIn(page, 'sample.provider1@example.com');
      await page.goto('/provider/users');
      await axe(page);
      await page.getByRole('link', { name: new RegExp(`Change ${colleagueEmail}`) }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        `Change permissions for ${colleagueEmail}`,
      );
      await axe(page);
      await page.getByRole('checkbox', { name: 'Manage placement schools' }).uncheck();
      await page.getByRole('button', { name: 'Save permissions' }).click();
      await expect.poll(() => page.url()).toMatch(/\/provider\/users$/);
      const row = page.getByRole('row', { name: new RegExp(colleagueEmail) });
      expect(await row.textContent()).toContain('Make decisions on applications');
      expect(await row.textContent()).not.toContain('Manage placement schools');

      // The colleague, signed in elsewhere, is told they no longer have that permission.
      const { page: colleague } = await h.newPage({ javaScriptEnabled: js });
      await signIn(colleague, colleagueEmail);
      const refused = await colleague.goto(`/provider/${providerId}/schools`);
      expect(refused?.status()).toBe(403);
      expect(await colleague.getByRole('heading', { level: 1 }).textContent()).toBe(
        'You do not have permission to do this',
      );
      expect(await colleague.getByText('You need permission to manage placement schools').count()).toBe(1);
      await axe(colleague);

      await page.getByRole('link', { name: new RegExp(`Change ${colleagueEmail}`) }).click();
      await page.getByRole('link', { name: `Remove ${colleagueEmail} from Sample Provider Worldwide Online` }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        `Are you sure you want to remove ${colleagueEmail}?`,
      );
      await axe(page);
      await page.getByRole('button', { name: 'Remove user' }).click();
      await expect.poll(() => page.url()).toMatch(/\/provider\/users$/);
      expect(await page.getByRole('row', { name: new RegExp(colleagueEmail) }).count()).toBe(0);
      const emails = await h.server.database.db
        .selectFrom('outbox')
        .select('template')
        .where('to_email', '=', colleagueEmail)
        .orderBy('id')
        .execute();
      expect(emails.map((e) => e.template)).toEqual([
        'provider-user-added',
        'provider-user-permissions-changed',
        'sign-in-code',
        'provider-user-removed',
      ]);
    });
  });
}
