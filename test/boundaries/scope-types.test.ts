import { describe, expect, it } from 'vitest';
import { applicationHistory } from '../../src/audit/repository.ts';
import { colleagues } from '../../src/features/accounts/repository.ts';
import { candidateApplications, changeState, listApplications } from '../../src/features/applications/repository.ts';
import { partnerSchools } from '../../src/features/placement-schools/repository.ts';
import {
  candidateRequest,
  myCandidates,
  recordCall,
  requestForAdviser,
} from '../../src/features/advisers/repository.ts';
import { adviserScope, candidateScope, providerScope } from '../../src/shared/scope.ts';

/**
 * Tenant reads and writes take a required scope whose type cannot be made by hand. The
 * `@ts-expect-error` lines are checked by `npm run typecheck` (part of `npm test`): if any
 * of these calls compiled, the type check would fail on an unused expectation.
 */
const db = undefined as never;

describe('tenant scopes are required by the types', () => {
  it('an unscoped or hand-made scope does not compile', () => {
    const unscoped = () => {
      // @ts-expect-error no scope at all
      void candidateApplications(db);
      // @ts-expect-error a look-alike object is not a scope: scopes come from the sign-in checks
      void candidateApplications(db, { kind: 'candidate', userId: 1, candidateId: 1 });
      // @ts-expect-error a provider's list needs a provider scope, not a candidate's
      void listApplications(db, candidateScope(1), { sort: 'newest', page: 1 }, 10);
      // @ts-expect-error a state change needs the actor's scope
      void changeState(db, { applicationId: 1, event: 'submit', serviceUrl: 'http://localhost' });
      // @ts-expect-error history is read in a provider's scope
      void applicationHistory(db, 1);
      // @ts-expect-error provider ids alone are not a scope
      void partnerSchools(db, { providerIds: [1] }, 1);
      // @ts-expect-error colleagues are listed for the providers where the user manages users
      void colleagues(db);
      // @ts-expect-error an adviser's candidates are read in an adviser's scope
      void myCandidates(db, candidateScope(1));
      // @ts-expect-error a look-alike adviser scope is not a scope
      void requestForAdviser(db, { kind: 'adviser', userId: 1 }, 1);
      // @ts-expect-error call notes are written by an adviser, not a provider user
      void recordCall(db, providerScope(1, 'view', [1]), 1, { outcome: 'supported', note: 'x', followUpOn: null });
      // @ts-expect-error a candidate's own request needs their scope
      void candidateRequest(db, adviserScope(1));
    };
    expect(typeof unscoped).toBe('function');
    // The scopes the sign-in checks make carry exactly what the repositories filter on.
    expect(providerScope(7, 'make-decisions', [3, 4])).toMatchObject({
      kind: 'provider',
      userId: 7,
      providerIds: [3, 4],
    });
    expect(candidateScope(9)).toMatchObject({ kind: 'candidate', candidateId: 9 });
    expect(adviserScope(4)).toMatchObject({ kind: 'adviser', userId: 4 });
  });
});
