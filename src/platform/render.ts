import type { FastifyReply } from 'fastify';
import type nunjucks from 'nunjucks';

declare module 'fastify' {
  interface FastifyInstance {
    views: nunjucks.Environment;
  }
}

/** Renders a Nunjucks view as the reply. */
export function renderPage(reply: FastifyReply, template: string, context: Record<string, unknown>): FastifyReply {
  const html = reply.server.views.render(template, context);
  return reply.type('text/html; charset=utf-8').send(html);
}
