import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

/**
 * A provider's user manager makes an API token (shown once), sees it listed without the
 * token, and revokes it; the API then refuses it.
 */
let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
  await seedSampleData(h.server.database.db, 0);
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
  describe(`API tokens, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('create a token, see it once, revoke it — axe clean on every page', async () => {
      const name = `Student records ${js ? 'JS' : 'no JS'}`;
      // axe runs in the page, so it checks where JavaScript is on; the markup is the same without it.
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      await signIn(page, 'sample.provider1@example.com');
      await page.goto('/provider/users');
      await page.getByRole('link', { name: 'API tokens for Sample Provider Worldwide Online' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('API tokens');
      await axe(page);

      // No name: the GOV.UK error summary and the field's message.
      await page.getByRole('button', { name: 'Create token' }).click();
      expect(await page.title()).toMatch(/^Error: /);
      expect(await page.getByRole('alert').textContent()).toContain('Enter a name for the token');
      await axe(page);

      await page.getByLabel('Token name').fill(name);
      await page.getByRole('button', { name: 'Create token' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('API token created');
      const token = await page.getByRole('textbox', { name: 'Your token' }).inputValue();
      expect(token).toMatch(/^iqts_api_[A-Za-z0-9_-]{43}$/);
      await axe(page);
      const works = await fetch(`${h.baseUrl}/api/v1/trainees`, { headers: { authorization: `Bearer ${token}` } });
      expect(works.status).toBe(200);

      await page.getByRole('link', { name: /go back to API tokens/ }).click();
      expect(await page.content()).not.toContain(token);
      const row = page.getByRole('row', { name: new RegExp(name) });
      expect(await row.textContent()).toContain('Active');
      expect(await row.textContent()).not.toContain('Never used');

      await row.getByRole('link', { name: `Revoke ${name}` }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        `Are you sure you want to revoke the API token ${name}?`,
      );
      await axe(page);
      await page.getByRole('button', { name: 'Revoke token' }).click();
      await expect.poll(() => page.url()).toMatch(/\/api-tokens$/);
      expect(await page.getByRole('row', { name: new RegExp(name) }).textContent()).toContain('Revoked');
      expect(await page.getByRole('link', { name: `Revoke ${name}` }).count()).toBe(0);
      await axe(page);
      const refused = await fetch(`${h.baseUrl}/api/v1/trainees`, { headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(401);
      expect(cspViolations).toEqual([]);
    });
  });
}
