import type { FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';

declare module 'fastify' {
  interface FastifyInstance {
    views: nunjucks.Environment;
    sessionIdleMinutes: number;
  }
}

/** Renders a Nunjucks view as the reply. Signed-in pages carry the idle-timeout warning. */
export function renderPage(reply: FastifyReply, template: string, context: Record<string, unknown>): FastifyReply {
  const request = reply.request;
  const signedIn = request.user
    ? { timeoutMinutes: reply.server.sessionIdleMinutes, csrfToken: request.session?.get<string>('csrf') ?? '' }
    : undefined;
  const html = reply.server.views.render(template, signedIn ? { ...context, signedIn } : context);
  return reply.type('text/html; charset=utf-8').send(html);
}
