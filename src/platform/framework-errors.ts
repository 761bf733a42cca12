import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { kindFor, problemPage, renderProblem, type ProblemKind } from './errors.ts';
import { pageSecurityHeaders } from './security.ts';

/**
 * Requests Fastify refuses before any route or hook runs: a URL that cannot be decoded
 * (`/%`, `/%E0%A4%A`), a path parameter that is too long. They get the GOV.UK problem page
 * with the security headers every page carries (the onRequest hook never ran), and never
 * an echo of the path.
 */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status =
    typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  request.log.info({ code: error.code, status }, 'client error');
  reply.headers(pageSecurityHeaders(reply.server.views));
  void renderProblem(reply, status, kindFor(status));
}

/**
 * Requests Node's HTTP parser cannot read (a control character in a header, a malformed
 * request line, headers too large) never reach Fastify: the answer is written to the socket,
 * as the GOV.UK problem page with the security headers, then the connection is closed.
 */
function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, kind]: [number, ProblemKind] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'bad-request']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'too-large']
        : [400, 'bad-request'];
  this.log.debug({ code: error.code, status }, 'unreadable request');
  if (socket.writable) {
    let headers: Record<string, string> = {};
    let body: string;
    try {
      const page = problemPage(kind);
      headers = pageSecurityHeaders(this.views);
      body = this.views.render('error.njk', {
        pageTitle: page.title,
        heading: page.title,
        paragraphs: page.paragraphs,
        noindex: true,
        links: [],
      });
    } catch {
      body = 'There is a problem with your request.';
    }
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      'content-type: text/html; charset=utf-8',
      'cache-control: no-store',
      'connection: close',
      `content-length: ${Buffer.byteLength(body)}`,
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** Fastify options for the refusals above; spread into the options of `Fastify(…)`. */
export const frameworkErrorOptions: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = {
  frameworkErrors,
  clientErrorHandler,
};
