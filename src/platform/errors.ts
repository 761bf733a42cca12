import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { renderPage } from './render.ts';

export type ProblemKind =
  | 'not-found'
  | 'forbidden'
  | 'csrf'
  | 'bad-request'
  | 'invalid-characters'
  | 'too-large'
  | 'too-many'
  | 'unsupported'
  | 'server';

/** A problem the client caused (or a server fault), shown as a GOV.UK error page. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly kind: ProblemKind,
    readonly detail?: string,
  ) {
    super(kind);
  }
}

const pages: Record<ProblemKind, { title: string; paragraphs: string[] }> = {
  'not-found': {
    title: 'Page not found',
    paragraphs: [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ],
  },
  // The first paragraph is replaced by what permission is missing.
  forbidden: {
    title: 'You do not have permission to do this',
    paragraphs: ['You do not have the permission this needs.', 'Nothing was changed.'],
  },
  csrf: {
    title: 'Your form could not be sent',
    paragraphs: [
      'This can happen if the page was open for a long time or you signed out in another tab. Nothing was saved.',
      'Go back, refresh the page and try again.',
    ],
  },
  'bad-request': {
    title: 'There is a problem with your request',
    paragraphs: ['The information sent could not be read. Nothing was saved.', 'Go back and try again.'],
  },
  'invalid-characters': {
    title: 'There is a problem with your request',
    paragraphs: [
      'The information you sent contains characters the service cannot accept. Nothing was saved.',
      'Go back, check what you entered and try again.',
    ],
  },
  'too-large': { title: 'What you sent is too large', paragraphs: ['Nothing was saved. Go back and send less text.'] },
  'too-many': {
    title: 'Too many requests',
    paragraphs: ['You have tried too many times. Wait a few minutes and try again.'],
  },
  unsupported: {
    title: 'There is a problem with your request',
    paragraphs: ['The form was sent in a format the service does not accept. Nothing was saved.'],
  },
  server: {
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later.', 'If you entered any information, it may not have been saved.'],
  },
};

export function kindFor(status: number): ProblemKind {
  if (status === 404) return 'not-found';
  if (status === 413) return 'too-large';
  if (status === 415) return 'unsupported';
  if (status === 429) return 'too-many';
  if (status >= 400 && status < 500) return 'bad-request';
  return 'server';
}

/** The page for a problem, for callers that have no reply to render into (a raw socket). */
export function problemPage(kind: ProblemKind): { title: string; paragraphs: string[] } {
  return pages[kind];
}

export function renderProblem(reply: FastifyReply, status: number, kind: ProblemKind, detail?: string): FastifyReply {
  const page = pages[kind];
  const paragraphs = detail ? [detail, ...page.paragraphs.slice(1)] : page.paragraphs;
  const wantsJson = reply.request.url.startsWith('/api/');
  reply.code(status).header('cache-control', 'no-store');
  if (wantsJson)
    return reply
      .type('application/json; charset=utf-8')
      .send({ error: { status, title: page.title, detail: paragraphs[0] } });
  return renderPage(reply, 'error.njk', {
    pageTitle: page.title,
    heading: page.title,
    paragraphs,
    noindex: true,
    links:
      kind === 'not-found'
        ? [
            { href: '/', text: 'Go to the home page' },
            { href: '/search', text: 'Search this service' },
          ]
        : kind === 'forbidden'
          ? [{ href: '/provider', text: 'Go to your applications' }]
          : [],
  });
}

/**
 * No client input may produce a 500: client errors keep their 4xx status; only real faults
 * are 500s, with no stack trace.
 */
export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => renderProblem(reply, 404, 'not-found'));
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    if (error instanceof HttpProblem) return renderProblem(reply, error.statusCode, error.kind, error.detail);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: (error as FastifyError).code, status }, 'client error');
    return renderProblem(reply, status, kindFor(status));
  });
}
