import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProviderUser } from '../../src/features/accounts/repository.ts';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { ALL_PERMISSIONS } from '../../src/shared/permissions.ts';
import { adminScope } from '../../src/shared/scope.ts';
import { signIn } from '../helpers/accounts.ts';
import { FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { engines, openTestDatabase } from '../helpers/databases.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';

/**
 * Every write path under concurrent requests, on both engines: limits and one-of rules
 * hold, exactly one state change happens, and every acknowledged save is present. On
 * PostgreSQL the pool has several connections, so the races are real.
 */
const RACE = 20;
const SLUG = 'sample-provider-worldwide-online';
const at = (n: number) => Array.from({ length: n }, (_, i) => i);
const statuses = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode);

for (const engine of engines) {
  describe.skipIf(engine.skip)(`concurrent writes (${engine.name})`, () => {
    let t: TestApp;
    let providerId: number;
    let adminId: number;
    const tally: string[] = [];
    const count = async (
      table: 'applications' | 'audit_events' | 'outbox' | 'placement_schools' | 'partnerships' | 'provider_memberships',
      where: (q: any) => any,
    ) =>
      Number(
        (
          await where(t.database.db.selectFrom(table))
            .select((eb: any) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
      providerId = (
        await t.database.db.selectFrom('providers').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow()
      ).id;
      await importSchools(
        t.database.db,
        providerId,
        validateSchoolsCsv('name,town,country\nRace Partner School,Lagos,NG\n').rows,
      );
      adminId = (
        await t.database.db
          .insertInto('users')
          .values({
            email: 'race.admin@example.org',
            name: null,
            role: 'admin',
            created_at: new Date().toISOString(),
            last_signed_in_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }, 120_000);
    afterAll(async () => {
      console.log(`concurrent writes (${engine.name}): ${tally.join('; ')}`);
      await t?.close();
    });

    it('reference providers loaded by several starting processes at once: each provider once', async () => {
      const fresh = await openTestDatabase(engine.name);
      try {
        const added = await Promise.all(at(5).map(() => loadReferenceProviders(fresh.db)));
        const rows = await fresh.db.selectFrom('providers').select('slug').execute();
        expect(new Set(rows.map((r) => r.slug)).size).toBe(rows.length);
        expect(added.reduce((a, b) => a + b, 0)).toBe(rows.length);
        tally.push(`5 reference loads at once → ${rows.length} providers, each once`);
      } finally {
        await fresh.dispose();
      }
    });

    it('concurrent first visits make one draft; concurrent section saves all stay; the last save of a section wins', async () => {
      const c = new FormClient(t.app);
      await signIn(c, t.database.db, 'race.drafts@example.org');
      const user = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'race.drafts@example.org')
        .executeTakeFirstOrThrow();
      const visits = await Promise.all(at(RACE).map(() => c.get('/application')));
      expect(statuses(visits).every((s) => s === 200)).toBe(true);
      expect(await count('applications', (q) => q.where('candidate_id', '=', user.id))).toBe(1);
      tally.push(`${RACE} first visits → 1 draft`);

      const csrf = await c.csrf('/application/personal-details');
      const sections = Object.entries(LAGOS_CANDIDATE);
      const saves = await Promise.all(
        sections.map(([section, values]) => c.post(`/application/${section}`, values, csrf)),
      );
      expect(statuses(saves).every((s) => s === 303)).toBe(true);
      const answers = async () =>
        JSON.parse(
          (
            await t.database.db
              .selectFrom('applications')
              .select('answers')
              .where('candidate_id', '=', user.id)
              .executeTakeFirstOrThrow()
          ).answers,
        ) as Record<string, Record<string, string>>;
      const stored = await answers();
      // Each section as it was sent; a phone number is stored in its international form (E.164).
      for (const [section, values] of sections)
        expect(stored[section], section).toMatchObject(
          section === 'contact-details' ? { phone: values['phone']!.replace(/ /g, '') } : values,
        );
      tally.push(`${sections.length} different sections at once → ${sections.length} stored`);

      const phones = at(RACE).map((i) => `+234 801 000 ${String(1000 + i)}`);
      const same = await Promise.all(phones.map((phone) => c.post('/application/contact-details', { phone }, csrf)));
      expect(statuses(same).every((s) => s === 303)).toBe(true);
      expect(phones.map((p) => p.replace(/ /g, ''))).toContain((await answers())['contact-details']?.['phone']);
      // Every other section is untouched by the race on this one.
      expect((await answers())['personal-details']).toEqual(stored['personal-details']);
      await c.post('/application/contact-details', { phone: '+234 801 999 9999' }, csrf);
      expect((await answers())['contact-details']?.['phone']).toBe('+2348019999999');
      tally.push(`${RACE} saves of one section → 1 of them stored, then the last one`);
    });

    it('concurrent submits and decisions each happen once, with one audit row and one set of emails', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'race.decisions@example.org');
      await completeApplication(candidate, LAGOS_CANDIDATE, SLUG);
      const ccsrf = await candidate.csrf('/application/check');
      const submits = await Promise.all(at(RACE).map(() => candidate.post('/application/submit', {}, ccsrf)));
      expect(statuses(submits).every((s) => s === 303)).toBe(true);
      const app = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.id', 'a.reference', 'a.status'])
        .where('u.email', '=', 'race.decisions@example.org')
        .executeTakeFirstOrThrow();
      expect(app.status).toBe('awaiting-decision');
      const audits = (action: string) =>
        count('audit_events', (q) => q.where('application_id', '=', app.id).where('action', '=', action));
      const emails = (template: string) =>
        count('outbox', (q) => q.where('template', '=', template).where('to_email', '=', 'race.decisions@example.org'));
      expect(await audits('submit')).toBe(1);
      expect(await emails('application-submitted-candidate')).toBe(1);

      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const view = `/provider/applications/${app.reference}`;
      const pcsrf = await provider.csrf(view);
      // Inviting to interview needs proposed times: its race is in test/interviews/interviews.test.ts.
      const steps: [FormClient, string, string, Record<string, string>, string, string][] = [
        [provider, pcsrf, `${view}/make-offer`, { conditions: 'degree-awarded' }, 'make-offer', 'offer-made'],
        [candidate, ccsrf, `/applications/${app.reference}/accept-offer`, {}, 'accept-offer', ''],
        [provider, pcsrf, `${view}/confirm-conditions-met`, {}, 'confirm-conditions-met', 'conditions-met-recruited'],
      ];
      for (const [client, csrf, url, form, action, template] of steps) {
        const responses = await Promise.all(at(RACE).map(() => client.post(url, form, csrf)));
        expect(
          statuses(responses).every((s) => s < 500),
          action,
        ).toBe(true);
        expect(statuses(responses).filter((s) => s === 303).length, action).toBeGreaterThanOrEqual(1);
        expect(await audits(action), action).toBe(1);
        if (template) expect(await emails(template), template).toBe(1);
        tally.push(`${RACE} × ${action} → 1`);
      }
      // Conflicting decisions at once: only one of them happens.
      const other = new FormClient(t.app);
      await signIn(other, t.database.db, 'race.conflict@example.org');
      await completeApplication(other, LAGOS_CANDIDATE, SLUG);
      await other.post('/application/submit', {}, await other.csrf('/application/check'));
      const second = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.id', 'a.reference'])
        .where('u.email', '=', 'race.conflict@example.org')
        .executeTakeFirstOrThrow();
      const v2 = `/provider/applications/${second.reference}`;
      await Promise.all(
        at(RACE).map((i) =>
          i % 2
            ? provider.post(`${v2}/make-offer`, {}, pcsrf)
            : provider.post(`${v2}/reject`, { reasons: 'other', feedback: 'Not this time' }, pcsrf),
        ),
      );
      const decided = await count('audit_events', (q) =>
        q.where('application_id', '=', second.id).where('action', 'in', ['make-offer', 'reject']),
      );
      expect(decided).toBe(1);
      tally.push(`${RACE} offers and rejections at once → 1 decision`);
    });

    it('concurrent placement proposals: every acknowledged proposal is audited and emailed, and the candidate’s school is recorded once', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'race.place@example.org');
      await completeApplication(
        candidate,
        {
          ...LAGOS_CANDIDATE,
          placement: {
            preference: 'arranged',
            'school-name': 'Race Arranged School',
            'school-town': 'Lagos',
            'school-country': 'NG',
          },
        },
        SLUG,
      );
      await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      const app = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.id', 'a.reference'])
        .where('u.email', '=', 'race.place@example.org')
        .executeTakeFirstOrThrow();
      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const view = `/provider/applications/${app.reference}`;
      const csrf = await provider.csrf(view);
      const responses = await Promise.all(at(RACE).map(() => provider.post(`${view}/record-school`, {}, csrf)));
      expect(statuses(responses).every((s) => s === 303 || s === 400)).toBe(true);
      const acknowledged = statuses(responses).filter((s) => s === 303).length;
      expect(acknowledged).toBeGreaterThanOrEqual(1);
      expect(
        await count('audit_events', (q) =>
          q.where('application_id', '=', app.id).where('action', '=', 'propose-placement-school'),
        ),
      ).toBe(acknowledged);
      expect(
        await count('outbox', (q) =>
          q.where('template', '=', 'placement-school-proposed').where('to_email', '=', 'race.place@example.org'),
        ),
      ).toBe(acknowledged);
      expect(await count('placement_schools', (q) => q.where('name', '=', 'Race Arranged School'))).toBe(1);
      tally.push(`${RACE} proposals → ${acknowledged} acknowledged, each audited and emailed; 1 school`);
    });

    it('provider and admin forms: one school, one membership, and never no one left to manage users', async () => {
      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const csrf = await provider.csrf('/provider/users');
      const schools = await Promise.all(
        at(RACE).map(() =>
          provider.post(
            `/provider/${providerId}/schools`,
            { name: 'Concurrent School', town: 'Abuja', country: 'NG' },
            csrf,
          ),
        ),
      );
      expect(statuses(schools).every((s) => s === 303)).toBe(true);
      expect(await count('placement_schools', (q) => q.where('name', '=', 'Concurrent School'))).toBe(1);
      const school = await t.database.db
        .selectFrom('placement_schools')
        .select('id')
        .where('name', '=', 'Concurrent School')
        .executeTakeFirstOrThrow();
      expect(await count('partnerships', (q) => q.where('school_id', '=', school.id))).toBe(1);
      tally.push(`${RACE} × add partner school → 1 school, 1 partnership`);

      const adds = await Promise.all(
        at(RACE).map(() =>
          provider.post(
            '/provider/users',
            { email: 'race.colleague@example.org', providerId: String(providerId), permissions: 'make-decisions' },
            csrf,
          ),
        ),
      );
      expect(statuses(adds).every((s) => s === 303 || s === 400)).toBe(true);
      expect(statuses(adds).filter((s) => s === 303)).toHaveLength(1);
      expect(
        await count('outbox', (q) =>
          q.where('to_email', '=', 'race.colleague@example.org').where('template', '=', 'provider-user-added'),
        ),
      ).toBe(1);
      tally.push(`${RACE} × add colleague → 1 membership, 1 email`);

      const admin = new FormClient(t.app);
      await signIn(admin, t.database.db, 'race.admin@example.org');
      const acsrf = await admin.csrf('/admin');
      const other = (
        await t.database.db
          .selectFrom('providers')
          .select('id')
          .where('slug', '=', 'sample-provider-asia-blended')
          .executeTakeFirstOrThrow()
      ).id;
      const firsts = await Promise.all(
        at(RACE).map(() =>
          admin.post(
            '/admin/provider-users',
            { email: 'race.first@example.org', providerId: String(other), permissions: ALL_PERMISSIONS },
            acsrf,
          ),
        ),
      );
      expect(statuses(firsts).filter((s) => s === 303)).toHaveLength(1);
      expect(await count('provider_memberships', (q) => q.where('provider_id', '=', other))).toBe(1);
      tally.push(`${RACE} × admin adds a first user → 1`);

      // Two managers remove each other, and take each other's "manage users", all at once.
      const managed = (
        await t.database.db
          .selectFrom('providers')
          .select('id')
          .where('slug', '=', 'sample-provider-africa-countries')
          .executeTakeFirstOrThrow()
      ).id;
      for (const email of ['race.m1@example.org', 'race.m2@example.org'])
        expect(
          (
            await addProviderUser(t.database.db, adminScope(adminId), {
              email,
              providerId: managed,
              permissions: ['manage-users'],
              serviceUrl: 'http://localhost',
            })
          ).ok,
        ).toBe(true);
      const ids = await t.database.db
        .selectFrom('users')
        .select(['id', 'email'])
        .where('email', 'in', ['race.m1@example.org', 'race.m2@example.org'])
        .orderBy('email')
        .execute();
      const [m1, m2] = [new FormClient(t.app), new FormClient(t.app)];
      await signIn(m1, t.database.db, 'race.m1@example.org');
      await signIn(m2, t.database.db, 'race.m2@example.org');
      const [c1, c2] = [await m1.csrf('/provider/users'), await m2.csrf('/provider/users')];
      await Promise.all(
        at(RACE).flatMap((i) => [
          i % 2
            ? m1.post(`/provider/${managed}/users/${ids[1]!.id}/remove`, {}, c1)
            : m1.post(`/provider/${managed}/users/${ids[1]!.id}`, {}, c1),
          i % 2
            ? m2.post(`/provider/${managed}/users/${ids[0]!.id}/remove`, {}, c2)
            : m2.post(`/provider/${managed}/users/${ids[0]!.id}`, {}, c2),
        ]),
      );
      const managers = await count('provider_memberships', (q) =>
        q.where('provider_id', '=', managed).where('can_manage_users', '=', 1),
      );
      expect(managers).toBe(1);
      tally.push(`${RACE * 2} removals and demotions between 2 managers → 1 manager left`);
    });
  });
}
