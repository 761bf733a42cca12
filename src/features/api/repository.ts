import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database } from '../../db/schema.ts';
import { scopeProviderIds, type ProviderScope } from '../../shared/scope.ts';
import { isUniqueViolation } from '../training/repository.ts';
import { newToken, sameHash, tokenHash } from './tokens.ts';

/**
 * Providers' API tokens: the only module that reads or writes api_tokens. Managing tokens
 * takes the scope of a user with "manage users"; a provider outside it is simply not found.
 * A token is kept only as its hash and shown once, when it is made.
 */

export interface ApiTokenView {
  id: number;
  providerId: number;
  name: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** Tokens used more often than this update their "last used" time only once in it. */
const LAST_USED_EVERY_MS = 60_000;

const inScope = (scope: ProviderScope, providerId: number) => scopeProviderIds(scope).includes(providerId);

/** A provider's tokens, live ones first, newest first; undefined when the provider is outside the scope. */
export async function providerTokens(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
): Promise<ApiTokenView[] | undefined> {
  if (!inScope(scope, providerId)) return undefined;
  const rows = await db
    .selectFrom('api_tokens as t')
    .leftJoin('users as c', 'c.id', 't.created_by_user_id')
    .leftJoin('users as r', 'r.id', 't.revoked_by_user_id')
    .select([
      't.id',
      't.provider_id',
      't.name',
      't.created_at',
      't.last_used_at',
      't.revoked_at',
      'c.email as created_by',
      'r.email as revoked_by',
    ])
    .where('t.provider_id', '=', providerId)
    .orderBy('t.id', 'desc')
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      providerId: r.provider_id,
      name: r.name,
      createdAt: r.created_at,
      createdBy: r.created_by,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
      revokedBy: r.revoked_by,
    }))
    .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}

/** One token of a provider in the scope, live or revoked. */
export async function providerToken(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  tokenId: number,
): Promise<ApiTokenView | undefined> {
  return (await providerTokens(db, scope, providerId))?.find((t) => t.id === tokenId);
}

export type CreateTokenResult =
  { ok: true; id: number; token: string } | { ok: false; field: string; message: string } | 'not-found';

/** Makes a token for the provider; the token is returned once and only its hash is kept. */
export async function createToken(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: { providerId: number; name: string },
  now = new Date(),
): Promise<CreateTokenResult> {
  if (!inScope(scope, input.providerId)) return 'not-found';
  const token = newToken();
  const stamp = now.toISOString();
  // The partial unique index keeps live names unique even when two people create at once.
  const taken = { ok: false as const, field: 'name', message: 'A token with this name already exists' };
  try {
    return await db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom('api_tokens')
        .select('id')
        .where('provider_id', '=', input.providerId)
        .where('name', '=', input.name)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (clash) return taken;
      const row = await trx
        .insertInto('api_tokens')
        .values({
          provider_id: input.providerId,
          name: input.name,
          token_hash: tokenHash(token),
          created_by_user_id: scope.userId,
          created_at: stamp,
          last_used_at: null,
          revoked_at: null,
          revoked_by_user_id: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(
        trx,
        {
          actorUserId: scope.userId,
          providerId: input.providerId,
          applicationId: null,
          action: 'api-token-created',
          detail: { apiTokenId: row.id, name: input.name },
        },
        now,
      );
      return { ok: true as const, id: row.id, token };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return taken;
    throw error;
  }
}

/** Revokes a live token of a provider in the scope, once: 'not-found' for anything else. */
export async function revokeToken(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  tokenId: number,
  now = new Date(),
): Promise<'revoked' | 'not-found'> {
  if (!inScope(scope, providerId)) return 'not-found';
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: stamp, revoked_by_user_id: scope.userId })
      .where('id', '=', tokenId)
      .where('provider_id', '=', providerId)
      .where('revoked_at', 'is', null)
      .returning('name')
      .executeTakeFirst();
    if (!revoked) return 'not-found' as const;
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId,
        applicationId: null,
        action: 'api-token-revoked',
        detail: { apiTokenId: tokenId, name: revoked.name },
      },
      now,
    );
    return 'revoked' as const;
  });
}

export interface ApiCaller {
  tokenId: number;
  providerId: number;
  /** Who made the token (null once they no longer have an account). */
  createdByUserId: number | null;
}

/**
 * The live token with this value, or undefined. Found by its hash (so a timing difference
 * says nothing about the token), then compared in constant time. Its "last used" time is
 * brought up to date by one conditional UPDATE, at most once a minute.
 */
export async function authenticateToken(
  db: Kysely<Database>,
  token: string,
  now = new Date(),
): Promise<ApiCaller | undefined> {
  const hash = tokenHash(token);
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'provider_id', 'created_by_user_id', 'token_hash'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !sameHash(row.token_hash, hash)) return undefined;
  const stamp = now.toISOString();
  const stale = new Date(now.getTime() - LAST_USED_EVERY_MS).toISOString();
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: stamp })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute();
  return { tokenId: row.id, providerId: row.provider_id, createdByUserId: row.created_by_user_id };
}
