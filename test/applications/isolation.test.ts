import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';

/** Three sample providers, each with a user and an application; every provider route is probed with the others' ids. */
const PROVIDERS = [
  {
    user: 'sample.provider1@example.com',
    slug: 'sample-provider-worldwide-online',
    where: { country: 'NG', town: 'Lagos' },
  },
  {
    user: 'sample.provider2@example.com',
    slug: 'sample-provider-worldwide-except',
    where: { country: 'GH', town: 'Accra' },
  },
  {
    user: 'sample.provider3@example.com',
    slug: 'sample-provider-dubai-campus',
    where: { country: 'AE', town: 'Dubai' },
  },
];
const ACTIONS = [
  'invite-to-interview',
  'make-offer',
  'reject',
  'withdraw-offer',
  'confirm-conditions-met',
  'mark-conditions-not-met',
  'propose-school',
  'record-school',
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`tenant isolation between providers (${engine.name})`, () => {
    let t: TestApp;
    const references: string[] = [];
    const providerIds: number[] = [];
    const clients: FormClient[] = [];

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
      for (const [i, p] of PROVIDERS.entries()) {
        const candidate = new FormClient(t.app);
        await signIn(candidate, t.database.db, `isolation${i}@example.org`);
        await completeApplication(
          candidate,
          { ...LAGOS_CANDIDATE, 'where-you-live': p.where, course: { phase: 'secondary', subject: 'English' } },
          p.slug,
        );
        await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
        const row = await t.database.db
          .selectFrom('applications as a')
          .innerJoin('users as u', 'u.id', 'a.candidate_id')
          .select(['a.reference', 'a.status'])
          .where('u.email', '=', `isolation${i}@example.org`)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('awaiting-decision');
        references.push(row.reference);
        providerIds.push(
          (
            await t.database.db
              .selectFrom('providers')
              .select('id')
              .where('slug', '=', p.slug)
              .executeTakeFirstOrThrow()
          ).id,
        );
        const staff = new FormClient(t.app);
        await signIn(staff, t.database.db, p.user);
        clients.push(staff);
      }
    }, 120_000);
    afterAll(async () => t?.close());

    it('each provider user sees only their own provider’s applications; every probe of another’s gets 404 and changes nothing', async () => {
      let probes = 0;
      const leaks: string[] = [];
      for (const [i, client] of clients.entries()) {
        const own = references[i]!;
        expect((await client.get(`/provider/applications/${own}`)).statusCode).toBe(200);
        const csrf = await client.csrf(`/provider/applications/${own}`);
        for (const [j, other] of references.entries()) {
          if (i === j) continue;
          const view = await client.get(`/provider/applications/${other}`);
          probes++;
          if (view.statusCode !== 404) leaks.push(`GET view ${other} as ${PROVIDERS[i]!.user}: ${view.statusCode}`);
          for (const action of ACTIONS) {
            const res = await client.post(
              `/provider/applications/${other}/${action}`,
              { reasons: 'other', feedback: 'x', conditions: 'placement-school-confirmed', schoolId: '1' },
              csrf,
            );
            probes++;
            if (res.statusCode !== 404)
              leaks.push(`POST ${action} ${other} as ${PROVIDERS[i]!.user}: ${res.statusCode}`);
          }
          const search = await client.get(`/provider?q=${other}`);
          probes++;
          // The search box repeats what was typed; the results must not include the application.
          if ($(search)('#results-heading').text() !== '0 applications' || $(search)('table').text().includes(other))
            leaks.push(`list shows ${other} to ${PROVIDERS[i]!.user}`);
          // The provider's own records: its profile and its partner schools.
          for (const url of [`/provider/${providerIds[j]}/profile`, `/provider/${providerIds[j]}/schools`]) {
            const get = await client.get(url);
            const post = await client.post(
              url,
              { coverageKind: 'unknown', name: 'Probe School', town: 'Lagos', country: 'NG' },
              csrf,
            );
            probes += 2;
            if (get.statusCode !== 404 || post.statusCode !== 404)
              leaks.push(`${url} as ${PROVIDERS[i]!.user}: ${get.statusCode}/${post.statusCode}`);
          }
          const csv = await client.get('/provider/applications.csv');
          probes++;
          if (csv.body.includes(other)) leaks.push(`CSV shows ${other} to ${PROVIDERS[i]!.user}`);
        }
        expect((await client.get('/provider/applications.csv')).body).toContain(own);
      }
      console.log(`tenant isolation (${engine.name}): ${probes} probes, ${leaks.length} leaks`);
      expect(leaks).toEqual([]);
      expect(probes).toBe(3 * 2 * (1 + ACTIONS.length + 2 + 4));
      const statuses = await t.database.db
        .selectFrom('applications')
        .select('status')
        .where('reference', 'in', references)
        .execute();
      expect(statuses.map((s) => s.status)).toEqual(['awaiting-decision', 'awaiting-decision', 'awaiting-decision']);
      const audits = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '!=', 'submit')
        .execute();
      expect(audits).toEqual([]);
      expect(
        await t.database.db.selectFrom('placement_schools').select('id').where('name', '=', 'Probe School').execute(),
      ).toEqual([]);
    });

    it('a candidate cannot open another candidate’s application, and provider pages are not found for candidates', async () => {
      const other = new FormClient(t.app);
      await signIn(other, t.database.db, 'nosy@example.org');
      for (const ref of references) expect((await other.get(`/applications/${ref}`)).statusCode).toBe(404);
      expect((await other.get('/provider')).statusCode).toBe(404);
      expect((await other.get(`/provider/applications/${references[0]}`)).statusCode).toBe(404);
      expect((await other.get('/admin')).statusCode).toBe(404);
    });
  });
}
