import { describe, expect, it } from 'vitest';
import {
  APPROVAL_STATES,
  APPROVAL_TRANSITIONS,
  approvalEvents,
  approvalTransition,
  notTakingApplications,
  takesApplications,
  type ApprovalActor,
  type ApprovalEvent,
  type ApprovalState,
} from './approval.ts';
import { cohortCapProblem, offerCohort } from './cohort-cap.ts';

const STATES = Object.keys(APPROVAL_STATES) as ApprovalState[];
const EVENTS: ApprovalEvent[] = [
  'approve',
  'suspend',
  'lift-suspension',
  'withdraw-approval',
  'end-provision',
  'record-new-application',
];
const ACTORS: ApprovalActor[] = ['admin', 'provider'];

/** The table as the DfE's process states it: (state, event, actor) → the state after, for every allowed triple. */
const ALLOWED: Record<string, ApprovalState> = {
  'applied|approve|admin': 'approved',
  'approved|suspend|admin': 'suspended',
  'suspended|lift-suspension|admin': 'approved',
  'approved|withdraw-approval|admin': 'approval-withdrawn',
  'suspended|withdraw-approval|admin': 'approval-withdrawn',
  'approved|end-provision|admin': 'no-longer-offering',
  'suspended|end-provision|admin': 'no-longer-offering',
  'approval-withdrawn|record-new-application|admin': 'applied',
  'no-longer-offering|record-new-application|admin': 'applied',
};

describe('the provider approval state machine', () => {
  it(`decides every one of the ${STATES.length * EVENTS.length * ACTORS.length} (state, event, actor) triples`, () => {
    let checked = 0;
    for (const state of STATES)
      for (const event of EVENTS)
        for (const actor of ACTORS) {
          const result = approvalTransition(state, event, actor);
          const expected = ALLOWED[`${state}|${event}|${actor}`];
          if (expected) expect(result, `${state} ${event} ${actor}`).toMatchObject({ ok: true, to: expected });
          else {
            expect(result.ok, `${state} ${event} ${actor}`).toBe(false);
            if (!result.ok)
              expect(result.message, `${state} ${event} ${actor}`).toMatch(
                actor === 'provider' ? /^Only the DfE can / : /^You cannot .* when the provider is ‘/,
              );
          }
          checked++;
        }
    expect(checked).toBe(60);
  });

  it('offers the DfE only the steps it may take now', () => {
    expect(approvalEvents('applied').map((t) => t.event)).toEqual(['approve']);
    expect(approvalEvents('approved').map((t) => t.event)).toEqual(['suspend', 'withdraw-approval', 'end-provision']);
    expect(approvalEvents('suspended').map((t) => t.event)).toEqual([
      'lift-suspension',
      'withdraw-approval',
      'end-provision',
    ]);
    expect(approvalEvents('approval-withdrawn').map((t) => t.event)).toEqual(['record-new-application']);
    expect(approvalEvents('no-longer-offering').map((t) => t.event)).toEqual(['record-new-application']);
  });

  it('audits and emails every step under its own name', () => {
    expect(new Set(APPROVAL_TRANSITIONS.map((t) => t.action)).size).toBe(APPROVAL_TRANSITIONS.length);
    for (const t of APPROVAL_TRANSITIONS) expect(t.notify, t.event).toMatch(/^provider-/);
    expect(APPROVAL_TRANSITIONS.find((t) => t.event === 'suspend')?.action).toBe('provider-suspended');
  });

  it('only an approved provider takes applications; a suspension is told as a fact, without a reason', () => {
    expect(STATES.filter(takesApplications)).toEqual(['approved']);
    expect(notTakingApplications('approved')).toBeNull();
    expect(notTakingApplications('suspended')).toBe('This provider is not taking new applications at the moment');
    for (const s of STATES.filter((x) => x !== 'approved')) expect(notTakingApplications(s)).toMatch(/^This provider /);
  });
});

describe('the cohort cap', () => {
  it('counts an offer towards the academic year it is made in, September to August', () => {
    expect(offerCohort('2026-08-31')).toBe('2025 to 2026');
    expect(offerCohort('2026-09-01')).toBe('2026 to 2027');
    expect(offerCohort('2027-01-15')).toBe('2026 to 2027');
  });

  it('refuses the offer that would go past the cap, with the limit and the cohort', () => {
    expect(cohortCapProblem(199, 200, '2026 to 2027')).toBeNull();
    expect(cohortCapProblem(200, 200, '2026 to 2027')).toBe(
      'You have reached your cohort limit of 200 trainees for the 2026 to 2027 cohort. ' +
        'You need the DfE’s permission to make more offers for this cohort',
    );
    expect(cohortCapProblem(1500, 1200, '2026 to 2027')).toContain('cohort limit of 1,200 trainees');
  });
});
