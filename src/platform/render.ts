import type { FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';
import { csrfToken } from './csrf.ts';

declare module 'fastify' {
  interface FastifyInstance {
    views: nunjucks.Environment;
    sessionIdleMinutes: number;
  }
}

/** Renders a Nunjucks view as the reply. Signed-in pages carry the idle-timeout warning. */
export function renderPage(reply: FastifyReply, template: string, context: Record<string, unknown>): FastifyReply {
  const request = reply.request;
  // The header shows who is signed in, with "Sign out" (a form, so it needs the CSRF token).
  const signedIn = request.user
    ? {
        email: request.user.email,
        role: request.user.role,
        path: request.url.split('?', 1)[0],
        timeoutMinutes: reply.server.sessionIdleMinutes,
        csrfToken: request.session ? csrfToken(request) : '',
      }
    : undefined;
  const html = reply.server.views.render(template, signedIn ? { ...context, signedIn } : context);
  return reply.type('text/html; charset=utf-8').send(html);
}
