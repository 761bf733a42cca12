import { describe, expect, it } from 'vitest';
import {
  availableEvents,
  isOpen,
  OPEN_STATES,
  STATES,
  transition,
  TRANSITIONS,
  type Actor,
  type ApplicationEvent,
  type ApplicationState,
} from './state-machine.ts';

const states = Object.keys(STATES) as ApplicationState[];
const events = TRANSITIONS.map((t) => t.event) as ApplicationEvent[];
const actors: Actor[] = ['candidate', 'provider', 'system'];

/** The expected table, written out independently of TRANSITIONS. */
const allowed: Record<string, ApplicationState> = {
  'draft|submit|candidate': 'awaiting-decision',
  'awaiting-decision|invite-to-interview|provider': 'interviewing',
  'interviewing|invite-to-interview|provider': 'interviewing',
  'awaiting-decision|make-offer|provider': 'offer',
  'interviewing|make-offer|provider': 'offer',
  'awaiting-decision|reject|provider': 'rejected',
  'interviewing|reject|provider': 'rejected',
  'offer|accept-offer|candidate': 'conditions-pending',
  'offer|decline-offer|candidate': 'declined',
  'offer|withdraw-offer|provider': 'offer-withdrawn',
  'conditions-pending|confirm-conditions-met|provider': 'recruited',
  'conditions-pending|mark-conditions-not-met|provider': 'conditions-not-met',
  'awaiting-decision|withdraw|candidate': 'withdrawn',
  'interviewing|withdraw|candidate': 'withdrawn',
  'offer|withdraw|candidate': 'withdrawn',
  'conditions-pending|withdraw|candidate': 'withdrawn',
  // Proposing a placement school records the school; the state stays.
  'awaiting-decision|propose-placement-school|provider': 'awaiting-decision',
  'interviewing|propose-placement-school|provider': 'interviewing',
  'offer|propose-placement-school|provider': 'offer',
  'conditions-pending|propose-placement-school|provider': 'conditions-pending',
  // Deadlines passing: only the service itself takes these steps.
  'awaiting-decision|reject-by-default|system': 'rejected',
  'interviewing|reject-by-default|system': 'rejected',
  'offer|decline-by-default|system': 'declined',
};

describe('the application state machine', () => {
  it(`allows exactly the listed transitions over every (state, event, actor): ${states.length * events.length * actors.length} pairs`, () => {
    let allowedCount = 0;
    for (const s of states) {
      for (const e of events) {
        for (const a of actors) {
          const result = transition(s, e, a);
          const expected = allowed[`${s}|${e}|${a}`];
          if (expected) {
            allowedCount++;
            expect(result, `${s} ${e} by ${a}`).toMatchObject({ ok: true, to: expected });
          } else {
            expect(result.ok, `${s} ${e} by ${a}`).toBe(false);
            if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
          }
        }
      }
    }
    expect(allowedCount).toBe(Object.keys(allowed).length);
  });

  it('explains a refusal in plain words', () => {
    expect(transition('rejected', 'make-offer', 'provider')).toEqual({
      ok: false,
      message: 'You cannot make an offer when the application is ‘unsuccessful’',
    });
    expect(transition('offer', 'accept-offer', 'provider')).toEqual({
      ok: false,
      message: 'Only the candidate can accept offer',
    });
    expect(transition('offer', 'fly' as ApplicationEvent, 'provider')).toEqual({
      ok: false,
      message: 'That action does not exist',
    });
  });

  it('closed states allow nothing more; open states allow the candidate to withdraw', () => {
    for (const s of states) {
      const candidate = availableEvents(s, 'candidate').map((t) => t.event);
      if (isOpen(s)) expect(candidate).toContain('withdraw');
      else if (s !== 'draft') expect([...candidate, ...availableEvents(s, 'provider')]).toEqual([]);
    }
    expect(OPEN_STATES).toEqual(['awaiting-decision', 'interviewing', 'offer', 'conditions-pending']);
  });

  it('every change tells the other side; a step taken by default tells both', () => {
    for (const t of TRANSITIONS) {
      if (t.actor === 'provider') expect(t.notify.candidate, t.event).toBeDefined();
      else if (t.actor === 'candidate') expect(t.notify.provider, t.event).toBeDefined();
      else {
        expect(t.notify.candidate, t.event).toBeDefined();
        expect(t.notify.provider, t.event).toBeDefined();
      }
    }
  });

  it('neither side can take a step by default by hand', () => {
    expect(transition('awaiting-decision', 'reject-by-default', 'provider').ok).toBe(false);
    expect(transition('offer', 'decline-by-default', 'candidate').ok).toBe(false);
    expect(availableEvents('offer', 'candidate').map((t) => t.event)).not.toContain('decline-by-default');
  });
});
