import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { recordAudit } from '../../src/audit/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

/**
 * A DfE admin finds a user, deactivates them (the user, signed in elsewhere, is signed out
 * on their next page) and reads the audit log filtered to that change and by dates — with
 * JavaScript on and off, axe clean on every page.
 */
let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  await seedSampleData(db, 0);
  const stamp = new Date().toISOString();
  await db
    .insertInto('users')
    .values(
      ['js', 'nojs'].flatMap((k) => [
        { email: `e2e.admin.${k}@example.org`, name: null, role: 'admin', created_at: stamp, last_signed_in_at: null },
        {
          email: `leaver.${k}@example.org`,
          name: `Leaver ${k === 'js' ? 'Scripted' : 'Plain'}`,
          role: 'candidate',
          created_at: stamp,
          last_signed_in_at: null,
        },
      ]),
    )
    .execute();
  // An old row, so a date range leaves it out.
  await recordAudit(
    db,
    { actorUserId: null, providerId: null, applicationId: null, action: 'add-admin', detail: { note: 'old' } },
    new Date('2024-01-15T09:00:00.000Z'),
  );
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
  describe(`DfE admin: users and the audit log, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('finds a user, deactivates them (signed out at once), and finds the change in the audit log', async () => {
      const k = js ? 'js' : 'nojs';
      const name = `Leaver ${js ? 'Scripted' : 'Plain'}`;
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      // The user, signed in on their own device.
      const { page: leaver } = await h.newPage({ javaScriptEnabled: js });
      await signIn(leaver, `leaver.${k}@example.org`);
      await expect.poll(() => leaver.url()).toMatch(/\/application$/);

      const { page } = await h.newPage({ javaScriptEnabled: js });
      await signIn(page, `e2e.admin.${k}@example.org`);
      await expect.poll(() => page.url()).toMatch(/\/admin$/);
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await axe(page);
      await page.getByLabel('Name or email address').fill(`leaver.${k}`);
      await page.getByLabel('Role').selectOption('candidate');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => page.url()).toContain(`q=leaver.${k}`);
      expect(await page.getByRole('heading', { name: '1 user' }).count()).toBe(1);
      await axe(page);
      await page.getByRole('link', { name }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      await axe(page);
      await page.getByRole('button', { name: 'Deactivate account' }).click();
      await expect.poll(() => page.getByText('Deactivated on').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Reactivate account' }).count()).toBe(1);
      await axe(page);

      // The user's next page: signed out, asked to sign in.
      await leaver.goto('/application');
      await expect.poll(() => leaver.url()).toMatch(/\/sign-in$/);

      // The audit log, filtered to deactivations from today, then by a date range that excludes them.
      await page.goto('/admin/audit');
      await axe(page);
      await page.getByLabel('Action').selectOption('deactivate-user');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => page.url()).toContain('action=deactivate-user');
      const rows = page.locator('tbody tr');
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(1);
      expect(await rows.first().textContent()).toContain(`e2e.admin.${k}@example.org`);
      await axe(page);
      // A range that ends before it starts: the error summary, linked to the field.
      const from = page.getByRole('group', { name: 'From' });
      const to = page.getByRole('group', { name: 'To' });
      await from.getByLabel('Day').fill('2');
      await from.getByLabel('Month').fill('2');
      await from.getByLabel('Year').fill('2024');
      await to.getByLabel('Day').fill('1');
      await to.getByLabel('Month').fill('1');
      await to.getByLabel('Year').fill('2024');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => page.getByText('There is a problem').count()).toBe(1);
      expect(await page.title()).toMatch(/^Error: Audit log/);
      await axe(page);
      await page.getByRole('link', { name: 'To date must be the same as or after the from date' }).click();
      // 2024: only the old row of that year.
      await from.getByLabel('Day').fill('1');
      await from.getByLabel('Month').fill('1');
      await to.getByLabel('Day').fill('31');
      await to.getByLabel('Month').fill('12');
      await page.getByLabel('Action').selectOption('');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => page.getByRole('heading', { name: '1 change' }).count()).toBe(1);
      expect(await rows.first().textContent()).toContain('{"note":"old"}');
      await axe(page);
    });
  });
}
