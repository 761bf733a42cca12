import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFor } from '../../src/features/accounts/repository.ts';
import {
  addHours,
  adviserFigures,
  bookCallback,
  freeSlots,
  recordCall,
  submitRequest,
  takeRequest,
} from '../../src/features/advisers/repository.ts';
import { adminScope, adviserScope, candidateScope } from '../../src/shared/scope.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

/** The oversight dashboard's figures: requests by country and month, time to first contact, calls kept and missed. */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`adviser figures (${engine.name})`, () => {
    let database: TestDatabase;
    afterAll(async () => database?.dispose());
    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
    });

    it('counts requests by country and month, hours to first contact, and callbacks by outcome', async () => {
      const db = database.db;
      const adviser = (
        await accountFor(db, { email: 'fig.adviser@example.org', name: 'Fig', role: 'adviser' }, new Date())
      ).id;
      for (let weekday = 1; weekday <= 7; weekday++) {
        await addHours(db, adviserScope(adviser), { weekday, startTime: '09:00', endTime: '12:00', slotMinutes: 30 });
      }
      const ask = async (email: string, country: string, at: string) => {
        const id = (await accountFor(db, { email, name: null, role: 'candidate' }, new Date(at))).id;
        const requestId = await submitRequest(
          db,
          candidateScope(id),
          {
            answers: {
              name: email,
              country,
              timeZone: 'Asia/Kathmandu',
              phone: '+97714412345',
              stage: 'exploring',
              ageGroup: 'primary',
              helpWith: ['interview'],
            },
            email,
            eligibility: null,
          },
          new Date(at),
        );
        return { id, requestId };
      };
      const a = await ask('a@example.org', 'NP', '2027-01-10T10:00:00Z');
      const b = await ask('b@example.org', 'NP', '2027-01-20T10:00:00Z');
      const c = await ask('c@example.org', 'AU', '2027-02-01T10:00:00Z');
      const slots = await freeSlots(db);
      await bookCallback(db, candidateScope(a.id), { ...slots[0]!, slotMinutes: 30 }, 'http://localhost');
      await bookCallback(db, candidateScope(b.id), { ...slots[1]!, slotMinutes: 30 }, 'http://localhost');
      for (const r of [a, b, c]) await takeRequest(db, adviserScope(adviser), r.requestId);
      // A answered 24 hours after asking; B did not answer; C has not been called.
      const after = (at: string) => new Date(Math.max(Date.parse(at), slots[1]!.start.getTime()) + 60_000);
      await recordCall(
        db,
        adviserScope(adviser),
        a.requestId,
        { outcome: 'supported', note: 'ok', followUpOn: null },
        after('2027-01-11T10:00:00Z'),
      );
      await recordCall(
        db,
        adviserScope(adviser),
        b.requestId,
        { outcome: 'no-answer', note: 'no answer', followUpOn: null },
        after('2027-01-21T10:00:00Z'),
      );
      const figures = await adviserFigures(db, adminScope(1));
      expect(figures.requestsByCountryMonth).toEqual([
        { country: 'NP', month: '2027-01', requests: 2 },
        { country: 'AU', month: '2027-02', requests: 1 },
      ]);
      expect(figures.timeToFirstContact.contacted).toBe(1);
      expect(figures.timeToFirstContact.waiting).toBe(2);
      expect(figures.timeToFirstContact.medianHours).toBeGreaterThan(0);
      expect(figures.callbacks).toMatchObject({ kept: 1, missed: 1, booked: 0 });
    });
  });
}
