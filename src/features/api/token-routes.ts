import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { parseId, providerOf, scopedMemberships } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate, govukDateTime } from '../../shared/dates.ts';
import { escapeHtml } from '../../shared/html.ts';
import { createToken, providerToken, providerTokens, revokeToken } from './repository.ts';

/**
 * Provider users with "manage users" make and revoke their provider's API tokens, beside
 * the users pages. A token is shown once, on the page that makes it; the list shows its
 * name, who made it, when it was last used and whether it has been revoked.
 */
export const tokenForm = z.object({
  name: z
    .string({ error: 'Enter a name for the token' })
    .trim()
    .min(1, 'Enter a name for the token')
    .max(100, 'Name must be 100 characters or fewer'),
});

type ProviderParams = { Params: { providerId: string } };
type TokenParams = { Params: { providerId: string; tokenId: string } };

export function registerApiTokenRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  const manageUsers = { config: { permission: 'manage-users' as const } };

  /** The provider in the path, when the user manages its users (the route group has checked it). */
  const providerFor = (request: FastifyRequest<ProviderParams>) => {
    const id = parseId(request.params.providerId);
    return scopedMemberships(request).find((m) => m.providerId === id);
  };

  async function tokensPage(
    request: FastifyRequest<ProviderParams>,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, string | string[]> = {},
  ) {
    const provider = providerFor(request);
    const tokens = provider && (await providerTokens(db, providerOf(request), provider.providerId));
    if (!provider || !tokens) return reply.callNotFound();
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'api/views/api-tokens.njk', {
      pageTitle: `API tokens – ${provider.providerName}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider/users', text: 'Back to users' },
      provider,
      rows: tokens.map((t) => [
        { text: t.name },
        { text: `${govukDate(t.createdAt)}${t.createdBy ? ` by ${t.createdBy}` : ''}` },
        { text: t.lastUsedAt ? govukDateTime(t.lastUsedAt) : 'Never used' },
        t.revokedAt
          ? {
              html: `<strong class="govuk-tag govuk-tag--grey">Revoked</strong> ${escapeHtml(govukDate(t.revokedAt))}${t.revokedBy ? ` by ${escapeHtml(t.revokedBy)}` : ''}`,
            }
          : { html: '<strong class="govuk-tag govuk-tag--green">Active</strong>' },
        t.revokedAt
          ? { text: '' }
          : {
              html: `<a class="govuk-link" href="/provider/${t.providerId}/api-tokens/${t.id}/revoke">Revoke<span class="govuk-visually-hidden"> ${escapeHtml(t.name)}</span></a>`,
            },
      ]),
      values,
      ...problems,
    });
  }

  app.get<ProviderParams>('/provider/:providerId/api-tokens', manageUsers, (request, reply) =>
    tokensPage(request, reply),
  );

  app.post<ProviderParams>('/provider/:providerId/api-tokens', manageUsers, async (request, reply) => {
    const provider = providerFor(request);
    if (!provider) return reply.callNotFound();
    const form = parseForm(tokenForm, request.body);
    if (!form.ok) return tokensPage(request, reply, form, form.values);
    const made = await createToken(db, providerOf(request), { providerId: provider.providerId, name: form.data.name });
    if (made === 'not-found') return reply.callNotFound();
    if (!made.ok) return tokensPage(request, reply, fieldError(made.field, made.message), form.values);
    // Shown once, here, and never stored or cached anywhere.
    return renderPage(reply.code(201).header('cache-control', 'no-store'), 'api/views/api-token-created.njk', {
      pageTitle: 'API token created',
      currentPath: '/provider',
      provider,
      name: form.data.name,
      token: made.token,
    });
  });

  const findToken = async (request: FastifyRequest<TokenParams>) => {
    const provider = providerFor(request);
    const tokenId = parseId(request.params.tokenId);
    if (!provider || !tokenId) return undefined;
    const token = await providerToken(db, providerOf(request), provider.providerId, tokenId);
    return token && !token.revokedAt ? { provider, token } : undefined;
  };

  app.get<TokenParams>('/provider/:providerId/api-tokens/:tokenId/revoke', manageUsers, async (request, reply) => {
    const found = await findToken(request);
    if (!found) return reply.callNotFound();
    return renderPage(reply, 'api/views/revoke-api-token.njk', {
      pageTitle: `Are you sure you want to revoke the API token ${found.token.name}?`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: `/provider/${found.provider.providerId}/api-tokens`, text: 'Back to API tokens' },
      ...found,
    });
  });

  app.post<TokenParams>('/provider/:providerId/api-tokens/:tokenId/revoke', manageUsers, async (request, reply) => {
    const found = await findToken(request);
    if (!found) return reply.callNotFound();
    const result = await revokeToken(db, providerOf(request), found.provider.providerId, found.token.id);
    if (result === 'not-found') return reply.callNotFound();
    return reply.redirect(`/provider/${found.provider.providerId}/api-tokens`, 303);
  });
}
