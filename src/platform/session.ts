import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../db/migrations/helpers.ts';
import type { Database } from '../db/schema.ts';

/**
 * Server-side sessions in the database, so several app processes can share them and they
 * survive a restart. The cookie holds a random token; the table holds only its HMAC.
 * A session is created only when a page needs one (content pages never do).
 */
export const SESSION_COOKIE = '__Host-iqts-session';
/** The session key holding the signed-in user's id (auth.ts's USER_SESSION_KEY). */
const USER_KEY = 'userId';

export interface SessionData {
  csrf?: string;
  [key: string]: unknown;
}

export class Session {
  dirty = false;
  destroyed = false;
  constructor(
    public token: string,
    public data: SessionData,
    public readonly isNew: boolean,
    public expiresAt: string,
  ) {}
  get<T = unknown>(key: string): T | undefined {
    return this.data[key] as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.data[key] = value;
    this.dirty = true;
  }
  delete(key: string): void {
    delete this.data[key];
    this.dirty = true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    /** The request's session, created if it has none yet. */
    ensureSession(): Session;
    /** A new session id with the same data: call on sign-in so a planted id is worthless. */
    regenerateSession(): Session;
    destroySession(): void;
  }
}

export interface SessionOptions {
  db: Kysely<Database>;
  secret: string;
  idleMinutes: number;
}

const newToken = () => randomBytes(32).toString('base64url');

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !(name in out)) out[name] = value;
  }
  return out;
}

export function registerSessions(app: FastifyInstance, options: SessionOptions): void {
  const { db, secret, idleMinutes } = options;
  const idForToken = (token: string) => createHmac('sha256', secret).update(token).digest('hex');
  const expiry = () => new Date(Date.now() + idleMinutes * 60_000).toISOString();
  const oldIds = new WeakMap<FastifyRequest, string[]>();

  app.decorateRequest('session', null);
  app.decorateRequest('ensureSession', function (this: FastifyRequest) {
    if (!this.session || this.session.destroyed) this.session = new Session(newToken(), {}, true, expiry());
    return this.session;
  });
  app.decorateRequest('regenerateSession', function (this: FastifyRequest) {
    const current = this.ensureSession();
    if (!current.isNew) oldIds.set(this, [...(oldIds.get(this) ?? []), idForToken(current.token)]);
    const fresh = new Session(
      newToken(),
      { ...current.data, csrf: randomBytes(24).toString('base64url') },
      true,
      expiry(),
    );
    fresh.dirty = true;
    this.session = fresh;
    return fresh;
  });
  app.decorateRequest('destroySession', function (this: FastifyRequest) {
    if (this.session) {
      if (!this.session.isNew) oldIds.set(this, [...(oldIds.get(this) ?? []), idForToken(this.session.token)]);
      this.session.destroyed = true;
    }
  });

  app.addHook('onRequest', async (request) => {
    const token = parseCookies(request.headers.cookie)[SESSION_COOKIE];
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return;
    const row = await db.selectFrom('sessions').selectAll().where('id', '=', idForToken(token)).executeTakeFirst();
    if (!row || row.expires_at <= new Date().toISOString()) return;
    let data: SessionData;
    try {
      data = JSON.parse(row.data) as SessionData;
    } catch {
      data = {};
    }
    request.session = new Session(token, data, false, row.expires_at);
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const removed = oldIds.get(request);
    if (removed?.length) await db.deleteFrom('sessions').where('id', 'in', removed).execute();
    const session = request.session;
    if (!session) return payload;
    if (session.destroyed) {
      reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`);
      return payload;
    }
    const now = new Date().toISOString();
    const expiresAt = expiry();
    // Sliding expiry: refresh the row when data changed or at most once a minute.
    const stale = Date.parse(session.expiresAt) - Date.now() < idleMinutes * 60_000 - 60_000;
    if (session.isNew || session.dirty || stale) {
      const id = idForToken(session.token);
      const data = JSON.stringify(session.data);
      if (session.isNew) {
        await db
          .insertInto('sessions')
          .values({ id, data, expires_at: expiresAt, created_at: now, updated_at: now })
          .execute();
      } else {
        await db
          .updateTable('sessions')
          .set({ data, expires_at: expiresAt, updated_at: now })
          .where('id', '=', id)
          .execute();
      }
      session.expiresAt = expiresAt;
    }
    // The cookie lives for the browser session; the server decides idleness.
    reply.header('set-cookie', `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; Secure; SameSite=Lax`);
    reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** Removes expired sessions; run periodically. */
export async function deleteExpiredSessions(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', new Date().toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Ends every session of one user at once (their account was deactivated), inside the caller's transaction. */
export async function endSessionsOf(db: Kysely<Database>, userId: number): Promise<number> {
  const signedInAs = isPostgres(db)
    ? sql<boolean>`(data::jsonb ->> ${USER_KEY}) = ${String(userId)}`
    : sql<boolean>`json_extract(data, ${'$.' + USER_KEY}) = ${userId}`;
  const result = await db.deleteFrom('sessions').where(signedInAs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
