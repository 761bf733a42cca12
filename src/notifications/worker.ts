import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  claimDue,
  describeFailure,
  LEASE_MS,
  recordFailure,
  recordSent,
  releaseClaims,
  rowAttachments,
  type OutboxRow,
} from './outbox.ts';
import type { Personalisation } from './templates.ts';
import { TRANSPORT_TIMEOUT_MS, type EmailTransport } from './transports.ts';

export { backoffMs, claimDue, MAX_ATTEMPTS, outboxBacklog } from './outbox.ts';

/** Enough of pino's logger for the worker; it logs outbox ids and templates, never addresses. */
export interface OutboxLogger {
  info(entry: Record<string, unknown>, message: string): void;
  warn(entry: Record<string, unknown>, message: string): void;
  error(entry: Record<string, unknown>, message: string): void;
}

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  transport: EmailTransport;
  /** Wait between polls when nothing was due. */
  intervalMs?: number;
  /** Rows claimed at a time. */
  batch?: number;
  logger?: OutboxLogger;
  /** A send not answered by then counts as failed; keep it well within the lease. */
  sendTimeoutMs?: number;
  /** false: no polling; the caller drives it with runOnce(). */
  autoStart?: boolean;
  /** The time now; tests move it forward instead of waiting. */
  clock?: () => Date;
  /** Jitter source for retry waits. */
  random?: () => number;
}

export interface OutboxRun {
  /** Rows this run claimed. */
  claimed: number;
  /** Accepted by the transport and recorded as sent. */
  sent: number;
  /** Refused or failed by the transport (to be retried, or given up). */
  failed: number;
  /** Of those failed, the rows that reached MAX_ATTEMPTS and are now `failed`. */
  gaveUp: number;
}

export interface OutboxWorker {
  runOnce(): Promise<OutboxRun>;
  /** Stops polling and waits for the batch in flight to be sent and recorded. */
  stop(): Promise<void>;
}

/** Time a send must still have on its row's lease before it may start. */
const LEASE_MARGIN_MS = 10_000;
const LONGEST_IDLE_MS = 30_000;

const silent: OutboxLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

class SendTimeout extends Error {
  override name = 'SendTimeout';
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`No answer from the transport within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const parsePersonalisation = (text: string): Personalisation => {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
};

/**
 * Delivers the outbox: polls for due rows, claims a batch, sends each and records the
 * result. Several workers may run at once, in one process or many (on PostgreSQL): the
 * claim keeps them off each other's rows. When a batch comes back full it goes straight
 * on to the next; when the database is unreachable it waits longer between polls.
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const {
    db,
    transport,
    intervalMs = 1000,
    batch = 20,
    logger = silent,
    clock = () => new Date(),
    random = Math.random,
  } = options;
  const sendTimeoutMs = Math.min(options.sendTimeoutMs ?? TRANSPORT_TIMEOUT_MS + 5_000, LEASE_MS - LEASE_MARGIN_MS * 2);
  let stopped = false;
  const inFlight = new Set<Promise<unknown>>();
  let wake: (() => void) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  const deliver = async (row: OutboxRow, run: OutboxRun) => {
    let transportId: string;
    try {
      const sent = await withDeadline(
        transport.send({
          to: row.to_email,
          subject: row.subject,
          body: row.body,
          template: row.template,
          personalisation: parsePersonalisation(row.personalisation),
          reference: `outbox-${row.id}`,
          attachments: rowAttachments(row),
        }),
        sendTimeoutMs,
      );
      transportId = sent.id;
    } catch (error) {
      run.failed++;
      const outcome = await recordFailure(db, row, error, clock(), random);
      const entry = {
        outboxId: row.id,
        template: row.template,
        transport: transport.name,
        attempts: row.attempts + 1,
        error: describeFailure(error, row.to_email),
      };
      if (outcome === 'failed') {
        run.gaveUp++;
        logger.error(entry, 'email not sent: gave up after the last attempt');
      } else logger.warn(entry, 'email not sent: will try again');
      return;
    }
    run.sent++;
    // The email has gone: try hard to record it, or the lease would run out and it would go again.
    for (let tries = 1; ; tries++) {
      try {
        await recordSent(db, row, transportId, clock());
        return;
      } catch (error) {
        if (tries >= 3) {
          logger.error({ outboxId: row.id, error: describeFailure(error) }, 'email sent but not recorded as sent');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * tries).unref());
      }
    }
  };

  const runBatch = async (): Promise<OutboxRun> => {
    const run: OutboxRun = { claimed: 0, sent: 0, failed: 0, gaveUp: 0 };
    if (stopped) return run;
    const rows = await claimDue(db, batch, clock());
    run.claimed = rows.length;
    for (const [index, row] of rows.entries()) {
      const leaseEnds = row.locked_until ? Date.parse(row.locked_until) : 0;
      // Stopping, or too little of the lease left for a send to finish inside it: give
      // the rest back at once rather than let them wait for the lease to run out.
      if (stopped || clock().getTime() + sendTimeoutMs + LEASE_MARGIN_MS > leaseEnds) {
        await releaseClaims(db, rows.slice(index));
        break;
      }
      await deliver(row, run);
    }
    return run;
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.catch(() => undefined).finally(() => inFlight.delete(work));
    return work;
  };

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      idleTimer = setTimeout(resolve, ms);
      idleTimer.unref();
    }).finally(() => {
      wake = undefined;
      idleTimer = undefined;
    });

  const poll = async () => {
    let errors = 0;
    while (!stopped) {
      let run: OutboxRun | undefined;
      try {
        run = await track(runBatch());
        errors = 0;
      } catch (error) {
        errors++;
        logger.error(
          { error: describeFailure(error), transport: transport.name },
          'email outbox: could not claim emails',
        );
      }
      if (stopped) break;
      if (run && run.claimed === batch) continue;
      await idle(errors === 0 ? intervalMs : Math.min(LONGEST_IDLE_MS, intervalMs * 2 ** errors));
    }
  };

  const polling = options.autoStart === false ? Promise.resolve() : track(poll());

  return {
    runOnce: () => track(runBatch()),
    async stop() {
      stopped = true;
      if (idleTimer) clearTimeout(idleTimer);
      wake?.();
      await polling;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
