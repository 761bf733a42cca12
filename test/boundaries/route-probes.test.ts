import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { accountFor } from '../../src/features/accounts/repository.ts';
import { submitRequest, takeRequest } from '../../src/features/advisers/repository.ts';
import { inviteMentor, logDays, reviewWeek, startTraining } from '../../src/features/training/repository.ts';
import { addDays, localToday, weekStart } from '../../src/shared/local-dates.ts';
import { adviserScope, candidateScope, mentorScope, providerScope } from '../../src/shared/scope.ts';
import { signIn } from '../helpers/accounts.ts';
import { FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { engines } from '../helpers/databases.ts';

/**
 * Tenant isolation, generated from the registered routes: every route with an id in its
 * path is tried by every signed-in role with another tenant's ids. A route added later is
 * probed without anyone listing it here. Every probe must answer 404 (as a missing record
 * would) and change nothing.
 */
const TENANTS = [
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

/** Values a path parameter takes that are not ids: every one is tried. */
const WORDS: Record<string, string[]> = {
  action: [
    'invite-to-interview',
    'make-offer',
    'reject',
    'withdraw-offer',
    'confirm-conditions-met',
    'mark-conditions-not-met',
    'propose-school',
    'record-school',
  ],
  event: ['accept-offer', 'decline-offer', 'withdraw', 'defer', 'reinstate'],
};

interface Tenant {
  traineeId: number;
  dayId: number;
  week: string;
  reference: string;
  providerId: number;
  partnershipId: number;
  providerUserId: number;
  schoolId: number;
  /** The provider's API token (for the API probes) and its id (for the token pages). */
  token: string;
  tokenId: number;
  /** An interview agreed between the tenant's provider and candidate. */
  interviewId: number;
  /** The candidate's request for an adviser, taken by this tenant's adviser. */
  requestId: number;
}

async function rowCounts(db: Kysely<Database>) {
  const tables = [
    'applications',
    'audit_events',
    'outbox',
    'provider_memberships',
    'partnerships',
    'placement_schools',
    'users',
    'trainees',
    'placements',
    'placement_days',
    'observations',
    'reviews',
    'mentors',
    'api_tokens',
    'interviews',
    'interview_slots',
    'adviser_requests',
    'adviser_callbacks',
    'adviser_notes',
    'adviser_availability',
    'adviser_days_off',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  const apps = await db
    .selectFrom('applications')
    .select(['reference', 'status', 'updated_at'])
    .orderBy('id')
    .execute();
  const days = await db.selectFrom('placement_days').select(['id', 'status', 'updated_at']).orderBy('id').execute();
  const trainees = await db.selectFrom('trainees').select(['id', 'state', 'updated_at']).orderBy('id').execute();
  const members = await db
    .selectFrom('provider_memberships')
    .selectAll()
    .orderBy('user_id')
    .orderBy('provider_id')
    .execute();
  // Tokens' "last used" moves with every API probe; whether a token is live must not.
  const tokens = await db.selectFrom('api_tokens').select(['id', 'name', 'revoked_at']).orderBy('id').execute();
  const interviews = await db.selectFrom('interviews').select(['id', 'status', 'version']).orderBy('id').execute();
  const adviserRequests = await db
    .selectFrom('adviser_requests')
    .select(['id', 'adviser_id', 'outcome', 'share_consent', 'updated_at'])
    .orderBy('id')
    .execute();
  return JSON.stringify({ counts, apps, members, days, trainees, tokens, interviews, adviserRequests });
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`generated tenant-isolation probes (${engine.name})`, () => {
    let t: TestApp;
    const tenants: Tenant[] = [];
    const actors: { role: string; tenant: number | null; client: FormClient }[] = [];

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const db = t.database.db;
      await seedSampleData(db, 0);
      for (const [i, p] of TENANTS.entries()) {
        const provider = await db
          .selectFrom('providers')
          .select('id')
          .where('slug', '=', p.slug)
          .executeTakeFirstOrThrow();
        const csv = `name,town,country\nProbe School ${i},${p.where.town},${p.where.country}\n`;
        await importSchools(db, provider.id, validateSchoolsCsv(csv).rows);
        const partnership = await db
          .selectFrom('partnerships as p')
          .innerJoin('placement_schools as s', 's.id', 'p.school_id')
          .select(['p.id', 's.id as schoolId'])
          .where('p.provider_id', '=', provider.id)
          .where('s.name', '=', `Probe School ${i}`)
          .executeTakeFirstOrThrow();
        const candidate = new FormClient(t.app);
        await signIn(candidate, db, `probe${i}@example.org`);
        await completeApplication(candidate, { ...LAGOS_CANDIDATE, 'where-you-live': p.where }, p.slug);
        await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
        const app = await db
          .selectFrom('applications as a')
          .innerJoin('users as u', 'u.id', 'a.candidate_id')
          .select('a.reference')
          .where('u.email', '=', `probe${i}@example.org`)
          .executeTakeFirstOrThrow();
        const staff = new FormClient(t.app);
        await signIn(staff, db, p.user);
        const staffUser = await db
          .selectFrom('users')
          .select('id')
          .where('email', '=', p.user)
          .executeTakeFirstOrThrow();
        // Training: recruited, a mentor, a trainee record, a week of days with one week queried.
        const view = `/provider/applications/${app.reference}`;
        const pcsrf = await staff.csrf(view);
        // An interview: proposed by the provider, its time chosen by the candidate.
        const soon = new Date(Date.now() + 30 * 86_400_000);
        const interviewInvite = await staff.post(
          `${view}/invite-to-interview`,
          {
            zone: 'Europe/London',
            'slot1-day': String(soon.getUTCDate()),
            'slot1-month': String(soon.getUTCMonth() + 1),
            'slot1-year': String(soon.getUTCFullYear()),
            'slot1-time': '10:00',
            duration: '45',
            mode: 'online',
            link: 'https://meet.example.org/probe',
          },
          pcsrf,
        );
        const interviewId = Number(/interviews\/(\d+)$/.exec(String(interviewInvite.headers.location))?.[1]);
        if (!interviewId) throw new Error(`no interview: ${interviewInvite.statusCode}`);
        const interviewPage = `/applications/${app.reference}/interviews/${interviewId}`;
        const form = await candidate.get(interviewPage);
        const slotId = /name="slot"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="slot"/.exec(form.body);
        await candidate.post(
          `${interviewPage}/choose`,
          { version: '1', slot: slotId?.[1] ?? slotId?.[2] ?? '' },
          await candidate.csrf(interviewPage),
        );
        const agreed = await db
          .selectFrom('interviews')
          .select('status')
          .where('id', '=', interviewId)
          .executeTakeFirst();
        if (agreed?.status !== 'agreed') throw new Error(`interview not agreed: ${agreed?.status}`);
        await staff.post(`${view}/make-offer`, {}, pcsrf);
        await candidate.post(
          `/applications/${app.reference}/accept-offer`,
          {},
          await candidate.csrf(`/applications/${app.reference}`),
        );
        await staff.post(`${view}/confirm-conditions-met`, {}, pcsrf);
        const scope = providerScope(staffUser.id, 'manage-trainees', [provider.id]);
        const mentorEmail = `probe.mentor${i}@example.org`;
        const invited = await inviteMentor(
          db,
          scope,
          {
            providerId: provider.id,
            schoolId: partnership.schoolId,
            name: `Probe Mentor ${i}`,
            email: mentorEmail,
            role: 'general',
            trainedOn: '2025-06-01',
          },
          'http://localhost',
        );
        if (!invited.ok) throw new Error(invited.message);
        const appRow = await db
          .selectFrom('applications')
          .select(['id', 'candidate_id'])
          .where('reference', '=', app.reference)
          .executeTakeFirstOrThrow();
        const today = localToday('UTC');
        const week = addDays(weekStart(today), -7);
        const started = await startTraining(
          db,
          scope,
          {
            applicationId: appRow.id,
            startDate: addDays(week, -28),
            expectedEndDate: addDays(week, 240),
            studyMode: 'full-time',
            daysPerWeek: 5,
            ageRange: '11 to 18',
            subjects: ['Mathematics'],
            trainingCountry: p.where.country,
            criteriaVersion: '2025-04',
            placement: { mentorId: invited.value, startDate: addDays(week, -28), endDate: addDays(week, 200) },
          },
          'http://localhost',
        );
        if (!started.ok) throw new Error(started.message);
        const placement = await db
          .selectFrom('placements')
          .select('id')
          .where('trainee_id', '=', started.value)
          .executeTakeFirstOrThrow();
        const logged = await logDays(db, candidateScope(appRow.candidate_id), {
          placementId: placement.id,
          entries: [0, 1, 2].map((d) => ({
            date: addDays(week, d),
            portion: 'full' as const,
            kind: 'teaching' as const,
            note: '',
          })),
        });
        if (!logged.ok) throw new Error(logged.message);
        const mentorUser = await db
          .selectFrom('users')
          .select('id')
          .where('email', '=', mentorEmail)
          .executeTakeFirstOrThrow();
        await reviewWeek(db, mentorScope(mentorUser.id), {
          traineeId: started.value,
          week,
          action: 'query',
          reason: 'probe',
          serviceUrl: 'http://localhost',
        });
        const day = await db
          .selectFrom('placement_days')
          .select('id')
          .where('trainee_id', '=', started.value)
          .executeTakeFirstOrThrow();
        // The provider's API token, made on its page as a user who manages users would.
        const tokensPage = `/provider/${provider.id}/api-tokens`;
        const made = await staff.post(tokensPage, { name: `Probe token ${i}` }, await staff.csrf(tokensPage));
        const token = /iqts_api_[A-Za-z0-9_-]{43}/.exec(made.body)?.[0];
        if (!token) throw new Error(`no API token shown: ${made.statusCode}`);
        const tokenRow = await db
          .selectFrom('api_tokens')
          .select('id')
          .where('provider_id', '=', provider.id)
          .executeTakeFirstOrThrow();
        const mentor = new FormClient(t.app);
        await signIn(mentor, db, mentorEmail);
        actors.push({ role: 'mentor', tenant: i, client: mentor });
        // A teacher training adviser, who has taken this tenant's candidate's request for support.
        const adviserEmail = `probe.adviser${i}@example.org`;
        const adviserUser = await accountFor(
          db,
          { email: adviserEmail, name: `Probe Adviser ${i}`, role: 'adviser' },
          new Date(),
        );
        const requestId = await submitRequest(db, candidateScope(appRow.candidate_id), {
          answers: {
            name: `Probe Candidate ${i}`,
            country: p.where.country,
            timeZone: 'Africa/Lagos',
            phone: '+2348031234567',
            stage: 'applied',
            ageGroup: 'secondary',
            degreeStatus: 'have-degree',
            helpWith: ['interview'],
            shareConsent: 'yes',
          },
          email: `probe${i}@example.org`,
          eligibility: null,
        });
        const taken = await takeRequest(db, adviserScope(adviserUser.id), requestId);
        if (taken === 'not-found' || !taken.ok) throw new Error('adviser could not take the request');
        const adviser = new FormClient(t.app);
        await signIn(adviser, db, adviserEmail);
        actors.push({ role: 'adviser', tenant: i, client: adviser });
        tenants.push({
          traineeId: started.value,
          dayId: day.id,
          week,
          reference: app.reference,
          providerId: provider.id,
          partnershipId: partnership.id,
          providerUserId: staffUser.id,
          schoolId: partnership.schoolId,
          token,
          tokenId: tokenRow.id,
          interviewId,
          requestId: (
            await db
              .selectFrom('adviser_requests')
              .select('id')
              .where('email', '=', `probe${i}@example.org`)
              .executeTakeFirstOrThrow()
          ).id,
        });
        actors.push(
          { role: 'candidate', tenant: i, client: candidate },
          { role: 'provider', tenant: i, client: staff },
        );
      }
      await db
        .insertInto('users')
        .values({
          email: 'probe.admin@example.org',
          name: null,
          role: 'admin',
          created_at: new Date().toISOString(),
          last_signed_in_at: null,
        })
        .execute();
      const admin = new FormClient(t.app);
      await signIn(admin, db, 'probe.admin@example.org');
      actors.push({ role: 'admin', tenant: null, client: admin });
    }, 180_000);
    afterAll(async () => t?.close());

    it('every route with an id, for every role, with another tenant’s ids: 404 and nothing changed', async () => {
      const routes = t.app.routeList.filter((r) =>
        /:(reference|providerId|partnershipId|userId|traineeId|dayId|tokenId|interviewId|requestId)\b/.test(r.url),
      );
      // The routes that take ids today; a new one is probed by this loop without being named.
      expect(routes.length).toBeGreaterThanOrEqual(15);
      const before = await rowCounts(t.database.db);
      let probes = 0;
      const leaks: string[] = [];
      for (const actor of actors) {
        const csrf = await actor.client.csrf('/feedback');
        // Another tenant's ids, and ids that belong to nobody or are out of any column's range.
        const targets = [
          ...tenants.filter((_, index) => index !== actor.tenant),
          {
            traineeId: '2147483648',
            dayId: '0',
            week: '2026-02-30',
            reference: 'IQTS-ZZZZZZZ',
            providerId: '99999999999999999999',
            partnershipId: '1e308',
            providerUserId: '-1',
            schoolId: '0',
            tokenId: '00',
            interviewId: '0',
            requestId: '99999999999',
          },
        ];
        for (const target of targets) {
          const ids: Record<string, string> = {
            reference: target.reference,
            providerId: String(target.providerId),
            partnershipId: String(target.partnershipId),
            userId: String(target.providerUserId),
            traineeId: String(target.traineeId),
            dayId: String(target.dayId),
            week: target.week,
            tokenId: String(target.tokenId),
            interviewId: String(target.interviewId),
            requestId: String(target.requestId),
          };
          for (const route of routes) {
            // The API takes no session: without a token it is 401 (probed with tokens below).
            if (route.url.startsWith('/api/')) {
              const res = await actor.client.get(route.url.replace(/:(\w+)/g, (_, n: string) => ids[n] ?? 'x'));
              probes++;
              if (res.statusCode !== 401) leaks.push(`${actor.role} (session) GET ${route.url}: ${res.statusCode}`);
              continue;
            }
            const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
            const wordName = names.find((n) => WORDS[n]);
            for (const word of wordName ? WORDS[wordName]! : ['']) {
              const url = route.url.replace(/:(\w+)/g, (_, n: string) => (n === wordName ? word : (ids[n] ?? 'x')));
              // A DfE admin's scope is every user: a real user's page answers, and changes to a
              // real user's access are not sent here (test/accounts/admin-users.test.ts covers
              // them); an id nobody has is still 404.
              if (
                actor.role === 'admin' &&
                url.startsWith('/admin/users/') &&
                typeof target.providerUserId === 'number'
              ) {
                if (route.method === 'GET') {
                  const res = await actor.client.get(url);
                  probes++;
                  expect(res.statusCode, `${actor.role} GET ${url}`).toBe(200);
                }
                continue;
              }
              const res =
                route.method === 'GET'
                  ? await actor.client.get(url)
                  : await actor.client.post(
                      url,
                      {
                        reason: 'probe',
                        reasons: 'other',
                        feedback: 'probe',
                        conditions: 'placement-school-confirmed',
                        schoolId: String(target.schoolId),
                        coverageKind: 'unknown',
                        name: 'Probe',
                        town: 'Lagos',
                        country: 'NG',
                        permissions: 'manage-users',
                        action: 'confirm',
                        kind: 'final',
                        outcome: 'passed',
                        mentorId: '1',
                        placementId: '1',
                        note: 'probe',
                        colleagueId: '1',
                      },
                      csrf,
                    );
              probes++;
              // A DfE admin's scope is every provider: their award pages reach any real trainee
              // (and refuse a step the state machine does not allow); an id nobody has is still 404.
              // Their provider pages likewise reach any real provider; a probe's form (no step, no cap) is refused
              // with 400, and a step the provider's state does not allow with 409: nothing changes.
              const everyProvider =
                actor.role === 'admin' &&
                ((url.startsWith('/admin/awards/') && typeof target.traineeId === 'number') ||
                  (url.startsWith('/admin/providers/') && typeof target.providerId === 'number'));
              if (everyProvider) {
                // (The confirmation page without a step to confirm is not found.)
                const allowed = url.endsWith('/status') && route.method === 'GET' ? [404] : [200, 400, 409];
                expect(allowed, `${actor.role} ${route.method} ${url}`).toContain(res.statusCode);
                continue;
              }
              if (res.statusCode !== 404) leaks.push(`${actor.role} ${route.method} ${url}: ${res.statusCode}`);
            }
          }
        }
      }
      // The API, with each provider's token and every other provider's (and nobody's) ids.
      const apiRoutes = routes.filter((r) => r.url.startsWith('/api/'));
      expect(apiRoutes.length).toBeGreaterThanOrEqual(3);
      let apiProbes = 0;
      for (const [i, caller] of tenants.entries()) {
        const targets = [
          ...tenants.filter((_, index) => index !== i).map((x) => String(x.traineeId)),
          '2147483648',
          '0',
          '99999',
        ];
        for (const traineeId of targets) {
          for (const route of apiRoutes) {
            const url = route.url.replace(/:(\w+)/g, (_, n: string) => (n === 'traineeId' ? traineeId : 'x'));
            const res = await t.app.inject({
              method: 'GET',
              url,
              headers: { authorization: `Bearer ${caller.token}` },
            });
            apiProbes++;
            if (res.statusCode !== 404) leaks.push(`token of tenant ${i} GET ${url}: ${res.statusCode}`);
          }
        }
        // Its own trainee answers, so the 404s above are the scope at work, not a broken token.
        const mine = await t.app.inject({
          url: `/api/v1/trainees/${caller.traineeId}`,
          headers: { authorization: `Bearer ${caller.token}` },
        });
        expect(mine.statusCode).toBe(200);
        const list = (
          await t.app.inject({ url: '/api/v1/trainees', headers: { authorization: `Bearer ${caller.token}` } })
        ).json() as { trainees: { id: number }[] };
        expect(list.trainees.map((x) => x.id)).toEqual([caller.traineeId]);
      }
      probes += apiProbes;
      console.log(
        `generated isolation probes (${engine.name}): ${routes.length} routes, ${probes} probes ` +
          `(${apiProbes} with another provider's API token), ${leaks.length} leaks`,
      );
      expect(leaks).toEqual([]);
      expect(probes).toBeGreaterThanOrEqual(500);
      expect(await rowCounts(t.database.db), 'no row changed by any probe').toBe(before);
    }, 180_000);
  });
}
