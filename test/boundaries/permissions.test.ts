import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProviderUser } from '../../src/features/accounts/repository.ts';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { ALL_PERMISSIONS, type ProviderPermission } from '../../src/shared/permissions.ts';
import { adminScope } from '../../src/shared/scope.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { engines } from '../helpers/databases.ts';

/** Each provider permission, and what it lets a user do; a user without it is refused each. */
type Probe = { method: 'GET' | 'POST'; url: string; form?: Record<string, string> };
type Ids = { reference: string; providerId: number; partnershipId: number; colleagueId: number; schoolId: number };
const NEEDS: Record<ProviderPermission, (ids: Ids) => Probe[]> = {
  'make-decisions': (i): Probe[] => [
    { method: 'GET', url: `/provider/applications/${i.reference}/invite-to-interview` },
    { method: 'POST', url: `/provider/applications/${i.reference}/invite-to-interview` },
    { method: 'POST', url: `/provider/applications/${i.reference}/make-offer`, form: { conditions: 'degree-awarded' } },
    { method: 'POST', url: `/provider/applications/${i.reference}/reject`, form: { reasons: 'other', feedback: 'x' } },
    {
      method: 'POST',
      url: `/provider/applications/${i.reference}/propose-school`,
      form: { schoolId: String(i.schoolId) },
    },
  ],
  'manage-placement-schools': (i): Probe[] => [
    { method: 'GET', url: `/provider/${i.providerId}/schools` },
    {
      method: 'POST',
      url: `/provider/${i.providerId}/schools`,
      form: { name: 'New School', town: 'Lagos', country: 'NG' },
    },
    { method: 'GET', url: `/provider/${i.providerId}/schools/${i.partnershipId}/edit` },
    { method: 'POST', url: `/provider/${i.providerId}/schools/${i.partnershipId}/edit`, form: { verified: 'no' } },
    { method: 'POST', url: `/provider/${i.providerId}/schools/${i.partnershipId}/end` },
  ],
  'manage-users': (i): Probe[] => [
    { method: 'GET', url: '/provider/users' },
    { method: 'POST', url: '/provider/users', form: { email: 'new@example.org', providerId: String(i.providerId) } },
    { method: 'GET', url: `/provider/${i.providerId}/users/${i.colleagueId}` },
    { method: 'POST', url: `/provider/${i.providerId}/users/${i.colleagueId}`, form: { permissions: 'manage-users' } },
    { method: 'POST', url: `/provider/${i.providerId}/users/${i.colleagueId}/remove` },
    { method: 'GET', url: `/provider/${i.providerId}/api-tokens` },
    { method: 'POST', url: `/provider/${i.providerId}/api-tokens`, form: { name: 'Without permission' } },
  ],
  'manage-profile': (i): Probe[] => [
    { method: 'GET', url: `/provider/${i.providerId}/profile` },
    { method: 'POST', url: `/provider/${i.providerId}/profile`, form: { coverageKind: 'unknown' } },
  ],
  'manage-trainees': (i): Probe[] => [
    { method: 'GET', url: '/provider/mentors/new' },
    { method: 'POST', url: '/provider/mentors', form: { name: 'Probe', email: 'probe.mentor@example.org' } },
    { method: 'GET', url: '/provider/cohort-policies' },
    { method: 'POST', url: '/provider/cohort-policies', form: { cohort: '2026 to 2027', note: 'x' } },
    { method: 'POST', url: `/provider/applications/${i.reference}/start-training`, form: { subjects: 'Maths' } },
  ],
  'recommend-for-award': (): Probe[] => [
    { method: 'GET', url: '/provider/trainees/recommend-many' },
    {
      method: 'POST',
      url: '/provider/trainees/recommend-many',
      form: { csv: 'trainee_id,outcome_date\n1,2027-01-01' },
    },
    {
      method: 'POST',
      url: '/provider/trainees/1/recommend',
      form: { 'outcomeDate-day': '1', 'outcomeDate-month': '1', 'outcomeDate-year': '2027' },
    },
  ],
};

for (const engine of engines) {
  describe.skipIf(engine.skip)(`provider permissions (${engine.name})`, () => {
    let t: TestApp;
    let ids: Ids;

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const db = t.database.db;
      await seedSampleData(db, 0);
      const slug = 'sample-provider-worldwide-online';
      const provider = await db.selectFrom('providers').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
      await importSchools(db, provider.id, validateSchoolsCsv('name,town,country\nPermission School,Lagos,NG\n').rows);
      const partnership = await db
        .selectFrom('partnerships')
        .select(['id', 'school_id'])
        .where('provider_id', '=', provider.id)
        .executeTakeFirstOrThrow();
      const candidate = new FormClient(t.app);
      await signIn(candidate, db, 'permissions.candidate@example.org');
      await completeApplication(candidate, LAGOS_CANDIDATE, slug);
      await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      const app = await db
        .selectFrom('applications')
        .select('reference')
        .where('status', '=', 'awaiting-decision')
        .executeTakeFirstOrThrow();
      const colleague = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'sample.provider1@example.com')
        .executeTakeFirstOrThrow();
      ids = {
        reference: app.reference,
        providerId: provider.id,
        partnershipId: partnership.id,
        colleagueId: colleague.id,
        schoolId: partnership.school_id,
      };
      const admin = await db
        .insertInto('users')
        .values({
          email: 'permissions.admin@example.org',
          name: null,
          role: 'admin',
          created_at: new Date().toISOString(),
          last_signed_in_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const missing of ALL_PERMISSIONS) {
        const result = await addProviderUser(db, adminScope(admin.id), {
          email: `without-${missing}@example.org`,
          providerId: provider.id,
          permissions: ALL_PERMISSIONS.filter((p) => p !== missing),
          serviceUrl: 'http://localhost:3000',
        });
        expect(result.ok).toBe(true);
      }
    }, 120_000);
    afterAll(async () => t?.close());

    it('a provider user without a permission is refused every action that needs it, told why, and nothing changes', async () => {
      let refused = 0;
      for (const missing of ALL_PERMISSIONS) {
        const user = new FormClient(t.app);
        await signIn(user, t.database.db, `without-${missing}@example.org`);
        const csrf = await user.csrf('/feedback');
        const outboxBefore = await t.database.db
          .selectFrom('outbox')
          .select('id')
          .where('template', '!=', 'sign-in-code')
          .execute();
        const auditBefore = await t.database.db.selectFrom('audit_events').select('id').execute();
        for (const request of NEEDS[missing](ids)) {
          const res =
            request.method === 'GET'
              ? await user.get(request.url)
              : await user.post(request.url, request.form ?? {}, csrf);
          expect(res.statusCode, `${missing}: ${request.method} ${request.url}`).toBe(403);
          expect($(res)('h1').text()).toBe('You do not have permission to do this');
          refused++;
        }
        // The applications page offers only what they may do.
        const list = $(await user.get('/provider'));
        const links = list('main a')
          .map((_, a) => list(a).attr('href'))
          .get();
        const offered = {
          'manage-profile': `/provider/${ids.providerId}/profile`,
          'manage-placement-schools': `/provider/${ids.providerId}/schools`,
          'manage-users': '/provider/users',
        } as Record<string, string>;
        // The trainees page offers cohort policies only to those who manage trainees.
        const trainees = $(await user.get('/provider/trainees'));
        expect(trainees('a[href="/provider/cohort-policies"]').length > 0).toBe(missing !== 'manage-trainees');
        expect(trainees('a[href="/provider/trainees/recommend-many"]').length > 0).toBe(
          missing !== 'recommend-for-award',
        );
        for (const [permission, href] of Object.entries(offered))
          expect(links.includes(href), `${href} offered without ${missing}`).toBe(permission !== missing);
        // Every other permission still works for them: each GET it guards opens.
        for (const other of ALL_PERMISSIONS.filter((p) => p !== missing)) {
          for (const request of NEEDS[other](ids).filter((r) => r.method === 'GET')) {
            expect((await user.get(request.url)).statusCode, `${other} with it: ${request.url}`).toBe(200);
          }
        }
        expect(await t.database.db.selectFrom('audit_events').select('id').execute()).toEqual(auditBefore);
        expect(
          await t.database.db.selectFrom('outbox').select('id').where('template', '!=', 'sign-in-code').execute(),
        ).toEqual(outboxBefore);
      }
      const app = await t.database.db
        .selectFrom('applications')
        .select('status')
        .where('reference', '=', ids.reference)
        .executeTakeFirstOrThrow();
      expect(app.status).toBe('awaiting-decision');
      console.log(
        `provider permissions (${engine.name}): ${refused} refusals across ${ALL_PERMISSIONS.length} permissions`,
      );
    }, 120_000);
  });
}
