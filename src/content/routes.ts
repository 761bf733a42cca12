import { pagination } from '../shared/pagination.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { chooseEncoding, pickBody } from '../platform/compression.ts';
import { renderPage } from '../platform/render.ts';
import { SITEMAP_SERVICE_PATHS } from '../service-paths.ts';
import { sitemapXml, type ContentSite } from './site.ts';
import { atomFeed, FEED_PATH } from './blog.ts';
import { onlyCommonWords } from './search.ts';

const PAGE_SIZE = 10;
const searchQuery = z.object({
  q: z.string().max(200, 'Search term must be 200 characters or fewer').optional().default(''),
  page: z.coerce.number().int().min(1).max(1000).optional().catch(1).default(1),
});

/** Content pages are served from memory as the bytes rendered at start-up (and their compressed forms). */
export function registerContentRoutes(app: FastifyInstance, site: ContentSite, serviceUrl: string): void {
  // One catch-all route for every content page (the service's own routes are more specific
  // and win): a thousand pages do not mean a thousand router entries to build at start-up.
  const servePage = (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.url.split('?', 1)[0] ?? '/';
    const path = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    const served = site.get(path);
    if (!served) return reply.callNotFound();
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('vary', 'accept-encoding')
      .header('etag', served.etag);
    if (request.headers['if-none-match'] === served.etag) return reply.code(304).send();
    const encoding = chooseEncoding(request.headers['accept-encoding']);
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(pickBody(served.body, encoding));
  };
  app.get('/', servePage);
  app.get('/*', servePage);

  // Made on first request, when every route is registered: the service's own pages are listed
  // only if this build answers them.
  let sitemap: string | undefined;
  app.get('/sitemap.xml', (_request, reply) => {
    sitemap ??= sitemapXml(
      [
        ...site.sitemap,
        ...SITEMAP_SERVICE_PATHS.filter((path) => app.routeList.some((r) => r.method === 'GET' && r.url === path)).map(
          (path) => ({ path, noindex: false }),
        ),
      ],
      serviceUrl,
    );
    return reply.header('content-type', 'application/xml; charset=utf-8').send(sitemap);
  });
  if (site.posts.length > 0) {
    const feed = atomFeed(site.posts, serviceUrl, site.blogTitle);
    app.get(FEED_PATH, (_request, reply) =>
      reply
        .header('content-type', 'application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(feed),
    );
  }
  const robots = `User-agent: *\nAllow: /\nDisallow: /search\n\nSitemap: ${serviceUrl}/sitemap.xml\n`;
  app.get('/robots.txt', (_request, reply) => reply.header('content-type', 'text/plain; charset=utf-8').send(robots));

  app.get('/search', (request, reply) => {
    const parsed = searchQuery.safeParse(request.query ?? {});
    const raw = request.query as Record<string, unknown>;
    if (!parsed.success) {
      const q = typeof raw?.['q'] === 'string' ? raw['q'].slice(0, 200) : '';
      const message =
        parsed.error.issues[0]?.path[0] === 'q' && typeof raw?.['q'] === 'string'
          ? parsed.error.issues[0].message
          : 'Enter a search term';
      return renderPage(reply.code(400), 'content/search.njk', {
        pageTitle: 'Search',
        currentPath: '/search',
        noindex: true,
        q,
        errors: [{ text: message, href: '#q' }],
        fieldError: message,
      });
    }
    const { q, page } = parsed.data;
    const hits = site.search(q);
    const pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
    const current = Math.min(page, pages);
    const shown = hits.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
    const href = (n: number) => `/search?q=${encodeURIComponent(q)}&page=${n}`;
    return renderPage(reply, 'content/search.njk', {
      pageTitle: q ? `Search results for ‘${q}’` : 'Search',
      currentPath: '/search',
      noindex: true,
      q,
      searched: q.trim() !== '',
      commonWordsOnly: onlyCommonWords(q),
      count: hits.length,
      results: shown,
      pagination: pagination(current, pages, href),
    });
  });
}
