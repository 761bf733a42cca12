import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateToken, createToken } from '../../src/features/api/repository.ts';
import { logDays } from '../../src/features/training/repository.ts';
import { addDays, localToday, weekStart } from '../../src/shared/local-dates.ts';
import { candidateScope, providerScope } from '../../src/shared/scope.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { makeTrainee, sampleProvider, SCHOOLS } from '../helpers/training-fixtures.ts';

/**
 * The trainees API for providers' systems: tokens made and revoked by users who manage
 * users (shown once, kept only as a hash, last use shown), and every answer scoped to the
 * token's provider. Bad input is a 4xx in JSON, never a 500.
 */
const TOKEN = /iqts_api_[A-Za-z0-9_-]{43}/;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`trainees API (${engine.name})`, () => {
    let t: TestApp;
    let staff: FormClient;
    let providerId: number;
    let otherProviderId: number;
    const own: number[] = [];
    let otherTrainee: number;

    const api = (url: string, token?: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'GET',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      });
    const json = (res: LightMyRequestResponse) => res.json() as Record<string, unknown>;

    /** Makes a token through the page, as a user would; returns the page and the token it shows. */
    async function makeToken(client: FormClient, forProvider: number, name: string) {
      const page = `/provider/${forProvider}/api-tokens`;
      const res = await client.post(page, { name }, await client.csrf(page));
      return { res, token: TOKEN.exec(res.body)?.[0] };
    }

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const db = t.database.db;
      const provider = await sampleProvider(db);
      providerId = provider.providerId;
      const today = localToday('UTC');
      const start = addDays(today, -70);
      for (const name of ['Ada Sample', 'Bola Sample', 'Chidi Sample']) {
        const made = await makeTrainee(db, provider, {
          email: `${name.split(' ')[0]!.toLowerCase()}.api@example.org`,
          name,
          school: SCHOOLS.dubai,
          start,
          end: addDays(start, 300),
        });
        own.push(made.traineeId);
      }
      // Ada logs three days, so the placement-day log has something to show.
      const ada = await db
        .selectFrom('trainees')
        .select('candidate_id')
        .where('id', '=', own[0]!)
        .executeTakeFirstOrThrow();
      const placement = await db
        .selectFrom('placements')
        .select('id')
        .where('trainee_id', '=', own[0]!)
        .executeTakeFirstOrThrow();
      const week = addDays(weekStart(today), -7);
      const logged = await logDays(db, candidateScope(ada.candidate_id), {
        placementId: placement.id,
        entries: [0, 1, 2].map((d) => ({ date: addDays(week, d), portion: 'full', kind: 'teaching', note: '' })),
      });
      expect(logged.ok).toBe(true);

      const other = await db
        .selectFrom('providers')
        .select('id')
        .where('slug', '=', 'sample-provider-worldwide-except')
        .executeTakeFirstOrThrow();
      otherProviderId = other.id;
      const otherUser = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'sample.provider2@example.com')
        .executeTakeFirstOrThrow();
      const made = await makeTrainee(
        db,
        { providerId: other.id, scope: providerScope(otherUser.id, 'manage-trainees', [other.id]) },
        {
          email: 'other.api@example.org',
          name: 'Other Provider Trainee',
          school: SCHOOLS.auckland,
          start,
          end: addDays(start, 300),
        },
      );
      otherTrainee = made.traineeId;
      staff = new FormClient(t.app);
      await signIn(staff, db, 'sample.provider1@example.com');
    }, 120_000);
    afterAll(async () => t?.close());

    it('a token is shown once, kept only as its hash, records its last use, and is refused once revoked', async () => {
      const db = t.database.db;
      const page = `/provider/${providerId}/api-tokens`;
      const before = await staff.get(page);
      expect(before.statusCode).toBe(200);
      expect($(before)('h1').text()).toBe('API tokens');

      const { res, token } = await makeToken(staff, providerId, 'Student records system');
      expect(res.statusCode).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect($(res)('.govuk-panel__title').text().trim()).toBe('API token created');
      expect($(res)('textarea#token').val()).toBe(token);
      expect(token).toBeDefined();

      // At rest: the SHA-256 only, nowhere the token itself.
      const rows = await db.selectFrom('api_tokens').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token!).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(token!.slice(9));
      const audit = await db.selectFrom('audit_events').selectAll().where('action', 'like', 'api-token-%').execute();
      expect(audit.map((a) => [a.action, a.provider_id, JSON.parse(a.detail!)])).toEqual([
        ['api-token-created', providerId, { apiTokenId: rows[0]!.id, name: 'Student records system' }],
      ]);
      expect(JSON.stringify(audit)).not.toContain(token!.slice(9));

      // Never shown again: the list has its name, who made it and "Never used".
      const list = await staff.get(page);
      expect(list.body).not.toContain(token!);
      const row = $(list)('tbody tr').first().text();
      expect(row).toContain('Student records system');
      expect(row).toContain('sample.provider1@example.com');
      expect(row).toContain('Never used');
      expect(row).toContain('Active');

      const used = await api('/api/v1/trainees', token);
      expect(used.statusCode).toBe(200);
      expect(used.headers['cache-control']).toBe('no-store');
      const after = await db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow();
      expect(after.last_used_at).not.toBeNull();
      expect(
        $(await staff.get(page))('tbody tr')
          .first()
          .text(),
      ).not.toContain('Never used');

      // The same name again, while the first is live: refused with a message, nothing made.
      const again = await makeToken(staff, providerId, 'Student records system');
      expect(again.res.statusCode).toBe(400);
      expect($(again.res)('.govuk-error-summary').text()).toContain('A token with this name already exists');
      expect(again.token).toBeUndefined();
      const blank = await makeToken(staff, providerId, '   ');
      expect(blank.res.statusCode).toBe(400);
      expect($(blank.res)('#name-error').text()).toContain('Enter a name for the token');
      const long = await makeToken(staff, providerId, 'x'.repeat(101));
      expect(long.res.statusCode).toBe(400);
      expect(await db.selectFrom('api_tokens').select('id').execute()).toHaveLength(1);

      // Revoke: a confirmation page, then the token is refused.
      const revokeUrl = `${page}/${rows[0]!.id}/revoke`;
      const confirm = await staff.get(revokeUrl);
      expect($(confirm)('h1').text()).toBe('Are you sure you want to revoke the API token Student records system?');
      const revoked = await staff.post(revokeUrl, {}, await staff.csrf(revokeUrl));
      expect(revoked.statusCode).toBe(303);
      const refused = await api('/api/v1/trainees', token);
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="iQTS API", error="invalid_token"');
      expect((json(refused)['error'] as { detail: string }).detail).toContain('revoked');
      const shown = $(await staff.get(page))('tbody tr')
        .first()
        .text();
      expect(shown).toContain('Revoked');
      expect(shown).not.toContain('Revoke Student');
      // Revoking twice finds nothing to revoke; the name can be used again.
      expect((await staff.post(revokeUrl, {}, await staff.csrf(page))).statusCode).toBe(404);
      const reused = await makeToken(staff, providerId, 'Student records system');
      expect(reused.res.statusCode).toBe(201);
      expect(reused.token).not.toBe(token);
      const actions = await db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'like', 'api-token-%')
        .orderBy('id')
        .execute();
      expect(actions.map((a) => a.action)).toEqual(['api-token-created', 'api-token-revoked', 'api-token-created']);
    });

    it('no token, or not a token: 401 JSON with WWW-Authenticate', async () => {
      const none = await api('/api/v1/trainees');
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="iQTS API"');
      expect(none.headers['content-type']).toContain('application/json');
      for (const authorization of ['Bearer', 'Basic abc', `Bearer iqts_api_${'A'.repeat(43)}`, 'Bearer x y']) {
        const res = await api(`/api/v1/trainees/${own[0]}`, undefined, { authorization });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.headers['www-authenticate']).toContain('invalid_token');
        expect(res.body).not.toContain('Ada');
      }
    });

    it('every answer is the token’s provider’s: another provider’s trainee is 404, like a missing one', async () => {
      const mine = (await makeToken(staff, providerId, 'Scoping')).token!;
      const otherStaff = new FormClient(t.app);
      await signIn(otherStaff, t.database.db, 'sample.provider2@example.com');
      const theirs = (await makeToken(otherStaff, otherProviderId, 'Theirs')).token!;

      const list = json(await api('/api/v1/trainees', mine));
      expect((list['trainees'] as { id: number }[]).map((x) => x.id).sort()).toEqual([...own].sort());
      expect(list['total']).toBe(3);
      const theirList = json(await api('/api/v1/trainees', theirs));
      expect((theirList['trainees'] as { id: number }[]).map((x) => x.id)).toEqual([otherTrainee]);

      for (const suffix of ['', '/placement-days', '/recommendation']) {
        const leak = await api(`/api/v1/trainees/${own[0]}${suffix}`, theirs);
        const missing = await api(`/api/v1/trainees/99999${suffix}`, theirs);
        expect(leak.statusCode, suffix).toBe(404);
        expect(leak.body).toBe(missing.body);
        expect(leak.body).not.toContain('Ada');
        expect((await api(`/api/v1/trainees/${own[0]}${suffix}`, mine)).statusCode).toBe(200);
      }
      // Their token page and their tokens are not found from here either.
      expect((await staff.get(`/provider/${otherProviderId}/api-tokens`)).statusCode).toBe(404);
      const theirId = (
        await t.database.db
          .selectFrom('api_tokens')
          .select('id')
          .where('provider_id', '=', otherProviderId)
          .executeTakeFirstOrThrow()
      ).id;
      const sneaky = `/provider/${providerId}/api-tokens/${theirId}/revoke`;
      expect((await staff.get(sneaky)).statusCode).toBe(404);
      expect((await staff.post(sneaky, {}, await staff.csrf(`/provider/${providerId}/api-tokens`))).statusCode).toBe(
        404,
      );
      expect((await api('/api/v1/trainees', theirs)).statusCode).toBe(200);
    });

    it('one trainee, their placement days and their recommendation status', async () => {
      const token = (await makeToken(staff, providerId, 'Reading')).token!;
      const one = json(await api(`/api/v1/trainees/${own[0]}`, token));
      expect(one).toMatchObject({ id: own[0], name: 'Ada Sample', state: 'in-training', trainingCountry: 'AE' });
      expect((one['placements'] as { schoolName: string }[]).map((p) => p.schoolName)).toEqual(['Test Dubai School']);
      const days = json(await api(`/api/v1/trainees/${own[0]}/placement-days`, token));
      expect((days['days'] as { status: string; halves: number }[]).map((d) => [d.status, d.halves])).toEqual([
        ['logged', 2],
        ['logged', 2],
        ['logged', 2],
      ]);
      expect((days['progress'] as { awaitingDays: number }).awaitingDays).toBe(3);
      const recommendation = json(await api(`/api/v1/trainees/${own[0]}/recommendation`, token));
      expect(recommendation).toMatchObject({
        traineeId: own[0],
        state: 'in-training',
        recommendedForAward: false,
        timeInSchool: { met: false, queriedDays: 0 },
      });
      const filtered = json(await api('/api/v1/trainees?state=withdrawn', token));
      expect(filtered['total']).toBe(0);
      const byCountry = json(await api('/api/v1/trainees?country=AE&page=1', token));
      expect(byCountry['total']).toBe(3);
      expect(json(await api('/api/v1/trainees?page=2', token))['trainees']).toEqual([]);
    });

    it('bad page numbers, filters and ids: 400 or 404 in JSON, never a 500', async () => {
      const token = (await makeToken(staff, providerId, 'Bad input')).token!;
      for (const query of [
        'page=0',
        'page=-1',
        'page=abc',
        'page=1.5',
        'page=100000',
        'page=1&page=2',
        'page=',
        'state=awarded-yesterday',
        'country=ng',
        'school=0',
        'mentor=99999999999',
        'behind=no',
        'sort=name',
        'page[0]=1',
      ]) {
        const res = await api(`/api/v1/trainees?${query}`, token);
        expect(res.statusCode, query).toBe(400);
        expect(res.headers['content-type'], query).toContain('application/json');
        expect((json(res)['errors'] as unknown[]).length, query).toBeGreaterThan(0);
      }
      for (const id of ['0', '-1', 'abc', '2147483648', '99999', '1e3', '%00', 'x'.repeat(150)]) {
        for (const suffix of ['', '/placement-days', '/recommendation']) {
          const res = await api(`/api/v1/trainees/${id}${suffix}`, token);
          expect(res.statusCode, `${id}${suffix}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, `${id}${suffix}`).toBeLessThan(500);
          expect(res.headers['content-type'], id).toContain('application/json');
        }
      }
      expect((await api('/api/v1/trainees/99999', token)).statusCode).toBe(404);
    });

    it('the same name made at once by several people: one token, the others told, never a 500', async () => {
      const db = t.database.db;
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'sample.provider1@example.com')
        .executeTakeFirstOrThrow();
      const scope = providerScope(user.id, 'manage-users', [providerId]);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => createToken(db, scope, { providerId, name: 'Made at once' })),
      );
      const made = results.filter((r) => r !== 'not-found' && r.ok);
      expect(made).toHaveLength(1);
      expect(results.filter((r) => r !== 'not-found' && !r.ok && r.message.includes('already exists'))).toHaveLength(5);
      // Another provider's id, with this scope: not found, nothing made.
      expect(await createToken(db, scope, { providerId: otherProviderId, name: 'Elsewhere' })).toBe('not-found');
      expect(await db.selectFrom('api_tokens').select('id').where('name', '=', 'Elsewhere').execute()).toEqual([]);

      // "Last used" moves at most once a minute, however often the token is used.
      const token = (made[0] as { token: string }).token;
      const lastUsed = async () =>
        (
          await db
            .selectFrom('api_tokens')
            .select('last_used_at')
            .where('name', '=', 'Made at once')
            .executeTakeFirstOrThrow()
        ).last_used_at;
      const first = new Date('2026-12-01T09:00:00Z');
      expect(await authenticateToken(db, token, first)).toMatchObject({ providerId });
      expect(await lastUsed()).toBe(first.toISOString());
      await authenticateToken(db, token, new Date('2026-12-01T09:00:30Z'));
      expect(await lastUsed()).toBe(first.toISOString());
      await authenticateToken(db, token, new Date('2026-12-01T09:01:30Z'));
      expect(await lastUsed()).toBe('2026-12-01T09:01:30.000Z');
    });

    it('the OpenAPI document describes the trainees API and its token', async () => {
      const doc = json(await api('/api/v1/openapi.json'));
      const paths = doc['paths'] as Record<string, { get: { security?: unknown; responses: Record<string, unknown> } }>;
      for (const path of [
        '/api/v1/trainees',
        '/api/v1/trainees/{traineeId}',
        '/api/v1/trainees/{traineeId}/placement-days',
        '/api/v1/trainees/{traineeId}/recommendation',
      ]) {
        expect(paths[path], path).toBeDefined();
        expect(paths[path]!.get.security).toEqual([{ providerToken: [] }]);
        expect(Object.keys(paths[path]!.get.responses)).toContain('401');
      }
      expect(doc['components']).toMatchObject({
        securitySchemes: { providerToken: { type: 'http', scheme: 'bearer' } },
      });
    });
  });
}
