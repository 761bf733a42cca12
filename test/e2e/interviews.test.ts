import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode, signIn as signInClient } from '../helpers/accounts.ts';
import { FormClient } from '../helpers/app.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import { nextLastSunday, nextMarch16, weekdayOf } from '../interviews/dates.ts';

/**
 * A candidate in Auckland and a provider in London agree an interview in the browser, with
 * JavaScript on and off: each reads the time in their own zone, exactly; axe finds nothing.
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

/** A submitted application from a candidate in Auckland, made through the forms without a browser. */
async function aucklandApplication(email: string): Promise<string> {
  const client = new FormClient(h.server.app);
  await signInClient(client, h.server.database.db, email);
  await completeApplication(client, { ...LAGOS_CANDIDATE, 'where-you-live': { country: 'NZ', town: 'Auckland' } });
  await client.post('/application/submit', {}, await client.csrf('/application/check'));
  const row = await h.server.database.db
    .selectFrom('applications as a')
    .innerJoin('users as u', 'u.id', 'a.candidate_id')
    .select('a.reference')
    .where('u.email', '=', email)
    .executeTakeFirstOrThrow();
  return row.reference;
}

for (const js of [true, false]) {
  describe(`interviews across time zones, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('the provider offers a time in London; the candidate in Auckland chooses it; each sees it in their own zone', async () => {
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };
      const candidateEmail = `auckland-${js ? 'js' : 'nojs'}@example.org`;
      const reference = await aucklandApplication(candidateEmail);
      const date = nextMarch16();
      const [year, , day] = date.split('-');
      const weekday = weekdayOf(date);
      const candidateSees = `${weekday} 16 March ${year} at 9:00pm New Zealand Daylight Time (UTC+13)`;
      const providerSees = `${weekday} 16 March ${year} at 8:00am Greenwich Mean Time (UTC) (9:00pm New Zealand Daylight Time (UTC+13) for the candidate)`;

      const { page: provider } = await h.newPage({ javaScriptEnabled: js });
      await signIn(provider, 'sample.provider1@example.com');
      await provider.goto(`/provider/applications/${reference}`);
      await provider.getByRole('button', { name: 'Invite to interview' }).click();
      expect(await provider.getByRole('heading', { level: 1 }).textContent()).toBe('Invite to interview');
      await axe(provider);
      // Sending nothing: the error summary, and nothing is sent.
      await provider.getByRole('button', { name: 'Send times to the candidate' }).click();
      expect(await provider.locator('.govuk-error-summary').textContent()).toContain(
        'Enter the date and time of the interview',
      );
      await axe(provider);
      const first = provider.getByRole('group', { name: 'Time 1' });
      await first.getByLabel('Day').fill(String(Number(day)));
      await first.getByLabel('Month').fill('3');
      await first.getByLabel('Year').fill(year!);
      await first.getByLabel('Time', { exact: true }).fill('8:00am');
      await provider.getByRole('radio', { name: 'Online' }).check();
      await provider.getByLabel('Meeting link').fill('https://meet.example.org/iqts-interview');
      await provider.getByRole('button', { name: 'Send times to the candidate' }).click();
      expect(await provider.getByRole('heading', { level: 1 }).textContent()).toBe('Interview');
      expect(await provider.getByTestId('times').locator('li').allTextContents()).toEqual([providerSees]);
      await axe(provider);

      const { page: candidate } = await h.newPage({ javaScriptEnabled: js });
      await signIn(candidate, candidateEmail);
      await candidate.goto(`/applications/${reference}`);
      await axe(candidate);
      await candidate.getByRole('link', { name: 'Choose a time for your interview' }).click();
      await axe(candidate);
      await candidate.getByRole('radio', { name: candidateSees, exact: true }).check();
      await candidate.getByRole('button', { name: 'Confirm this time' }).click();
      expect(await candidate.getByTestId('when').textContent()).toBe(candidateSees);
      expect(await candidate.getByTestId('interview-status').textContent()).toBe('Agreed');
      await axe(candidate);
      // The calendar file is offered to download.
      expect(
        await candidate
          .getByRole('link', { name: 'Add the interview to your calendar (download a calendar file)' })
          .getAttribute('href'),
      ).toMatch(/^\/applications\/IQTS-[0-9A-Z]{7}\/interviews\/\d+\.ics$/);

      await provider.reload();
      expect(await provider.getByTestId('when').textContent()).toBe(providerSees);
      expect(await provider.getByTestId('interview-status').textContent()).toBe('Agreed');

      // Rearranging to a time the clocks show twice: the provider is asked which one.
      await provider.getByRole('link', { name: 'Rearrange the interview' }).click();
      await axe(provider);
      const autumn = nextLastSunday(10);
      const again = provider.getByRole('group', { name: 'Time 1' });
      await again.getByLabel('Day').fill(String(Number(autumn.slice(8))));
      await again.getByLabel('Month').fill('10');
      await again.getByLabel('Year').fill(autumn.slice(0, 4));
      await again.getByLabel('Time', { exact: true }).fill('1:30am');
      await provider.getByLabel('Why are you rearranging the interview?').fill('Our tutor is ill');
      await provider.getByRole('button', { name: 'Send times to the candidate' }).click();
      expect(await provider.locator('.govuk-error-summary').textContent()).toContain('1:30am happens twice');
      await provider.getByRole('radio', { name: '1:30am Greenwich Mean Time (UTC)', exact: true }).check();
      await axe(provider);
      await provider.getByRole('button', { name: 'Send times to the candidate' }).click();
      expect(await provider.getByTestId('times').locator('li').allTextContents()).toEqual([
        `Sunday ${Number(autumn.slice(8))} October ${autumn.slice(0, 4)} at 1:30am Greenwich Mean Time (UTC) ` +
          `(2:30pm New Zealand Daylight Time (UTC+13) for the candidate)`,
      ]);
      await candidate.reload();
      await candidate
        .getByRole('radio', {
          name: `Sunday ${Number(autumn.slice(8))} October ${autumn.slice(0, 4)} at 2:30pm New Zealand Daylight Time (UTC+13)`,
          exact: true,
        })
        .check();
      await candidate.getByRole('button', { name: 'Confirm this time' }).click();
      expect(await candidate.getByTestId('interview-status').textContent()).toBe('Agreed');

      // The account page, from the header: the zone proposed from Auckland, changed to Dubai.
      await candidate.getByRole('link', { name: 'Your account' }).click();
      expect(await candidate.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
      expect(await candidate.getByTestId('zone').textContent()).toMatch(/^Pacific\/Auckland – New Zealand/);
      await axe(candidate);
      const box = candidate.locator('input').and(candidate.getByRole('combobox', { name: 'Time zone', exact: true }));
      if (js) {
        await box.fill('Dubai');
        await candidate.getByRole('option', { name: 'Asia/Dubai – Gulf Standard Time (UTC+4)', exact: true }).click();
      } else {
        await candidate.getByLabel('Time zone', { exact: true }).selectOption('Asia/Dubai');
      }
      await candidate.getByRole('button', { name: 'Save time zone' }).click();
      expect(await candidate.getByTestId('zone').textContent()).toBe('Asia/Dubai – Gulf Standard Time (UTC+4)');
      await axe(candidate);
      await candidate.goto(`/applications/${reference}`);
      await candidate.getByRole('link', { name: /Gulf Standard Time/ }).click();
      expect(await candidate.getByTestId('when').textContent()).toBe(
        `Sunday ${Number(autumn.slice(8))} October ${autumn.slice(0, 4)} at 5:30am Gulf Standard Time (UTC+4)`,
      );

      // Cancelling, with a reason: the "Are you sure?" page, its error, and the cancelled interview.
      await candidate.getByRole('link', { name: 'Cancel the interview' }).click();
      await axe(candidate);
      await candidate.getByRole('button', { name: 'Cancel the interview' }).click();
      expect(await candidate.locator('.govuk-error-summary').textContent()).toContain(
        'Enter why you are cancelling the interview',
      );
      await axe(candidate);
      await candidate.getByLabel('Why are you cancelling the interview?').fill('I have found another course');
      await candidate.getByRole('button', { name: 'Cancel the interview' }).click();
      expect(await candidate.getByTestId('interview-status').textContent()).toBe('Cancelled');
      await provider.reload();
      expect(await provider.getByTestId('interview-status').textContent()).toBe('Cancelled');
      await axe(provider);
    }, 240_000);
  });
}
