import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody, formErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { saveFeedback } from './repository.ts';
import { COMMENT_LIMIT, feedbackForm } from './schema.ts';

const safePage = (value: unknown) =>
  typeof value === 'string' && /^\/[A-Za-z0-9\-/._~]{0,499}$/.test(value) ? value : '/';

/** "Give feedback": the phase banner's link. Stores whether the service helped and an optional comment. */
export function registerFeedbackRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/feedback', (request, reply) => {
    const query = request.query as Record<string, unknown>;
    return renderPage(reply, 'feedback/views/form.njk', {
      pageTitle: 'Give feedback',
      currentPath: '/feedback',
      csrfToken: csrfToken(request),
      values: { page: safePage(query['page']) },
      commentLimit: COMMENT_LIMIT,
    });
  });

  app.post('/feedback', async (request, reply) => {
    const body = formBody(request.body);
    const parsed = feedbackForm.safeParse(body);
    if (!parsed.success) {
      return renderPage(reply.code(400), 'feedback/views/form.njk', {
        pageTitle: 'Give feedback',
        currentPath: '/feedback',
        csrfToken: csrfToken(request),
        values: {
          page: safePage(body['page']),
          useful: body['useful'],
          comment: typeof body['comment'] === 'string' ? body['comment'] : '',
        },
        commentLimit: COMMENT_LIMIT,
        ...formErrors(parsed.error, { useful: 'useful' }),
      });
    }
    await saveFeedback(db, {
      pagePath: parsed.data.page,
      useful: parsed.data.useful === 'yes',
      comment: parsed.data.comment,
    });
    return reply.redirect('/feedback/thank-you', 303);
  });

  app.get('/feedback/thank-you', (_request, reply) =>
    renderPage(reply, 'feedback/views/thank-you.njk', {
      pageTitle: 'Thank you for your feedback',
      currentPath: '/feedback',
    }),
  );
}
