import { connect } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { changedTables, rowCounter, type RowCounts } from './row-counts.ts';

/** Malformed and hostile requests at the edge of the service, before any feature code runs (SQLite). */
let t: TestApp;
let counts: () => Promise<RowCounts>;
/** The security headers of an ordinary page: every refusal must carry the same. */
let pageHeaders: Record<string, string>;
const SECURITY_HEADERS = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'permissions-policy',
  'x-frame-options',
];
const PROBLEM = 'There is a problem with your request';
let refusals = 0;

beforeAll(async () => {
  t = await startTestApp();
  counts = await rowCounter(t.database);
  const home = await t.app.inject('/');
  pageHeaders = Object.fromEntries(SECURITY_HEADERS.map((name) => [name, String(home.headers[name])]));
  expect(pageHeaders['content-security-policy']).toContain("script-src 'self' 'sha256-");
});
afterAll(async () => {
  console.log(
    `edge (sqlite): ${refusals} refused requests checked, each a GOV.UK page or JSON problem, 0 rows written`,
  );
  await t?.close();
});

function expectSecurityHeaders(headers: Record<string, unknown>, what: string): void {
  for (const name of SECURITY_HEADERS) expect(String(headers[name]), `${name} on ${what}`).toBe(pageHeaders[name]);
  expect(String(headers['content-security-policy']), what).not.toContain('unsafe-inline');
}

/** A refusal: the status, the GOV.UK page with its heading, the security headers, no echo of the input. */
function expectProblemPage(res: LightMyRequestResponse, status: number, what: string, echo?: string): void {
  expect(res.statusCode, what).toBe(status);
  expect(String(res.headers['content-type']), what).toMatch(/^text\/html/);
  expect($(res)('h1').text().trim(), what).toBe(PROBLEM);
  expect($(res)('title').text(), what).toContain(PROBLEM);
  expectSecurityHeaders(res.headers, what);
  if (echo) expect(res.body, what).not.toContain(echo);
  refusals++;
}

async function expectNothingWritten(before: RowCounts, what: string): Promise<void> {
  expect(changedTables(before, await counts()), what).toEqual([]);
}

describe('URLs Fastify cannot decode', () => {
  it('bad percent-encoding gets the GOV.UK 400 page with the security headers, never the path echoed', async () => {
    const before = await counts();
    for (const url of ['/%', '/%E0%A4%A', '/providers/%zz', '/application/%', '/sign-in/%C0']) {
      const res = await t.app.inject(url);
      expectProblemPage(res, 400, url, url.slice(1));
      expect(res.body, url).not.toContain('FST_ERR');
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    await expectNothingWritten(before, 'bad URLs');
  });

  it('under /api/ the same refusal is JSON, with the same headers', async () => {
    const res = await t.app.inject('/api/v1/%E0%A4%A');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { status: 400, title: PROBLEM, detail: 'The information sent could not be read. Nothing was saved.' },
    });
    expect(res.body).not.toContain('%E0');
    expectSecurityHeaders(res.headers, 'api bad URL');
    refusals++;
  });

  it('a path segment longer than the router accepts gets a GOV.UK page, not Fastify’s JSON', async () => {
    // The content pages' catch-all route takes over from the too-long parameter: a plain 404.
    const res = await t.app.inject(`/providers/${'a'.repeat(300)}`);
    expect(res.statusCode).toBe(404);
    expect($(res)('h1').text().trim()).toBe('Page not found');
    expectSecurityHeaders(res.headers, 'long parameter');
  });

  it('a request Node cannot parse (a control character in a header) gets the GOV.UK 400 page on the socket', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, '127.0.0.1', () => {
        socket.write('GET /search?q=teacher HTTP/1.1\r\nHost: localhost\r\nX-Note: a\u0001b\r\n\r\n');
      });
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    const [statusLine, ...headerLines] = head.split('\r\n');
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    const headers = Object.fromEntries(
      headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]),
    );
    expectSecurityHeaders(headers, 'unparseable request');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Buffer.byteLength(body)).toBe(Number(headers['content-length']));
    expect(body).toContain(`<h1 class="govuk-heading-l">${PROBLEM}</h1>`);
    refusals++;
  });
});

describe('control characters are refused before any handler runs', () => {
  it('in a query string value, a repeated key or a key: the GOV.UK 400 page saying what happened', async () => {
    const before = await counts();
    for (const url of [
      '/providers?country=%00',
      '/placement-schools?near=Dubai%01&radius=50',
      '/search?q=teacher&q=%1B%5B31m',
      '/search?q%00=teacher',
      '/search?q=%7F',
      '/search?q=%C2%85',
      '/eligibility/where-you-live?change=%08',
      '/no-such-page?x=%00',
    ]) {
      const res = await t.app.inject(url);
      expectProblemPage(res, 400, url);
      expect($(res)('p.govuk-body').first().text(), url).toBe(
        'The information you sent contains characters the service cannot accept. Nothing was saved.',
      );
    }
    await expectNothingWritten(before, 'control characters in queries');
  });

  it('tab, new line and carriage return are ordinary text and still reach the page', async () => {
    const res = await t.app.inject('/search?q=teacher%09training%0D%0A');
    expect(res.statusCode).toBe(200);
    expect($(res)('h1').text()).not.toBe(PROBLEM);
  });

  it('under /api/ the refusal is JSON with the same message', async () => {
    const res = await t.app.inject('/api/v1/providers?country=%00');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        status: 400,
        title: PROBLEM,
        detail: 'The information you sent contains characters the service cannot accept. Nothing was saved.',
      },
    });
    expectSecurityHeaders(res.headers, 'api control character');
    refusals++;
  });

  it('in a header value sent without Node’s parser (inject, a proxy)', async () => {
    const res = await t.app.inject({ url: '/search?q=teacher', headers: { 'x-note': 'a\u0000b' } });
    expectProblemPage(res, 400, 'header with NUL');
  });

  it('in a path parameter', async () => {
    const res = await t.app.inject('/providers/university%00-of-birmingham-dubai');
    expectProblemPage(res, 400, 'NUL in a path parameter');
  });

  it('in a form body, with a valid CSRF token: refused and nothing is written', async () => {
    const client = new FormClient(t.app);
    const csrf = await client.csrf('/feedback');
    const before = await counts();
    const forms: Record<string, string | string[]>[] = [
      { useful: 'yes', comment: 'good\u0000page' },
      { useful: ['yes', 'no\u0001'] },
      { useful: 'yes', comment: ['fine', 'x\u007F'] },
      { useful: 'yes', 'comment\u0000': 'hidden key' },
      { useful: 'yes', comment: 'next line\u0085' },
    ];
    for (const form of forms) {
      const res = await client.post('/feedback', form, csrf);
      expectProblemPage(res, 400, JSON.stringify(form));
    }
    const signIn = await client.post('/sign-in', { email: 'someone\u0000@example.org' }, await client.csrf('/sign-in'));
    expectProblemPage(signIn, 400, 'NUL in an email address');
    await expectNothingWritten(before, 'control characters in forms');
  });
});

describe('pages with forms accept only form bodies', () => {
  it('a JSON body with a valid CSRF token gets the GOV.UK 415 page and sends no sign-in email', async () => {
    const client = new FormClient(t.app);
    const csrf = await client.csrf('/sign-in');
    const before = await counts();
    for (const [type, payload] of [
      ['application/json', JSON.stringify({ email: 'json@example.org', _csrf: csrf })],
      ['application/json; charset=utf-8', JSON.stringify({ email: 'json@example.org', _csrf: csrf })],
      ['text/plain', `email=json@example.org&_csrf=${csrf}`],
      [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nj@example.org\r\n--x--`,
      ],
      ['application/x-www-form-urlencoded-json', `email=json@example.org&_csrf=${csrf}`],
    ] as const) {
      for (const url of ['/sign-in', '/feedback']) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': type, cookie: client.cookie },
          payload,
        });
        expect(res.statusCode, `${type} to ${url}`).toBe(415);
        expect($(res)('h1').text().trim()).toBe(PROBLEM);
        expect($(res)('p.govuk-body').first().text()).toBe(
          'The form was sent in a format the service does not accept. Nothing was saved.',
        );
        expectSecurityHeaders(res.headers, `${type} to ${url}`);
        refusals++;
      }
    }
    await expectNothingWritten(before, 'bodies in other formats');
    // The same person, as a browser sends the form: the email is sent.
    const sent = await client.post('/sign-in', { email: 'json@example.org' }, csrf);
    expect(sent.statusCode).toBe(303);
    expect((await counts())['outbox']).toBe(before['outbox']! + 1);
  });
});
