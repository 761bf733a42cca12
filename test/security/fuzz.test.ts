import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { SERVICE_PATHS } from '../../src/service-paths.ts';
import { signIn } from '../helpers/accounts.ts';
import { FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { completeApplication } from '../helpers/applications.ts';
import { engines } from '../helpers/databases.ts';
import { Actor, Discoveries, routePatterns, type RoutePattern } from './crawl.ts';
import { hostileValues, ODD_BODIES, percentEncode, type Hostile } from './hostile-values.ts';
import { changedTables, rowCounter, type RowCounts } from './row-counts.ts';

/**
 * Every route the service registers, fuzzed with hostile values: every query parameter of
 * every page (found by crawling the pages as each kind of user sees them), every path
 * parameter, and every POST route with a valid CSRF token so the handlers are reached.
 * No response may be a 5xx, and a refused request (4xx) may not change any table's row count.
 */
const VALUES_PER_PARAMETER = 100;
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261130);

/** The sample users to sign in as, and where each starts. */
const PEOPLE = {
  candidate: { email: 'sample.candidate@example.com', home: '/application' },
  provider: { email: 'sample.provider1@example.com', home: '/provider' },
  admin: { email: 'sample.admin@example.com', home: '/admin' },
} as const;
const APPLICANT = 'fuzz.applicant@example.org';
/** A user only the admin's deactivation form acts on. */
const LEAVER = 'fuzz.leaver@example.org';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`fuzzing every route on ${engine.name}`, () => {
    let t: TestApp;
    let counts: () => Promise<RowCounts>;
    const actors: Actor[] = [];

    /** Signs an actor back in as their sample user, with the development sign-in (no email, no rate limit). */
    const restoreAs = (userId: number, home: string) => async (actor: Actor) => {
      actor.cookie = '';
      await actor.readCsrf('/dev/users');
      const res = await actor.postForm('/dev/sign-in-as', [['userId', String(userId)]]);
      expect(res.statusCode, `${actor.name} signs back in`).toBe(303);
      await actor.readCsrf(home);
    };
    /** A visitor who has not signed in, with a fresh session. */
    const restoreVisitor = async (actor: Actor) => {
      actor.cookie = '';
      await actor.readCsrf('/feedback');
    };

    beforeAll(async () => {
      // The development sign-in restores sessions between hostile requests, so it is on here.
      t = await startTestApp({ engine: engine.name, env: { DEV_TOOLS: 'true' } });
      const db = t.database.db;
      await seedSampleData(db, 40);
      counts = await rowCounter(t.database);

      // Someone with a submitted application, so the provider has one to decide on.
      const applicantClient = new FormClient(t.app);
      await signIn(applicantClient, db, APPLICANT);
      await completeApplication(applicantClient);
      const submitted = await applicantClient.post(
        '/application/submit',
        {},
        await applicantClient.csrf('/application/check'),
      );
      expect(submitted.statusCode).toBe(303);
      // Marked as sample data so the development sign-in can restore the session.
      await db.updateTable('users').set({ is_sample: 1 }).where('email', '=', APPLICANT).execute();

      await db
        .insertInto('users')
        .values({
          email: LEAVER,
          name: null,
          role: 'candidate',
          created_at: new Date().toISOString(),
          last_signed_in_at: null,
        })
        .execute();
      const userId = async (email: string) =>
        (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

      const visitor = new Actor('visitor', t.app, restoreVisitor);
      await restoreVisitor(visitor);
      // Part way through signing in, so the code page can be found and fuzzed.
      expect((await visitor.postForm('/sign-in', [['email', 'fuzz.visitor@example.org']])).statusCode).toBe(303);
      actors.push(visitor);
      for (const [name, person] of Object.entries(PEOPLE)) {
        const client = new FormClient(t.app);
        await signIn(client, db, person.email);
        const actor = new Actor(name, t.app, restoreAs(await userId(person.email), person.home));
        actor.cookie = client.cookie;
        await actor.readCsrf(person.home);
        actors.push(actor);
      }
      const applicant = new Actor('applicant', t.app, restoreAs(await userId(APPLICANT), '/application'));
      await applicant.restore(applicant);
      actors.push(applicant);
    }, 120_000);
    afterAll(async () => t?.close());

    it('no hostile value gets a 5xx, and refused requests change no table', async () => {
      const patterns = routePatterns(t.app.routeList);
      const discoveries = new Discoveries(patterns);
      for (const actor of actors) {
        const seeds = [
          ...(actor.name === 'visitor' ? ['/sign-in/code'] : []),
          ...Object.values(PEOPLE).map((p) => p.home),
          '/application/check',
          ...SERVICE_PATHS,
          '/dev/users',
          '/',
        ];
        await discoveries.crawl(actor, [...new Set(seeds)], { maxPages: 60, maxContentPages: 3 });
      }

      // Deactivating a user ends their sessions at once: the admin's deactivation form is aimed
      // at a user no actor signs in as, so the other actors keep theirs.
      const leaver = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', LEAVER)
        .executeTakeFirstOrThrow();
      for (const step of ['deactivate', 'reactivate']) {
        const form = discoveries.forms.get(`/admin/users/:userId/${step}`);
        if (form) form.url = `/admin/users/${leaver.id}/${step}`;
      }

      const failures: string[] = [];
      const rowChanges: string[] = [];
      /** Form posts refused for their CSRF token: the handler was never reached, so the fuzz missed it. */
      const csrfRefused: string[] = [];
      let requests = 0;
      let known: RowCounts | undefined;
      const fuzzed = new Map<string, number>();

      /** One request as one actor; checks the status and, when refused, the row counts. */
      const send = async (
        actor: Actor,
        route: RoutePattern,
        what: string,
        options: {
          method: 'GET' | 'POST';
          url: string;
          headers?: Record<string, string>;
          /** Built after any restore, with the actor's current CSRF token. */
          payload?: (csrf: string) => string;
        },
      ) => {
        if (actor.stale) {
          await actor.restore(actor);
          known = undefined;
        }
        const before = known ?? (await counts());
        let res: LightMyRequestResponse;
        try {
          res = await actor.request({
            method: options.method,
            url: options.url,
            ...(options.headers ? { headers: options.headers } : {}),
            ...(options.payload ? { payload: options.payload(actor.csrf) } : {}),
          });
        } catch (error) {
          failures.push(`${route.method} ${route.url} ${what}: request failed: ${(error as Error).message}`);
          known = undefined;
          return;
        }
        requests++;
        fuzzed.set(`${route.method} ${route.url}`, (fuzzed.get(`${route.method} ${route.url}`) ?? 0) + 1);
        const after = await counts();
        if (res.statusCode >= 500)
          failures.push(`${route.method} ${route.url} as ${actor.name}, ${what} → ${res.statusCode}`);
        if (
          res.statusCode === 403 &&
          options.headers?.['content-type'] === 'application/x-www-form-urlencoded' &&
          res.body.includes('Your form could not be sent')
        ) {
          csrfRefused.push(`${route.method} ${route.url} as ${actor.name}, ${what}`);
        }
        if (res.statusCode >= 400 && res.statusCode < 500) {
          const changed = changedTables(before, after);
          if (changed.length) {
            rowChanges.push(
              `${route.method} ${route.url} as ${actor.name}, ${what} → ${res.statusCode}: ${changed.join(', ')}`,
            );
          }
        }
        known = after;
      };

      const formBody = (pairs: string[], csrf: string) => [...pairs, `_csrf=${percentEncode(csrf)}`].join('&');
      const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
      const pairsOf = (fields: [string, string][]) => fields.map(([n, v]) => `${percentEncode(n)}=${percentEncode(v)}`);
      let seed = SEED;

      // Query parameters of every page.
      for (const found of discoveries.queryParams.values()) {
        const base = pairsOf(found.base);
        for (const hostile of hostileValues(VALUES_PER_PARAMETER, seed++)) {
          const query = [...base, hostile.piece(found.param)].join('&');
          await send(found.actor, found.pattern, `?${found.param}=${hostile.label}`, {
            method: 'GET',
            url: `${found.path}?${query}`,
          });
        }
      }

      // Path parameters of every route with them (GET pages and the URLs forms post to).
      for (const found of discoveries.paths.values()) {
        const [path = '', search = ''] = found.url.split('?');
        const values = found.pattern.matches(path)!;
        const form = discoveries.forms.get(found.pattern.url);
        for (const param of found.pattern.params) {
          for (const hostile of hostileValues(VALUES_PER_PARAMETER, seed++)) {
            const replaced = path
              .split('/')
              .map((segment, i) => (i === segmentIndex(found.pattern, param) ? hostile.segment || '%20' : segment))
              .join('/');
            const url = `${param === '*' ? `/${hostile.segment || '%20'}` : replaced}${search ? `?${search}` : ''}`;
            const what = `:${param}=${hostile.label} (was ${JSON.stringify(values[param])})`;
            if (found.pattern.method === 'GET') await send(found.actor, found.pattern, what, { method: 'GET', url });
            else {
              const actor = form?.actor ?? found.actor;
              await send(actor, found.pattern, what, {
                method: 'POST',
                url,
                headers: formHeaders,
                payload: (csrf) => formBody(pairsOf(form?.fields ?? []), csrf),
              });
            }
          }
        }
      }

      // Every POST route: each field in turn gets each hostile value, the others keep the page's
      // values; then bodies no form sends. Routes no crawled page posts to get a made-up field.
      const postRoutes = patterns.filter((p) => p.method === 'POST');
      const unfound: string[] = [];
      for (const route of postRoutes) {
        const form = discoveries.forms.get(route.url);
        if (!form) unfound.push(route.url);
        const actor = form?.actor ?? actors.find((a) => a.name === 'candidate')!;
        const url = form?.url ?? route.url.replace(/:[^/]+/g, '1');
        const fields: [string, string][] = form?.fields.length ? form.fields : [['value', 'x']];
        const values: Hostile[] = hostileValues(VALUES_PER_PARAMETER, seed++);
        for (const [i, hostile] of values.entries()) {
          const target = i % fields.length;
          const pairs = fields.map(([name, value], j) =>
            j === target ? hostile.piece(name) : `${percentEncode(name)}=${percentEncode(value)}`,
          );
          await send(actor, route, `${fields[target]![0]}=${hostile.label}`, {
            method: 'POST',
            url,
            headers: formHeaders,
            payload: (csrf) => formBody(pairs, csrf),
          });
        }
        for (const odd of ODD_BODIES) {
          await send(actor, route, odd.label, {
            method: 'POST',
            url,
            headers: odd.contentType ? { 'content-type': odd.contentType } : {},
            payload: (csrf) => odd.body(formBody(pairsOf(fields), csrf), csrf),
          });
        }
      }

      const queryCount = discoveries.queryParams.size;
      const pathParamCount = [...discoveries.paths.values()].reduce((n, f) => n + f.pattern.params.length, 0);
      console.log(
        `fuzz (${engine.name}): ${patterns.length} routes, ${postRoutes.length} POST routes ` +
          `(${postRoutes.length - unfound.length} found in forms), ${queryCount} query parameters, ` +
          `${pathParamCount} path parameters, ${discoveries.pagesVisited} pages crawled, ${requests} requests sent, ` +
          `${failures.length} 5xx, ${rowChanges.length} refused requests changed rows (seed ${SEED})`,
      );
      if (unfound.length) console.log(`fuzz (${engine.name}): POST routes no page posts to: ${unfound.join(', ')}`);

      expect(failures, 'requests answered with a 5xx').toEqual([]);
      expect(csrfRefused, 'form posts refused for their CSRF token').toEqual([]);
      expect(rowChanges, 'refused requests that changed a table').toEqual([]);
      // The crawl really found the service's pages and parameters.
      expect(queryCount).toBeGreaterThanOrEqual(15);
      for (const route of postRoutes) {
        expect(fuzzed.get(`POST ${route.url}`) ?? 0, route.url).toBeGreaterThanOrEqual(VALUES_PER_PARAMETER);
      }
    }, 600_000);
  });
}

/** The index of a parameter's segment in a path split on "/". */
function segmentIndex(pattern: RoutePattern, param: string): number {
  return pattern.url.split('/').findIndex((segment) => segment === `:${param}` || segment === param);
}
