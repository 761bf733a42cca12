import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import { lockProvider } from '../../db/locks.ts';
import { isPostgres } from '../../db/migrations/helpers.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueEmail } from '../../notifications/outbox.ts';
import { endSessionsOf } from '../../platform/session.ts';
import {
  ALL_PERMISSIONS,
  PERMISSION_COLUMNS,
  PROVIDER_PERMISSIONS,
  type ProviderPermission,
} from '../../shared/permissions.ts';
import { scopeProviderIds, type AdminScope, type ProviderScope } from '../../shared/scope.ts';
import type { Membership, Role, User } from '../../shared/user.ts';

/**
 * Users and provider memberships: the only module that reads or writes `users` and
 * `provider_memberships`. Changes to who may act for a provider take the acting user's
 * scope: a DfE admin for any provider, a provider user with "manage users" for theirs.
 */
type MembershipRow = {
  provider_id: number;
  slug: string;
  name: string;
  can_make_decisions: number;
  can_manage_schools: number;
  can_manage_users: number;
  can_manage_profile: number;
  can_manage_trainees: number;
  can_recommend_for_award: number;
};

const permissionsOf = (row: Omit<MembershipRow, 'provider_id' | 'slug' | 'name'>): ProviderPermission[] =>
  ALL_PERMISSIONS.filter((p) => row[PERMISSION_COLUMNS[p]] === 1);

function membershipFromRow(row: MembershipRow): Membership {
  const permissions = permissionsOf(row);
  return {
    providerId: row.provider_id,
    providerSlug: row.slug,
    providerName: row.name,
    permissions,
    canMakeDecisions: permissions.includes('make-decisions'),
    canManageSchools: permissions.includes('manage-placement-schools'),
    canManageUsers: permissions.includes('manage-users'),
    canManageProfile: permissions.includes('manage-profile'),
    canManageTrainees: permissions.includes('manage-trainees'),
    canRecommendForAward: permissions.includes('recommend-for-award'),
  };
}

const permissionColumns = (permissions: readonly ProviderPermission[]) =>
  Object.fromEntries(ALL_PERMISSIONS.map((p) => [PERMISSION_COLUMNS[p], permissions.includes(p) ? 1 : 0])) as Record<
    (typeof PERMISSION_COLUMNS)[ProviderPermission],
    number
  >;

export const describePermissions = (permissions: readonly ProviderPermission[]): string =>
  permissions.map((p) => PROVIDER_PERMISSIONS[p]).join(', ') || 'View applications only';

/**
 * The account for an address, made with this role when there is none (once, however many
 * ask at once). An existing account keeps its role: the caller refuses another kind.
 */
export async function accountFor(
  trx: Kysely<Database> | Transaction<Database>,
  input: { email: string; name: string | null; role: Role },
  now: Date,
): Promise<{ id: number; role: string }> {
  const stamp = now.toISOString();
  await trx
    .insertInto('users')
    .values({ email: input.email, name: input.name, role: input.role, created_at: stamp, last_signed_in_at: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return trx.selectFrom('users').select(['id', 'role']).where('email', '=', input.email).executeTakeFirstOrThrow();
}

export async function userById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const memberships = await db
    .selectFrom('provider_memberships as m')
    .innerJoin('providers as p', 'p.id', 'm.provider_id')
    .select([
      'm.provider_id',
      'p.slug',
      'p.name',
      'm.can_make_decisions',
      'm.can_manage_schools',
      'm.can_manage_users',
      'm.can_manage_profile',
      'm.can_manage_trainees',
      'm.can_recommend_for_award',
    ])
    .where('m.user_id', '=', id)
    .orderBy('p.name')
    .execute();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    memberships: memberships.map(membershipFromRow),
    deactivatedAt: row.deactivated_at,
    timeZone: row.time_zone,
  };
}

/**
 * The account for an address, created as a candidate on first sign-in (once, however many
 * sign in at once); undefined for a deactivated account, which cannot sign in.
 */
export async function signInUser(db: Kysely<Database>, email: string, now = new Date()): Promise<number | undefined> {
  const stamp = now.toISOString();
  await db
    .insertInto('users')
    .values({ email, name: null, role: 'candidate', created_at: stamp, last_signed_in_at: stamp })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await db
    .updateTable('users')
    .set({ last_signed_in_at: stamp })
    .where('email', '=', email)
    .where('deactivated_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Accounts someone else creates: provider staff, placement-school mentors, DfE staff, teacher training advisers. */
const STAFF_ROLES: Role[] = ['provider', 'admin', 'mentor', 'adviser'];

/**
 * Whether an address belongs to active provider staff, a mentor or DfE staff: the staff
 * sign-in never creates an account.
 */
export async function isStaffEmail(db: Kysely<Database>, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .where('role', 'in', STAFF_ROLES)
    // A deactivated account answers as if there were none.
    .where('deactivated_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Signs in an existing provider or DfE user; undefined for any other address (nothing is created). */
export async function signInStaffUser(db: Kysely<Database>, email: string, now = new Date()) {
  const row = await db
    .updateTable('users')
    .set({ last_signed_in_at: now.toISOString() })
    .where('email', '=', email)
    .where('role', 'in', STAFF_ROLES)
    .where('deactivated_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export type AddAdminResult = 'added' | 'already-admin' | { refused: Role };

/**
 * Makes a DfE admin account for an address (the first one is made from the command line).
 * Running it again for the same address changes nothing; an address that already belongs
 * to a candidate or provider user is refused, never turned into an admin.
 */
export async function addAdmin(db: Kysely<Database>, email: string, now = new Date()): Promise<AddAdminResult> {
  return db.transaction().execute(async (trx): Promise<AddAdminResult> => {
    const added = await trx
      .insertInto('users')
      .values({ email, name: null, role: 'admin', created_at: now.toISOString(), last_signed_in_at: null })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (added) {
      await recordAudit(
        trx,
        { actorUserId: null, providerId: null, applicationId: null, action: 'add-admin', detail: { userId: added.id } },
        now,
      );
      return 'added';
    }
    const existing = await trx.selectFrom('users').select('role').where('email', '=', email).executeTakeFirstOrThrow();
    return existing.role === 'admin' ? 'already-admin' : { refused: existing.role as Role };
  });
}

/** Development tools: the sample users one may sign in as. */
export async function sampleUsers(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'name'])
    .where('is_sample', '=', 1)
    .orderBy('role')
    .orderBy('email')
    .execute();
}

export async function sampleUser(db: Kysely<Database>, id: number) {
  return db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('id', '=', id)
    .where('is_sample', '=', 1)
    .executeTakeFirst();
}

/** Every provider with its number of users: the DfE admin's overview. */
export async function providersWithUserCounts(db: Kysely<Database>, _scope: AdminScope) {
  const providers = await db.selectFrom('providers').select(['id', 'slug', 'name', 'status']).orderBy('name').execute();
  const counts = await db
    .selectFrom('provider_memberships')
    .select(['provider_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('provider_id')
    .execute();
  const byProvider = new Map(counts.map((c) => [c.provider_id, Number(c.n)]));
  return providers.map((p) => ({ ...p, users: byProvider.get(p.id) ?? 0 }));
}

/** Memberships of the scope's providers, with each user's address: one person's, or everyone's. */
async function memberships(db: Kysely<Database>, scope: ProviderScope, one?: { providerId: number; userId: number }) {
  let q = db
    .selectFrom('provider_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('providers as p', 'p.id', 'm.provider_id')
    .select([
      'u.id as userId',
      'u.email',
      'm.provider_id',
      'p.slug',
      'p.name',
      'm.can_make_decisions',
      'm.can_manage_schools',
      'm.can_manage_users',
      'm.can_manage_profile',
      'm.can_manage_trainees',
      'm.can_recommend_for_award',
    ])
    .where('m.provider_id', 'in', scopeProviderIds(scope));
  if (one) q = q.where('m.provider_id', '=', one.providerId).where('m.user_id', '=', one.userId);
  const rows = await q.orderBy('p.name').orderBy('u.email').execute();
  return rows.map((r) => ({ userId: r.userId, email: r.email, ...membershipFromRow(r) }));
}

/** The colleagues of the providers where this user manages users. */
export const colleagues = (db: Kysely<Database>, scope: ProviderScope) => memberships(db, scope);

/** One colleague at one of the scope's providers; undefined for anyone else. */
export async function colleague(db: Kysely<Database>, scope: ProviderScope, providerId: number, userId: number) {
  return (await memberships(db, scope, { providerId, userId }))[0];
}

export type Refusal = { ok: false; field: string; message: string };
export type Change = { ok: true } | Refusal;

/** Adds a user to a provider. A DfE admin may add to any approved provider; a provider user only to theirs. */
export async function addProviderUser(
  db: Kysely<Database>,
  scope: AdminScope | ProviderScope,
  input: { email: string; providerId: number; permissions: readonly ProviderPermission[]; serviceUrl: string },
  now = new Date(),
): Promise<Change> {
  if (scope.kind === 'provider' && !scope.providerIds.includes(input.providerId)) {
    return { ok: false, field: 'providerId', message: 'Choose a provider from the list' };
  }
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx): Promise<Change> => {
    const provider = await trx
      .selectFrom('providers')
      .select(['id', 'name'])
      .where('id', '=', input.providerId)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    if (!provider) return { ok: false, field: 'providerId', message: 'Choose a provider from the list' };
    const user = await accountFor(trx, { email: input.email, name: null, role: 'provider' }, now);
    if (user.role !== 'provider') {
      return {
        ok: false,
        field: 'email',
        message: 'This email address belongs to a candidate or an administrator: use another address',
      };
    }
    const added = await trx
      .insertInto('provider_memberships')
      .values({
        user_id: user.id,
        provider_id: provider.id,
        ...permissionColumns(input.permissions),
        created_at: stamp,
      })
      .onConflict((oc) => oc.columns(['user_id', 'provider_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (!added) return { ok: false, field: 'email', message: 'This person is already a user for this provider' };
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: provider.id,
        applicationId: null,
        action: 'add-provider-user',
        detail: { userId: user.id, permissions: input.permissions },
      },
      now,
    );
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

/** Users who can manage users for this provider, other than this one. */
async function otherManagers(trx: Kysely<Database>, providerId: number, userId: number): Promise<number> {
  const row = await trx
    .selectFrom('provider_memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('provider_id', '=', providerId)
    .where('can_manage_users', '=', 1)
    .where('user_id', '!=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const LAST_MANAGER =
  'There must always be at least one user who can manage users. Give another colleague that permission first';

/**
 * Changes a colleague's permissions (a DfE admin: anyone's, at any provider); never leaves a
 * provider with nobody who can manage users.
 */
export async function changePermissions(
  db: Kysely<Database>,
  scope: ProviderScope | AdminScope,
  input: { providerId: number; userId: number; permissions: readonly ProviderPermission[]; serviceUrl: string },
  now = new Date(),
): Promise<Change | 'not-found'> {
  if (scope.kind === 'provider' && !scope.providerIds.includes(input.providerId)) return 'not-found';
  return db.transaction().execute(async (trx): Promise<Change | 'not-found'> => {
    await lockProvider(trx, input.providerId);
    if (
      !input.permissions.includes('manage-users') &&
      (await otherManagers(trx, input.providerId, input.userId)) === 0
    ) {
      const member = await trx
        .selectFrom('provider_memberships')
        .select('can_manage_users')
        .where('provider_id', '=', input.providerId)
        .where('user_id', '=', input.userId)
        .executeTakeFirst();
      if (!member) return 'not-found';
      if (member.can_manage_users === 1) return { ok: false, field: 'permissions', message: LAST_MANAGER };
    }
    const changed = await trx
      .updateTable('provider_memberships')
      .set(permissionColumns(input.permissions))
      .where('provider_id', '=', input.providerId)
      .where('user_id', '=', input.userId)
      .returning('user_id')
      .executeTakeFirst();
    if (!changed) return 'not-found';
    const who = await trx
      .selectFrom('users as u')
      .innerJoin('providers as p', (join) => join.on('p.id', '=', input.providerId))
      .select(['u.email', 'p.name'])
      .where('u.id', '=', input.userId)
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: input.providerId,
        applicationId: null,
        action: 'change-provider-user-permissions',
        detail: { userId: input.userId, permissions: input.permissions },
      },
      now,
    );
    await enqueueEmail(
      trx,
      {
        to: who.email,
        template: 'provider-user-permissions-changed',
        personalisation: {
          providerName: who.name,
          permissions: input.permissions.map((p) => PROVIDER_PERMISSIONS[p]).join('\n') || 'View applications',
          serviceUrl: input.serviceUrl,
        },
      },
      now,
    );
    return { ok: true };
  });
}

/** Removes a colleague from a provider; never the last user who can manage users. */
export async function removeColleague(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: { providerId: number; userId: number },
  now = new Date(),
): Promise<Change | 'not-found'> {
  if (!scope.providerIds.includes(input.providerId)) return 'not-found';
  return db.transaction().execute(async (trx): Promise<Change | 'not-found'> => {
    await lockProvider(trx, input.providerId);
    const member = await trx
      .selectFrom('provider_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .innerJoin('providers as p', 'p.id', 'm.provider_id')
      .select(['m.can_manage_users', 'u.email', 'p.name'])
      .where('m.provider_id', '=', input.providerId)
      .where('m.user_id', '=', input.userId)
      .executeTakeFirst();
    if (!member) return 'not-found';
    if (member.can_manage_users === 1 && (await otherManagers(trx, input.providerId, input.userId)) === 0) {
      return { ok: false, field: 'remove', message: LAST_MANAGER };
    }
    await trx
      .deleteFrom('provider_memberships')
      .where('provider_id', '=', input.providerId)
      .where('user_id', '=', input.userId)
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: input.providerId,
        applicationId: null,
        action: 'remove-provider-user',
        detail: { userId: input.userId },
      },
      now,
    );
    await enqueueEmail(
      trx,
      { to: member.email, template: 'provider-user-removed', personalisation: { providerName: member.name } },
      now,
    );
    return { ok: true };
  });
}

// ——— DfE admins: every user, their access, deactivation ———

export const USER_ROLES = ['candidate', 'provider', 'mentor', 'adviser', 'admin'] as const satisfies readonly Role[];

export interface UserFilters {
  /** Part of a name or email address. */
  q?: string;
  role?: Role;
  providerId?: number;
  status?: 'active' | 'deactivated';
  page: number;
}

export interface UserListRow {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  lastSignedInAt: string | null;
  deactivatedAt: string | null;
  providers: string[];
}

/** LIKE pattern for "contains", with the user's % and _ taken literally. */
const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Every user matching the filters, newest account first: one page and the total. */
export async function searchUsers(
  db: Kysely<Database>,
  _scope: AdminScope,
  filters: UserFilters,
  pageSize: number,
): Promise<{ total: number; users: UserListRow[] }> {
  let q = db.selectFrom('users as u');
  if (filters.q) {
    const pattern = containsPattern(filters.q);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(u.email)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(coalesce(u.name, ''))`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (filters.role) q = q.where('u.role', '=', filters.role);
  if (filters.status === 'active') q = q.where('u.deactivated_at', 'is', null);
  if (filters.status === 'deactivated') q = q.where('u.deactivated_at', 'is not', null);
  if (filters.providerId !== undefined) {
    const providerId = filters.providerId;
    q = q.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('provider_memberships as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('m.provider_id', '=', providerId),
        ),
        eb.exists(
          eb
            .selectFrom('mentors as me')
            .select('me.user_id')
            .whereRef('me.user_id', '=', 'u.id')
            .where('me.provider_id', '=', providerId),
        ),
      ]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.last_signed_in_at', 'u.deactivated_at'])
    .orderBy('u.id', 'desc')
    .limit(pageSize)
    .offset((filters.page - 1) * pageSize)
    .execute();
  const ids = rows.length ? rows.map((r) => r.id) : [-1];
  const links = await db
    .selectFrom('provider_memberships as m')
    .innerJoin('providers as p', 'p.id', 'm.provider_id')
    .select(['m.user_id', 'p.name'])
    .where('m.user_id', 'in', ids)
    .union(
      db
        .selectFrom('mentors as me')
        .innerJoin('providers as p', 'p.id', 'me.provider_id')
        .select(['me.user_id', 'p.name'])
        .where('me.user_id', 'in', ids),
    )
    .execute();
  return {
    total,
    users: rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role as Role,
      lastSignedInAt: r.last_signed_in_at,
      deactivatedAt: r.deactivated_at,
      providers: [...new Set(links.filter((l) => l.user_id === r.id).map((l) => l.name))].sort(),
    })),
  };
}

export interface UserAccount {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
  lastSignedInAt: string | null;
  deactivatedAt: string | null;
  memberships: Membership[];
  /** Where a mentor mentors: provider and school. */
  mentoring: { providerName: string; schoolName: string }[];
}

/** One user, for a DfE admin: who they are and what they may do. */
export async function userAccount(
  db: Kysely<Database>,
  _scope: AdminScope,
  userId: number,
): Promise<UserAccount | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) return undefined;
  const user = (await userById(db, userId))!;
  const mentoring = await db
    .selectFrom('mentors as me')
    .innerJoin('providers as p', 'p.id', 'me.provider_id')
    .innerJoin('placement_schools as s', 's.id', 'me.school_id')
    .select(['p.name as providerName', 's.name as schoolName'])
    .where('me.user_id', '=', userId)
    .orderBy('p.name')
    .execute();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    lastSignedInAt: row.last_signed_in_at,
    deactivatedAt: row.deactivated_at,
    memberships: user.memberships,
    mentoring,
  };
}

/** The users the audit log's actor filter offers: staff who can act (and the admins). */
export async function staffForFilters(db: Kysely<Database>, _scope: AdminScope) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role'])
    .where('role', 'in', STAFF_ROLES)
    .orderBy('email')
    .execute();
}

/** Whether a user exists, for the audit log's actor filter. */
export async function userEmail(db: Kysely<Database>, _scope: AdminScope, userId: number) {
  return (await db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst())?.email;
}

/** PostgreSQL advisory lock class for the rule "at least one active DfE admin". */
const LOCK_ADMINS = 7303;

/**
 * Changes to who is an active DfE admin run one at a time (PostgreSQL), so two admins
 * deactivating each other at once cannot both see the other still active. SQLite has one
 * writer already.
 */
async function lockAdmins(trx: Transaction<Database>): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${LOCK_ADMINS}, 0)`.execute(trx);
}

export const LAST_ADMIN = 'There must always be at least one active DfE admin. Add or reactivate another admin first';

export type AccessChange = Change | 'not-found';

/**
 * Deactivates a user: their sessions end at once and they cannot sign in again. Never the
 * acting admin themselves, and never the last active DfE admin.
 */
export async function deactivateUser(
  db: Kysely<Database>,
  scope: AdminScope,
  userId: number,
  now = new Date(),
): Promise<AccessChange> {
  if (userId === scope.userId)
    return { ok: false, field: 'deactivate', message: 'You cannot deactivate your own account' };
  return db.transaction().execute(async (trx): Promise<AccessChange> => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'role', 'deactivated_at'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) return 'not-found';
    if (user.deactivated_at !== null)
      return { ok: false, field: 'deactivate', message: 'This account is already deactivated' };
    if (user.role === 'admin') await lockAdmins(trx);
    const stamp = now.toISOString();
    // One conditional write: an admin is deactivated only while another active admin remains.
    const changed = await trx
      .updateTable('users')
      .set({ deactivated_at: stamp })
      .where('id', '=', userId)
      .where('deactivated_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('role', '!=', 'admin'),
          eb.exists(
            eb
              .selectFrom('users as other')
              .select('other.id')
              .where('other.role', '=', 'admin')
              .where('other.deactivated_at', 'is', null)
              .where('other.id', '!=', userId),
          ),
        ]),
      )
      .returning('id')
      .executeTakeFirst();
    if (!changed) {
      // Deactivated meanwhile by someone else, or the last active admin.
      const current = await trx
        .selectFrom('users')
        .select('deactivated_at')
        .where('id', '=', userId)
        .executeTakeFirst();
      return current?.deactivated_at === null && user.role === 'admin'
        ? { ok: false, field: 'deactivate', message: LAST_ADMIN }
        : { ok: false, field: 'deactivate', message: 'This account is already deactivated' };
    }
    const sessions = await endSessionsOf(trx, userId);
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'deactivate-user',
        detail: { userId, role: user.role, sessionsEnded: sessions },
      },
      now,
    );
    return { ok: true };
  });
}

/** Reactivates a deactivated user: they may sign in again. */
export async function reactivateUser(
  db: Kysely<Database>,
  scope: AdminScope,
  userId: number,
  now = new Date(),
): Promise<AccessChange> {
  return db.transaction().execute(async (trx): Promise<AccessChange> => {
    const user = await trx.selectFrom('users').select(['id', 'role']).where('id', '=', userId).executeTakeFirst();
    if (!user) return 'not-found';
    if (user.role === 'admin') await lockAdmins(trx);
    const changed = await trx
      .updateTable('users')
      .set({ deactivated_at: null })
      .where('id', '=', userId)
      .where('deactivated_at', 'is not', null)
      .returning('id')
      .executeTakeFirst();
    if (!changed) return { ok: false, field: 'reactivate', message: 'This account is already active' };
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'reactivate-user',
        detail: { userId, role: user.role },
      },
      now,
    );
    return { ok: true };
  });
}

/**
 * Gives DfE admin access to an address: a new account with the admin role. An address that
 * already belongs to a candidate, provider user or mentor is refused, never turned into an admin.
 */
export async function grantAdmin(
  db: Kysely<Database>,
  scope: AdminScope,
  input: { email: string; name: string },
  now = new Date(),
): Promise<Change> {
  return db.transaction().execute(async (trx): Promise<Change> => {
    const added = await trx
      .insertInto('users')
      .values({
        email: input.email,
        name: input.name,
        role: 'admin',
        created_at: now.toISOString(),
        last_signed_in_at: null,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!added) {
      const existing = await trx
        .selectFrom('users')
        .select('role')
        .where('email', '=', input.email)
        .executeTakeFirstOrThrow();
      return {
        ok: false,
        field: 'email',
        message:
          existing.role === 'admin'
            ? 'This person is already a DfE admin'
            : 'This email address belongs to a candidate, provider user or mentor: use another address',
      };
    }
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'add-admin',
        detail: { userId: added.id },
      },
      now,
    );
    return { ok: true };
  });
}

/** A person's own time zone, chosen on their account page; audited with the zone it replaced. */
export async function setTimeZone(db: Kysely<Database>, userId: number, zone: string, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst();
    if (!before) return;
    await trx.updateTable('users').set({ time_zone: zone }).where('id', '=', userId).execute();
    await recordAudit(
      trx,
      {
        actorUserId: userId,
        providerId: null,
        applicationId: null,
        action: 'change-time-zone',
        detail: { from: before.time_zone, to: zone },
      },
      now,
    );
  });
}

/** The role of the account an address belongs to, if any. */
export async function roleOfEmail(db: Kysely<Database>, email: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('role').where('email', '=', email).executeTakeFirst())?.role;
}

/** The time zone a person chose, or null when they have not. */
export async function chosenTimeZone(db: Kysely<Database>, userId: number): Promise<string | null> {
  return (
    (await db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst())?.time_zone ?? null
  );
}
