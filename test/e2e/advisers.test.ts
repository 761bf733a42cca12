import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFor } from '../../src/features/accounts/repository.ts';
import { addHours } from '../../src/features/advisers/repository.ts';
import { adviserScope } from '../../src/shared/scope.ts';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

/**
 * A candidate in Kathmandu follows the iQTS page's promo, signs up for an adviser and books
 * a call shown in both UK and Nepal time; an adviser takes them from the queue and records
 * the call. With JavaScript on and off; axe finds nothing on any page.
 */
let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  const adviser = await accountFor(
    db,
    { email: 'e2e.adviser@example.org', name: 'Elin Adviser', role: 'adviser' },
    new Date(),
  );
  for (let weekday = 1; weekday <= 7; weekday++) {
    await addHours(db, adviserScope(adviser.id), { weekday, startTime: '09:00', endTime: '12:00', slotMinutes: 30 });
  }
}, 120_000);
afterAll(async () => h?.close());

const BOTH_ZONES =
  /^\d{1,2}:\d{2}(am|pm) (British Summer Time \(UTC\+1\)|Greenwich Mean Time \(UTC\))( on .+)? — \d{1,2}:\d{2}(am|pm) Nepal Time \(UTC\+5:45\)$/;

for (const js of [true, false]) {
  describe(`talk to an adviser, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('a candidate in Kathmandu books a call from the promo; an adviser takes it and records notes', async () => {
      const db = h.server.database.db;
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const email = `kathmandu-${js ? 'js' : 'nojs'}@example.org`;
      const name = `Sita Sharma ${js ? 'A' : 'B'}`;
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled: js });
      const next = () => page.getByRole('button', { name: 'Continue' }).click();

      await page.goto('/non-uk-teachers/international-qualified-teacher-status');
      await page.getByRole('link', { name: 'Talk to a teacher training adviser' }).click();
      await axe(page);
      await page.getByRole('link', { name: 'Start now' }).click();
      await page.getByLabel('What is your name?').fill(name);
      await axe(page);
      await next();
      await page.getByLabel('What is your email address?').fill(email);
      await next();
      await page.getByLabel('Security code').fill(await latestCode(db, email));
      await axe(page);
      await next();
      await page.getByLabel('Country').selectOption('NP');
      await page.getByLabel('Town or city (optional)').fill('Kathmandu');
      await axe(page);
      await next();
      expect(await page.getByLabel('What is your time zone?').inputValue()).toBe('Asia/Kathmandu');
      await axe(page);
      await next();
      // Without the country code: read as a number in Nepal.
      await page.getByLabel('What phone number should your adviser call?').fill('01-4412345');
      await next();
      await page.getByLabel('I am finding out about teaching').check();
      await axe(page);
      await next();
      await page.getByLabel('Secondary').check();
      await page.getByLabel('Which subject would you like to teach? (optional)').fill('Mathematics');
      await next();
      await page.getByLabel('I have a degree').check();
      await next();
      await page.getByLabel('Understanding iQTS and QTS').check();
      await page.getByLabel('Preparing for an interview').check();
      await axe(page);
      await next();
      await page.getByLabel('I agree that a teacher training adviser may contact me by phone and email').check();
      await page.getByRole('radio', { name: 'Yes' }).check();
      await axe(page);
      await next();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Check your answers before asking for an adviser',
      );
      expect(await page.locator('.govuk-summary-list').textContent()).toContain('+977 1 4412345');
      await axe(page);
      await page.getByRole('button', { name: 'Ask for an adviser' }).click();

      // Times in both zones; the first free one is booked.
      const first = page.locator('.govuk-radios__label').first();
      const label = (await first.textContent())!.trim();
      expect(label).toMatch(BOTH_ZONES);
      await axe(page);
      await first.click();
      await page.getByRole('button', { name: 'Book this call' }).click();
      expect(await page.locator('.govuk-panel__title').textContent()).toContain('Your call is booked');
      const nepal = label.split(' — ')[1]!;
      expect(await page.locator('#next-call').textContent()).toContain(nepal);
      await axe(page);

      // The adviser takes the candidate from the queue and records the call.
      const adviser = await h.newPage({ javaScriptEnabled: js });
      const a = adviser.page;
      await a.goto('/provider/sign-in');
      await a.getByLabel('Email address').fill('e2e.adviser@example.org');
      await a.getByRole('button', { name: 'Continue' }).click();
      await a.getByLabel('Security code').fill(await latestCode(db, 'e2e.adviser@example.org'));
      await a.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => a.url()).toMatch(/\/adviser$/);
      await axe(a);
      await a.getByRole('link', { name: 'New requests' }).first().click();
      await a.getByLabel('Country').selectOption('NP');
      await a.getByRole('button', { name: 'Filter requests' }).click();
      await expect.poll(() => a.url()).toContain('country=NP');
      await axe(a);
      await a.getByRole('link', { name }).click();
      expect((await a.locator('#call-time').textContent())!.trim()).toBe(label);
      await axe(a);
      await a.getByRole('button', { name: 'Take this candidate' }).click();
      await a.getByLabel('Supported').check();
      await a.getByLabel('Notes').fill('Explained iQTS and UK ENIC statements of comparability.');
      await a.getByLabel('Day').fill('1');
      await a.getByLabel('Month').fill('6');
      await a.getByLabel('Year').fill('2030');
      await axe(a);
      await a.getByRole('button', { name: 'Save notes' }).click();
      expect(await a.locator('main').textContent()).toContain(
        'Explained iQTS and UK ENIC statements of comparability.',
      );
      await axe(a);

      // The candidate now sees who their adviser is.
      await page.goto('/advisers/your-adviser');
      expect(await page.locator('main').textContent()).toContain('Your adviser is Elin Adviser');
      expect(cspViolations).toEqual([]);
      expect(adviser.cspViolations).toEqual([]);
    }, 240_000);
  });
}
