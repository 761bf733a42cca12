import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
  await seedSampleData(h.server.database.db, 300);
});
afterAll(async () => h?.close());

describe('the finders in Chromium', () => {
  it('axe finds no violations on the finders with results, no results and errors, a profile, and placement schools', async () => {
    const { page, cspViolations } = await h.newPage();
    for (const path of [
      '/providers',
      '/providers?country=AE&phase=primary',
      '/providers?country=US&maxFee=1',
      '/providers?country=XX&phase=nursery',
      '/providers?near=Paris',
      '/providers/university-of-birmingham-dubai?near=Dubai',
      '/providers/sample-provider-dubai-campus?near=Dubai',
      '/placement-schools',
      '/placement-schools?near=Dubai&radius=50',
      '/placement-schools?near=Zzxqvv',
      '/placement-schools?near=Dubai&radius=7',
    ]) {
      await page.goto(path);
      expect(await axeViolations(page), path).toEqual([]);
    }
    expect(cspViolations).toEqual([]);
  });

  it('without JavaScript, a candidate types a town, chooses a distance and gets schools nearest first', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/placement-schools');
    await page.getByLabel('Town or city').fill('dubai');
    await page.getByLabel('Distance').selectOption('100');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toMatch(
      /partner schools? within 100 km of Dubai, United Arab Emirates/,
    );
    expect(page.url()).toContain('radius=100');
  });

  it('with JavaScript, the place look-up suggests towns and works by keyboard alone', async () => {
    const { page, cspViolations } = await h.newPage();
    await page.goto('/placement-schools');
    const input = page.getByRole('combobox', { name: 'Town or city' });
    await input.focus();
    // Each key sends a look-up; wait for the last one's answer, so the list no longer changes under the keys.
    const lastAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/places?q=Lago'));
    await page.keyboard.type('Lago');
    await lastAnswer;
    const option = page.getByRole('option', { name: 'Lagos, Nigeria' });
    await expect.poll(() => option.isVisible()).toBe(true);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('Lagos, Nigeria');
    await page.keyboard.press('Tab'); // to the distance
    await page.keyboard.press('Tab'); // to the button
    await page.keyboard.press('Enter');
    await page.waitForURL(/near=Lagos/);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain('Lagos, Nigeria');
    expect(await axeViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('the provider finder keeps filters in the URL and pages through results', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/providers');
    await page.getByLabel('Or the country where you live').selectOption('AE');
    await page.getByLabel('Age group').selectOption('primary');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(page.url()).toContain('country=AE');
    expect(page.url()).toContain('phase=primary');
    expect(
      await page
        .getByRole('heading', { level: 2, name: /providers? taking trainees in United Arab Emirates/ })
        .isVisible(),
    ).toBe(true);
    await page.getByRole('link', { name: 'University of Birmingham Dubai' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('University of Birmingham Dubai');
    await page.getByRole('link', { name: 'Back to providers' }).click();
    expect(page.url()).toContain('phase=primary');
  });
});
