import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nationalFigures } from '../../src/features/oversight/figures.ts';
import { NO_FILTERS } from '../../src/features/oversight/filters.ts';
import { SAMPLE_APPLICANTS, seedSampleFigures } from '../../src/features/oversight/sample.ts';
import { figureSections } from '../../src/features/oversight/view-model.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`sample data for the national figures (${engine.name})`, () => {
    let d: TestDatabase;
    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      await loadReferenceProviders(d.db);
      await seedSampleData(d.db, 0, { trainees: { serviceUrl: 'http://iqts.test' } });
    }, 180_000);
    afterAll(async () => d?.dispose());

    it('fills every chart and table, once; every person is labelled sample', async () => {
      const first = await seedSampleFigures(d.db, 'http://iqts.test');
      expect(first.applications).toBe(SAMPLE_APPLICANTS);
      expect(first.awards).toBeGreaterThanOrEqual(3);
      expect(await seedSampleFigures(d.db, 'http://iqts.test')).toEqual({ applications: 0, awards: 0 });

      const figures = await nationalFigures(d.db, NO_FILTERS);
      for (const section of figureSections(figures, 'admin')) {
        const values = section.table.rows.flatMap((r) => r.cells.map((c) => c.value ?? 0));
        expect(
          values.some((v) => v > 0),
          section.id,
        ).toBe(true);
        if (section.id !== 'by-country') expect(section.chart, section.id).toContain('<svg');
      }
      // Several statuses, several months, several providers.
      expect(figures.applications.byStatus.filter((s) => s.count > 0).length).toBeGreaterThanOrEqual(6);
      expect(figures.applications.byMonth.filter((m) => m.count > 0).length).toBeGreaterThanOrEqual(4);
      expect(figures.offersByProvider.length).toBeGreaterThanOrEqual(2);
      expect(figures.awards.byMonth.filter((m) => m.count > 0).length).toBeGreaterThanOrEqual(2);
      const unlabelled = await d.db.selectFrom('users').select('email').where('is_sample', '=', 0).execute();
      expect(unlabelled).toEqual([]);
    });

    it('each decision made through the state machine keeps its whole days since submission', async () => {
      const decided = await d.db
        .selectFrom('applications')
        .select(['id', 'submitted_at', 'decided_at', 'decision_days'])
        .where('decided_at', 'is not', null)
        .execute();
      expect(decided.length).toBeGreaterThan(10);
      for (const a of decided) {
        const first = await d.db
          .selectFrom('audit_events')
          .select('created_at')
          .where('application_id', '=', a.id)
          .where('action', 'in', ['make-offer', 'reject'])
          .orderBy('id')
          .executeTakeFirstOrThrow();
        expect(a.decided_at).toBe(first.created_at);
        const days = Math.floor((Date.parse(a.decided_at!) - Date.parse(a.submitted_at!)) / 86_400_000);
        expect(Number(a.decision_days)).toBe(days);
      }
      // An application withdrawn before any decision has none.
      const undecided = await d.db
        .selectFrom('applications')
        .select('decision_days')
        .where('status', 'in', ['awaiting-decision', 'withdrawn'])
        .execute();
      expect(undecided.every((a) => a.decision_days === null)).toBe(true);
    });
  });
}
