import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deactivateUser, LAST_ADMIN } from '../../src/features/accounts/repository.ts';
import { adminScope } from '../../src/shared/scope.ts';
import { NO_STAFF_ACCOUNT } from '../../src/features/accounts/staff-sign-in-routes.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { latestCode, signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/**
 * DfE admins' users pages: finding people, their access, deactivation (signed out at once,
 * no sign-in) and reactivation, the last-admin rule (also under 50 concurrent requests),
 * every change audited, hostile input answered without a 500.
 */
const RACE = 50;

async function staffCodeStep(t: TestApp, client: FormClient, email: string) {
  const sent = await client.post('/provider/sign-in', { email }, await client.csrf('/provider/sign-in'));
  return sent;
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`DfE admins manage users (${engine.name})`, () => {
    let t: TestApp;
    let admin: FormClient;
    const idOf = async (email: string) =>
      (await t.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const audit = (action: string) =>
      t.database.db
        .selectFrom('audit_events')
        .select(['actor_user_id', 'detail'])
        .where('action', '=', action)
        .execute();
    const addUser = async (email: string, role: string, name: string | null = null) =>
      (
        await t.database.db
          .insertInto('users')
          .values({ email, name, role, created_at: new Date().toISOString(), last_signed_in_at: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
      admin = new FormClient(t.app);
      expect(await signIn(admin, t.database.db, 'sample.admin@example.com')).toBe('/admin');
    }, 60_000);
    afterAll(async () => t?.close());

    it('finds users by name or email, role and provider, all in the URL, a page at a time', async () => {
      for (let i = 0; i < 30; i++)
        await addUser(`pager${String(i).padStart(2, '0')}@example.org`, 'candidate', `Pager ${i}`);
      const home = $(await admin.get('/admin'));
      expect(home('a[href="/admin/users"]').text()).toBe('Users');

      const all = $(await admin.get('/admin/users?q=pager'));
      expect(all('#results-heading').text()).toBe('30 users');
      expect(all('tbody tr')).toHaveLength(25);
      const next = all('.govuk-pagination__next a').attr('href');
      expect(next).toBe('/admin/users?q=pager&page=2');
      const second = $(await admin.get(next!));
      expect(second('tbody tr')).toHaveLength(5);
      // By name, case aside; % and _ are plain characters, not wildcards.
      expect($(await admin.get('/admin/users?q=PAGER%2029'))('tbody tr').text()).toContain('pager29@example.org');
      expect($(await admin.get('/admin/users?q=%25'))('#results-heading').text()).toBe('0 users');
      expect($(await admin.get('/admin/users?q=pager_'))('#results-heading').text()).toBe('0 users');

      const provider = await t.database.db
        .selectFrom('providers')
        .select(['id', 'name'])
        .where('slug', '=', 'sample-provider-worldwide-online')
        .executeTakeFirstOrThrow();
      const staff = $(await admin.get(`/admin/users?role=provider&providerId=${provider.id}`));
      const emails = staff('tbody tr td:first-child').text();
      expect(emails).toContain('sample.provider1@example.com');
      expect(emails).not.toContain('sample.provider2@example.com');
      expect(staff('tbody tr').first().text()).toContain(provider.name);
      expect(staff('#role option[selected]').attr('value')).toBe('provider');
      expect(staff('#providerId option[selected]').attr('value')).toBe(String(provider.id));
      const admins = $(await admin.get('/admin/users?role=admin&status=active'));
      expect(admins('tbody').text()).toContain('sample.admin@example.com');
      expect(admins('tbody').text()).not.toContain('sample.provider1@example.com');
    });

    it('shows who a user is, their memberships and permissions, and when they last signed in', async () => {
      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const id = await idOf('sample.provider1@example.com');
      const page = $(await admin.get(`/admin/users/${id}`));
      expect(page('h1').text()).toBe('Sample Provider User 1');
      const summary = page('.govuk-summary-list').text();
      expect(summary).toContain('sample.provider1@example.com');
      expect(summary).toContain('Provider user');
      expect(summary).toMatch(/Last signed in\s+\w+day \d{1,2} \w+ \d{4} at/);
      expect(summary).toContain('Active');
      expect(page('#memberships').nextAll('form').first().find('legend').text()).toContain('Sample Provider');
      expect(page('input[name="permissions"][value="manage-users"]').is(':checked')).toBe(true);
      for (const bad of ['0', 'x', '99999999', '2147483648', '1e3', '-1'])
        expect((await admin.get(`/admin/users/${bad}`)).statusCode, bad).toBe(404);
    });

    it('deactivating a user ends their live session at once, they cannot sign in, and reactivating lets them back', async () => {
      const email = 'sample.provider2@example.com';
      const staff = new FormClient(t.app);
      await signIn(staff, t.database.db, email);
      expect((await staff.get('/provider')).statusCode).toBe(200);
      const id = await idOf(email);
      const csrf = await admin.csrf(`/admin/users/${id}`);
      const done = await admin.post(`/admin/users/${id}/deactivate`, {}, csrf);
      expect([done.statusCode, done.headers.location]).toEqual([303, `/admin/users/${id}`]);
      expect($(await admin.get(`/admin/users/${id}`))('.govuk-summary-list').text()).toContain('Deactivated on');

      // Their very next request: signed out, sent to the staff sign-in.
      const after = await staff.get('/provider');
      expect([after.statusCode, after.headers.location]).toEqual([303, '/provider/sign-in']);
      const [row] = await audit('deactivate-user');
      expect(row?.actor_user_id).toBe(await idOf('sample.admin@example.com'));
      expect(JSON.parse(row!.detail!)).toMatchObject({ userId: id, role: 'provider', sessionsEnded: 1 });

      // The staff sign-in answers exactly as for an address with no account, and sends no code.
      const codesBefore = await t.database.db
        .selectFrom('sign_in_codes')
        .select('id')
        .where('email', '=', email)
        .execute();
      const refused = await staffCodeStep(t, new FormClient(t.app), email);
      const stranger = await staffCodeStep(t, new FormClient(t.app), 'nobody.here@example.org');
      expect(refused.statusCode).toBe(400);
      expect($(refused)('#email-error').text()).toContain(NO_STAFF_ACCOUNT);
      expect($(refused)('.govuk-error-summary').text()).toBe($(stranger)('.govuk-error-summary').text());
      expect(await t.database.db.selectFrom('sign_in_codes').select('id').where('email', '=', email).execute()).toEqual(
        codesBefore,
      );
      // The candidate sign-in sends a code as for anyone, but the code does not sign them in.
      const elsewhere = new FormClient(t.app);
      const sent = await elsewhere.post('/sign-in', { email }, await elsewhere.csrf('/sign-in'));
      expect(sent.headers.location).toBe('/sign-in/code');
      const code = await latestCode(t.database.db, email);
      const no = await elsewhere.post('/sign-in/code', { code }, await elsewhere.csrf('/sign-in/code'));
      expect(no.statusCode).toBe(400);
      expect($(no)('.govuk-error-summary').text()).toContain('You cannot sign in with this email address');
      expect((await elsewhere.get('/provider')).headers.location).toBe('/provider/sign-in');
      expect(
        (await t.database.db.selectFrom('users').select('role').where('email', '=', email).executeTakeFirstOrThrow())
          .role,
      ).toBe('provider');

      // Reactivated: they sign in again at the staff sign-in.
      const react = await admin.post(`/admin/users/${id}/reactivate`, {}, await admin.csrf(`/admin/users/${id}`));
      expect(react.statusCode).toBe(303);
      expect(await audit('reactivate-user')).toHaveLength(1);
      const back = new FormClient(t.app);
      const again = await staffCodeStep(t, back, email);
      expect(again.headers.location).toBe('/provider/sign-in/code');
      const code2 = await latestCode(t.database.db, email);
      const inAgain = await back.post(
        '/provider/sign-in/code',
        { code: code2 },
        await back.csrf('/provider/sign-in/code'),
      );
      expect(inAgain.headers.location).toBe('/provider');
    });

    it('a deactivated user is signed out on their next request even if a session row survived', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'survivor@example.org');
      expect((await candidate.get('/application')).statusCode).toBe(200);
      // Deactivated without the sessions being ended (as if a row were written back afterwards).
      await t.database.db
        .updateTable('users')
        .set({ deactivated_at: new Date().toISOString() })
        .where('email', '=', 'survivor@example.org')
        .execute();
      const next = await candidate.get('/application');
      expect([next.statusCode, next.headers.location]).toEqual([303, '/sign-in']);
      // The old session is gone: a request with the old cookie is not signed in either.
      expect((await candidate.get('/application')).headers.location).toBe('/sign-in');
    });

    it('an admin cannot deactivate themselves, nor the last active admin', async () => {
      const me = await idOf('sample.admin@example.com');
      const page = $(await admin.get(`/admin/users/${me}`));
      expect(page('#deactivate').nextAll('p').first().text()).toContain('You cannot deactivate your own account');
      expect(page(`form[action="/admin/users/${me}/deactivate"]`)).toHaveLength(0);
      const self = await admin.post(`/admin/users/${me}/deactivate`, {}, await admin.csrf(`/admin/users/${me}`));
      expect(self.statusCode).toBe(400);
      expect($(self)('.govuk-error-summary').text()).toContain('You cannot deactivate your own account');
      expect($(self)('title').text()).toMatch(/^Error: /);

      // A second admin, added on the page, who then deactivates the first: then the last one cannot go.
      const add = await admin.post(
        '/admin/users/add-admin',
        { name: 'Second Admin', email: 'Second.Admin@Example.org' },
        await admin.csrf('/admin/users/add-admin'),
      );
      expect(add.statusCode).toBe(303);
      expect((await audit('add-admin')).map((r) => JSON.parse(r.detail!).userId)).toContain(
        await idOf('second.admin@example.org'),
      );
      const second = new FormClient(t.app);
      await signIn(second, t.database.db, 'second.admin@example.org');
      const gone = await second.post(`/admin/users/${me}/deactivate`, {}, await second.csrf(`/admin/users/${me}`));
      expect(gone.statusCode).toBe(303);
      expect((await admin.get('/admin')).headers.location).toBe('/provider/sign-in');
      // An active admin acting on another is never the last one, so through the pages the rule
      // is met only when two act at once (the race below); the repository refuses it on its own.
      const otherId = await idOf('second.admin@example.org');
      expect(await deactivateUser(t.database.db, adminScope(me), otherId)).toEqual({
        ok: false,
        field: 'deactivate',
        message: LAST_ADMIN,
      });
      const active = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('deactivated_at', 'is', null)
        .execute();
      expect(active.map((r) => r.id)).toEqual([otherId]);
      // "second" reactivates the first admin, who signs in again.
      expect(
        (await second.post(`/admin/users/${me}/reactivate`, {}, await second.csrf(`/admin/users/${me}`))).statusCode,
      ).toBe(303);
      admin = new FormClient(t.app);
      expect(await signIn(admin, t.database.db, 'sample.admin@example.com')).toBe('/admin');
    });

    it('adding an admin refuses a bad address, an existing admin and another role’s address', async () => {
      const csrf = await admin.csrf('/admin/users/add-admin');
      const cases: [Record<string, string | string[]>, string][] = [
        [{}, 'Enter their full name'],
        [{ name: 'X', email: 'nope' }, 'Enter an email address in the correct format'],
        [{ name: 'X', email: 'sample.admin@example.com' }, 'already a DfE admin'],
        [{ name: 'X', email: 'sample.candidate@example.com' }, 'belongs to a candidate, provider user or mentor'],
        [{ name: ['a', 'b'], email: ['x@y.z', 'a@b.c'] }, 'Enter their full name'],
        [{ name: 'x'.repeat(201), email: 'long@example.org' }, 'Name must be 200 characters or fewer'],
      ];
      for (const [form, message] of cases) {
        const res = await admin.post('/admin/users/add-admin', form, csrf);
        expect(res.statusCode, JSON.stringify(form).slice(0, 80)).toBe(400);
        expect($(res)('.govuk-error-summary').text()).toContain(message);
      }
      expect(
        (
          await t.database.db
            .selectFrom('users')
            .select('role')
            .where('email', '=', 'sample.candidate@example.com')
            .executeTakeFirstOrThrow()
        ).role,
      ).toBe('candidate');
    });

    it('changes a provider user’s permissions, keeping someone who can manage users', async () => {
      const id = await idOf('sample.provider3@example.com');
      const providerId = (
        await t.database.db
          .selectFrom('provider_memberships')
          .select('provider_id')
          .where('user_id', '=', id)
          .executeTakeFirstOrThrow()
      ).provider_id;
      const csrf = await admin.csrf(`/admin/users/${id}`);
      // They are their provider's only user who can manage users: that permission stays.
      const refused = await admin.post(
        `/admin/users/${id}/permissions`,
        { providerId: String(providerId), permissions: ['make-decisions'] },
        csrf,
      );
      expect(refused.statusCode).toBe(400);
      expect($(refused)('.govuk-error-summary').text()).toContain('at least one user who can manage users');
      expect($(refused)('.govuk-error-summary a').attr('href')).toBe(`#permissions-${providerId}`);
      const ok = await admin.post(
        `/admin/users/${id}/permissions`,
        { providerId: String(providerId), permissions: ['manage-users', 'manage-trainees'] },
        csrf,
      );
      expect(ok.statusCode).toBe(303);
      const row = await t.database.db
        .selectFrom('provider_memberships')
        .select(['can_make_decisions', 'can_manage_users', 'can_manage_trainees'])
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ can_make_decisions: 0, can_manage_users: 1, can_manage_trainees: 1 });
      const [change] = await t.database.db
        .selectFrom('audit_events')
        .select(['actor_user_id', 'provider_id'])
        .where('action', '=', 'change-provider-user-permissions')
        .execute();
      expect(change).toEqual({ actor_user_id: await idOf('sample.admin@example.com'), provider_id: providerId });
      // A provider they are not a user for: a message, nothing changed.
      const other = await admin.post(`/admin/users/${id}/permissions`, { providerId: '1', permissions: [] }, csrf);
      expect(other.statusCode).toBe(400);
    });

    it('answers hostile query strings and forms with a message or 404, never a 500', async () => {
      const queries = [
        'q=' + 'x'.repeat(101),
        'role=root',
        'role=admin&role=candidate',
        'providerId=abc',
        'providerId=99999999',
        'status=gone',
        'page=0',
        'page=99999999',
        'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
        "q='%3B%20drop%20table%20users%3B--",
      ];
      for (const q of queries) {
        const res = await admin.get(`/admin/users?${q}`);
        expect(res.statusCode, q).toBeLessThan(500);
        expect(res.body).not.toContain('<script>alert(1)</script>');
      }
      expect((await admin.get('/admin/users?role=root')).statusCode).toBe(400);
      expect($(await admin.get('/admin/users?providerId=99999999'))('.govuk-error-summary').text()).toContain(
        'Select a provider from the list',
      );
      const csrf = await admin.csrf('/admin/users');
      const id = await idOf('sample.candidate@example.com');
      for (const form of <Record<string, string | string[]>[]>[
        {},
        { providerId: ['1', '2'] },
        { providerId: '1', permissions: ['root'] },
        { providerId: 'x'.repeat(5000) },
      ]) {
        const res = await admin.post(`/admin/users/${id}/permissions`, form, csrf);
        expect(res.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400);
      }
      for (const url of ['/admin/users/x/deactivate', '/admin/users/0/reactivate', '/admin/users/99999/deactivate'])
        expect((await admin.post(url, {}, csrf)).statusCode, url).toBe(404);
      // Without the CSRF token, nothing happens.
      const noToken = await admin.post(`/admin/users/${id}/deactivate`, {});
      expect(noToken.statusCode).toBe(403);
      expect(
        (
          await t.database.db
            .selectFrom('users')
            .select('deactivated_at')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).deactivated_at,
      ).toBeNull();
    });

    it('candidates, trainees, mentors and provider users get 404 for every admin page', async () => {
      const id = await idOf('sample.candidate@example.com');
      for (const email of [
        'sample.candidate@example.com',
        'sample.trainee3@example.com',
        'sample.mentor1@example.com',
        'sample.provider1@example.com',
      ]) {
        const client = new FormClient(t.app);
        await signIn(client, t.database.db, email);
        const csrf = await client.csrf('/feedback');
        for (const url of [
          '/admin/users',
          `/admin/users/${id}`,
          '/admin/users/add-admin',
          '/admin/audit',
          '/admin/audit.csv',
        ])
          expect((await client.get(url)).statusCode, `${email} ${url}`).toBe(404);
        for (const url of [`/admin/users/${id}/deactivate`, `/admin/users/${id}/reactivate`, '/admin/users/add-admin'])
          expect(
            (await client.post(url, { name: 'x', email: 'x@example.org' }, csrf)).statusCode,
            `${email} ${url}`,
          ).toBe(404);
      }
      expect(
        (
          await t.database.db
            .selectFrom('users')
            .select('deactivated_at')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).deactivated_at,
      ).toBeNull();
    });
  });

  describe.skipIf(engine.skip)(
    `at least one active DfE admin, under ${RACE} concurrent requests (${engine.name})`,
    () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await startTestApp({ engine: engine.name });
      }, 60_000);
      afterAll(async () => t?.close());

      it(`${RACE} admins deactivating each other at once leave exactly one active admin`, async () => {
        const db = t.database.db;
        const emails = Array.from({ length: 5 }, (_, i) => `race.admin${i}@example.org`);
        await db
          .insertInto('users')
          .values(
            emails.map((email) => ({
              email,
              name: null,
              role: 'admin',
              created_at: new Date().toISOString(),
              last_signed_in_at: null,
            })),
          )
          .execute();
        const ids = await Promise.all(
          emails.map(
            async (email) =>
              (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id,
          ),
        );
        const clients: FormClient[] = [];
        const tokens: string[] = [];
        for (const email of emails) {
          const client = new FormClient(t.app);
          await signIn(client, db, email);
          clients.push(client);
          tokens.push(await client.csrf(`/admin/users/${ids[0]}`));
        }
        // Every admin tries to deactivate every other admin, all at once (50 requests).
        const requests = Array.from({ length: RACE }, (_, n) => {
          const actor = n % 5;
          const target = (actor + 1 + (Math.floor(n / 5) % 4)) % 5;
          return clients[actor]!.post(`/admin/users/${ids[target]}/deactivate`, {}, tokens[actor]);
        });
        const responses = await Promise.all(requests);
        expect(responses.every((r) => r.statusCode < 500)).toBe(true);
        const active = await db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('deactivated_at', 'is', null)
          .execute();
        expect(active).toHaveLength(1);
        const deactivations = await db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'deactivate-user')
          .execute();
        expect(deactivations).toHaveLength(4);
        // Every refusal says why, or the actor had been signed out (deactivated) meanwhile.
        for (const r of responses)
          if (r.statusCode === 400) expect(r.body).toMatch(/at least one active DfE admin|already deactivated/);
          else expect(r.statusCode).toBe(303);
        // PostgreSQL runs them side by side: some were refused by the rule itself.
        if (engine.name === 'postgres') expect(responses.some((r) => r.statusCode === 400)).toBe(true);
      }, 60_000);
    },
  );
}
