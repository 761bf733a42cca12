import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFor } from '../../src/features/accounts/repository.ts';
import { addHours, bookCallback, freeSlots, submitRequest } from '../../src/features/advisers/repository.ts';
import { adviserScope, candidateScope } from '../../src/shared/scope.ts';
import { openTestDatabase, engines, type TestDatabase } from '../helpers/databases.ts';

/**
 * A slot is booked once, by the database: 50 candidates booking the same slot at the same
 * moment, on each engine, and exactly one of them gets it; the other 49 are told it was
 * taken, and the slot is no longer offered.
 */
const ATTEMPTS = 50;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`booking one slot (${engine.name})`, () => {
    let database: TestDatabase;
    let adviserId: number;
    const candidates: number[] = [];

    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      const db = database.db;
      const now = new Date();
      adviserId = (
        await accountFor(db, { email: 'race.adviser@example.org', name: 'Race Adviser', role: 'adviser' }, now)
      ).id;
      for (let weekday = 1; weekday <= 7; weekday++) {
        const added = await addHours(db, adviserScope(adviserId), {
          weekday,
          startTime: '09:00',
          endTime: '10:00',
          slotMinutes: 30,
        });
        expect(added.ok).toBe(true);
      }
      for (let i = 0; i < ATTEMPTS; i++) {
        const id = (await accountFor(db, { email: `racer${i}@example.org`, name: null, role: 'candidate' }, now)).id;
        await submitRequest(db, candidateScope(id), {
          answers: {
            name: `Racer ${i}`,
            country: 'NP',
            timeZone: 'Asia/Kathmandu',
            phone: '+97714412345',
            stage: 'exploring',
            ageGroup: 'primary',
            degreeStatus: 'have-degree',
            helpWith: ['interview'],
            shareConsent: 'no',
          },
          email: `racer${i}@example.org`,
          eligibility: null,
        });
        candidates.push(id);
      }
    }, 120_000);
    afterAll(async () => database?.dispose());

    it(`${ATTEMPTS} concurrent bookings of one slot: exactly one wins`, async () => {
      const db = database.db;
      const [slot] = await freeSlots(db);
      expect(slot).toBeDefined();
      const results = await Promise.all(
        candidates.map((id) =>
          bookCallback(
            db,
            candidateScope(id),
            { adviserId: slot!.adviserId, start: slot!.start, slotMinutes: 30 },
            'http://localhost',
          ),
        ),
      );
      const won = results.filter((r) => r.ok);
      expect(won).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'taken')).toHaveLength(ATTEMPTS - 1);
      const booked = await db
        .selectFrom('adviser_callbacks')
        .select(['request_id'])
        .where('starts_at', '=', slot!.start.toISOString())
        .where('status', '=', 'booked')
        .execute();
      expect(booked).toHaveLength(1);
      // One email, one audit row: the losers changed nothing.
      const emails = await db.selectFrom('outbox').select('id').where('template', '=', 'adviser-call-booked').execute();
      expect(emails).toHaveLength(1);
      const audit = await db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'adviser-call-booked')
        .execute();
      expect(audit).toHaveLength(1);
      // The slot is no longer offered; the next one is.
      const next = await freeSlots(db);
      expect(next.some((s) => s.start.getTime() === slot!.start.getTime())).toBe(false);
      expect(next[0]!.start.getTime()).toBeGreaterThan(slot!.start.getTime());
    }, 120_000);
  });
}
