import * as cheerio from 'cheerio';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { RegisteredRoute } from '../../src/platform/route-list.ts';
import { SESSION_COOKIE } from '../../src/platform/session.ts';

/** A registered route with a matcher for concrete paths. */
export interface RoutePattern extends RegisteredRoute {
  params: string[];
  matches(path: string): Record<string, string> | null;
  /** Higher is more specific: static text counts, parameters and wildcards less. */
  specificity: number;
}

export function routePatterns(routes: readonly RegisteredRoute[]): RoutePattern[] {
  const seen = new Set<string>();
  const out: RoutePattern[] = [];
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    if (route.method === 'HEAD' || seen.has(key)) continue;
    seen.add(key);
    const params: string[] = [];
    const source = route.url
      .split('/')
      .map((segment) => {
        if (segment === '*') {
          params.push('*');
          return '(.*)';
        }
        if (segment.startsWith(':')) {
          params.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    const regex = new RegExp(`^${source}/?$`);
    const staticLength = route.url.replace(/:[^/]+|\*/g, '').length;
    out.push({
      ...route,
      params,
      specificity: route.url.includes('*') ? -1 : staticLength * 10 - params.length,
      matches(path) {
        const m = regex.exec(path);
        if (!m) return null;
        return Object.fromEntries(params.map((p, i) => [p, m[i + 1] ?? '']));
      },
    });
  }
  return out;
}

export function matchRoute(patterns: RoutePattern[], method: string, path: string): RoutePattern | undefined {
  return patterns
    .filter((p) => p.method === method && p.matches(path))
    .sort((a, b) => b.specificity - a.specificity)[0];
}

/** Someone using the service through inject: keeps their session cookie and CSRF token. */
export class Actor {
  cookie = '';
  csrf = '';
  /** Set when a response replaced or ended the session: `restore` runs before the next request. */
  stale = false;
  constructor(
    readonly name: string,
    private readonly app: FastifyInstance,
    /** Brings the actor back to their starting state (signed in as themselves, or a fresh visitor). */
    readonly restore: (actor: Actor) => Promise<void>,
  ) {}

  async request(options: {
    method: 'GET' | 'POST';
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: options.method,
      url: options.url,
      headers: { ...options.headers, ...(this.cookie ? { cookie: this.cookie } : {}) },
      ...(options.payload !== undefined ? { payload: options.payload } : {}),
    });
    const set = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (set) {
      const cookie = set.split(';')[0] ?? '';
      if (cookie !== this.cookie) {
        if (this.cookie) this.stale = true;
        this.cookie = cookie.endsWith('=') ? '' : cookie;
      }
    }
    return res;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', url });
  }

  async postForm(url: string, pairs: [string, string][], csrf = this.csrf): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams([...pairs, ['_csrf', csrf]]);
    return this.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  }

  /** Reads the CSRF token from a page's forms. */
  async readCsrf(url: string): Promise<void> {
    const res = await this.get(url);
    const token = cheerio.load(res.body)('input[name="_csrf"]').first().attr('value');
    if (!token) throw new Error(`${this.name}: no CSRF token on ${url} (status ${res.statusCode})`);
    this.csrf = token;
    this.stale = false;
  }
}

export interface FoundForm {
  actor: Actor;
  pattern: RoutePattern;
  /** The concrete URL the form posts to. */
  url: string;
  fields: [string, string][];
}

export interface FoundQueryParam {
  actor: Actor;
  pattern: RoutePattern;
  path: string;
  /** The other parameters as the page sent them. */
  base: [string, string][];
  param: string;
}

export interface FoundPath {
  actor: Actor;
  pattern: RoutePattern;
  url: string;
}

/** What crawling the pages found, the first actor to find a thing keeping it. */
export class Discoveries {
  readonly forms = new Map<string, FoundForm>();
  readonly queryParams = new Map<string, FoundQueryParam>();
  readonly paths = new Map<string, FoundPath>();
  pagesVisited = 0;

  constructor(readonly patterns: RoutePattern[]) {}

  private noteQuery(actor: Actor, url: URL): void {
    const pattern = matchRoute(this.patterns, 'GET', url.pathname);
    if (!pattern) return;
    const pairs = [...url.searchParams.entries()];
    for (const [param] of pairs) {
      const key = `${pattern.url}?${param}`;
      if (!this.queryParams.has(key)) {
        this.queryParams.set(key, {
          actor,
          pattern,
          path: url.pathname,
          base: pairs.filter(([name]) => name !== param),
          param,
        });
      }
    }
  }

  private notePath(actor: Actor, method: string, url: string): void {
    const path = new URL(url, 'http://service').pathname;
    const pattern = matchRoute(this.patterns, method, path);
    if (pattern && pattern.params.length && !this.paths.has(`${method} ${pattern.url}`)) {
      this.paths.set(`${method} ${pattern.url}`, { actor, pattern, url });
    }
  }

  /**
   * Visits pages breadth-first from `seeds` as `actor`, following links and GET forms on the
   * service, and notes every POST form, every query parameter of a page the actor may see, and
   * a concrete URL for every route with path parameters. Content pages (the catch-all route) are sampled, not all read.
   */
  async crawl(actor: Actor, seeds: string[], options: { maxPages: number; maxContentPages: number }): Promise<void> {
    const queue = [...seeds];
    const queued = new Set(queue);
    let pages = 0;
    let contentPages = 0;
    while (queue.length && pages < options.maxPages) {
      const url = queue.shift()!;
      const parsed = new URL(url, 'http://service');
      const pattern = matchRoute(this.patterns, 'GET', parsed.pathname);
      if (!pattern) continue;
      if (pattern.url.includes('*') && ++contentPages > options.maxContentPages) continue;
      if (actor.stale) await actor.restore(actor);
      const res = await actor.get(url);
      pages++;
      this.pagesVisited++;
      // Only pages this actor may see: a redirect to sign in would never reach the handler.
      if (res.statusCode !== 200) continue;
      this.notePath(actor, 'GET', url);
      if (parsed.search) this.noteQuery(actor, parsed);
      if (!String(res.headers['content-type']).startsWith('text/html')) continue;
      const $ = cheerio.load(res.body);
      const links: string[] = [];
      $('a[href]').each((_, a) => {
        links.push($(a).attr('href') ?? '');
      });
      $('form').each((_, element) => {
        const form = $(element);
        const method = (form.attr('method') ?? 'get').toUpperCase();
        const target = new URL(form.attr('action') || url, `http://service${parsed.pathname}`);
        const fields: [string, string][] = [];
        const named = new Set<string>();
        form.find('input[name], select[name], textarea[name], button[name]').each((_, el) => {
          const field = $(el);
          const name = field.attr('name')!;
          const type = (field.attr('type') ?? '').toLowerCase();
          if (name === '_csrf' || named.has(name)) return;
          if (el.tagName === 'button' && fields.some(([n]) => n === name)) return;
          named.add(name);
          let value = field.attr('value') ?? '';
          if (el.tagName === 'select') {
            const option = field.find('option[selected]').first();
            value = (option.length ? option : field.find('option').first()).attr('value') ?? '';
          } else if (el.tagName === 'textarea') value = field.text();
          else if (type === 'radio' || type === 'checkbox') {
            const checked = form.find(`input[name="${name}"][checked]`).first();
            value = (checked.length ? checked : field).attr('value') ?? 'on';
          }
          fields.push([name, value]);
        });
        if (method === 'GET') {
          const query = new URL(target.pathname, 'http://service');
          for (const [name, value] of fields) query.searchParams.append(name, value);
          links.push(`${query.pathname}${query.search}`);
        } else {
          const formPattern = matchRoute(this.patterns, 'POST', target.pathname);
          const formUrl = `${target.pathname}${target.search}`;
          if (formPattern && !this.forms.has(formPattern.url)) {
            this.forms.set(formPattern.url, { actor, pattern: formPattern, url: formUrl, fields });
          }
          this.notePath(actor, 'POST', formUrl);
        }
      });
      for (const href of links) {
        if (!href || href.startsWith('#')) continue;
        const next = new URL(href, `http://service${parsed.pathname}`);
        if (next.origin !== 'http://service' || next.pathname.startsWith('/assets/')) continue;
        // Signing out is a POST; this page signs out on GET.
        if (next.pathname === '/signed-out') continue;
        const key = `${next.pathname}${next.search}`;
        if (!queued.has(key)) {
          queued.add(key);
          queue.push(key);
        }
      }
    }
  }
}
