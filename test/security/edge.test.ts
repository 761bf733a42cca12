import { connect } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, startTestApp, type TestApp } from '../helpers/app.ts';
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
