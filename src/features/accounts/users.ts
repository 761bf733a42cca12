import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export type Role = 'candidate' | 'provider' | 'admin';

export interface Membership {
  providerId: number;
  providerSlug: string;
  providerName: string;
  canMakeDecisions: boolean;
  canManageSchools: boolean;
  canManageUsers: boolean;
}

export interface User {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  memberships: Membership[];
}

export const USER_SESSION_KEY = 'userId';

export async function userById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const memberships = await db
    .selectFrom('provider_memberships as m')
    .innerJoin('providers as p', 'p.id', 'm.provider_id')
    .select(['p.id', 'p.slug', 'p.name', 'm.can_make_decisions', 'm.can_manage_schools', 'm.can_manage_users'])
    .where('m.user_id', '=', id)
    .orderBy('p.name')
    .execute();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    memberships: memberships.map((m) => ({
      providerId: m.id,
      providerSlug: m.slug,
      providerName: m.name,
      canMakeDecisions: m.can_make_decisions === 1,
      canManageSchools: m.can_manage_schools === 1,
      canManageUsers: m.can_manage_users === 1,
    })),
  };
}

/** The account for an address, created as a candidate on first sign-in. */
export async function signInUser(db: Kysely<Database>, email: string, now = new Date()): Promise<number> {
  const stamp = now.toISOString();
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) {
    await db.updateTable('users').set({ last_signed_in_at: stamp }).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const row = await db
    .insertInto('users')
    .values({ email, name: null, role: 'candidate', created_at: stamp, last_signed_in_at: stamp })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: User | null;
  }
}

/** The signed-in user, read once per request. */
export async function currentUser(request: FastifyRequest, db: Kysely<Database>): Promise<User | null> {
  if (request.user !== undefined) return request.user;
  const id = request.session?.get<number>(USER_SESSION_KEY);
  request.user = typeof id === 'number' ? ((await userById(db, id)) ?? null) : null;
  return request.user;
}

/**
 * Lets the request through for these roles. Not signed in: to the sign-in page, then back.
 * Signed in with another role: 404, so pages of other roles are not even confirmed to exist.
 */
export async function requireRole(
  request: FastifyRequest,
  reply: FastifyReply,
  db: Kysely<Database>,
  roles: Role[],
): Promise<User | null> {
  const user = await currentUser(request, db);
  if (!user) {
    const back = request.method === 'GET' ? request.url.slice(0, 300) : '';
    request.ensureSession().set('returnTo', back);
    await reply.redirect('/sign-in', 303);
    return null;
  }
  if (!roles.includes(user.role)) {
    await reply.callNotFound();
    return null;
  }
  return user;
}
