import { createHash } from 'node:crypto';
import type nunjucks from 'nunjucks';

/**
 * Security headers. The CSP allows only our own scripts plus govuk-frontend's one inline
 * script, by its hash: pages rendered once at start-up can then be served as fixed bytes.
 */
export function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export function securityHeaders(inlineScriptHashes: string[]): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes.join(' ')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // Content may embed a video from these hosts only (src/content/raw-html.ts, IFRAME_HOSTS).
    'frame-src https://www.youtube-nocookie.com https://www.youtube.com',
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    'x-frame-options': 'DENY',
  };
}

/** Finds govuk-frontend's inline script in a rendered page, to hash it. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
}

const headersByViews = new WeakMap<nunjucks.Environment, Record<string, string>>();

/**
 * The security headers every page carries, for responses written outside the request
 * lifecycle (malformed URLs, unreadable requests), where the onRequest hook never runs.
 * Worked out the same way as at start-up: from govuk-frontend's inline script in a rendered page.
 */
export function pageSecurityHeaders(views: nunjucks.Environment): Record<string, string> {
  let headers = headersByViews.get(views);
  if (!headers) {
    const probe = views.render('error.njk', { pageTitle: 'probe', heading: 'probe', paragraphs: [] });
    headers = securityHeaders(inlineScripts(probe).map(scriptHash));
    headersByViews.set(views, headers);
  }
  return headers;
}
