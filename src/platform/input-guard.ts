import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './errors.ts';

/**
 * Control characters no one types into a form or a search box: C0 except tab, line feed and
 * carriage return; DEL; and C1. A NUL in particular is stored differently by SQLite and refused
 * by PostgreSQL, so such input is refused at the edge, before any handler or database sees it.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * In header values Node's HTTP parser already refuses these; requests that reach the service
 * another way (inject, a proxy) are held to the same rule. C1 is allowed here: header bytes are
 * read as Latin-1, so UTF-8 text (a user agent, another site's cookie) shows up as 0x80–0x9F.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HEADER_CONTROL_CHARACTER = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/** Whether a parsed value (string, array or object of them, keys included) holds a control character. */
export function containsControlCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL_CHARACTER.test(value);
  // Parsers build shallow values; anything deeper than this is hostile by construction.
  if (depth > 32) return true;
  if (Array.isArray(value)) return value.some((item) => containsControlCharacter(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL_CHARACTER.test(key) || containsControlCharacter(item, depth + 1)) return true;
    }
  }
  return false;
}

function headersContainControlCharacter(headers: Record<string, string | string[] | undefined>): boolean {
  for (const value of Object.values(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && HEADER_CONTROL_CHARACTER.test(item)) return true;
    }
  }
  return false;
}

/**
 * Refuses, on every route, a query string, header, path parameter or form body holding a
 * control character: the GOV.UK "There is a problem with your request" page (JSON under /api/),
 * status 400, before any handler runs. Register on the root instance before any route context.
 */
export function registerInputGuard(app: FastifyInstance): void {
  // Callback hooks, not async ones: they run on every request, content pages included.
  app.addHook('onRequest', (request, _reply, done) => {
    const refused = containsControlCharacter(request.query) || headersContainControlCharacter(request.headers);
    done(refused ? new HttpProblem(400, 'invalid-characters') : undefined);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const refused = containsControlCharacter(request.params) || containsControlCharacter(request.body);
    done(refused ? new HttpProblem(400, 'invalid-characters') : undefined);
  });
}

/**
 * Pages with forms accept only what a browser's form sends: application/x-www-form-urlencoded.
 * Fastify's built-in parsers (JSON, plain text) are removed from the forms context, so any other
 * body is refused with the GOV.UK 415 page before a handler runs. Call first in that context,
 * before the form body parser is registered.
 */
export function registerFormsOnly(forms: FastifyInstance): void {
  forms.removeAllContentTypeParsers();
}
