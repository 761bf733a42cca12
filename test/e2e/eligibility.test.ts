import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import { chooseCountry } from '../helpers/country.ts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
});
afterAll(async () => h?.close());

/**
 * Picks an answer by its label and continues, checking axe on the question page first.
 * axe runs inside the page, so it can only run where JavaScript is on.
 */
async function choose(page: Page, question: string, label: string, checked: string[], axe: boolean) {
  await expect.poll(() => page.getByRole('heading', { name: question }).isVisible()).toBe(true);
  if (axe) expect(await axeViolations(page), question).toEqual([]);
  checked.push(page.url());
  await page.getByRole('radio', { name: label, exact: true }).check();
  // Living outside England reveals the country question under the option.
  if (label === 'Outside England') await chooseCountry(page, 'Which country do you live in?', 'Nigeria');
  await page.getByRole('button', { name: 'Continue' }).click();
}

for (const javaScriptEnabled of [false, true]) {
  describe(`the eligibility checker with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    it('the whole journey: start, every question, an error, check answers, change, the result — axe clean throughout', async () => {
      const { page, cspViolations, consoleWarnings } = await h.newPage({ javaScriptEnabled });
      const visited: string[] = [];
      await page.goto('/non-uk-teachers/international-qualified-teacher-status');
      await page.getByRole('link', { name: 'Check your eligibility', exact: true }).first().click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check if you can train for iQTS');
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Start now' }).click();

      // Continue without choosing: the GOV.UK error state.
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await page.title()).toMatch(/^Error: Where do you live\?/);
      expect(await page.getByRole('link', { name: 'Select where you live' }).isVisible()).toBe(true);
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);

      await choose(page, 'Where do you live?', 'Outside England', visited, javaScriptEnabled);
      await choose(page, 'Which age group do you want to teach?', 'Primary (ages 5 to 11)', visited, javaScriptEnabled);
      await choose(page, 'Do you have a bachelor’s degree?', 'Yes, from outside the UK', visited, javaScriptEnabled);
      await choose(
        page,
        'Do you have a maths qualification at the standard of a GCSE at grade 4 (C) or above?',
        'Yes, a GCSE or O level',
        visited,
        javaScriptEnabled,
      );
      await choose(
        page,
        'Do you have a science qualification at the standard of a GCSE at grade 4 (C) or above?',
        'No',
        visited,
        javaScriptEnabled,
      );
      await choose(
        page,
        'Can you show your English language ability?',
        'No, neither of these',
        visited,
        javaScriptEnabled,
      );
      expect(visited.length).toBe(6);

      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your answers');
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      // Change science: back to the summary with the new answer.
      await page.getByRole('link', { name: 'Change science' }).click();
      expect(await page.getByRole('radio', { name: 'No', exact: true }).isChecked()).toBe(true);
      await page.getByRole('radio', { name: 'Yes, a GCSE or O level', exact: true }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your answers');
      expect(await page.locator('.govuk-summary-list').textContent()).toContain('Yes, a GCSE or O level');

      await page.getByRole('button', { name: 'See your result' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'You can train for iQTS once you have done a few things',
      );
      expect(
        await page
          .getByText(/IELTS score of 6.5 or higher/)
          .first()
          .isVisible(),
      ).toBe(true);
      expect(await page.getByRole('link', { name: 'UK ENIC' }).isVisible()).toBe(true);
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      // The result takes the finder straight to the country the candidate gave.
      expect(await page.getByRole('link', { name: 'find an iQTS provider' }).getAttribute('href')).toBe(
        '/providers?country=NG&phase=primary',
      );
      expect(cspViolations).toEqual([]);
      expect(consoleWarnings).toEqual([]);
    });
  });
}

describe('every result page is axe clean', () => {
  const journeys: [string, [string, string][]][] = [
    ['iQTS is not for people who live in England', [['Where do you live?', 'In England']]],
    [
      'You meet the entry requirements for iQTS',
      [
        ['Where do you live?', 'Outside England'],
        ['Which age group do you want to teach?', 'Secondary (ages 11 to 18)'],
        ['Do you have a bachelor’s degree?', 'Yes, from the UK'],
        [
          'Do you have a maths qualification at the standard of a GCSE at grade 4 (C) or above?',
          'Yes, a GCSE or O level',
        ],
        ['Can you show your English language ability?', 'Yes, I completed some of my education in English'],
      ],
    ],
    [
      'You do not meet the entry requirements for iQTS yet',
      [
        ['Where do you live?', 'Outside England'],
        ['Which age group do you want to teach?', 'Secondary (ages 11 to 18)'],
        ['Do you have a bachelor’s degree?', 'No'],
        ['Do you have a maths qualification at the standard of a GCSE at grade 4 (C) or above?', 'No'],
        [
          'Can you show your English language ability?',
          'Yes, IELTS 6.5 or higher, or an equivalent English language test',
        ],
      ],
    ],
  ];
  for (const [heading, steps] of journeys) {
    it(heading, async () => {
      const { page } = await h.newPage();
      await page.goto('/eligibility/where-you-live');
      for (const [question, label] of steps) await choose(page, question, label, [], false);
      await page.getByRole('button', { name: 'See your result' }).click();
      expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(heading);
      expect(await axeViolations(page)).toEqual([]);
    });
  }
});
