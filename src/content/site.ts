import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type nunjucks from 'nunjucks';
import { StaticBody } from '../platform/compression.ts';
import type { ExtraAsset } from '../platform/assets.ts';
import type { ContentTree } from './load.ts';
import { renderSite, type Problem, type RenderedPage } from './render.ts';
import { SiteSearch } from './search.ts';

export interface ServedPage {
  page: RenderedPage;
  body: StaticBody;
  etag: string;
}

/** The content site ready to serve: every page rendered once, kept as bytes. */
export interface ContentSite {
  pages: Map<string, ServedPage>;
  search: SiteSearch;
  images: ExtraAsset[];
  problems: Problem[];
}

export function buildContentSite(tree: ContentTree, views: nunjucks.Environment): ContentSite {
  const rendered = renderSite(tree, views);
  const pages = new Map<string, ServedPage>();
  for (const page of rendered.pages) {
    const raw = Buffer.from(page.html, 'utf8');
    pages.set(page.path, { page, body: new StaticBody(raw), etag: `"${createHash('sha1').update(raw).digest('base64url')}"` });
  }
  return {
    pages,
    search: new SiteSearch(rendered.pages),
    images: rendered.images.map((i) => ({ urlPath: i.urlPath, body: readFileSync(i.file) })),
    problems: rendered.problems,
  };
}

export function sitemapXml(pages: RenderedPage[], publicUrl: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const urls = pages
    .filter((p) => !p.noindex)
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((p) => `  <url><loc>${esc(publicUrl + p.path)}</loc>${p.date ? `<lastmod>${p.date}</lastmod>` : ''}</url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}
