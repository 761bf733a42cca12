import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProviderPermission } from '../shared/permissions.ts';
import {
  adminScope,
  adviserScope,
  candidateScope,
  mentorScope,
  providerScope,
  type AdminScope,
  type AdviserScope,
  type CandidateScope,
  type MentorScope,
  type ProviderScope,
  type Scope,
} from '../shared/scope.ts';
import { holds, type Membership, type Role, type User } from '../shared/user.ts';
import { renderProblem } from './errors.ts';

/**
 * Authentication and permissions, declared once per route group where the group is
 * registered. A handler inside a group receives the signed-in user and the checked scope
 * (`signedInUser`, `candidateOf`, `providerOf`, `adminOf`) and never checks a role itself.
 *
 * - Not signed in: to the sign-in page (candidates' or staff's), then back (GET).
 * - Signed in with another role: 404, so one role's pages are not even confirmed to exist.
 * - A provider route declares the permission it needs (`config: { permission }`); a user who
 *   holds it for none of their providers is refused (403). With a `:providerId` parameter,
 *   a provider the user is not a member of is 404, like a missing one.
 */
export const USER_SESSION_KEY = 'userId';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User | null;
    scope?: Scope;
  }
  interface FastifyContextConfig {
    /** The provider permission a provider route needs; "view" (any membership) when absent. */
    permission?: ProviderPermission;
  }
}

export type LoadUser = (id: number) => Promise<User | undefined>;

/**
 * The signed-in user, read once per request. A user deactivated since they signed in is
 * signed out here, on their next request, even if their session row survived.
 */
export async function currentUser(request: FastifyRequest, loadUser: LoadUser): Promise<User | null> {
  if (request.user !== undefined) return request.user;
  const id = request.session?.get<number>(USER_SESSION_KEY);
  const user = typeof id === 'number' ? ((await loadUser(id)) ?? null) : null;
  if (user?.deactivatedAt) {
    request.destroySession();
    request.user = null;
    return null;
  }
  request.user = user;
  return request.user;
}

/** A provider id from the path: a positive integer in the column's range, otherwise none. */
export function parseId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return undefined;
  const id = Number(value);
  return id <= 2_147_483_647 ? id : undefined;
}

const PERMISSION_NEEDED: Record<ProviderPermission, string> = {
  'make-decisions': 'make decisions on applications',
  'manage-placement-schools': 'manage placement schools',
  'manage-users': 'manage users',
  'manage-profile': 'manage the provider profile',
  'manage-trainees': 'manage trainees',
  'recommend-for-award': 'recommend trainees for the award',
};

const forbidden = (reply: FastifyReply, permission: ProviderPermission) =>
  renderProblem(
    reply,
    403,
    'forbidden',
    `You need permission to ${PERMISSION_NEEDED[permission]}. Ask a colleague who can manage users to give it to you.`,
  );

function providerScopeFor(user: User, permission: ProviderPermission | 'view', providerParam: unknown) {
  let memberships: Membership[] = user.memberships;
  if (providerParam !== undefined) {
    const id = parseId(providerParam);
    memberships = user.memberships.filter((m) => m.providerId === id);
    if (memberships.length === 0) return 'not-found' as const;
  }
  const allowed = memberships.filter((m) => holds(m, permission));
  if (allowed.length === 0) return 'forbidden' as const;
  return providerScope(
    user.id,
    permission,
    allowed.map((m) => m.providerId),
  );
}

/** Registers one route group: every route inside needs a signed-in user of this role. */
export async function routeGroup(
  parent: FastifyInstance,
  options: { role: Role; loadUser: LoadUser },
  register: (group: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  await parent.register(async (group) => {
    group.addHook('preHandler', async (request, reply) => {
      const user = await currentUser(request, options.loadUser);
      if (!user) {
        const back = request.method === 'GET' ? request.url.slice(0, 300) : '';
        request.ensureSession().set('returnTo', back);
        // Provider and DfE staff have their own sign-in, which never creates a candidate account.
        return reply.redirect(options.role === 'candidate' ? '/sign-in' : '/provider/sign-in', 303);
      }
      if (user.role !== options.role) return reply.callNotFound();
      if (user.role === 'candidate') request.scope = candidateScope(user.id);
      else if (user.role === 'admin') request.scope = adminScope(user.id);
      else if (user.role === 'mentor') request.scope = mentorScope(user.id);
      else if (user.role === 'adviser') request.scope = adviserScope(user.id);
      else {
        const permission = request.routeOptions.config.permission ?? 'view';
        const scope = providerScopeFor(user, permission, (request.params as Record<string, unknown>)['providerId']);
        if (scope === 'not-found') return reply.callNotFound();
        if (scope === 'forbidden') return forbidden(reply, permission as ProviderPermission);
        request.scope = scope;
      }
    });
    await register(group);
  });
}

/** Inside a route group: the signed-in user. */
export function signedInUser(request: FastifyRequest): User {
  if (!request.user) throw new Error('signedInUser called outside a route group');
  return request.user;
}

function scopeOf<K extends Scope['kind']>(request: FastifyRequest, kind: K): Extract<Scope, { kind: K }> {
  const scope = request.scope;
  if (!scope || scope.kind !== kind) throw new Error(`no ${kind} scope: the route is outside its group`);
  return scope as Extract<Scope, { kind: K }>;
}
export const candidateOf = (request: FastifyRequest): CandidateScope => scopeOf(request, 'candidate');
export const providerOf = (request: FastifyRequest): ProviderScope => scopeOf(request, 'provider');
export const adminOf = (request: FastifyRequest): AdminScope => scopeOf(request, 'admin');
export const mentorOf = (request: FastifyRequest): MentorScope => scopeOf(request, 'mentor');
export const adviserOf = (request: FastifyRequest): AdviserScope => scopeOf(request, 'adviser');

/** The memberships a provider scope covers: for the views. */
export const scopedMemberships = (request: FastifyRequest): Membership[] => {
  const scope = providerOf(request);
  return signedInUser(request).memberships.filter((m) => scope.providerIds.includes(m.providerId));
};
