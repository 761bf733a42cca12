import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { adminOf } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, requiredText, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { emailForm } from '../accounts/routes.ts';
import { addAdviser, allAdvisers } from './repository.ts';

/** DfE admins add teacher training advisers. */
const addAdviserForm = z.object({
  name: requiredText(
    { missing: 'Enter the adviser’s full name', tooLong: 'The name must be 200 characters or fewer' },
    200,
  ),
  email: emailForm.shape.email,
});

export function registerAdviserAdminRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, unknown> = {},
  ) {
    const advisers = await allAdvisers(db, adminOf(request));
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'advisers/views/admin-advisers.njk', {
      pageTitle: 'Teacher training advisers',
      currentPath: '/admin',
      csrfToken: csrfToken(request),
      rows: advisers.map((a) => [{ text: a.name ?? '' }, { text: a.email }]),
      values,
      ...problems,
    });
  }

  app.get('/admin/advisers', (request, reply) => page(request, reply));

  app.post('/admin/advisers', async (request, reply) => {
    const form = parseForm(addAdviserForm, request.body);
    if (!form.ok) return page(request, reply, form, form.values);
    const result = await addAdviser(db, adminOf(request), { ...form.data, serviceUrl: config.serviceUrl });
    if (!result.ok) return page(request, reply, fieldError(result.field, result.message), form.values);
    return reply.redirect('/admin/advisers', 303);
  });
}
