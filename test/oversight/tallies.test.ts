import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { nationalFigures } from '../../src/features/oversight/figures.ts';
import type { Filters } from '../../src/features/oversight/filters.ts';
import { foldTallies, talliedByMonth, talliedByProviderStatusAndWait } from '../../src/features/oversight/tallies.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { applicationRow } from '../helpers/oversight.ts';

/** What the tallies must equal: the submitted rows, grouped directly. */
async function direct(db: Kysely<Database>, providerId: number | null) {
  let q = db.selectFrom('applications').where('submitted_at', 'is not', null);
  if (providerId !== null) q = q.where('provider_id', '=', providerId);
  const statuses = await q
    .select((eb) => ['provider_id', 'status', 'decision_days', eb.fn.countAll().as('n')])
    .groupBy(['provider_id', 'status', 'decision_days'])
    .execute();
  const months = await q
    .select((eb) => [sql<string>`substr(submitted_at, 1, 7)`.as('month'), eb.fn.countAll().as('n')])
    .groupBy(sql`substr(submitted_at, 1, 7)`)
    .execute();
  return {
    statuses: statuses.map((r) => `${r.provider_id}|${r.status}|${r.decision_days}|${Number(r.n)}`).sort(),
    months: months.map((r) => `${r.month}|${Number(r.n)}`).sort(),
  };
}

async function tallied(db: Kysely<Database>, providerId: number | null) {
  return {
    statuses: (await talliedByProviderStatusAndWait(db, providerId))
      .map((r) => `${r.provider_id}|${r.status}|${r.decision_days}|${r.n}`)
      .sort(),
    months: (await talliedByMonth(db, providerId)).map((r) => `${r.month}|${r.n}`).sort(),
  };
}

const everything: Filters = { providerId: null, country: null, cohort: null, from: null, to: null };

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the applications' tallies (${engine.name})`, () => {
    let database: TestDatabase;
    let db: Kysely<Database>;
    let providers: number[];
    let next = 0;

    /** An application (a candidate of its own), submitted in the given month or a draft. */
    async function application(providerId: number | null, status: string, month: string | null, days: number | null) {
      const row = await applicationRow(db, `t${++next}`, {
        providerId,
        status,
        submittedAt: month ? `${month}-10T10:00:00.000Z` : null,
        decisionDays: days,
      });
      return row.applicationId;
    }

    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      db = database.db;
      await loadReferenceProviders(db);
      providers = (await db.selectFrom('providers').select('id').orderBy('id').limit(3).execute()).map((p) => p.id);
    }, 120_000);
    afterAll(async () => database?.dispose());

    it('equal the rows grouped directly through every kind of change, before and after folding', async () => {
      const [a, b] = providers as [number, number];
      const ids: number[] = [];
      for (const [p, s, m, d] of [
        [a, 'awaiting-decision', '2026-01', null],
        [a, 'rejected', '2026-01', 3],
        [a, 'offer', '2026-02', 12],
        [b, 'awaiting-decision', '2026-02', null],
        [b, 'withdrawn', '2025-12', null],
        [null, 'awaiting-decision', '2026-03', null],
        [a, 'draft', null, null],
      ] as const)
        ids.push(await application(p, s, m, d));
      expect(await tallied(db, null)).toEqual(await direct(db, null));

      // A draft submitted; a decision; a provider changed; a submission date moved; one deleted.
      await db
        .updateTable('applications')
        .set({ status: 'awaiting-decision', submitted_at: '2026-03-05T08:00:00.000Z' })
        .where('id', '=', ids[6]!)
        .execute();
      await db
        .updateTable('applications')
        .set({ status: 'offer', decision_days: 4 })
        .where('id', '=', ids[0]!)
        .execute();
      await db.updateTable('applications').set({ provider_id: a }).where('id', '=', ids[5]!).execute();
      await db
        .updateTable('applications')
        .set({ submitted_at: '2026-04-01T00:00:00.000Z' })
        .where('id', '=', ids[3]!)
        .execute();
      await db.updateTable('applications').set({ answers: '{"changed":true}' }).where('id', '=', ids[1]!).execute();
      await db.deleteFrom('applications').where('id', '=', ids[4]!).execute();
      // Six submitted inserts (the draft writes none), +1 for the draft submitted, −1/+1 for each of the
      // three moves, −1 for the delete; the answers' edit touches no key and writes nothing.
      const pending = await db
        .selectFrom('application_tally_changes')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(pending.n)).toBe(6 + 1 + 2 * 3 + 1);

      for (const p of [null, a, b]) expect(await tallied(db, p), `provider ${p}`).toEqual(await direct(db, p));
      expect(await foldTallies(db)).toBe(14);
      expect(await foldTallies(db)).toBe(0);
      for (const p of [null, a, b]) expect(await tallied(db, p), `provider ${p}`).toEqual(await direct(db, p));

      // Changes after a fold add to the folded counts; a count back to nothing is no row.
      await db.deleteFrom('applications').where('id', '=', ids[2]!).execute();
      expect(await tallied(db, a)).toEqual(await direct(db, a));
      await foldTallies(db);
      expect(await tallied(db, a)).toEqual(await direct(db, a));
      const emptyCounts = await db.selectFrom('application_tallies').selectAll().where('n', '=', 0).execute();
      expect(emptyCounts).toEqual([]);
    });

    it('the dashboard reads the same figures from the tallies as from the rows', async () => {
      const fromTallies = await nationalFigures(db, everything);
      // Dates that cover everything take the rows' path.
      const fromRows = await nationalFigures(db, { ...everything, from: '2000-01-01', to: '2099-12-31' });
      expect(fromTallies.applications.total).toBeGreaterThan(0);
      expect(fromTallies.applications.byStatus).toEqual(fromRows.applications.byStatus);
      expect(fromTallies.decisions).toEqual(fromRows.decisions);
      expect(fromTallies.offersByProvider).toEqual(fromRows.offersByProvider);
      expect(fromTallies.applications.byMonth).toEqual(
        fromRows.applications.byMonth.filter(
          (m) =>
            m.key >= fromTallies.applications.byMonth[0]!.key && m.key <= fromTallies.applications.byMonth.at(-1)!.key,
        ),
      );
    });

    it('stay exact when 50 writers and folds race', async () => {
      const [a, b, c] = providers as [number, number, number];
      const ids = await Promise.all(
        Array.from({ length: 50 }, (_, k) => application([a, b, c][k % 3]!, 'awaiting-decision', '2026-05', null)),
      );
      await Promise.all([
        ...ids.map((id, k) =>
          db.transaction().execute(async (trx) => {
            await trx
              .updateTable('applications')
              .set(k % 2 ? { status: 'rejected', decision_days: k % 7 } : { status: 'withdrawn' })
              .where('id', '=', id)
              .execute();
            if (k % 5 === 0) await trx.deleteFrom('applications').where('id', '=', id).execute();
          }),
        ),
        ...Array.from({ length: 5 }, () => foldTallies(db)),
      ]);
      for (const p of [null, a, b, c]) expect(await tallied(db, p), `provider ${p}`).toEqual(await direct(db, p));
      await foldTallies(db);
      for (const p of [null, a, b, c]) expect(await tallied(db, p), `provider ${p}`).toEqual(await direct(db, p));
    });
  });
}
