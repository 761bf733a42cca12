import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { adminOf } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { escapeHtml } from '../../shared/html.ts';
import { APPROVAL_STATES, isApprovalState } from '../providers/approval.ts';
import { addUserForm, permissionItems } from './provider-user-routes.ts';
import { addProviderUser, providersWithUserCounts } from './repository.ts';

/** DfE admins: the providers and their first users. */
export function registerAdminRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  async function adminPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, string | string[]> = {},
  ) {
    const providers = await providersWithUserCounts(db, adminOf(request));
    const checked = values['permissions'] === undefined ? [] : [values['permissions']].flat();
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'accounts/views/admin.njk', {
      pageTitle: 'Providers and their users',
      currentPath: '/admin',
      csrfToken: csrfToken(request),
      rows: providers.map((p) => [
        // Each provider's approval, history and cohort limit are on its own page.
        { html: `<a class="govuk-link" href="/admin/providers/${p.id}">${escapeHtml(p.name)}</a>` },
        { text: isApprovalState(p.status) ? APPROVAL_STATES[p.status] : p.status },
        { text: String(p.users) },
      ]),
      providerItems: [
        { value: '', text: 'Choose a provider' },
        ...providers
          .filter((p) => p.status === 'approved')
          .map((p) => ({ value: String(p.id), text: p.name, selected: String(p.id) === values['providerId'] })),
      ],
      permissionItems: permissionItems(checked),
      values,
      ...problems,
    });
  }

  app.get('/admin', (request, reply) => adminPage(request, reply));

  app.post('/admin/provider-users', async (request, reply) => {
    const form = parseForm(addUserForm, request.body);
    if (!form.ok) return adminPage(request, reply, form, form.values);
    const result = await addProviderUser(db, adminOf(request), { ...form.data, serviceUrl: config.serviceUrl });
    if (!result.ok) return adminPage(request, reply, fieldError(result.field, result.message), form.values);
    return reply.redirect('/admin', 303);
  });
}
