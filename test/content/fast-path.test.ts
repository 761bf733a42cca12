import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';

/**
 * Content pages are answered before Fastify's routing over real HTTP (src/content/fast-path.ts).
 * A reader must get exactly what the content route gives: the same bytes, the same security
 * and caching headers, for every encoding; and everything else still reaches the service.
 */
const IQTS = '/non-uk-teachers/international-qualified-teacher-status';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Headers the HTTP server adds to every response, whoever answers.
const connectionHeaders = new Set(['date', 'connection', 'keep-alive']);
const pageHeaders = (headers: Answer['headers']) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !connectionHeaders.has(name)));

describe('content pages over real HTTP', () => {
  let service: TestApp;
  let port: number;
  beforeAll(async () => {
    service = await startTestApp();
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    port = (service.app.server.address() as AddressInfo).port;
  });
  afterAll(() => service?.close());

  for (const acceptEncoding of [undefined, 'gzip', 'gzip, deflate, br']) {
    it(`answers the iQTS page exactly as the content route does (accept-encoding: ${acceptEncoding ?? 'none'})`, async () => {
      const headers: Record<string, string> = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
      const direct = await get(port, IQTS, headers);
      const routed = await service.app.inject({ method: 'GET', url: IQTS, headers });
      expect(direct.status).toBe(200);
      expect(pageHeaders(direct.headers)).toEqual(pageHeaders(routed.headers));
      expect(direct.body.equals(routed.rawPayload)).toBe(true);
      expect(direct.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
    });
  }

  it('keeps an idle connection open for 72 seconds, content page or not, as a load balancer in front expects', async () => {
    for (const path of [IQTS, '/eligibility']) {
      const answer = await get(port, path);
      expect(answer.status).toBe(200);
      expect(answer.headers['keep-alive']).toBe('timeout=72');
    }
  });

  it('answers a trailing slash, a query string, a repeat visit and HEAD as before', async () => {
    const page = await get(port, IQTS);
    expect((await get(port, `${IQTS}/`)).body.equals(page.body)).toBe(true);
    expect((await get(port, `${IQTS}?from=email`)).body.equals(page.body)).toBe(true);
    const again = await get(port, IQTS, { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get(port, IQTS, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('leaves the service’s own pages and missing pages to the service', async () => {
    const finder = await get(port, '/providers');
    expect(finder.status).toBe(200);
    expect(finder.body.toString()).toMatch(/Find a provider|provider/i);
    const missing = await get(port, '/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toContain('Page not found');
  });
});

describe('content pages with no room to keep their raw and brotli forms (CONTENT_CACHE_MB=0)', () => {
  let service: TestApp;
  let port: number;
  beforeAll(async () => {
    service = await startTestApp({ env: { CONTENT_CACHE_MB: '0' } });
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    port = (service.app.server.address() as AddressInfo).port;
  });
  afterAll(() => service?.close());

  it('still gives every reader the same page, made from the gzip form each time', async () => {
    const plain = await get(port, IQTS);
    expect(plain.status).toBe(200);
    expect(plain.body.toString('utf8')).toContain('international qualified teacher status');
    const gzip = await get(port, IQTS, { 'accept-encoding': 'gzip' });
    const br = await get(port, IQTS, { 'accept-encoding': 'br' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect((await get(port, IQTS)).body.equals(plain.body)).toBe(true);
    expect((await service.app.inject(IQTS)).rawPayload.equals(plain.body)).toBe(true);
  });
});
