import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, OutboxTable } from '../db/schema.ts';
import { isPostgres } from '../db/migrations/helpers.ts';
import type { EmailTransport } from './transports.ts';

/**
 * Delivers the outbox. Rows are claimed before sending (a lease in locked_until), so
 * several processes can run workers on one PostgreSQL database and none sends a row
 * twice; a row is marked sent only after the transport accepted it. Failures retry
 * with exponential backoff, then stop as `failed`.
 */
export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

/** 30 s, 1 min, 2 min … capped at an hour, with up to 10% jitter so retries spread out. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 + random() * 0.1));
}

export async function claimDue(db: Kysely<Database>, limit: number, now = new Date()): Promise<Selectable<OutboxTable>[]> {
  const stamp = now.toISOString();
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', stamp)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', stamp)]))
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      return trx.updateTable('outbox').set({ locked_until: lease }).where('id', 'in', due.map((d) => d.id)).returningAll().execute();
    });
  }
  // SQLite serialises writers: one conditional UPDATE claims the rows atomically.
  return db
    .updateTable('outbox')
    .set({ locked_until: lease })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', stamp)
        .where((e) => e.or([e('locked_until', 'is', null), e('locked_until', '<', stamp)]))
        .orderBy('id')
        .limit(limit),
    )
    .returningAll()
    .execute();
}

export async function deliver(db: Kysely<Database>, transport: EmailTransport, row: Selectable<OutboxTable>, now = new Date()): Promise<'sent' | 'retry' | 'failed'> {
  try {
    const { id } = await transport.send({ to: row.to_email, subject: row.subject, body: row.body, template: row.template, reference: `outbox-${row.id}` });
    await db.updateTable('outbox').set({ status: 'sent', sent_at: new Date().toISOString(), transport_id: id.slice(0, 200), locked_until: null, last_error: null }).where('id', '=', row.id).execute();
    return 'sent';
  } catch (error) {
    const attempts = row.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    // The error's name and status only: messages can quote the address.
    const reason = `${(error as Error).name ?? 'Error'}${(error as { responseCode?: number; status?: number }).responseCode ? ` ${(error as { responseCode?: number }).responseCode}` : ''}`;
    await db
      .updateTable('outbox')
      .set({ attempts, status: failed ? 'failed' : 'pending', last_error: reason.slice(0, 200), locked_until: null, next_attempt_at: new Date(now.getTime() + backoffMs(attempts)).toISOString() })
      .where('id', '=', row.id)
      .execute();
    return failed ? 'failed' : 'retry';
  }
}

export interface OutboxWorker {
  runOnce(): Promise<{ sent: number; retried: number; failed: number }>;
  stop(): Promise<void>;
}

export function startOutboxWorker(options: { db: Kysely<Database>; transport: EmailTransport; intervalMs?: number; batch?: number; autoStart?: boolean }): OutboxWorker {
  const { db, transport, intervalMs = 1000, batch = 20 } = options;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const runOnce = async () => {
    const counts = { sent: 0, retried: 0, failed: 0 };
    for (const row of await claimDue(db, batch)) {
      const result = await deliver(db, transport, row);
      if (result === 'sent') counts.sent++;
      else if (result === 'retry') counts.retried++;
      else counts.failed++;
    }
    return counts;
  };
  const tick = () => {
    if (stopped) return;
    running = runOnce()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(tick, intervalMs);
          timer.unref();
        }
      });
  };
  if (options.autoStart !== false) tick();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** Rows waiting, for /health and the admin page. */
export async function outboxBacklog(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('outbox').select(sql<number>`count(*)`.as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(row.n);
}
