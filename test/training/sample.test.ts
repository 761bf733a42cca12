import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { removeSampleData, seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { traineeRecord, providerTrainee } from '../../src/features/training/repository.ts';
import { SAMPLE_TRAINEES } from '../../src/features/training/sample.ts';
import { STANDARD_IDS } from '../../src/features/training/standards.ts';
import { TRAINEE_STATES } from '../../src/features/training/state-machine.ts';
import { providerScope } from '../../src/shared/scope.ts';
import { $ } from '../helpers/app.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const TABLES = [
  'users',
  'applications',
  'trainees',
  'mentors',
  'placements',
  'placement_days',
  'observations',
  'reflections',
  'reviews',
  'audit_events',
  'outbox',
] as const;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`sample trainees (${engine.name})`, () => {
    let d: TestDatabase;
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const table of TABLES)
        out[table] = Number(
          (
            await d.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return out;
    };
    const trainee = async (email: string) => {
      const row = await d.db
        .selectFrom('trainees as t')
        .innerJoin('users as u', 'u.id', 't.candidate_id')
        .select(['t.id', 't.provider_id'])
        .where('u.email', '=', email)
        .executeTakeFirstOrThrow();
      const scope = providerScope(1, 'manage-trainees', [row.provider_id]);
      return traineeRecord(d.db, (await providerTrainee(d.db, scope, row.id))!);
    };

    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      await loadReferenceProviders(d.db);
    });
    afterAll(async () => d?.dispose());

    it('seeds trainees at every stage once: a second run adds nothing', async () => {
      const first = await seedSampleData(d.db, 0, { trainees: { serviceUrl: 'http://iqts.test' } });
      expect(first.trainees).toBe(SAMPLE_TRAINEES.length);
      expect(first.mentors).toBe(3);
      const after = await counts();
      const second = await seedSampleData(d.db, 0, { trainees: { serviceUrl: 'http://iqts.test' } });
      expect(second).toMatchObject({ trainees: 0, mentors: 0 });
      expect(await counts()).toEqual(after);

      const states = await d.db.selectFrom('trainees').select(['state', 'is_sample']).execute();
      // Every state a provider's trainee reaches before the DfE decides (awarded and revoked are the DfE's).
      expect(new Set(states.map((s) => s.state))).toEqual(
        new Set(Object.keys(TRAINEE_STATES).filter((s) => s !== 'awarded' && s !== 'revoked')),
      );
      expect(states.every((s) => s.is_sample === 1)).toBe(true);
      // Every person and mentor is labelled sample; every trainee comes from a recruited application.
      const unlabelled = await d.db.selectFrom('users').select('email').where('is_sample', '=', 0).execute();
      expect(unlabelled).toEqual([]);
      expect(await d.db.selectFrom('mentors').select('id').where('is_sample', '=', 0).execute()).toEqual([]);
      const apps = await d.db
        .selectFrom('trainees as t')
        .innerJoin('applications as a', 'a.id', 't.application_id')
        .select('a.status')
        .execute();
      expect(apps.map((a) => a.status)).toEqual(SAMPLE_TRAINEES.map(() => 'recruited'));
      // Each step was audited, as the pages would have done it.
      const actions = new Set((await d.db.selectFrom('audit_events').select('action').execute()).map((a) => a.action));
      for (const action of ['start-training', 'invite-mentor', 'log-days', 'confirm-week', 'query-week', 'defer'])
        expect(actions, action).toContain(action);
    });

    it('the "final review" trainee has 24 weeks confirmed and a final review with every standard met', async () => {
      const record = await trainee('sample.trainee3@example.com');
      expect(record.trainee.state).toBe('in-training');
      expect(record.trainee.criteriaVersion).toBe('2025-04');
      expect(record.progress).toMatchObject({ unit: 'weeks', required: 24, achieved: 24, met: true, queriedDays: 0 });
      const final = record.reviews.find((r) => r.kind === 'final');
      expect(final?.outcome).toBe('passed');
      expect(STANDARD_IDS.every((s) => final?.judgements[s] === 'meeting')).toBe(true);
    });

    it('the mid-way trainee has confirmed, queried and awaiting days, observations and an interim review', async () => {
      const record = await trainee('sample.trainee2@example.com');
      expect(record.progress.confirmedDays).toBe(49);
      expect(record.progress.queriedDays).toBe(5);
      expect(record.progress.awaitingDays).toBe(4.5);
      expect(record.progress.met).toBe(false);
      expect(record.observations).toHaveLength(2);
      expect(record.reviews.map((r) => [r.kind, r.outcome])).toEqual([['interim', 'on-track']]);
    });

    it('the pilot-era trainee is counted in days against 120', async () => {
      const record = await trainee('sample.trainee6@example.com');
      expect(record.trainee.criteriaVersion).toBe('pilot');
      expect(record.progress).toMatchObject({ unit: 'days', required: 120, confirmedDays: 114, awaitingDays: 6 });
      const none = await trainee('sample.trainee1@example.com');
      expect(none.days).toEqual([]);
    });

    it('the development sign-in list shows the sample mentors and trainees', async () => {
      const app = await buildApp({
        config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: d.url, DEV_TOOLS: 'true' }),
        database: d,
      });
      try {
        const page = $(await app.inject('/dev/users'));
        const rows = page('tbody tr')
          .toArray()
          .map((r) =>
            page(r)
              .find('td')
              .slice(0, 3)
              .toArray()
              .map((c) => page(c).text().trim()),
          );
        expect(rows).toContainEqual(['sample.mentor1@example.com', 'Sample Mentor 1', 'mentor']);
        expect(rows).toContainEqual(['sample.trainee3@example.com', 'Sample Trainee Final Review', 'candidate']);
      } finally {
        await app.close();
      }
    });

    it('removing the sample data removes the trainees, mentors and their records', async () => {
      await removeSampleData(d.db);
      const left = await counts();
      expect(left).toMatchObject({ trainees: 0, mentors: 0, placement_days: 0, applications: 0 });
      expect(await d.db.selectFrom('users').select('id').where('is_sample', '=', 1).execute()).toEqual([]);
    });
  });
}
