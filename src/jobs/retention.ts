import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { claimJob, finishJob, releaseJob } from './schedule.ts';

/**
 * Data retention: a scheduled clean-up that deletes what the service no longer needs, and
 * records what it deleted in the audit trail (action 'retention-clean-up', no actor):
 *
 * - sessions that have expired;
 * - sign-in codes used or expired, once a day old (a code lives minutes; the day keeps
 *   them for the sign-in limits and for looking into problems);
 * - emails delivered (`sent`) more than `outboxDays` ago; emails not yet sent, or given
 *   up on, stay for someone to look at;
 * - draft applications not changed for `draftMonths` months. Submitted applications are
 *   never deleted here.
 *
 * The audit trail is never deleted: its rows are append-only (the database refuses to
 * change them) and keep the ids of records deleted here.
 *
 * The deletions and the audit row are one transaction. With several processes, the job
 * row's lease lets one of them run it, once an interval.
 */
export const RETENTION_JOB = 'retention-clean-up';
export const CODE_KEEP_HOURS = 24;
/** Longer than any clean-up takes; a process that dies mid-run frees the job after this. */
const LEASE_MS = 10 * 60_000;

export interface RetentionPolicy {
  outboxDays: number;
  draftMonths: number;
}

export interface RetentionCounts {
  sessions: number;
  signInCodes: number;
  sentEmails: number;
  draftApplications: number;
  /** The public check's rate-limit counts from windows that have ended (a day ago or more). */
  rateLimitWindows: number;
}

/** The same day of the month, `months` earlier (the month's last day when it is shorter). */
export function monthsBefore(now: Date, months: number): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(now.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(year, month, day, now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()),
  );
}

/** Deletes what the policy no longer keeps and writes the audit row, in one transaction. */
export async function cleanUp(
  db: Kysely<Database>,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<RetentionCounts> {
  const stamp = now.toISOString();
  const codesBefore = new Date(now.getTime() - CODE_KEEP_HOURS * 3_600_000).toISOString();
  const emailsBefore = new Date(now.getTime() - policy.outboxDays * 86_400_000).toISOString();
  const draftsBefore = monthsBefore(now, policy.draftMonths).toISOString();
  return db.transaction().execute(async (trx) => {
    const sessions = await trx.deleteFrom('sessions').where('expires_at', '<=', stamp).executeTakeFirst();
    const codes = await trx
      .deleteFrom('sign_in_codes')
      .where('created_at', '<', codesBefore)
      .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', stamp)]))
      .executeTakeFirst();
    const emails = await trx
      .deleteFrom('outbox')
      .where('status', '=', 'sent')
      .where('sent_at', '<', emailsBefore)
      .executeTakeFirst();
    // A draft's audit rows, if any, stay: the trail is append-only and outlives the records it names.
    const drafts = await trx
      .deleteFrom('applications')
      .where('status', '=', 'draft')
      .where('updated_at', '<', draftsBefore)
      .executeTakeFirst();
    const windows = await trx
      .deleteFrom('check_rate_limits')
      .where('window_start', '<', Math.floor(now.getTime() / 1000) - 86_400)
      .executeTakeFirst();
    const counts: RetentionCounts = {
      sessions: Number(sessions.numDeletedRows),
      signInCodes: Number(codes.numDeletedRows),
      sentEmails: Number(emails.numDeletedRows),
      draftApplications: Number(drafts.numDeletedRows),
      rateLimitWindows: Number(windows.numDeletedRows),
    };
    await trx
      .insertInto('audit_events')
      .values({
        actor_user_id: null,
        provider_id: null,
        application_id: null,
        action: RETENTION_JOB,
        from_state: null,
        to_state: null,
        detail: JSON.stringify(counts),
        created_at: stamp,
      })
      .execute();
    return counts;
  });
}

/**
 * Runs the clean-up if it is due and no other process is running it: the counts, or
 * undefined when this process did not run it.
 */
export async function runRetention(
  db: Kysely<Database>,
  policy: RetentionPolicy,
  options: { intervalMs: number; now?: Date },
): Promise<RetentionCounts | undefined> {
  const now = options.now ?? new Date();
  const claim = await claimJob(db, RETENTION_JOB, LEASE_MS, now);
  if (!claim) return undefined;
  try {
    const counts = await cleanUp(db, policy, now);
    await finishJob(db, claim, options.intervalMs, now);
    return counts;
  } catch (error) {
    await releaseJob(db, claim).catch(() => undefined);
    throw error;
  }
}

export interface RetentionLogger {
  info(entry: Record<string, unknown>, message: string): void;
  error(entry: Record<string, unknown>, message: string): void;
}

export interface RetentionJob {
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Checks every minute (or every interval, when shorter) whether the clean-up is due, from
 * every process; the job row makes it run once an interval wherever it runs.
 */
export function startRetentionJob(options: {
  db: Kysely<Database>;
  policy: RetentionPolicy;
  intervalMinutes: number;
  logger: RetentionLogger;
  /** Wait before the first check, so starting the service is not slowed. */
  firstCheckMs?: number;
}): RetentionJob {
  const { db, policy, logger } = options;
  const intervalMs = options.intervalMinutes * 60_000;
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = runRetention(db, policy, { intervalMs })
      .then((counts) => {
        if (counts) logger.info({ ...counts }, 'retention clean-up: old data deleted');
      })
      .catch((error: unknown) =>
        logger.error({ error: error instanceof Error ? error.message : String(error) }, 'retention clean-up failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, options.firstCheckMs ?? 30_000);
  const every = setInterval(tick, Math.min(intervalMs, 60_000));
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
