import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isPostgres } from '../../db/migrations/helpers.ts';

/**
 * The maintained counts of submitted applications (migration 0027): what the national figures
 * read when no dates or country narrow them. Each read adds the changes the triggers appended
 * since the last fold to the folded counts, in one statement (one snapshot), so it is exact at
 * any moment; folding only keeps the changes few.
 */

export interface StatusTally {
  provider_id: number | null;
  status: string;
  decision_days: number | null;
  n: number;
}

/** Submitted applications by provider, status and days to decision; one provider's or all. */
export async function talliedByProviderStatusAndWait(
  db: Kysely<Database>,
  providerId: number | null,
): Promise<StatusTally[]> {
  const only = providerId === null ? sql`` : sql`where provider_id = ${providerId}`;
  const { rows } = await sql<{ provider_id: number; status: string; decision_days: number; n: number | string }>`
    select provider_id, status, decision_days, sum(n) as n from (
      select provider_id, status, decision_days, n from application_tallies ${only}
      union all
      select provider_id, status, decision_days, n from application_tally_changes ${only}
    ) t
    group by provider_id, status, decision_days
    having sum(n) <> 0`.execute(db);
  return rows.map((r) => ({
    provider_id: Number(r.provider_id) === 0 ? null : Number(r.provider_id),
    status: r.status,
    decision_days: Number(r.decision_days) < 0 ? null : Number(r.decision_days),
    n: Number(r.n),
  }));
}

/** Submitted applications by month of submission (YYYY-MM); one provider's or all. */
export async function talliedByMonth(
  db: Kysely<Database>,
  providerId: number | null,
): Promise<{ month: string; n: number }[]> {
  const only = providerId === null ? sql`` : sql`where provider_id = ${providerId}`;
  const { rows } = await sql<{ month: string; n: number | string }>`
    select month, sum(n) as n from (
      select month, n from application_month_tallies ${only}
      union all
      select month, n from application_tally_changes ${only}
    ) t
    group by month
    having sum(n) <> 0`.execute(db);
  return rows.map((r) => ({ month: r.month, n: Number(r.n) }));
}

/**
 * Folds the appended changes into the counts and deletes them; returns how many it folded.
 * Safe beside writers and other folds: on PostgreSQL the changes folded are exactly the ones
 * the statement deleted; on SQLite the fold holds the write lock.
 */
export async function foldTallies(db: Kysely<Database>): Promise<number> {
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ folded: number | string }>`
        with moved as (
          delete from application_tally_changes returning provider_id, status, decision_days, month, n
        ), statuses as (
          insert into application_tallies (provider_id, status, decision_days, n)
          select provider_id, status, decision_days, sum(n) from moved group by provider_id, status, decision_days
          on conflict (provider_id, status, decision_days) do update set n = application_tallies.n + excluded.n
        ), months as (
          insert into application_month_tallies (provider_id, month, n)
          select provider_id, month, sum(n) from moved group by provider_id, month
          on conflict (provider_id, month) do update set n = application_month_tallies.n + excluded.n
        )
        select count(*) as folded from moved`.execute(trx);
      await sql`delete from application_tallies where n = 0`.execute(trx);
      await sql`delete from application_month_tallies where n = 0`.execute(trx);
      return Number(rows[0]?.folded ?? 0);
    });
  }
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('application_tally_changes')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const upTo = last?.id ?? null;
    if (upTo === null) return 0;
    await sql`
      insert into application_tallies (provider_id, status, decision_days, n)
      select provider_id, status, decision_days, sum(n) from application_tally_changes where id <= ${upTo}
      group by provider_id, status, decision_days
      on conflict (provider_id, status, decision_days) do update set n = application_tallies.n + excluded.n`.execute(
      trx,
    );
    await sql`
      insert into application_month_tallies (provider_id, month, n)
      select provider_id, month, sum(n) from application_tally_changes where id <= ${upTo}
      group by provider_id, month
      on conflict (provider_id, month) do update set n = application_month_tallies.n + excluded.n`.execute(trx);
    const deleted = await trx.deleteFrom('application_tally_changes').where('id', '<=', upTo).executeTakeFirst();
    await trx.deleteFrom('application_tallies').where('n', '=', 0).execute();
    await trx.deleteFrom('application_month_tallies').where('n', '=', 0).execute();
    return Number(deleted.numDeletedRows);
  });
}

export interface TalliesLogger {
  error(entry: Record<string, unknown>, message: string): void;
}

/** Folds the changes every `intervalMs` in this process until stopped; any process may. */
export function startTallyFolding(options: { db: Kysely<Database>; intervalMs?: number; logger: TalliesLogger }): {
  stop(): Promise<void>;
} {
  let running: Promise<unknown> | undefined;
  const every = setInterval(() => {
    if (running) return;
    running = foldTallies(options.db)
      .catch((error: unknown) =>
        options.logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'folding tallies failed',
        ),
      )
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs ?? 60_000);
  every.unref();
  return {
    async stop() {
      clearInterval(every);
      await running;
    },
  };
}
