import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { enqueueEmail } from '../../notifications/outbox.ts';
import { audit } from '../applications/repository.ts';
import { looksLikeEmail, normaliseEmail } from './sign-in.ts';
import { requireRole, type User } from './users.ts';

/**
 * Provider users: a DfE admin adds a provider's first user; a provider user with
 * "manage users" adds colleagues. Each membership carries its own permissions.
 */
export const PERMISSIONS = {
  can_make_decisions: 'Make decisions on applications',
  can_manage_schools: 'Manage placement schools',
  can_manage_users: 'Manage users',
} as const;
type Permission = keyof typeof PERMISSIONS;

export type AddResult = { ok: true } | { ok: false; field: string; message: string };

export async function addProviderUser(
  db: Kysely<Database>,
  input: { email: string; providerId: number; permissions: Permission[]; actorUserId: number; serviceUrl: string },
  now = new Date(),
): Promise<AddResult> {
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('users')
      .select(['id', 'role'])
      .where('email', '=', input.email)
      .executeTakeFirst();
    if (existing && existing.role !== 'provider')
      return {
        ok: false,
        field: 'email',
        message: 'This email address belongs to a candidate or an administrator: use another address',
      };
    const userId =
      existing?.id ??
      (
        await trx
          .insertInto('users')
          .values({ email: input.email, name: null, role: 'provider', created_at: stamp, last_signed_in_at: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const member = await trx
      .selectFrom('provider_memberships')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('provider_id', '=', input.providerId)
      .executeTakeFirst();
    if (member) return { ok: false, field: 'email', message: 'This person is already a user for this provider' };
    const has = (p: Permission) => (input.permissions.includes(p) ? 1 : 0);
    await trx
      .insertInto('provider_memberships')
      .values({
        user_id: userId,
        provider_id: input.providerId,
        can_make_decisions: has('can_make_decisions'),
        can_manage_schools: has('can_manage_schools'),
        can_manage_users: has('can_manage_users'),
        created_at: stamp,
      })
      .execute();
    await audit(
      trx,
      {
        actorUserId: input.actorUserId,
        providerId: input.providerId,
        applicationId: null,
        action: 'add-provider-user',
        detail: { userId, permissions: input.permissions },
      },
      now,
    );
    const provider = await trx
      .selectFrom('providers')
      .select('name')
      .where('id', '=', input.providerId)
      .executeTakeFirstOrThrow();
    await enqueueEmail(
      trx,
      {
        to: input.email,
        template: 'provider-user-added',
        personalisation: { providerName: provider.name, serviceUrl: input.serviceUrl },
      },
      now,
    );
    return { ok: true };
  });
}

function readForm(body: Record<string, unknown>) {
  const raw = body['email'];
  const email = typeof raw === 'string' ? normaliseEmail(raw) : '';
  const perms = (Array.isArray(body['permissions']) ? body['permissions'] : [body['permissions']]).filter(
    (p): p is Permission => typeof p === 'string' && Object.hasOwn(PERMISSIONS, p),
  );
  return { email, raw: typeof raw === 'string' ? raw.slice(0, 320) : '', perms };
}

export function registerProviderUserRoutes(app: FastifyInstance, db: Kysely<Database>, serviceUrl: string): void {
  const permissionItems = (checked: string[] = []) =>
    Object.entries(PERMISSIONS).map(([value, text]) => ({ value, text, checked: checked.includes(value) }));

  // DfE admin: providers and their first users.
  async function adminPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    error?: { field: string; message: string },
    values: Record<string, unknown> = {},
  ) {
    const providers = await db
      .selectFrom('providers')
      .select(['id', 'slug', 'name', 'status'])
      .orderBy('name')
      .execute();
    const counts = await db
      .selectFrom('provider_memberships')
      .select(['provider_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('provider_id')
      .execute();
    const byProvider = new Map(counts.map((c) => [c.provider_id, Number(c.n)]));
    return renderPage(reply.code(error ? 400 : 200), 'accounts/views/admin.njk', {
      pageTitle: 'Providers and their users',
      currentPath: '/admin',
      csrfToken: csrfToken(request),
      user,
      rows: providers.map((p) => [{ text: p.name }, { text: p.status }, { text: String(byProvider.get(p.id) ?? 0) }]),
      providerItems: [
        { value: '', text: 'Choose a provider' },
        ...providers
          .filter((p) => p.status === 'approved')
          .map((p) => ({ value: String(p.id), text: p.name, selected: String(p.id) === values['providerId'] })),
      ],
      permissionItems: permissionItems(values['permissions'] as string[] | undefined),
      values,
      errors: error ? [{ text: error.message, href: `#${error.field}` }] : [],
      fieldErrors: error ? { [error.field]: error.message } : {},
    });
  }

  app.get('/admin', async (request, reply) => {
    const user = await requireRole(request, reply, db, ['admin']);
    if (!user) return reply;
    return adminPage(request, reply, user);
  });

  app.post('/admin/provider-users', async (request, reply) => {
    const user = await requireRole(request, reply, db, ['admin']);
    if (!user) return reply;
    const body = formBody(request.body);
    const { email, raw, perms } = readForm(body);
    const providerId = Number(body['providerId']);
    const values = { email: raw, providerId: String(body['providerId'] ?? ''), permissions: perms };
    if (!looksLikeEmail(email))
      return adminPage(
        request,
        reply,
        user,
        { field: 'email', message: 'Enter an email address in the correct format, like name@example.com' },
        values,
      );
    const provider = Number.isInteger(providerId)
      ? await db
          .selectFrom('providers')
          .select('id')
          .where('id', '=', providerId)
          .where('status', '=', 'approved')
          .executeTakeFirst()
      : undefined;
    if (!provider)
      return adminPage(
        request,
        reply,
        user,
        { field: 'providerId', message: 'Choose a provider from the list' },
        values,
      );
    const result = await addProviderUser(db, {
      email,
      providerId: provider.id,
      permissions: perms,
      actorUserId: user.id,
      serviceUrl,
    });
    if (!result.ok) return adminPage(request, reply, user, result, values);
    return reply.redirect('/admin', 303);
  });

  // Provider users with "manage users": their colleagues.
  async function usersPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    error?: { field: string; message: string },
    values: Record<string, unknown> = {},
  ) {
    const managed = user.memberships.filter((m) => m.canManageUsers);
    const colleagues = await db
      .selectFrom('provider_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .innerJoin('providers as p', 'p.id', 'm.provider_id')
      .select(['u.email', 'p.name', 'm.can_make_decisions', 'm.can_manage_schools', 'm.can_manage_users'])
      .where(
        'm.provider_id',
        'in',
        managed.map((m) => m.providerId),
      )
      .orderBy('p.name')
      .orderBy('u.email')
      .execute();
    return renderPage(reply.code(error ? 400 : 200), 'accounts/views/provider-users.njk', {
      pageTitle: 'Users',
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider', text: 'Back to applications' },
      rows: colleagues.map((c) => [
        { text: c.email },
        { text: c.name },
        {
          text:
            (Object.keys(PERMISSIONS) as Permission[])
              .filter((p) => c[p] === 1)
              .map((p) => PERMISSIONS[p])
              .join(', ') || 'View only',
        },
      ]),
      providerItems: managed.map((m) => ({
        value: String(m.providerId),
        text: m.providerName,
        selected: String(m.providerId) === values['providerId'],
      })),
      permissionItems: permissionItems(values['permissions'] as string[] | undefined),
      values,
      errors: error ? [{ text: error.message, href: `#${error.field}` }] : [],
      fieldErrors: error ? { [error.field]: error.message } : {},
    });
  }

  app.get('/provider/users', async (request, reply) => {
    const user = await requireRole(request, reply, db, ['provider']);
    if (!user) return reply;
    if (!user.memberships.some((m) => m.canManageUsers)) return reply.callNotFound();
    return usersPage(request, reply, user);
  });

  app.post('/provider/users', async (request, reply) => {
    const user = await requireRole(request, reply, db, ['provider']);
    if (!user) return reply;
    if (!user.memberships.some((m) => m.canManageUsers)) return reply.callNotFound();
    const body = formBody(request.body);
    const { email, raw, perms } = readForm(body);
    const providerId = Number(body['providerId']);
    const values = { email: raw, providerId: String(body['providerId'] ?? ''), permissions: perms };
    if (!looksLikeEmail(email))
      return usersPage(
        request,
        reply,
        user,
        { field: 'email', message: 'Enter an email address in the correct format, like name@example.com' },
        values,
      );
    // Only providers this user manages: any other id is treated as not there at all.
    if (!user.memberships.some((m) => m.providerId === providerId && m.canManageUsers))
      return usersPage(
        request,
        reply,
        user,
        { field: 'providerId', message: 'Choose a provider from the list' },
        values,
      );
    const result = await addProviderUser(db, {
      email,
      providerId,
      permissions: perms,
      actorUserId: user.id,
      serviceUrl,
    });
    if (!result.ok) return usersPage(request, reply, user, result, values);
    return reply.redirect('/provider/users', 303);
  });
}
