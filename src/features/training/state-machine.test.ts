import { describe, expect, it } from 'vitest';
import {
  TRAINEE_STATES,
  TRAINEE_TRANSITIONS,
  traineeEvents,
  traineeTransition,
  type TraineeActor,
  type TraineeEvent,
  type TraineeState,
} from './state-machine.ts';

const STATES = Object.keys(TRAINEE_STATES) as TraineeState[];
const EVENTS: TraineeEvent[] = ['defer', 'reinstate', 'withdraw', 'recommend', 'return-to-training', 'award', 'revoke'];
const ACTORS: TraineeActor[] = ['provider', 'admin'];

/** The table as the issue states it: (state, event, actor) → the state after, for every allowed triple. */
const ALLOWED: Record<string, TraineeState> = {
  'in-training|defer|provider': 'deferred',
  'deferred|reinstate|provider': 'in-training',
  'in-training|withdraw|provider': 'withdrawn',
  'deferred|withdraw|provider': 'withdrawn',
  'in-training|recommend|provider': 'recommended',
  'recommended|return-to-training|admin': 'in-training',
  'recommended|award|admin': 'awarded',
  'awarded|revoke|admin': 'revoked',
};

describe('the trainee state machine', () => {
  it(`decides every one of the ${STATES.length * EVENTS.length * ACTORS.length} (state, event, actor) triples`, () => {
    let checked = 0;
    for (const state of STATES)
      for (const event of EVENTS)
        for (const actor of ACTORS) {
          const result = traineeTransition(state, event, actor);
          const expected = ALLOWED[`${state}|${event}|${actor}`];
          if (expected) expect(result, `${state} ${event} ${actor}`).toMatchObject({ ok: true, to: expected });
          else {
            expect(result.ok, `${state} ${event} ${actor}`).toBe(false);
            if (!result.ok) expect(result.message).toMatch(/^(Only the|You cannot)/);
          }
          checked++;
        }
    expect(checked).toBe(84);
  });

  it('offers each side only the steps it may take', () => {
    expect(traineeEvents('in-training', 'provider').map((t) => t.event)).toEqual(['defer', 'withdraw', 'recommend']);
    expect(traineeEvents('deferred', 'provider').map((t) => t.event)).toEqual(['reinstate', 'withdraw']);
    expect(traineeEvents('withdrawn', 'provider')).toEqual([]);
    expect(traineeEvents('recommended', 'admin').map((t) => t.event)).toEqual(['return-to-training', 'award']);
    expect(traineeEvents('awarded', 'admin').map((t) => t.event)).toEqual(['revoke']);
    expect(traineeEvents('awarded', 'provider')).toEqual([]);
    expect(traineeEvents('revoked', 'admin')).toEqual([]);
  });

  it('tells someone at every step', () => {
    for (const t of TRAINEE_TRANSITIONS) expect(Object.keys(t.notify).length, t.event).toBeGreaterThan(0);
  });
});
