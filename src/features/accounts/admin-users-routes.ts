import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { adminOf, parseId, signedInUser } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import {
  fieldError,
  manyOf,
  noErrors,
  oneOf,
  parseForm,
  recordId,
  requiredText,
  type FormErrors,
} from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { pageCount, pagination } from '../../shared/pagination.ts';
import { ALL_PERMISSIONS, PROVIDER_PERMISSIONS, type ProviderPermission } from '../../shared/permissions.ts';
import type { Role } from '../../shared/user.ts';
import { ENGLAND, momentInZone } from '../../shared/zoned-time.ts';
import { allProviders } from '../providers/repository.ts';
import {
  changePermissions,
  deactivateUser,
  describePermissions,
  grantAdmin,
  reactivateUser,
  searchUsers,
  USER_ROLES,
  userAccount,
  type UserFilters,
} from './repository.ts';
import { looksLikeEmail, normaliseEmail } from './sign-in.ts';

/**
 * DfE admins: every user of the service. Find a person by name or email address, role and
 * provider (all in the URL, so a search can be shared); see who they are, where they work
 * and what they may do; change a provider user's permissions; add a DfE admin; deactivate
 * a user (signed out at once, cannot sign in) and reactivate them.
 */
const PAGE_SIZE = 25;
type Raw = Record<string, unknown>;

export const ROLE_NAMES: Record<Role, string> = {
  candidate: 'Candidate',
  provider: 'Provider user',
  mentor: 'Mentor',
  adviser: 'Teacher training adviser',
  admin: 'DfE admin',
};

const pageField = z
  .string()
  .regex(/^\d{1,5}$/, 'Page must be a number, 1 or more')
  .transform(Number)
  .refine((n) => n >= 1, 'Page must be a number, 1 or more')
  .optional()
  .default(1);

export const userFiltersForm = z.object({
  q: z
    .string({ error: 'Enter a name or email address' })
    .trim()
    .max(100, 'Name or email must be 100 characters or fewer')
    .optional(),
  role: oneOf(USER_ROLES, 'Select a role from the list').optional(),
  providerId: recordId('Select a provider from the list').optional(),
  status: oneOf(['active', 'deactivated'], 'Select a status from the list').optional(),
  page: pageField,
});

const PERMISSION_VALUES = ALL_PERMISSIONS as unknown as readonly [ProviderPermission, ...ProviderPermission[]];
export const adminPermissionsForm = z.object({
  providerId: recordId('Choose a provider from the list'),
  permissions: manyOf(PERMISSION_VALUES, 'Select permissions from the list'),
});

export const grantAdminForm = z.object({
  name: requiredText({ missing: 'Enter their full name', tooLong: 'Name must be 200 characters or fewer' }, 200),
  email: z
    .string({ error: 'Enter an email address' })
    .transform(normaliseEmail)
    .refine((v) => v !== '', 'Enter an email address')
    .refine(looksLikeEmail, 'Enter an email address in the correct format, like name@example.com'),
});

const str = (raw: Raw, key: string): string => {
  const v = raw[key];
  return typeof v === 'string' ? v.trim().slice(0, 100) : '';
};

/** Empty query values mean "any"; only the first of a repeated value counts. */
const presentValues = (raw: Raw) =>
  Object.fromEntries(
    Object.entries(raw)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => v !== '' && v !== undefined),
  );

export function parseUserFilters(raw: Raw): { filters: UserFilters; problems: FormErrors } {
  const form = parseForm(userFiltersForm, presentValues(raw));
  if (!form.ok) return { filters: { page: 1 }, problems: form };
  const { q, role, providerId, status, page } = form.data;
  return {
    filters: {
      page,
      ...(q ? { q } : {}),
      ...(role ? { role } : {}),
      ...(providerId ? { providerId } : {}),
      ...(status ? { status } : {}),
    },
    problems: noErrors,
  };
}

function query(raw: Raw, page?: number): string {
  const params = new URLSearchParams();
  for (const k of ['q', 'role', 'providerId', 'status']) {
    const v = str(raw, k);
    if (v) params.set(k, v);
  }
  if (page && page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

const listOf = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function registerAdminUserRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  // DfE staff work in England; the time always names its zone.
  const when = (_request: FastifyRequest, value: string | null) =>
    value ? momentInZone(ENGLAND, new Date(value)) : 'Never';

  app.get('/admin/users', async (request, reply) => {
    const raw = request.query as Raw;
    const parsed = parseUserFilters(raw);
    const { filters } = parsed;
    const providers = await allProviders(db);
    const known = filters.providerId === undefined || providers.some((p) => p.id === filters.providerId);
    const problems = known ? parsed.problems : fieldError('providerId', 'Select a provider from the list');
    const { total, users } = problems.errors.length
      ? { total: 0, users: [] }
      : await searchUsers(db, adminOf(request), filters, PAGE_SIZE);
    const values = {
      q: str(raw, 'q'),
      role: str(raw, 'role'),
      providerId: str(raw, 'providerId'),
      status: str(raw, 'status'),
    };
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'accounts/views/admin-users.njk', {
      pageTitle: 'Users',
      currentPath: '/admin',
      breadcrumbs: [{ text: 'DfE admin', href: '/admin' }],
      ...problems,
      values,
      total,
      users: users.map((u) => ({
        ...u,
        roleName: ROLE_NAMES[u.role] ?? u.role,
        lastSignedIn: when(request, u.lastSignedInAt),
      })),
      roleItems: [
        { value: '', text: 'All roles' },
        ...USER_ROLES.map((r) => ({ value: r, text: ROLE_NAMES[r], selected: r === values.role })),
      ],
      providerItems: [
        { value: '', text: 'All providers' },
        ...providers
          .slice()
          .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
          .map((p) => ({ value: String(p.id), text: p.name, selected: String(p.id) === values.providerId })),
      ],
      statusItems: [
        { value: '', text: 'Active and deactivated' },
        { value: 'active', text: 'Active', selected: values.status === 'active' },
        { value: 'deactivated', text: 'Deactivated', selected: values.status === 'deactivated' },
      ],
      pagination: pagination(filters.page, pageCount(total, PAGE_SIZE), (n) => `/admin/users${query(raw, n)}`),
    });
  });

  async function addAdminPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, string | string[]> = {},
  ) {
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'accounts/views/admin-add-admin.njk', {
      pageTitle: 'Add a DfE admin',
      currentPath: '/admin',
      backLink: { href: '/admin/users', text: 'Back to users' },
      csrfToken: csrfToken(request),
      values: {
        name: typeof values['name'] === 'string' ? values['name'] : '',
        email: typeof values['email'] === 'string' ? values['email'] : '',
      },
      ...problems,
    });
  }

  app.get('/admin/users/add-admin', (request, reply) => addAdminPage(request, reply));

  app.post('/admin/users/add-admin', async (request, reply) => {
    const form = parseForm(grantAdminForm, request.body);
    if (!form.ok) return addAdminPage(request, reply, form, form.values);
    const result = await grantAdmin(db, adminOf(request), form.data);
    if (!result.ok) return addAdminPage(request, reply, fieldError(result.field, result.message), form.values);
    return reply.redirect(`/admin/users?q=${encodeURIComponent(form.data.email)}`, 303);
  });

  async function userPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: { providerId?: number; permissions?: string[] } = {},
  ) {
    const userId = parseId((request.params as Raw)['userId']);
    const account = userId ? await userAccount(db, adminOf(request), userId) : undefined;
    if (!account) return reply.callNotFound();
    const self = account.id === signedInUser(request).id;
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'accounts/views/admin-user.njk', {
      pageTitle: account.name ?? account.email,
      currentPath: '/admin',
      breadcrumbs: [
        { text: 'DfE admin', href: '/admin' },
        { text: 'Users', href: '/admin/users' },
      ],
      csrfToken: csrfToken(request),
      account,
      self,
      roleName: ROLE_NAMES[account.role] ?? account.role,
      summary: [
        { key: { text: 'Name' }, value: { text: account.name ?? 'Not given' } },
        { key: { text: 'Email address' }, value: { text: account.email } },
        { key: { text: 'Role' }, value: { text: ROLE_NAMES[account.role] ?? account.role } },
        { key: { text: 'Account created' }, value: { text: when(request, account.createdAt) } },
        { key: { text: 'Last signed in' }, value: { text: when(request, account.lastSignedInAt) } },
        {
          key: { text: 'Status' },
          value: { text: account.deactivatedAt ? `Deactivated on ${when(request, account.deactivatedAt)}` : 'Active' },
        },
      ],
      memberships: account.memberships.map((m) => {
        const failed = values.providerId === m.providerId;
        const checked = failed ? (values.permissions ?? []) : m.permissions;
        return {
          ...m,
          description: describePermissions(m.permissions),
          fieldError: failed ? problems.fieldErrors['permissions'] : undefined,
          items: Object.entries(PROVIDER_PERMISSIONS).map(([value, text]) => ({
            value,
            text,
            checked: checked.includes(value as ProviderPermission),
          })),
        };
      }),
      auditHref: `/admin/audit?actor=${account.id}`,
      ...problems,
    });
  }

  app.get('/admin/users/:userId', (request, reply) => userPage(request, reply));

  /** After a change: back to the user's page (303), or the page again with the refusal (400). */
  const outcome = (
    request: FastifyRequest,
    reply: FastifyReply,
    result: Awaited<ReturnType<typeof deactivateUser>>,
    userId: number,
    values: { providerId?: number; permissions?: string[] } = {},
    id?: string,
  ) => {
    if (result === 'not-found') return reply.callNotFound();
    if (!result.ok) return userPage(request, reply, fieldError(result.field, result.message, id), values);
    return reply.redirect(`/admin/users/${userId}`, 303);
  };

  app.post('/admin/users/:userId/deactivate', async (request, reply) => {
    const userId = parseId((request.params as Raw)['userId']);
    if (!userId) return reply.callNotFound();
    return outcome(request, reply, await deactivateUser(db, adminOf(request), userId), userId);
  });

  app.post('/admin/users/:userId/reactivate', async (request, reply) => {
    const userId = parseId((request.params as Raw)['userId']);
    if (!userId) return reply.callNotFound();
    return outcome(request, reply, await reactivateUser(db, adminOf(request), userId), userId);
  });

  app.post('/admin/users/:userId/permissions', async (request, reply) => {
    const userId = parseId((request.params as Raw)['userId']);
    if (!userId) return reply.callNotFound();
    const form = parseForm(adminPermissionsForm, request.body);
    if (!form.ok) {
      const providerId = parseId(form.values['providerId']);
      const sent = listOf(form.values['permissions']);
      const problems = providerId
        ? fieldError(
            'permissions',
            form.errors[0]?.text ?? 'Select permissions from the list',
            `permissions-${providerId}`,
          )
        : fieldError('permissions', 'Choose a provider from the list', 'memberships');
      return userPage(request, reply, problems, { ...(providerId ? { providerId } : {}), permissions: sent });
    }
    const result = await changePermissions(db, adminOf(request), {
      ...form.data,
      userId,
      serviceUrl: config.serviceUrl,
    });
    // A membership the user does not have is a refusal on their page, not a missing page.
    const noMembership = result === 'not-found' && (await userAccount(db, adminOf(request), userId)) !== undefined;
    return outcome(
      request,
      reply,
      noMembership ? { ok: false, field: 'permissions', message: 'Choose a provider from the list' } : result,
      userId,
      { providerId: form.data.providerId, permissions: [...form.data.permissions] },
      noMembership ? 'memberships' : `permissions-${form.data.providerId}`,
    );
  });
}
