import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PATHS } from '../../src/service-paths.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('security headers', () => {
  it('every kind of response carries a strict CSP without unsafe-inline, HSTS and nosniff, and no x-powered-by', async () => {
    for (const url of [
      '/',
      '/non-uk-teachers/international-qualified-teacher-status',
      '/search?q=qts',
      '/feedback',
      '/no-such-page',
      '/health',
    ]) {
      const res = await t.app.inject(url);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).toContain("base-uri 'none'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp, url).not.toContain('unsafe-inline');
      expect(res.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
    }
  });

  it('the CSP hash matches govuk-frontend’s inline script on the page', async () => {
    const { createHash } = await import('node:crypto');
    const res = await t.app.inject('/');
    const script = /<script>([^<]*)<\/script>/.exec(res.body)?.[1];
    expect(script).toContain('govuk-frontend-supported');
    const hash = createHash('sha256').update(script!).digest('base64');
    expect(String(res.headers['content-security-policy'])).toContain(`'sha256-${hash}'`);
  });

  it('the session cookie is __Host-, HttpOnly, Secure and SameSite=Lax', async () => {
    const res = await t.app.inject('/feedback');
    expect(String(res.headers['set-cookie'])).toMatch(
      /^__Host-iqts-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
  });

  it('content pages set no cookie', async () => {
    const res = await t.app.inject('/non-uk-teachers/international-qualified-teacher-status');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('error pages', () => {
  it('404 is a GOV.UK page with no stack trace', async () => {
    const res = await t.app.inject('/no/such/page');
    expect(res.statusCode).toBe(404);
    expect($(res)('h1').text()).toBe('Page not found');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('every service path answers (content may link to them)', async () => {
    for (const path of SERVICE_PATHS) {
      const res = await t.app.inject(path);
      expect(res.statusCode, path).toBe(200);
    }
  });
});

describe('hostile and malformed input never produces a 500 and changes nothing', () => {
  const count = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('content_feedback')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('POST without a session or token is refused', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'useful=yes',
    });
    expect(res.statusCode).toBe(403);
    expect(await count()).toBe(0);
  });

  it('a body in an unsupported format gets a 415 page', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    expect(res.statusCode).toBe(415);
    expect($(res)('h1').text()).toBe('There is a problem with your request');
  });

  it('a body that is too large gets a 413 page', async () => {
    const client = new FormClient(t.app);
    const csrf = await client.csrf('/feedback');
    const res = await client.post('/feedback', { useful: 'yes', comment: 'x'.repeat(200_000) }, csrf);
    expect(res.statusCode).toBe(413);
    expect(await count()).toBe(0);
  });

  it('tampered values, arrays, and scripts in fields are rejected with a message and escaped', async () => {
    const client = new FormClient(t.app);
    const csrf = await client.csrf('/feedback');
    const forms: Record<string, string | string[]>[] = [
      { useful: 'maybe' },
      { useful: ['yes', 'no'] },
      { useful: '<script>alert(1)</script>' },
      { useful: 'yes', comment: 'x'.repeat(1201) },
    ];
    for (const form of forms) {
      const res = await client.post('/feedback', form, csrf);
      expect(res.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400);
      expect(res.body).not.toContain('<script>alert(1)</script>');
      expect($(res)('.govuk-error-summary').length).toBe(1);
    }
    expect(await count()).toBe(0);
  });

  it('odd URLs and methods are 4xx, not 500', async () => {
    for (const url of [
      '/%',
      '/search?q=%',
      '/search?q[]=a&q[]=b',
      '/search?page=-1&q=qts',
      '/assets/../package.json',
      '/' + 'a'.repeat(5000),
      '/feedback?page=javascript:alert(1)',
    ]) {
      const res = await t.app.inject(url);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    const del = await t.app.inject({ method: 'DELETE', url: '/feedback' });
    expect(del.statusCode).toBe(404);
  });
});
