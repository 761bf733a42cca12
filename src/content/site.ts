import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type nunjucks from 'nunjucks';
import { BodyCache, CompactBody } from '../platform/compression.ts';
import type { ExtraAsset } from '../platform/assets.ts';
import type { ContentTree } from './load.ts';
import type { ContentPage } from './load.ts';
import {
  blogLists,
  renderBlogList,
  renderContext,
  renderPage,
  servablePages,
  type Problem,
  type RenderedPage,
} from './render.ts';
import type { BlogListPage, PostSummary } from './blog.ts';
import { SiteSearch } from './search.ts';
import { emptyContentData, type ContentData } from './components.ts';

export interface ServedPage {
  page: Omit<RenderedPage, 'html' | 'text' | 'sections'>;
  body: CompactBody;
  etag: string;
}

export interface ContentSiteOptions {
  devNotices?: boolean;
  /** Bytes kept of the pages' forms made on request (raw and brotli); gzip is always kept. */
  cacheBytes?: number;
}

/** Enough for the raw and brotli forms of a few hundred pages: the ones people read. */
export const DEFAULT_CONTENT_CACHE_BYTES = 8 * 1024 * 1024;

export interface SitemapEntry {
  path: string;
  date?: string;
  noindex: boolean;
}

/**
 * The content site ready to serve. Each page is rendered once and kept as gzip bytes (its raw
 * and brotli forms are made on request and kept within a byte budget). `renderAll` renders everything
 * now; `renderInBackground` does it in small slices after the service is listening,
 * so a large site starts answering at once — a page asked for before its turn is
 * rendered on the spot.
 */
export class ContentSite {
  readonly paths: string[];
  readonly sitemap: SitemapEntry[];
  readonly images: ExtraAsset[];
  readonly problems: Problem[] = [];
  readonly #served = new Map<string, ServedPage | null>();
  readonly #pages: Map<string, ContentPage>;
  readonly #lists: Map<string, BlogListPage>;
  /** The blog's posts, newest first, for the Atom feed. */
  readonly posts: PostSummary[];
  /** The blog's name (its index page's title). */
  readonly blogTitle: string;
  /** Pages that show the service's data: kept, to render again when the data changes. */
  readonly #dataPages = new Map<string, ContentPage>();
  #dataFingerprint: string;
  #ctx: ReturnType<typeof renderContext> | null;
  /** Each page is indexed as it is rendered: its words are let go at once, and no pause builds it all. */
  readonly #search = new SiteSearch([]);
  readonly #cache: BodyCache;

  constructor(
    tree: ContentTree,
    views: nunjucks.Environment,
    data: ContentData = emptyContentData,
    options: ContentSiteOptions = {},
  ) {
    this.#cache = new BodyCache(options.cacheBytes ?? DEFAULT_CONTENT_CACHE_BYTES);
    this.#ctx = renderContext(tree, views, data, options.devNotices === true);
    this.#dataFingerprint = JSON.stringify(data);
    this.posts = this.#ctx.posts ?? [];
    this.blogTitle = tree.pages.get('/blog')?.frontMatter.title || 'Blog';
    const lists = blogLists(this.#ctx);
    this.#lists = new Map(lists.map((l) => [l.path, l]));
    // With posts, the blog index is generated (a blog.md only names and introduces it).
    const pages = servablePages(tree).filter((p) => !this.#lists.has(p.path));
    this.#pages = new Map(pages.map((p) => [p.path, p]));
    this.paths = [...pages.map((p) => p.path), ...lists.map((l) => l.path)];
    this.sitemap = [
      ...pages.map((p) => ({
        path: p.path,
        ...(p.frontMatter.date ? { date: p.frontMatter.date } : {}),
        noindex: p.frontMatter.noindex === true,
      })),
      ...lists.map((l) => ({
        path: l.path,
        ...(l.posts[0] ? { date: l.posts[0].date } : {}),
        noindex: l.path !== '/blog',
      })),
    ];
    this.images = this.#ctx.imageList.flatMap((i) =>
      i.files.map((f) => ({ urlPath: f.urlPath, body: readFileSync(f.file) })),
    );
  }

  /** The page's bytes, rendering it first if it has not been yet; undefined if it cannot be served. */
  get(path: string): ServedPage | undefined {
    const done = this.#served.get(path);
    if (done !== undefined) return done ?? undefined;
    const list = this.#lists.get(path);
    const source = this.#pages.get(path);
    if ((!source && !list) || !this.#ctx) return undefined;
    const result = list ? { page: renderBlogList(this.#ctx, list), problems: [] } : renderPage(this.#ctx, source!);
    this.problems.push(...result.problems);
    if (!result.page) {
      this.#served.set(path, null);
      return undefined;
    }
    const { html, text, sections, ...page } = result.page;
    const raw = Buffer.from(html, 'utf8');
    const served = {
      page,
      body: new CompactBody(raw, this.#cache),
      etag: `"${createHash('sha1').update(raw).digest('base64url')}"`,
    };
    this.#served.set(path, served);
    if (page.usesData && source) this.#dataPages.set(path, source);
    // The search index takes the words; the HTML lives on as bytes.
    this.#search.put({
      path,
      title: page.title,
      description: page.description,
      keywords: page.keywords,
      text,
      sections,
      noindex: page.noindex,
    });
    return served;
  }

  /**
   * The service's data changed (a provider was approved, suspended or renamed): the pages
   * that show it are rendered again, and searched again, so they never disagree with the
   * service's own pages. Returns the paths rendered again; nothing when the data is the same.
   */
  updateData(data: ContentData): string[] {
    const fingerprint = JSON.stringify(data);
    if (fingerprint === this.#dataFingerprint || !this.#ctx) return [];
    this.#dataFingerprint = fingerprint;
    this.#ctx = { ...this.#ctx, data };
    const paths = [...this.#dataPages.keys()];
    for (const path of paths) {
      this.#served.delete(path);
      this.#pages.set(path, this.#dataPages.get(path)!);
      this.get(path);
    }
    return paths;
  }

  renderAll(): void {
    for (const path of this.paths) this.get(path);
    this.#release();
  }

  /**
   * Once every page is bytes, the Markdown sources are no longer needed: let them go. Pages that
   * show data are rendered again when it changes; they keep their sources, and every other page
   * only what they may look up in it (front matter, for breadcrumbs and cards).
   */
  #release(): void {
    if (this.#served.size < this.paths.length || !this.#ctx) return;
    this.#pages.clear();
    this.#lists.clear();
    if (this.#dataPages.size === 0) {
      this.#ctx = null;
      return;
    }
    const { tree } = this.#ctx;
    const pages = new Map(
      [...tree.pages].map(([path, page]) => [
        path,
        this.#dataPages.has(path) ? page : { ...page, source: '', body: '', yaml: null },
      ]),
    );
    this.#ctx = { ...this.#ctx, tree: { ...tree, pages } };
  }

  /** Renders the rest in slices, yielding between them so requests are served meanwhile. */
  async renderInBackground(sliceMs = 20): Promise<void> {
    let i = 0;
    while (i < this.paths.length) {
      const until = performance.now() + sliceMs;
      while (i < this.paths.length && performance.now() < until) this.get(this.paths[i++]!);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#release();
  }

  get rendered(): number {
    return this.#served.size;
  }

  /** Searches every page: one not rendered yet is rendered first, so no result is missing. */
  search(query: string) {
    if (this.#served.size < this.paths.length) this.renderAll();
    return this.#search.search(query);
  }
}

/** Builds the site and renders every page now (tests, and small sites). */
export function buildContentSite(
  tree: ContentTree,
  views: nunjucks.Environment,
  data: ContentData = emptyContentData,
  options: ContentSiteOptions = {},
): ContentSite {
  const site = new ContentSite(tree, views, data, options);
  site.renderAll();
  return site;
}

export function sitemapXml(pages: SitemapEntry[], serviceUrl: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const urls = pages
    .filter((p) => !p.noindex)
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((p) => `  <url><loc>${esc(serviceUrl + p.path)}</loc>${p.date ? `<lastmod>${p.date}</lastmod>` : ''}</url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}
