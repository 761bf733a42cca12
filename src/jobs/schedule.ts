import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Jobs that run every so often, whichever process is first: a row in job_runs says when
 * the job is next due. A process takes the job by setting a lease with one conditional
 * UPDATE, which only one process can win; it then runs the job and moves the due time on.
 * A process that dies mid-job leaves its lease to lapse, and the job is taken up again.
 */
export const EPOCH = new Date(0).toISOString();

export interface Claim {
  name: string;
  leaseUntil: string;
}

/** Takes the job if it is due and nobody holds it; undefined otherwise. */
export async function claimJob(
  db: Kysely<Database>,
  name: string,
  leaseMs: number,
  now = new Date(),
): Promise<Claim | undefined> {
  const stamp = now.toISOString();
  await db
    .insertInto('job_runs')
    .values({ name, next_run_at: EPOCH, lease_until: null, last_finished_at: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const won = await db
    .updateTable('job_runs')
    .set({ lease_until: leaseUntil })
    .where('name', '=', name)
    .where('next_run_at', '<=', stamp)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', stamp)]))
    .returning('name')
    .executeTakeFirst();
  return won ? { name, leaseUntil } : undefined;
}

/** The job ran: it is next due after the interval. Only while this process still holds it. */
export async function finishJob(
  db: Kysely<Database>,
  claim: Claim,
  intervalMs: number,
  now = new Date(),
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({
      lease_until: null,
      next_run_at: new Date(now.getTime() + intervalMs).toISOString(),
      last_finished_at: now.toISOString(),
    })
    .where('name', '=', claim.name)
    .where('lease_until', '=', claim.leaseUntil)
    .execute();
}

/** The job failed: give it back at once, still due, for the next try. */
export async function releaseJob(db: Kysely<Database>, claim: Claim): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ lease_until: null })
    .where('name', '=', claim.name)
    .where('lease_until', '=', claim.leaseUntil)
    .execute();
}
