import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { addAdmin, addProviderUser } from '../../src/features/accounts/repository.ts';
import { NO_STAFF_ACCOUNT } from '../../src/features/accounts/staff-sign-in-routes.ts';
import { adminScope } from '../../src/shared/scope.ts';
import { latestCode } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

const run = promisify(execFile);

/** Signs in through /provider/sign-in; returns where the service sends the person. */
async function staffSignIn(t: TestApp, client: FormClient, email: string) {
  const sent = await client.post('/provider/sign-in', { email }, await client.csrf('/provider/sign-in'));
  expect([sent.statusCode, sent.headers.location], sent.body.slice(0, 300)).toEqual([303, '/provider/sign-in/code']);
  const code = await latestCode(t.database.db, email);
  const done = await client.post('/provider/sign-in/code', { code }, await client.csrf('/provider/sign-in/code'));
  expect(done.statusCode, done.body.slice(0, 300)).toBe(303);
  return String(done.headers.location);
}

const userCount = async (t: TestApp) =>
  Number(
    (
      await t.database.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

for (const engine of engines) {
  describe.skipIf(engine.skip)(`provider and DfE staff sign-in (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
    });
    afterAll(async () => t?.close());

    it('an address without a staff account is told so, gets no code and no account is made', async () => {
      const client = new FormClient(t.app);
      const before = await userCount(t);
      const res = await client.post(
        '/provider/sign-in',
        { email: 'Stranger@Example.org' },
        await client.csrf('/provider/sign-in'),
      );
      expect(res.statusCode).toBe(400);
      const page = $(res);
      expect(page('title').text()).toMatch(/^Error: Sign in to manage iQTS applications and training/);
      expect(page('.govuk-error-summary a').attr('href')).toBe('#email');
      expect(page('#email-error').text()).toContain(NO_STAFF_ACCOUNT);
      expect(page('#email').val()).toBe('Stranger@Example.org');
      expect(await userCount(t)).toBe(before);
      const codes = await t.database.db.selectFrom('sign_in_codes').select('id').execute();
      expect(codes).toEqual([]);
      // Nor can the code page be reached without an address that has an account.
      expect((await client.get('/provider/sign-in/code')).headers.location).toBe('/provider/sign-in');
    });

    it('a candidate’s address is refused too, and stays a candidate', async () => {
      const stamp = new Date().toISOString();
      await t.database.db
        .insertInto('users')
        .values({
          email: 'cand@example.org',
          name: null,
          role: 'candidate',
          created_at: stamp,
          last_signed_in_at: null,
        })
        .execute();
      const client = new FormClient(t.app);
      const res = await client.post(
        '/provider/sign-in',
        { email: 'cand@example.org' },
        await client.csrf('/provider/sign-in'),
      );
      expect(res.statusCode).toBe(400);
      expect($(res)('#email-error').text()).toContain(NO_STAFF_ACCOUNT);
      const bad = await client.post(
        '/provider/sign-in',
        { email: 'not an email' },
        await client.csrf('/provider/sign-in'),
      );
      expect($(bad)('#email-error').text()).toContain('Enter an email address in the correct format');
    });

    it('a DfE admin made by the command signs in there and lands on the admin page, which says who is signed in', async () => {
      expect(await addAdmin(t.database.db, 'first.admin@example.org')).toBe('added');
      const client = new FormClient(t.app);
      expect(await staffSignIn(t, client, 'first.admin@example.org')).toBe('/admin');
      const admin = $(await client.get('/admin'));
      expect(admin('h1').text()).toBe('Providers and their users');
      expect(admin('.govuk-service-navigation').text()).toContain('Signed in as first.admin@example.org');
      // Signing in again on the staff page goes straight home.
      expect((await client.get('/provider/sign-in')).headers.location).toBe('/admin');
    });

    it('a provider user added by an admin signs in and is returned to the page they asked for', async () => {
      const admin = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'first.admin@example.org')
        .executeTakeFirstOrThrow();
      const provider = await t.database.db
        .selectFrom('providers')
        .select('id')
        .where('status', '=', 'approved')
        .orderBy('name')
        .executeTakeFirstOrThrow();
      const added = await addProviderUser(t.database.db, adminScope(admin.id), {
        email: 'admissions@example.org',
        providerId: provider.id,
        permissions: ['make-decisions'],
        serviceUrl: 'https://iqts.example.org',
      });
      expect(added.ok).toBe(true);
      const client = new FormClient(t.app);
      // Signed out, a provider page sends staff to their own sign-in, not the candidates'.
      expect((await client.get('/provider?sort=oldest')).headers.location).toBe('/provider/sign-in');
      expect(await staffSignIn(t, client, 'admissions@example.org')).toBe('/provider?sort=oldest');
      const role = await t.database.db
        .selectFrom('users')
        .select('role')
        .where('email', '=', 'admissions@example.org')
        .executeTakeFirstOrThrow();
      expect(role.role).toBe('provider');
    });

    it('the header shows who is signed in on every page with a session, and "Sign out" is a form that signs out', async () => {
      const client = new FormClient(t.app);
      await staffSignIn(t, client, 'admissions@example.org');
      for (const url of ['/provider', '/eligibility', '/feedback', '/provider/users']) {
        const res = await client.get(url);
        const nav = $(res)('.govuk-service-navigation');
        expect(nav.text(), url).toContain('Signed in as admissions@example.org');
        const form = nav.find('form[action="/sign-out"]');
        expect(form.attr('method'), url).toBe('post');
        expect(form.find('button').text().trim(), url).toBe('Sign out');
        expect(form.find('input[name="_csrf"]').val(), url).toBeTruthy();
      }
      const csrf = $(await client.get('/eligibility'))('.govuk-service-navigation input[name="_csrf"]').val() as string;
      const out = await client.post('/sign-out', {}, csrf);
      expect(out.headers.location).toBe('/signed-out');
      const after = $(await client.get('/eligibility'))('.govuk-service-navigation');
      expect(after.text()).not.toContain('Signed in as');
      expect(after.find('a[href="/sign-in"]').text()).toBe('Sign in');
      expect(after.find('a[href="/provider/sign-in"]').text()).toBe('Provider sign in');
      expect((await client.get('/provider')).headers.location).toBe('/provider/sign-in');
    });

    it('content pages, rendered once for everyone, offer both sign-ins and name nobody', async () => {
      const page = $(await t.app.inject('/'));
      const nav = page('.govuk-service-navigation');
      expect(nav.find('a[href="/sign-in"]').length).toBe(1);
      expect(nav.find('a[href="/provider/sign-in"]').length).toBe(1);
      expect(nav.text()).not.toContain('Signed in as');
    });
  });

  describe.skipIf(engine.skip)(`the first DfE admin (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
    });
    afterAll(async () => t?.close());

    it('is added once; again changes nothing; a candidate’s or provider user’s address is refused', async () => {
      const db = t.database.db;
      expect(await addAdmin(db, 'dfe.admin@example.org')).toBe('added');
      expect(await addAdmin(db, 'dfe.admin@example.org')).toBe('already-admin');
      const admins = await db.selectFrom('users').select('email').where('role', '=', 'admin').execute();
      expect(admins).toEqual([{ email: 'dfe.admin@example.org' }]);
      const stamp = new Date().toISOString();
      await db
        .insertInto('users')
        .values({
          email: 'cand2@example.org',
          name: null,
          role: 'candidate',
          created_at: stamp,
          last_signed_in_at: null,
        })
        .execute();
      expect(await addAdmin(db, 'cand2@example.org')).toEqual({ refused: 'candidate' });
      const role = await db.selectFrom('users').select('role').where('email', '=', 'cand2@example.org').execute();
      expect(role).toEqual([{ role: 'candidate' }]);
      const audit = await db.selectFrom('audit_events').select('action').where('action', '=', 'add-admin').execute();
      expect(audit.length).toBe(1);
    });
  });
}

describe('npm run users:add-admin -- EMAIL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iqts-add-admin-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const addAdminCommand = (...args: string[]) =>
    run('npx', ['tsx', 'src/features/accounts/cli/add-admin.ts', ...args], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(dir, 'fresh.sqlite')}`,
        SERVICE_URL: 'https://iqts.example.org',
        LOG_LEVEL: 'silent',
      },
    }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('refuses what is not an email address, makes the admin on a fresh database, and is safe to run again', async () => {
    const bad = await addAdminCommand('not-an-email');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('is not an email address in the correct format');
    const none = await addAdminCommand();
    expect([none.code, none.out]).toEqual([2, expect.stringContaining('Usage: npm run users:add-admin -- ')]);

    const first = await addAdminCommand('First.Admin@Example.org');
    expect(first.code).toBe(0);
    expect(first.out).toContain(
      'Added first.admin@example.org as a DfE admin. They sign in at https://iqts.example.org/provider/sign-in',
    );
    const again = await addAdminCommand('first.admin@example.org');
    expect(again.code).toBe(0);
    expect(again.out).toContain('first.admin@example.org is already a DfE admin: nothing changed.');

    const database = await connectDatabase(`sqlite:${join(dir, 'fresh.sqlite')}`);
    try {
      const users = await database.db.selectFrom('users').select(['email', 'role']).execute();
      expect(users).toEqual([{ email: 'first.admin@example.org', role: 'admin' }]);
    } finally {
      await database.close();
    }
  }, 120_000);
});

describe('development tools: one click loads the sample data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DEV_TOOLS: 'true' } });
  });
  afterAll(async () => t?.close());

  it('"Load sample data" adds the sample providers, schools and users once, then offers to sign in as them', async () => {
    const client = new FormClient(t.app);
    const empty = $(await client.get('/dev/users'));
    expect(empty('main').text()).toContain('There are no sample users yet.');
    const button = empty('form[action="/dev/sample-data"] button');
    expect(button.text().trim()).toBe('Load sample data');
    const csrf = empty('form[action="/dev/sample-data"] input[name="_csrf"]').val() as string;
    // Without the CSRF token nothing happens.
    expect((await client.post('/dev/sample-data', {})).statusCode).toBe(403);
    const loaded = await client.post('/dev/sample-data', {}, csrf);
    expect([loaded.statusCode, loaded.headers.location]).toEqual([303, '/dev/users']);
    const page = $(await client.get('/dev/users'));
    expect(page('.govuk-notification-banner').text()).toMatch(/Sample data loaded: 6 providers, 500 placement schools/);
    expect(page('form[action="/dev/sample-data"]').length).toBe(0);
    expect(page('button').text()).toContain('Sign in as sample.provider1@example.com');
    const schools = await t.database.db
      .selectFrom('placement_schools')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // The 500 sample placement schools, and the 3 schools of the sample trainees' placements.
    expect(Number(schools.n)).toBe(503);
    // A second post (an old tab) adds nothing more.
    await client.post('/dev/sample-data', {}, csrf);
    expect($(await client.get('/dev/users'))('.govuk-notification-banner').text()).toContain('already loaded');
    const again = await t.database.db
      .selectFrom('placement_schools')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(again.n)).toBe(503);
  }, 60_000);
});
