import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { seedSampleTrainees } from '../../src/features/training/sample.ts';
import { latestCode } from '../helpers/accounts.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';
import { providerIdOf } from '../helpers/training.ts';

/**
 * The last mile in Chromium, JavaScript on and off: the sample trainee whose final assessment
 * passed is recommended by the provider (an impossible outcome date refused first), awarded by
 * the DfE, sees their award and certificate, and a member of the public checks the record
 * (a miss and a bad entry first). axe on every page, error states included. Between the two
 * runs the same sample trainee is put back to 'in training'.
 */
const PROVIDER = 'sample.provider1@example.com';
const ADMIN = 'browser.award.admin@example.org';
const TEACHER = 'sample.trainee3@example.com';
const NAME = 'Sample Trainee Final Review';
let h: BrowserHarness;
let traineeId: number;

beforeAll(async () => {
  h = await startBrowser();
  const db = h.server.database.db;
  await seedSampleData(db, 0);
  await seedSampleTrainees(db, await providerIdOf(db, 'sample-provider-worldwide-online'), h.baseUrl);
  traineeId = (await db.selectFrom('trainees').select('id').where('name', '=', NAME).executeTakeFirstOrThrow()).id;
  await db
    .insertInto('users')
    .values({ email: ADMIN, name: null, role: 'admin', created_at: new Date().toISOString(), last_signed_in_at: null })
    .execute();
}, 180_000);
afterAll(async () => h?.close());

async function signIn(page: Page, email: string, staff: boolean) {
  await page.goto(staff ? '/provider/sign-in' : '/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Security code').fill(await latestCode(h.server.database.db, email));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => page.url()).not.toMatch(/sign-in/);
}

const errorSummary = (page: Page) => page.locator('.govuk-error-summary').textContent();

/** The sample trainee back at "final review passed": no award, in training. */
async function reset() {
  const db = h.server.database.db;
  await db.deleteFrom('awards').where('trainee_id', '=', traineeId).execute();
  await db.deleteFrom('teachers').where('email', '=', TEACHER).execute();
  await db.deleteFrom('check_rate_limits').execute();
  await db
    .updateTable('trainees')
    .set({ state: 'in-training', state_detail: null, updated_at: new Date().toISOString() })
    .where('id', '=', traineeId)
    .execute();
}

for (const js of [true, false]) {
  describe(`the award, JavaScript ${js ? 'on' : 'off'}`, () => {
    it('from "final review passed" to "the public check shows QTS", axe clean on every page', async () => {
      await reset();
      const axe = async (page: Page) => {
        if (js) expect(await axeViolations(page), page.url()).toEqual([]);
      };

      // The provider recommends: every guard met; an outcome date in the future refused first.
      const { page: provider } = await h.newPage({ javaScriptEnabled: js });
      await signIn(provider, PROVIDER, true);
      await provider.goto(`/provider/trainees/${traineeId}`);
      await provider.getByRole('link', { name: 'Recommend for iQTS' }).click();
      expect(await provider.getByRole('heading', { level: 1 }).textContent()).toBe(`Recommend ${NAME} for iQTS`);
      expect((await provider.locator('.app-guards .govuk-tag').allTextContents()).map((s) => s.trim())).toEqual(
        Array(5).fill('Met'),
      );
      await axe(provider);
      const day = await provider.locator('#outcomeDate-day').inputValue();
      const month = await provider.locator('#outcomeDate-month').inputValue();
      const year = await provider.locator('#outcomeDate-year').inputValue();
      await provider.locator('#outcomeDate-year').fill('2099');
      await provider.getByRole('button', { name: 'Recommend for iQTS' }).click();
      expect(await errorSummary(provider)).toContain('You cannot recommend this trainee yet');
      expect(await provider.locator('#guard-outcome-date').textContent()).toContain('is in the future');
      await axe(provider);
      await provider.locator('#outcomeDate-day').fill(day);
      await provider.locator('#outcomeDate-month').fill(month);
      await provider.locator('#outcomeDate-year').fill(year);
      await provider.getByRole('button', { name: 'Recommend for iQTS' }).click();
      await expect.poll(() => provider.url()).toMatch(new RegExp(`/provider/trainees/${traineeId}$`));
      expect(await provider.locator('main').textContent()).toContain('Recommended for award');

      // The DfE awards.
      const { page: admin } = await h.newPage({ javaScriptEnabled: js });
      await signIn(admin, ADMIN, true);
      await admin.goto('/admin');
      await admin.getByRole('navigation', { name: 'DfE administration' }).getByRole('link', { name: 'Awards' }).click();
      await axe(admin);
      await admin.getByRole('link', { name: NAME }).first().click();
      await axe(admin);
      await admin.getByRole('button', { name: 'Award iQTS and QTS' }).click();
      await expect.poll(() => admin.locator('.govuk-summary-list').textContent()).toContain('Teacher reference number');
      const trn = (await admin
        .locator('.govuk-summary-list__row', { hasText: 'Teacher reference number' })
        .locator('dd')
        .textContent())!.trim();
      expect(trn).toMatch(/^[1-9]\d{6}$/);
      await axe(admin);

      // The teacher sees the award, the certificate and what to do next.
      const { page: teacher } = await h.newPage({ javaScriptEnabled: js });
      await signIn(teacher, TEACHER, false);
      await teacher.goto('/training');
      await teacher.getByRole('link', { name: 'See your award, your certificate and what to do next' }).click();
      expect(await teacher.locator('.govuk-panel').textContent()).toContain(trn);
      expect(await teacher.locator('main').textContent()).toContain(
        '2-year period of mentoring, training and induction',
      );
      await axe(teacher);
      const pdf = await teacher.request.get('/award/certificate.pdf');
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

      // Anyone checks the record: a bad entry, a miss, then the record.
      const { page: visitor } = await h.newPage({ javaScriptEnabled: js });
      await visitor.goto('/check-a-teachers-record');
      await axe(visitor);
      const check = async (trnValue: string, dob: [string, string, string]) => {
        await visitor.getByLabel('Teacher reference number (TRN)').fill(trnValue);
        await visitor.locator('#dateOfBirth-day').fill(dob[0]);
        await visitor.locator('#dateOfBirth-month').fill(dob[1]);
        await visitor.locator('#dateOfBirth-year').fill(dob[2]);
        await visitor.getByRole('button', { name: 'Check the record' }).click();
      };
      await check('12 34', ['14', '6', '1992']);
      expect(await errorSummary(visitor)).toContain('must be 7 digits');
      await axe(visitor);
      await check(trn, ['15', '6', '1992']);
      expect(await visitor.locator('#record h2').textContent()).toBe('No record found');
      await axe(visitor);
      await check(trn, ['14', '6', '1992']);
      const record = (await visitor.locator('#record').textContent())!.replace(/\s+/g, ' ');
      expect(record).toContain(NAME);
      expect(record).toMatch(/Holds qualified teacher status \(QTS\) since \d{1,2} \w+ \d{4}/);
      expect(await visitor.locator('.govuk-summary-list').textContent()).toContain(
        'International Qualified Teacher Status',
      );
      await axe(visitor);

      // The certificate's link shows the same record.
      await teacher.goto('/award');
      const link = (await teacher.locator('a[href*="/verify/"]').first().getAttribute('href'))!;
      await visitor.goto(new URL(link).pathname);
      expect(await visitor.locator('#record').textContent()).toContain(NAME);
      await axe(visitor);

      // Past the limit for this address: a clear 429 page.
      const windowStart = Math.floor(Date.now() / 1000 / 600) * 600;
      await h.server.database.db.deleteFrom('check_rate_limits').execute();
      await h.server.database.db
        .insertInto('check_rate_limits')
        .values([
          { bucket: 'check:127.0.0.1', window_start: windowStart, hits: 1_000 },
          { bucket: 'check:127.0.0.1', window_start: windowStart + 600, hits: 1_000 },
        ])
        .execute();
      await visitor.goto('/check-a-teachers-record');
      await check(trn, ['14', '6', '1992']);
      expect(await visitor.getByRole('heading', { level: 1 }).textContent()).toBe('You have checked too many records');
      await axe(visitor);
    }, 120_000);
  });
}
