import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import { lockProvider } from '../../db/locks.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueEmail } from '../../notifications/outbox.ts';
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
    timeZone: row.time_zone,
  };
}

/** The account for an address, created as a candidate on first sign-in (once, however many sign in at once). */
export async function signInUser(db: Kysely<Database>, email: string, now = new Date()): Promise<number> {
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
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Accounts someone else creates: provider staff, placement-school mentors, DfE staff, teacher training advisers. */
const STAFF_ROLES: Role[] = ['provider', 'admin', 'mentor', 'adviser'];

/** Whether an address belongs to provider staff, a mentor or DfE staff: the staff sign-in never creates an account. */
export async function isStaffEmail(db: Kysely<Database>, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .where('role', 'in', STAFF_ROLES)
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

/** Changes a colleague's permissions; never leaves a provider with nobody who can manage users. */
export async function changePermissions(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: { providerId: number; userId: number; permissions: readonly ProviderPermission[]; serviceUrl: string },
  now = new Date(),
): Promise<Change | 'not-found'> {
  if (!scope.providerIds.includes(input.providerId)) return 'not-found';
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
