import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { fromRoot } from '../../src/shared/paths.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';

const SERVICE_URL = 'https://iqts.example.org';

describe('one public address, SERVICE_URL, for every absolute link', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SERVICE_URL: `${SERVICE_URL}/`, PORT: '3461' } });
  });
  afterAll(async () => t?.close());

  it('the sitemap lists the content pages and the service’s own pages at that address', async () => {
    const res = await t.app.inject('/sitemap.xml');
    const locs = [...res.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    for (const path of ['/', '/what-is-qts', '/eligibility', '/providers', '/placement-schools', '/accessibility'])
      expect(locs, path).toContain(`${SERVICE_URL}${path}`);
    // The public check of a teacher's record is one of the service's own pages; every page listed answers.
    expect(locs).toContain(`${SERVICE_URL}/check-a-teachers-record`);
    expect(locs.every((l) => l.startsWith(`${SERVICE_URL}/`))).toBe(true);
    for (const loc of locs) {
      const path = loc.slice(SERVICE_URL.length);
      expect((await t.app.inject(path)).statusCode, path).toBe(200);
    }
    expect((await t.app.inject('/robots.txt')).body).toContain(`Sitemap: ${SERVICE_URL}/sitemap.xml`);
  });

  it('pages name their canonical address there', async () => {
    for (const path of ['/what-is-qts', '/privacy']) {
      expect($(await t.app.inject(path))('link[rel="canonical"]').attr('href'), path).toBe(`${SERVICE_URL}${path}`);
    }
  });

  it('emails link there: a new provider user is sent to the staff sign-in at that address', async () => {
    const db = t.database.db;
    await db
      .insertInto('users')
      .values({
        email: 'links.admin@example.org',
        name: null,
        role: 'admin',
        created_at: new Date().toISOString(),
        last_signed_in_at: null,
      })
      .execute();
    const client = new FormClient(t.app);
    // An address that already has an account (here an admin's) signs in at either sign-in page.
    await signIn(client, db, 'links.admin@example.org');
    const form = $(await client.get('/admin'));
    const providerId = form('#providerId option')
      .filter((_, o) => form(o).attr('value') !== '')
      .first()
      .attr('value')!;
    const csrf = form('form[action="/admin/provider-users"] input[name="_csrf"]').val() as string;
    const added = await client.post(
      '/admin/provider-users',
      { email: 'new.colleague@example.org', providerId, permissions: 'make-decisions' },
      csrf,
    );
    expect(added.statusCode, added.body.slice(0, 300)).toBe(303);
    const email = await db
      .selectFrom('outbox')
      .select('body')
      .where('to_email', '=', 'new.colleague@example.org')
      .executeTakeFirstOrThrow();
    expect(email.body).toContain(`${SERVICE_URL}/provider/sign-in`);
    expect(email.body).not.toMatch(/localhost|127\.0\.0\.1/);
  });
});

describe('SERVICE_URL', () => {
  it('defaults to the address the service listens on, and must be a web address', () => {
    expect(loadConfig({}).serviceUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0' }).serviceUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '80', HOST: 'iqts.internal' }).serviceUrl).toBe('http://iqts.internal:80');
    expect(loadConfig({ SERVICE_URL: 'https://iqts.example.org/' }).serviceUrl).toBe('https://iqts.example.org');
    expect(() => loadConfig({ SERVICE_URL: 'ftp://iqts.example.org' })).toThrow('SERVICE_URL');
  });

  it('no source file hard-codes the local address', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        return statSync(full).isDirectory() ? files(full) : [full];
      });
    const offenders = [...files(fromRoot('src')), ...files(fromRoot('scripts'))].filter((f) =>
      readFileSync(f, 'utf8').includes('localhost:3000'),
    );
    expect(offenders).toEqual([]);
  });
});
