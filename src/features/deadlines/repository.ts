import type { Kysely, Selectable, Transaction } from 'kysely';
import { PREPARED } from '../../db/prepared.ts';
import type { Database, DeadlineTable } from '../../db/schema.ts';
import { deadlineInZone, ENGLAND, readerZone } from '../../shared/zoned-time.ts';
import type { ApplicationEvent, ApplicationState } from '../applications/state-machine.ts';
import {
  deadlineFor,
  kindsClosedBy,
  policyInForce,
  policyVersion,
  reminderTimes,
  rulesOpenedBy,
  type DeadlineKind,
  type DeadlineRule,
} from './policy.ts';

/**
 * Deadlines in the database: the only module that writes `deadlines` outside the job.
 * Opening and closing happen inside the transaction of the step that causes them, so a
 * deadline is open exactly while its application waits for that step.
 */
export type DeadlineRow = Selectable<DeadlineTable>;

export interface OpenDeadline {
  id: number;
  kind: DeadlineKind;
  rule: DeadlineRule;
  policyVersion: string;
  zone: string;
  lastDay: string;
  dueAt: Date;
}

export function ruleOf(row: Pick<DeadlineRow, 'kind' | 'policy_version'>): DeadlineRule | undefined {
  return policyVersion(row.policy_version)?.rules[row.kind as DeadlineKind];
}

/** What the emails of the step say about a deadline it opened, in each reader's zone. */
export interface DeadlineWords {
  /** The provider's decision deadline, in England's zone (where provider staff work). */
  decideBy?: string;
  /** The candidate's offer deadline, in the candidate's zone. */
  respondBy?: string;
  /** The same, each in the candidate's zone, for the emails to the candidate. */
  forCandidate?: { decideBy?: string; respondBy?: string };
}

/**
 * After a step from `from` to the application's new state: closes the open deadlines the new
 * state no longer waits for, and opens those the step starts, under the policy in force now.
 * `candidate` is the candidate's time zone setting when the caller has already read it.
 */
export async function syncDeadlines(
  trx: Transaction<Database>,
  app: { id: number; candidate_id: number; status: ApplicationState },
  from: ApplicationState,
  event: ApplicationEvent,
  now: Date,
  candidate?: { time_zone: string | null },
): Promise<DeadlineWords> {
  const stamp = now.toISOString();
  const closing = kindsClosedBy(from, app.status);
  if (closing.length)
    await trx
      .updateTable('deadlines')
      .set({ closed_at: stamp, closed_by: 'decided', lease_until: null, lease_token: null })
      .where('application_id', '=', app.id)
      .where('closed_at', 'is', null)
      .where('kind', 'in', closing)
      .execute();
  const policy = policyInForce(now);
  const rules = rulesOpenedBy(event, policy);
  if (!rules.length) return {};
  const candidateZone = readerZone(
    candidate ??
      (await trx.selectFrom('users').select('time_zone').where('id', '=', app.candidate_id).executeTakeFirst()),
  );
  const words: DeadlineWords = {};
  for (const rule of rules) {
    const deadline = deadlineFor(rule, now, candidateZone);
    const reminders = reminderTimes(rule, deadline, now);
    await trx
      .insertInto('deadlines')
      .values({
        application_id: app.id,
        kind: rule.kind,
        policy_version: policy.version,
        zone: deadline.zone,
        last_day: deadline.lastDay,
        due_at: deadline.dueAt.toISOString(),
        opened_at: stamp,
        reminders_sent: 0,
        next_reminder_at: reminders[0]?.at.toISOString() ?? null,
        lease_until: null,
        lease_token: null,
        closed_at: null,
        closed_by: null,
        applied_at: null,
      })
      .modifyEnd(PREPARED)
      .execute();
    const forCandidate = deadlineInZone(candidateZone, deadline.dueAt);
    if (rule.kind === 'provider-decision') {
      words.decideBy = deadlineInZone(ENGLAND, deadline.dueAt);
      words.forCandidate = { ...words.forCandidate, decideBy: forCandidate };
    } else {
      words.respondBy = forCandidate;
      words.forCandidate = { ...words.forCandidate, respondBy: forCandidate };
    }
  }
  return words;
}

const toOpen = (row: DeadlineRow): OpenDeadline | undefined => {
  const rule = ruleOf(row);
  return rule
    ? {
        id: row.id,
        kind: rule.kind,
        rule,
        policyVersion: row.policy_version,
        zone: row.zone,
        lastDay: row.last_day,
        dueAt: new Date(row.due_at),
      }
    : undefined;
};

/**
 * An application's open deadlines. Callers have already found the application through
 * their own scope (candidate or provider): the id comes from a scoped read.
 */
export async function openDeadlines(db: Kysely<Database>, applicationId: number): Promise<OpenDeadline[]> {
  const rows = await db
    .selectFrom('deadlines')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('closed_at', 'is', null)
    .orderBy('due_at')
    .execute();
  return rows.map(toOpen).filter((d): d is OpenDeadline => d !== undefined);
}

/** Open deadlines of many applications (a page of the provider's list), by application id. */
export async function openDeadlinesFor(
  db: Kysely<Database>,
  applicationIds: number[],
): Promise<Map<number, OpenDeadline[]>> {
  const byApplication = new Map<number, OpenDeadline[]>();
  if (!applicationIds.length) return byApplication;
  const rows = await db
    .selectFrom('deadlines')
    .selectAll()
    .where('application_id', 'in', applicationIds)
    .where('closed_at', 'is', null)
    .orderBy('due_at')
    .execute();
  for (const row of rows) {
    const open = toOpen(row);
    if (!open) continue;
    byApplication.set(row.application_id, [...(byApplication.get(row.application_id) ?? []), open]);
  }
  return byApplication;
}

/** The zone a signed-in user reads times in (their choice, else England's). */
export async function zoneOfUser(db: Kysely<Database>, userId: number): Promise<string> {
  return readerZone(await db.selectFrom('users').select('time_zone').where('id', '=', userId).executeTakeFirst());
}

/** The deadline whose passing decided the application, if one did ("by default"). */
export async function passedDeadline(db: Kysely<Database>, applicationId: number): Promise<OpenDeadline | undefined> {
  const row = await db
    .selectFrom('deadlines')
    .selectAll()
    .where('application_id', '=', applicationId)
    .where('closed_by', '=', 'default')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? toOpen(row) : undefined;
}
