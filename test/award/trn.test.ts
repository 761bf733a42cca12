import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { allocateTrn, awardTrainee, dateOfBirthFrom } from '../../src/features/award/repository.ts';
import { drawTrn, isTrn, TRN_PATTERN } from '../../src/features/award/trn.ts';
import { adminScope } from '../../src/shared/scope.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { sampleProvider } from '../helpers/training-fixtures.ts';

describe('teacher reference numbers', () => {
  it('are 7 digits with no leading zero, across the whole range', () => {
    expect(drawTrn(() => 1_000_000)).toBe('1000000');
    expect(drawTrn(() => 9_999_999)).toBe('9999999');
    for (let i = 0; i < 1000; i++) expect(drawTrn()).toMatch(TRN_PATTERN);
    expect(['123456', '12345678', '0123456', '12a4567', ' 1234567'].filter(isTrn)).toEqual([]);
  });

  it('read the date of birth from the application answers', () => {
    const answers = (d: string, m: string, y: string) =>
      JSON.stringify({
        'personal-details': { 'date-of-birth-day': d, 'date-of-birth-month': m, 'date-of-birth-year': y },
      });
    expect(dateOfBirthFrom(answers('4', '6', '1992'))).toBe('1992-06-04');
    expect(dateOfBirthFrom(answers('', '6', '1992'))).toBeNull();
    expect(dateOfBirthFrom('{}')).toBeNull();
  });
});

const now = new Date('2027-07-10T10:00:00Z');

/** Recommended trainees, inserted as rows: what the award reads, without the journey before it. */
async function recommendedTrainees(db: Kysely<Database>, providerId: number, count: number, sharedPerson = false) {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const stamp = now.toISOString();
    const email = sharedPerson ? `same.person.${count}@example.org` : `trn.${count}.${i}@example.org`;
    let user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    user ??= await db
      .insertInto('users')
      .values({ email, name: `Trn Teacher ${i}`, role: 'candidate', created_at: stamp, last_signed_in_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const app = await db
      .insertInto('applications')
      .values({
        reference: `IQTS-T${String(count).padStart(2, '0')}${String(i).padStart(4, '0')}`,
        candidate_id: user.id,
        provider_id: providerId,
        status: 'recruited',
        answers: JSON.stringify({
          'personal-details': { 'date-of-birth-day': '3', 'date-of-birth-month': '2', 'date-of-birth-year': '1990' },
        }),
        candidate_name: `Trn Teacher ${i}`,
        country: 'NG',
        phase: 'secondary',
        offer_conditions: null,
        rejection: null,
        withdrawal_reason: null,
        placement_school_id: null,
        submitted_at: stamp,
        updated_at: stamp,
        created_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const trainee = await db
      .insertInto('trainees')
      .values({
        application_id: app.id,
        provider_id: providerId,
        candidate_id: user.id,
        name: `Trn Teacher ${i}`,
        state: 'recommended',
        start_date: '2026-09-07',
        expected_end_date: '2027-06-30',
        study_mode: 'full-time',
        days_per_week: 5,
        age_range: '11 to 16',
        subjects: '["Mathematics"]',
        training_country: 'NG',
        criteria_version: '2025-04',
        cohort: '2026 to 2027',
        state_detail: JSON.stringify({ date: '2027-06-30' }),
        updated_at: stamp,
        created_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(trainee.id);
  }
  return ids;
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`allocating TRNs (${engine.name})`, () => {
    let d: TestDatabase;
    let providerId: number;
    let admin: ReturnType<typeof adminScope>;
    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      ({ providerId } = await sampleProvider(d.db));
      const user = await d.db
        .insertInto('users')
        .values({
          email: 'trn.admin@example.org',
          name: null,
          role: 'admin',
          created_at: now.toISOString(),
          last_signed_in_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      admin = adminScope(user.id);
    }, 120_000);
    afterAll(async () => d?.dispose());

    it('draws again when a number is taken, and reuses a person’s own TRN', async () => {
      const draws = ['2000001', '2000001', '2000002'];
      const first = await d.db
        .transaction()
        .execute((trx) =>
          allocateTrn(trx, { email: 'a@example.org', dateOfBirth: '1990-01-01', name: 'A' }, now, () => draws.shift()!),
        );
      const second = await d.db
        .transaction()
        .execute((trx) =>
          allocateTrn(trx, { email: 'b@example.org', dateOfBirth: '1990-01-01', name: 'B' }, now, () => draws.shift()!),
        );
      expect([first.trn, second.trn]).toEqual(['2000001', '2000002']);
      const again = await d.db
        .transaction()
        .execute((trx) =>
          allocateTrn(trx, { email: 'a@example.org', dateOfBirth: '1990-01-01', name: 'A' }, now, () => '2000003'),
        );
      expect(again).toEqual({ teacherId: first.teacherId, trn: '2000001', reused: true });
      // The same email with another date of birth is another person.
      const other = await d.db
        .transaction()
        .execute((trx) =>
          allocateTrn(trx, { email: 'a@example.org', dateOfBirth: '1991-01-01', name: 'A' }, now, () => '2000004'),
        );
      expect(other.trn).toBe('2000004');
    });

    it('50 concurrent awards get 50 different TRNs; a double submit of each still gives one', async () => {
      const ids = await recommendedTrainees(d.db, providerId, 50);
      const results = await Promise.all(
        [...ids, ...ids].map((id) => awardTrainee(d.db, admin, id, 'http://localhost:3000', now)),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const awards = await d.db
        .selectFrom('awards')
        .select(['trainee_id', 'trn'])
        .where('trainee_id', 'in', ids)
        .execute();
      expect(awards).toHaveLength(50);
      expect(new Set(awards.map((a) => a.trn)).size).toBe(50);
      for (const a of awards) expect(a.trn).toMatch(TRN_PATTERN);
      const byTrainee = new Map(awards.map((a) => [a.trainee_id, a.trn]));
      for (const [i, r] of results.entries()) if (r.ok) expect(r.award.trn).toBe(byTrainee.get(ids[i % 50]!));
      const emails = await d.db.selectFrom('outbox').select('id').where('template', '=', 'iqts-awarded').execute();
      expect(emails.length).toBe(50);
    }, 120_000);

    it('a recommendation whose application has no date of birth is not awarded', async () => {
      const [id] = await recommendedTrainees(d.db, providerId, 1);
      const { application_id } = await d.db
        .selectFrom('trainees')
        .select('application_id')
        .where('id', '=', id!)
        .executeTakeFirstOrThrow();
      await d.db.updateTable('applications').set({ answers: '{}' }).where('id', '=', application_id).execute();
      const result = await awardTrainee(d.db, admin, id!, 'http://localhost:3000', now);
      expect(result).toEqual({
        ok: false,
        message: 'The application has no date of birth: return the recommendation to the provider',
      });
      expect(await d.db.selectFrom('awards').select('id').where('trainee_id', '=', id!).execute()).toEqual([]);
    });

    it('a returning trainee (same email and date of birth) keeps their TRN', async () => {
      const [a, b] = await recommendedTrainees(d.db, providerId, 2, true);
      const first = await awardTrainee(d.db, admin, a!, 'http://localhost:3000', now);
      const second = await awardTrainee(d.db, admin, b!, 'http://localhost:3000', now);
      expect(first.ok && second.ok).toBe(true);
      if (first.ok && second.ok) expect(second.award.trn).toBe(first.award.trn);
    });
  });
}
