import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { isPostgres } from '../../db/migrations/helpers.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueEmails } from '../../notifications/outbox.ts';
import { deadlineInZone, ENGLAND, readerZone } from '../../shared/zoned-time.ts';
import { changeStateByDefault, people, StaleChange } from '../applications/repository.ts';
import type { ApplicationState } from '../applications/state-machine.ts';
import { reminderTimes, timeLeft, timeLeftText } from './policy.ts';
import { ruleOf, type DeadlineRow } from './repository.ts';

/**
 * The deadlines job: sends each deadline's reminders and, once it has passed, takes its
 * default step (the application rejected, or the offer declined, "by default").
 *
 * Every process runs it. A run claims due rows by setting a lease (a time and a token) in
 * one conditional UPDATE; on PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED so
 * runners do not queue behind each other. Each row is then finished in one transaction
 * with the state change, its audit row and its emails, and that transaction only commits
 * while the claim still holds the row (its token) and the reminder count or open state it
 * read: a deadline is applied once, however many runners race. A runner that dies between
 * claiming and finishing leaves its lease to lapse; the next run takes the row up again.
 */
export const LEASE_MS = 5 * 60_000;
const BATCH = 50;

export interface DeadlineRunCounts {
  claimed: number;
  applied: number;
  reminded: number;
}

export interface DeadlineRunOptions {
  serviceUrl: string;
  now?: Date;
  leaseMs?: number;
  batch?: number;
  /** Called between claiming and finishing; tests use it to stop a run there. */
  afterClaim?: (rows: DeadlineRow[]) => Promise<void> | void;
}

/** Claims open deadlines with a reminder or default due now and no live claim. */
export async function claimDue(
  db: Kysely<Database>,
  now: Date,
  leaseMs = LEASE_MS,
  batch = BATCH,
): Promise<DeadlineRow[]> {
  const stamp = now.toISOString();
  const token = randomUUID();
  const free = (eb: ExpressionBuilder<Database, 'deadlines'>) =>
    eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', stamp)]);
  let due = db
    .selectFrom('deadlines')
    .select('id')
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([eb('due_at', '<=', stamp), eb('next_reminder_at', '<=', stamp)]))
    .where(free)
    .orderBy('due_at')
    .limit(batch);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  return (
    db
      .updateTable('deadlines')
      .set({ lease_until: new Date(now.getTime() + leaseMs).toISOString(), lease_token: token })
      .where('id', 'in', due)
      // Checked again on the row itself: another runner may have claimed it since the pick.
      .where('closed_at', 'is', null)
      .where(free)
      .returningAll()
      .execute()
  );
}

/** Gives back a claim this run could not finish, so the next run need not wait for the lease. */
async function release(db: Kysely<Database>, row: DeadlineRow): Promise<void> {
  await db
    .updateTable('deadlines')
    .set({ lease_until: null, lease_token: null })
    .where('id', '=', row.id)
    .where('lease_token', '=', row.lease_token)
    .execute();
}

class LostClaim extends Error {}

/** Takes the default step of a passed deadline: one transaction, or nothing. */
async function applyDefault(db: Kysely<Database>, row: DeadlineRow, now: Date, serviceUrl: string): Promise<boolean> {
  const rule = ruleOf(row);
  if (!rule) return false;
  const event = rule.whenPassed as 'reject-by-default' | 'decline-by-default';
  return db.transaction().execute(async (trx) => {
    const stamp = now.toISOString();
    // Rows are locked in the order a person's step locks them (the application, then its
    // deadlines), so a candidate answering at this moment waits or wins, and never deadlocks.
    if (isPostgres(db))
      await trx.selectFrom('applications').select('id').where('id', '=', row.application_id).forUpdate().execute();
    const closed = await trx
      .updateTable('deadlines')
      .set({ closed_at: stamp, closed_by: 'default', applied_at: stamp, lease_until: null, lease_token: null })
      .where('id', '=', row.id)
      .where('closed_at', 'is', null)
      .where('lease_token', '=', row.lease_token)
      .executeTakeFirst();
    if (Number(closed.numUpdatedRows) !== 1) throw new LostClaim();
    const dueAt = new Date(row.due_at);
    const said = deadlineInZone(row.zone, dueAt);
    const applied = await changeStateByDefault(
      trx,
      {
        applicationId: row.application_id,
        event,
        serviceUrl,
        personalisation: rule.kind === 'provider-decision' ? { decideBy: said } : { respondBy: said },
        detail: { deadline: rule.kind, dueAt: row.due_at, policyVersion: row.policy_version },
      },
      now,
    );
    if (!applied) {
      // The application had moved on: the deadline closes as decided, and nothing is said.
      await trx
        .updateTable('deadlines')
        .set({ closed_by: 'decided', applied_at: null })
        .where('id', '=', row.id)
        .execute();
    }
    return applied;
  });
}

/** Sends the latest reminder that is due (earlier ones a stopped service missed are skipped). */
async function sendReminder(db: Kysely<Database>, row: DeadlineRow, now: Date, serviceUrl: string): Promise<boolean> {
  const rule = ruleOf(row);
  if (!rule) return false;
  const dueAt = new Date(row.due_at);
  const times = reminderTimes(rule, { lastDay: row.last_day, zone: row.zone, dueAt }, new Date(row.opened_at));
  // The row says a reminder is due: the latest one whose time has come (earlier ones a stopped
  // service missed are skipped), else the next in order.
  let index = row.reminders_sent < times.length ? row.reminders_sent : -1;
  for (let i = row.reminders_sent; i < times.length; i++) if (times[i]!.at <= now) index = i;
  return db.transaction().execute(async (trx) => {
    const next = index >= 0 ? times[index + 1]?.at : undefined;
    const moved = await trx
      .updateTable('deadlines')
      .set({
        reminders_sent: index >= 0 ? index + 1 : row.reminders_sent,
        next_reminder_at: next && next > now ? next.toISOString() : null,
        lease_until: null,
        lease_token: null,
      })
      .where('id', '=', row.id)
      .where('closed_at', 'is', null)
      .where('reminders_sent', '=', row.reminders_sent)
      .where('lease_token', '=', row.lease_token)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new LostClaim();
    if (index < 0) return false;
    const app = await trx
      .selectFrom('applications')
      .select(['id', 'reference', 'status', 'candidate_id', 'provider_id', 'candidate_name'])
      .where('id', '=', row.application_id)
      .executeTakeFirstOrThrow();
    if (!rule.openWhile.includes(app.status as ApplicationState)) return false;
    const who = await people(trx, app);
    const base = {
      candidateName: who.candidateName,
      providerName: who.providerName,
      reference: app.reference,
      serviceUrl,
    };
    if (rule.kind === 'provider-decision') {
      const left = timeLeftText(
        'Decide',
        timeLeft({ lastDay: row.last_day, dueAt, zone: row.zone }, rule.period.unit, now),
      );
      await enqueueEmails(
        trx,
        who.providerEmails.map((to) => ({
          to,
          template: 'decision-due-reminder-provider' as const,
          personalisation: { ...base, decideBy: deadlineInZone(ENGLAND, dueAt), timeLeft: left },
        })),
        now,
      );
    } else {
      const candidate = await trx
        .selectFrom('users')
        .select('time_zone')
        .where('id', '=', app.candidate_id)
        .executeTakeFirst();
      await enqueueEmails(
        trx,
        [
          {
            to: who.candidateEmail,
            template: 'offer-response-reminder',
            personalisation: { ...base, respondBy: deadlineInZone(readerZone(candidate), dueAt) },
          },
        ],
        now,
      );
    }
    return true;
  });
}

/** One run: claim what is due, then finish each row on its own. */
export async function runDeadlines(db: Kysely<Database>, options: DeadlineRunOptions): Promise<DeadlineRunCounts> {
  const now = options.now ?? new Date();
  const rows = await claimDue(db, now, options.leaseMs, options.batch);
  const counts: DeadlineRunCounts = { claimed: rows.length, applied: 0, reminded: 0 };
  if (!rows.length) return counts;
  await options.afterClaim?.(rows);
  for (const row of rows) {
    try {
      if (row.due_at <= now.toISOString()) {
        if (await applyDefault(db, row, now, options.serviceUrl)) counts.applied++;
      } else if (await sendReminder(db, row, now, options.serviceUrl)) counts.reminded++;
    } catch (error) {
      if (error instanceof LostClaim) continue;
      // The application changed at that moment (the candidate answered, the provider decided):
      // nothing was written; the next run sees the deadline closed, or tries again.
      if (error instanceof StaleChange) {
        await release(db, row).catch(() => undefined);
        continue;
      }
      await release(db, row).catch(() => undefined);
      throw error;
    }
  }
  return counts;
}

export interface DeadlinesLogger {
  info(entry: Record<string, unknown>, message: string): void;
  error(entry: Record<string, unknown>, message: string): void;
}

/** Runs the job every `intervalMs` in this process until stopped; every process may run it. */
export function startDeadlinesJob(options: {
  db: Kysely<Database>;
  serviceUrl: string;
  intervalMs?: number;
  logger: DeadlinesLogger;
  firstCheckMs?: number;
}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 60_000;
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = runDeadlines(options.db, { serviceUrl: options.serviceUrl })
      .then((counts) => {
        if (counts.applied || counts.reminded) options.logger.info({ ...counts }, 'deadlines: reminders and defaults');
      })
      .catch((error: unknown) =>
        options.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'deadlines job failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, options.firstCheckMs ?? 20_000);
  const every = setInterval(tick, intervalMs);
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

/** For the crash test and operators: how many open deadlines are held by a claim. */
export async function leasedCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('deadlines')
    .select(sql<number>`count(*)`.as('n'))
    .where('lease_token', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
