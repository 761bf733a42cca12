import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { parseId, providerOf, scopedMemberships } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, manyOf, noErrors, parseForm, recordId, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { escapeHtml } from '../../shared/html.ts';
import { ALL_PERMISSIONS, PROVIDER_PERMISSIONS } from '../../shared/permissions.ts';
import { looksLikeEmail, normaliseEmail } from './sign-in.ts';
import {
  addProviderUser,
  changePermissions,
  colleague,
  colleagues,
  describePermissions,
  removeColleague,
} from './repository.ts';

/** Provider users with "manage users": their colleagues, added, changed and removed. */
const PERMISSION_VALUES = ALL_PERMISSIONS as [string, ...string[]] as readonly [
  keyof typeof PROVIDER_PERMISSIONS,
  ...(keyof typeof PROVIDER_PERMISSIONS)[],
];
const permissionsField = manyOf(PERMISSION_VALUES, 'Select permissions from the list');

export const addUserForm = z.object({
  email: z
    .string({ error: 'Enter an email address' })
    .transform(normaliseEmail)
    .refine(looksLikeEmail, 'Enter an email address in the correct format, like name@example.com'),
  providerId: recordId('Choose a provider from the list'),
  permissions: permissionsField,
});

export const permissionsForm = z.object({ permissions: permissionsField });

export const permissionItems = (checked: readonly string[] = []) =>
  Object.entries(PROVIDER_PERMISSIONS).map(([value, text]) => ({ value, text, checked: checked.includes(value) }));

const listOf = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function registerProviderUserRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const manageUsers = { config: { permission: 'manage-users' as const } };

  async function usersPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, string | string[]> = {},
  ) {
    const managed = scopedMemberships(request);
    const people = await colleagues(db, providerOf(request));
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'accounts/views/provider-users.njk', {
      pageTitle: 'Users',
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider', text: 'Back to applications' },
      rows: people.map((c) => [
        { text: c.email },
        { text: c.providerName },
        { text: describePermissions(c.permissions) },
        {
          html: `<a class="govuk-link" href="/provider/${c.providerId}/users/${c.userId}">Change<span class="govuk-visually-hidden"> ${escapeHtml(c.email)} for ${escapeHtml(c.providerName)}</span></a>`,
        },
      ]),
      providerItems: managed.map((m) => ({
        value: String(m.providerId),
        text: m.providerName,
        selected: String(m.providerId) === values['providerId'],
      })),
      permissionItems: permissionItems(listOf(values['permissions'])),
      values,
      ...problems,
    });
  }

  app.get('/provider/users', manageUsers, (request, reply) => usersPage(request, reply));

  app.post('/provider/users', manageUsers, async (request, reply) => {
    const form = parseForm(addUserForm, request.body);
    if (!form.ok) return usersPage(request, reply, form, form.values);
    const result = await addProviderUser(db, providerOf(request), { ...form.data, serviceUrl: config.serviceUrl });
    if (!result.ok) return usersPage(request, reply, fieldError(result.field, result.message), form.values);
    return reply.redirect('/provider/users', 303);
  });

  /** One colleague of a provider this user manages; undefined (→ 404) for anyone else. */
  const findColleague = (request: FastifyRequest<{ Params: { providerId: string; userId: string } }>) => {
    const userId = parseId(request.params.userId);
    const providerId = parseId(request.params.providerId);
    return userId && providerId ? colleague(db, providerOf(request), providerId, userId) : Promise.resolve(undefined);
  };
  type Colleague = NonNullable<Awaited<ReturnType<typeof findColleague>>>;

  function colleaguePage(
    request: FastifyRequest,
    reply: FastifyReply,
    person: Colleague,
    problems: FormErrors = noErrors,
    checked: readonly string[] = person.permissions,
  ) {
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'accounts/views/provider-user.njk', {
      pageTitle: `Change permissions for ${person.email}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider/users', text: 'Back to users' },
      person,
      permissionItems: permissionItems(checked),
      ...problems,
    });
  }

  type Params = { Params: { providerId: string; userId: string } };

  app.get<Params>('/provider/:providerId/users/:userId', manageUsers, async (request, reply) => {
    const person = await findColleague(request);
    if (!person) return reply.callNotFound();
    return colleaguePage(request, reply, person);
  });

  app.post<Params>('/provider/:providerId/users/:userId', manageUsers, async (request, reply) => {
    const person = await findColleague(request);
    if (!person) return reply.callNotFound();
    const form = parseForm(permissionsForm, request.body);
    if (!form.ok) return colleaguePage(request, reply, person, form, listOf(form.values['permissions']));
    const result = await changePermissions(db, providerOf(request), {
      providerId: person.providerId,
      userId: person.userId,
      permissions: form.data.permissions,
      serviceUrl: config.serviceUrl,
    });
    if (result === 'not-found') return reply.callNotFound();
    if (!result.ok)
      return colleaguePage(request, reply, person, fieldError(result.field, result.message), form.data.permissions);
    return reply.redirect('/provider/users', 303);
  });

  app.get<Params>('/provider/:providerId/users/:userId/remove', manageUsers, async (request, reply) => {
    const person = await findColleague(request);
    if (!person) return reply.callNotFound();
    return renderPage(reply, 'accounts/views/remove-provider-user.njk', {
      pageTitle: `Are you sure you want to remove ${person.email}?`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: `/provider/${person.providerId}/users/${person.userId}`, text: 'Back' },
      person,
    });
  });

  app.post<Params>('/provider/:providerId/users/:userId/remove', manageUsers, async (request, reply) => {
    const person = await findColleague(request);
    if (!person) return reply.callNotFound();
    const result = await removeColleague(db, providerOf(request), {
      providerId: person.providerId,
      userId: person.userId,
    });
    if (result === 'not-found') return reply.callNotFound();
    if (!result.ok) return colleaguePage(request, reply, person, fieldError('permissions', result.message));
    return reply.redirect('/provider/users', 303);
  });
}
