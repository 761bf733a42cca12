import type { IncomingMessage, ServerResponse } from 'node:http';
import { chooseEncoding, pickBody, type Encoding } from '../platform/compression.ts';
import type { ContentSite, ServedPage } from './site.ts';

/**
 * Content pages answered straight from the HTTP server, before Fastify: the same bytes and
 * the same headers as the content route (src/content/routes.ts), with one header list made
 * once per page and encoding. A content page needs no session, no body parsing and no hook
 * beyond the security headers, so routing, hooks and reply decoration are cost with no use.
 *
 * Anything unusual goes to Fastify, which answers it as before: another method, a query
 * string (the input guard checks it), a conditional request, a request body, a path some
 * other route owns, the service shutting down, request logging on.
 */
export interface FastPathOptions {
  site: ContentSite;
  /** The headers every response carries (CSP and the rest), as the onRequest hook sets them. */
  securityHeaders: Record<string, string>;
  /** Whether Fastify would route GET `path` to the content route (not a more specific one). */
  routesToContent: (path: string) => boolean;
  /** True once the service is closing: Fastify answers 503 then. */
  closing: () => boolean;
}

export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

export function contentFastPath({ site, securityHeaders, routesToContent, closing }: FastPathOptions): FastPath {
  const owned = new Map<string, boolean>();
  // Keyed by the served page, so a page rendered again (new data) gets new headers.
  const headerLists = new WeakMap<ServedPage, Partial<Record<Encoding, string[]>>>();
  const base = Object.entries(securityHeaders).flat();

  const headersFor = (served: ServedPage, encoding: Encoding, length: number): string[] => {
    let lists = headerLists.get(served);
    if (!lists) headerLists.set(served, (lists = {}));
    return (lists[encoding] ??= [
      ...base,
      'content-type',
      'text/html; charset=utf-8',
      'cache-control',
      'public, max-age=300',
      'vary',
      'accept-encoding',
      'etag',
      served.etag,
      ...(encoding === 'identity' ? [] : ['content-encoding', encoding]),
      'content-length',
      String(length),
    ]);
  };

  return (request, response) => {
    if (request.method !== 'GET') return false;
    const url = request.url ?? '/';
    if (url.includes('?')) return false;
    const headers = request.headers;
    if (headers['if-none-match'] !== undefined || headers['content-length'] || headers['transfer-encoding'])
      return false;
    const path = url.length > 1 && url.endsWith('/') ? url.slice(0, -1) : url;
    const served = site.get(path);
    if (!served || closing()) return false;
    let ours = owned.get(path);
    if (ours === undefined) owned.set(path, (ours = routesToContent(path)));
    if (!ours) return false;
    const encoding = chooseEncoding(headers['accept-encoding']);
    const body = pickBody(served.body, encoding);
    response.writeHead(200, headersFor(served, encoding, body.length));
    response.end(body);
    return true;
  };
}
