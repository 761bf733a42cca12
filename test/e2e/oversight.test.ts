import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import { seedKnownFigures, type KnownFigures } from '../helpers/oversight.ts';

/**
 * The national dashboard and the open statistics in Chromium, JavaScript on and off: the
 * filters narrow the figures through the address, a bad date gets the error summary, the
 * charts fit a 390 px phone, and axe finds nothing on either page (charts included).
 */
let h: BrowserHarness;
let known: KnownFigures;

beforeAll(async () => {
  h = await startBrowser();
  known = await seedKnownFigures(h.server.database.db);
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

/** The first number in a figure's table row. */
const cell = (page: Page, figure: string, row: string) =>
  page.locator(`table[data-figure="${figure}"] tbody tr`, { hasText: row }).locator('td').first().textContent();

for (const js of [true, false]) {
  describe(`the national figures, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('the dashboard: filters through the address, a bad date refused, charts readable at 390 px', async () => {
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      const axe = async () => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      await signIn(page, known.emails.admin);
      await page.goto('/admin');
      await page
        .getByRole('navigation', { name: 'DfE administration' })
        .getByRole('link', { name: 'Dashboard' })
        .click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('National dashboard');
      expect(await page.getByRole('img', { name: 'Applications by status' }).count()).toBe(1);
      expect((await cell(page, 'applications-by-status', 'Awaiting decision'))?.trim()).toBe('3');
      await axe();

      // One provider: the figures narrow, and the address carries the view.
      await page.getByLabel('Provider', { exact: true }).selectOption(String(known.providerB));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => page.url()).toContain(`provider=${known.providerB}`);
      expect(await page.locator('#applications-by-status').textContent()).toContain('4 applications submitted');
      const link = await page.getByRole('link', { name: 'Link to this view' }).getAttribute('href');
      expect(link).toBe(`/admin/dashboard?provider=${known.providerB}`);
      await axe();

      // An impossible date: the error summary, the field marked, nothing drawn.
      await page.getByRole('group', { name: 'From' }).getByLabel('Day').fill('31');
      await page.getByRole('group', { name: 'From' }).getByLabel('Month').fill('2');
      await page.getByRole('group', { name: 'From' }).getByLabel('Year').fill('2026');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(await page.locator('.govuk-error-summary').textContent()).toContain('The start date must be a real date');
      expect(await page.title()).toMatch(/^Error: /);
      expect(await page.locator('svg.app-figure-chart').count()).toBe(0);
      await axe();

      // On a phone: every chart fits the screen and its text stays readable.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/admin/dashboard');
      for (const svg of await page.locator('svg.app-figure-chart').all()) {
        const box = (await svg.boundingBox())!;
        expect(box.width).toBeLessThanOrEqual(390);
        expect(box.width).toBeGreaterThan(300);
      }
      const fontSize = await page
        .locator('svg.app-figure-chart .app-figure-chart__label')
        .first()
        .evaluate((e) => e.getBoundingClientRect().height);
      expect(fontSize).toBeGreaterThanOrEqual(12);
      await axe();
      expect(cspViolations).toEqual([]);
    });

    it('the open statistics: no sign-in, small numbers withheld, a CSV link, axe clean', async () => {
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      await page.goto('/');
      await page.getByRole('link', { name: 'Statistics', exact: true }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('iQTS statistics');
      expect((await cell(page, 'applications-by-status', 'Awaiting decision'))?.trim()).toBe('fewer than 5');
      expect(await page.getByRole('img', { name: 'Applications submitted by month' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Download these statistics as CSV' }).getAttribute('href')).toBe(
        '/statistics.csv',
      );
      if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      expect(cspViolations).toEqual([]);
    });
  });
}
