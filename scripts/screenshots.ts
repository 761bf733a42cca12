/**
 * npm run screenshots — full-page PNGs of every page of the candidate and provider journeys,
 * at desktop (1280 px) and mobile (390 px) widths, into docs/screenshots/. It starts the
 * service on a fresh temporary SQLite database with generated sample data (every sample
 * provider, school and person is labelled "Sample"), then walks the journeys in Debian's
 * Chromium as the browser tests do: eligibility, the finders, signing in, the application
 * from empty to submitted; then the first DfE admin, a provider user, a decision.
 *
 *   npm run screenshots                 # both widths
 *   npm run screenshots -- --only mobile
 *   npm run screenshots -- --readme     # also replaces the three committed pictures the README shows
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { addAdmin } from '../src/features/accounts/repository.ts';
import { countryName } from '../src/shared/format.ts';
import { seedSampleData } from '../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../src/features/providers/reference-data.ts';
import { fromRoot } from '../src/shared/paths.ts';
import { LAGOS_CANDIDATE } from '../test/helpers/applications.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/browser.ts';

const VIEWPORTS = { desktop: { width: 1280, height: 800 }, mobile: { width: 390, height: 844 } } as const;
type Width = keyof typeof VIEWPORTS;
const OUT = fromRoot('docs/screenshots');
const SAMPLE_PROVIDER = 'Sample Provider Worldwide Online';

const { values } = parseArgs({ options: { only: { type: 'string' }, readme: { type: 'boolean', default: false } } });
const widths = (Object.keys(VIEWPORTS) as Width[]).filter((w) => !values.only || values.only === w);

/** The newest sign-in code emailed to an address, read from the outbox as a person reads their email. */
async function codeFor(database: DatabaseHandle, email: string): Promise<string> {
  const row = await database.db
    .selectFrom('outbox')
    .select('body')
    .where('to_email', '=', email)
    .where('template', '=', 'sign-in-code')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const code = /\b(\d{6})\b/.exec(row.body)?.[1];
  if (!code) throw new Error(`no code in the email to ${email}`);
  return code;
}

/**
 * The three pictures the README shows, committed (docs/screenshots/readme-*.png): the first
 * screen only, so they stay small. Every other picture is generated and ignored by git.
 */
const README_SHOTS: Record<string, Width> = {
  home: 'mobile',
  'provider-sign-in': 'desktop',
  'provider-applications': 'desktop',
};

class Camera {
  count = 0;
  constructor(private readonly width: Width) {}
  async shoot(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('load');
    const file = `${String(++this.count).padStart(2, '0')}-${name}-${this.width}.png`;
    await page.screenshot({ path: join(OUT, file), fullPage: true });
    console.log(`  ${file}  ${new URL(page.url()).pathname}`);
    const readme = `readme-${name}-${this.width}.png`;
    if (README_SHOTS[name] === this.width && (values.readme || !existsSync(join(OUT, readme))))
      await page.screenshot({ path: join(OUT, readme) });
  }
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).first().textContent();

async function signIn(page: Page, camera: Camera, database: DatabaseHandle, start: string, email: string) {
  await page.goto(start);
  await camera.shoot(page, start === '/sign-in' ? 'sign-in' : 'provider-sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await camera.shoot(page, start === '/sign-in' ? 'sign-in-code' : 'provider-sign-in-code');
  await page.getByLabel('Security code').fill(await codeFor(database, email));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Answers each eligibility question with its first answer (a country: Nigeria) until the result. */
async function eligibility(page: Page, camera: Camera) {
  await page.goto('/eligibility');
  await camera.shoot(page, 'eligibility-start');
  await page.getByRole('button', { name: 'Start now' }).click();
  for (let question = 1; question <= 12; question++) {
    if ((await heading(page)) === 'Check your answers') break;
    await camera.shoot(page, `eligibility-question-${question}`);
    // The first answer first (it may reveal a follow-up), then a country, chosen as a person
    // would: through the accessible autocomplete's box, or the plain list without it.
    if (await page.locator('main input[type="radio"]').count())
      await page.locator('main input[type="radio"]').first().check({ force: true });
    const box = page.locator('main input.autocomplete__input').first();
    if (await box.count()) {
      await box.fill('Niger');
      await page.getByRole('option', { name: 'Nigeria', exact: true }).click();
    } else if (await page.locator('main select').count()) await page.locator('main select').first().selectOption('NG');
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await camera.shoot(page, 'eligibility-check-answers');
  await page.getByRole('button', { name: 'See your result' }).click();
  await camera.shoot(page, 'eligibility-result');
}

async function candidateJourney(page: Page, camera: Camera, database: DatabaseHandle, email: string) {
  await page.goto('/');
  await camera.shoot(page, 'home');
  await page.goto('/non-uk-teachers/international-qualified-teacher-status');
  await camera.shoot(page, 'iqts-guidance');
  await eligibility(page, camera);
  await page.goto('/providers?country=NG');
  await camera.shoot(page, 'providers-in-nigeria');
  await page.getByRole('link', { name: SAMPLE_PROVIDER }).first().click();
  await camera.shoot(page, 'provider-profile');
  await page.goto('/placement-schools?near=Lagos&radius=250');
  await camera.shoot(page, 'placement-schools-near-lagos');

  await signIn(page, camera, database, '/sign-in', email);
  await camera.shoot(page, 'application-task-list');
  for (const [section, answers] of Object.entries(LAGOS_CANDIDATE)) {
    await page.goto(`/application/${section}`);
    for (const [name, value] of Object.entries(answers)) {
      const field = page.locator(`[name="${name}"]`);
      const kind = await field
        .first()
        .evaluate((el) => (el.tagName === 'SELECT' ? 'select' : (el as HTMLInputElement).type));
      if (kind === 'select' && (await field.first().isVisible())) await field.selectOption(value);
      else if (kind === 'select') {
        // The accessible autocomplete's box stands in for the list (the list's id + "-select").
        const id = (await field.first().getAttribute('id'))!.replace(/-select$/, '');
        await page.locator(`input#${id}`).fill(countryName(value).slice(0, 5));
        await page.getByRole('option', { name: countryName(value), exact: true }).click();
      } else if (kind === 'radio' || kind === 'checkbox')
        await page.locator(`[name="${name}"][value="${value}"]`).check({ force: true });
      else await field.fill(value);
    }
    await camera.shoot(page, `application-${section}`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
  }
  await page.goto('/application/provider');
  await page.getByLabel(SAMPLE_PROVIDER).check({ force: true });
  await camera.shoot(page, 'application-choose-provider');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await camera.shoot(page, 'application-complete-task-list');
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await camera.shoot(page, 'application-check-answers');
  await page.getByRole('button', { name: 'Submit application' }).click();
  await camera.shoot(page, 'application-submitted');
  return new URL(page.url()).pathname;
}

async function providerJourney(
  browser: Browser,
  baseURL: string,
  width: Width,
  camera: Camera,
  database: DatabaseHandle,
  applicationPath: string,
) {
  const newPage = async () => (await browser.newContext({ baseURL, viewport: VIEWPORTS[width] })).newPage();
  // The first DfE admin, made by the command's code, adds the provider's first user.
  const adminEmail = `dfe.admin.${width}@example.org`;
  await addAdmin(database.db, adminEmail);
  const admin = await newPage();
  await signIn(admin, camera, database, '/provider/sign-in', adminEmail);
  const officer = `admissions.${width}@example.org`;
  await admin.getByLabel('Email address').fill(officer);
  await admin.getByLabel('Provider', { exact: true }).selectOption({ label: SAMPLE_PROVIDER });
  for (const checkbox of await admin.locator('input[name="permissions"]').all()) await checkbox.check({ force: true });
  await camera.shoot(admin, 'admin-add-provider-user');
  await admin.getByRole('button', { name: 'Add user' }).click();
  await camera.shoot(admin, 'admin-providers');

  const provider = await newPage();
  await signIn(provider, camera, database, '/provider/sign-in', officer);
  await camera.shoot(provider, 'provider-applications');
  await provider.getByRole('link', { name: applicationPath.split('/').at(-1)! }).click();
  await camera.shoot(provider, 'provider-application');
  const offer = provider.getByRole('button', { name: 'Make offer' });
  if (await offer.count()) {
    await offer.click();
    await camera.shoot(provider, 'provider-offer-made');
  }
  await provider.goto('/provider/users');
  await camera.shoot(provider, 'provider-users');
  const { id } = await database.db
    .selectFrom('providers')
    .select('id')
    .where('name', '=', SAMPLE_PROVIDER)
    .executeTakeFirstOrThrow();
  await provider.goto(`/provider/${id}/profile`);
  await camera.shoot(provider, 'provider-edit-profile');
  await provider.goto(`/provider/${id}/schools`);
  await camera.shoot(provider, 'provider-placement-schools');
  // A throwaway database: the token in the picture reads nothing anywhere else.
  await provider.goto(`/provider/${id}/api-tokens`);
  await provider.getByLabel('Token name').fill(`Student records system (${width} px)`);
  await provider.getByRole('button', { name: 'Create token' }).click();
  await camera.shoot(provider, 'provider-api-token-created');
  await provider.goto(`/provider/${id}/api-tokens`);
  await camera.shoot(provider, 'provider-api-tokens');
}

/** The training record as a trainee, their mentor and the provider see it (sample trainees). */
async function trainingJourney(
  browser: Browser,
  baseURL: string,
  width: Width,
  camera: Camera,
  database: DatabaseHandle,
) {
  const newPage = async () => (await browser.newContext({ baseURL, viewport: VIEWPORTS[width] })).newPage();
  const trainee = await newPage();
  await signIn(trainee, camera, database, '/sign-in', 'sample.trainee2@example.com');
  await trainee.goto('/training');
  await camera.shoot(trainee, 'trainee-progress');
  await trainee.goto('/training/days');
  await camera.shoot(trainee, 'trainee-log-week');
  const mentor = await newPage();
  await signIn(mentor, camera, database, '/provider/sign-in', 'sample.mentor2@example.com');
  await camera.shoot(mentor, 'mentor-trainees');
  await mentor.locator('main a[href^="/mentor/trainees/"]').first().click();
  await camera.shoot(mentor, 'mentor-trainee');
  const provider = await newPage();
  await signIn(provider, camera, database, '/provider/sign-in', 'sample.provider1@example.com');
  await provider.goto('/provider/trainees');
  await camera.shoot(provider, 'provider-trainees');
  await provider.getByRole('link', { name: 'Sample Trainee Mid-way' }).click();
  await camera.shoot(provider, 'provider-trainee');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iqts-screenshots-'));
  const url = `sqlite:${join(dir, 'screenshots.sqlite')}`;
  const database = await connectDatabase(url);
  try {
    await migrateToLatest(database);
    await loadReferenceProviders(database.db);
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', DATABASE_URL: url });
    await seedSampleData(database.db, 300, { trainees: { serviceUrl: config.serviceUrl } });
    const app = await buildApp({ config, database });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the service did not listen on a port');
    const baseURL = `http://127.0.0.1:${address.port}`;
    mkdirSync(OUT, { recursive: true });
    // The README's pictures are committed: replaced only when asked (--readme), so a run leaves git clean.
    for (const old of readdirSync(OUT).filter((f) => f.endsWith('.png') && !f.startsWith('readme-')))
      rmSync(join(OUT, old));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      for (const width of widths) {
        console.log(`${width} (${VIEWPORTS[width].width} px wide):`);
        const camera = new Camera(width);
        const context = await browser.newContext({ baseURL, viewport: VIEWPORTS[width] });
        const page = await context.newPage();
        const applicationPath = await candidateJourney(page, camera, database, `amina.${width}@example.org`);
        await providerJourney(browser, baseURL, width, camera, database, applicationPath);
        await trainingJourney(browser, baseURL, width, camera, database);
        await page.goto(applicationPath);
        await camera.shoot(page, 'application-status');
      }
    } finally {
      await browser.close();
      await app.close();
    }
    console.log(`Screenshots written to docs/screenshots/`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
