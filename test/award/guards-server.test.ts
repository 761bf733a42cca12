import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { seedSampleTrainees } from '../../src/features/training/sample.ts';
import { addDays, weekStart } from '../../src/shared/local-dates.ts';
import { $, type FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { signInAs } from '../helpers/training.ts';
import { sampleProvider } from '../helpers/training-fixtures.ts';

/**
 * Each guard failing alone, on the server: the sample trainee who meets them all is changed
 * in one way, and a form posted straight to the recommendation (as a tampered page would) is
 * refused, naming that guard, with nothing changed; then the change is undone.
 */
type Change = {
  guard: string;
  words: RegExp;
  apply(db: Kysely<Database>, id: number): Promise<() => Promise<unknown>>;
};

const CHANGES: Change[] = [
  {
    guard: 'final-review',
    words: /final assessment has passed/,
    async apply(db, id) {
      await db
        .updateTable('reviews')
        .set({ outcome: 'not-passed' })
        .where('trainee_id', '=', id)
        .where('kind', '=', 'final')
        .execute();
      return () =>
        db
          .updateTable('reviews')
          .set({ outcome: 'passed' })
          .where('trainee_id', '=', id)
          .where('kind', '=', 'final')
          .execute();
    },
  },
  {
    guard: 'time-in-school',
    words: /time in school is confirmed/,
    async apply(db, id) {
      // The first full week back to awaiting the mentor: 23 weeks count, not 24.
      const first = await db
        .selectFrom('placement_days')
        .select('date')
        .where('trainee_id', '=', id)
        .orderBy('date')
        .executeTakeFirstOrThrow();
      const monday = weekStart(first.date);
      const week = (q: ReturnType<typeof db.updateTable<'placement_days'>>) =>
        q.where('trainee_id', '=', id).where('date', '>=', monday).where('date', '<=', addDays(monday, 6));
      await week(db.updateTable('placement_days').set({ status: 'logged' })).execute();
      return () => week(db.updateTable('placement_days').set({ status: 'confirmed' })).execute();
    },
  },
  {
    guard: 'no-queried-days',
    words: /no queried days are still open/,
    async apply(db, id) {
      // A Saturday, queried: the counted weeks stay as they were.
      const first = await db
        .selectFrom('placement_days')
        .select(['date', 'placement_id'])
        .where('trainee_id', '=', id)
        .orderBy('date')
        .executeTakeFirstOrThrow();
      const stamp = new Date().toISOString();
      const row = await db
        .insertInto('placement_days')
        .values({
          trainee_id: id,
          placement_id: first.placement_id,
          date: addDays(weekStart(first.date), 5),
          halves: 2,
          kind: 'teaching',
          note: null,
          status: 'queried',
          query_reason: 'Sample query',
          updated_at: stamp,
          created_at: stamp,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return () => db.deleteFrom('placement_days').where('id', '=', row.id).execute();
    },
  },
  {
    guard: 'completed-placement',
    words: /placement with a mentor has been completed/,
    async apply(db, id) {
      const placement = await db
        .selectFrom('placements')
        .select(['id', 'end_date'])
        .where('trainee_id', '=', id)
        .executeTakeFirstOrThrow();
      await db.updateTable('placements').set({ end_date: '2099-12-31' }).where('id', '=', placement.id).execute();
      return () =>
        db.updateTable('placements').set({ end_date: placement.end_date }).where('id', '=', placement.id).execute();
    },
  },
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`each guard enforced on the server (${engine.name})`, () => {
    let t: TestApp;
    let provider: FormClient;
    let id: number;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const { providerId } = await sampleProvider(t.database.db);
      await seedSampleTrainees(t.database.db, providerId, 'http://localhost:3000');
      id = (
        await t.database.db
          .selectFrom('trainees')
          .select('id')
          .where('name', '=', 'Sample Trainee Final Review')
          .executeTakeFirstOrThrow()
      ).id;
      provider = await signInAs(t, 'sample.provider1@example.com');
    }, 180_000);
    afterAll(async () => t?.close());

    it('a form posted while one guard fails is refused, names it, and changes nothing', async () => {
      const page = $(await provider.get(`/provider/trainees/${id}/recommend`));
      const form = {
        'outcomeDate-day': page('#outcomeDate-day').val() as string,
        'outcomeDate-month': page('#outcomeDate-month').val() as string,
        'outcomeDate-year': page('#outcomeDate-year').val() as string,
      };
      const csrf = page('input[name=_csrf]').val() as string;
      const counts = async () =>
        Promise.all(
          (['audit_events', 'outbox'] as const).map(
            async (table) => (await t.database.db.selectFrom(table).select('id').execute()).length,
          ),
        );
      for (const change of CHANGES) {
        const before = await counts();
        const undo = await change.apply(t.database.db, id);
        const shown = $(await provider.get(`/provider/trainees/${id}/recommend`));
        // Only this guard fails (the outcome date has no default once no final assessment passed).
        const notMet = shown('.app-guards li')
          .filter((_, li) => shown(li).find('.govuk-tag').text().trim() === 'Not met')
          .map((_, li) => shown(li).attr('id'))
          .get()
          .filter((g) => g !== 'guard-outcome-date');
        expect(notMet, change.guard).toEqual([`guard-${change.guard}`]);
        expect(shown(`#guard-${change.guard} .govuk-tag`).text().trim(), change.guard).toBe('Not met');
        expect(shown('button:contains("Recommend for iQTS")').length, change.guard).toBe(0);
        const res = await provider.post(`/provider/trainees/${id}/recommend`, form, csrf);
        expect(res.statusCode, change.guard).toBe(400);
        expect($(res)('.govuk-error-summary').text(), change.guard).toMatch(change.words);
        const state = await t.database.db
          .selectFrom('trainees')
          .select('state')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(state.state, change.guard).toBe('in-training');
        expect(await counts(), change.guard).toEqual(before);
        await undo();
      }
      // With every guard met again, the same form recommends.
      expect((await provider.post(`/provider/trainees/${id}/recommend`, form, csrf)).statusCode).toBe(303);
    });
  });
}
