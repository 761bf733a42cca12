import { describe, expect, it } from 'vitest';
import { STANDARD_IDS, type Judgement, type Standard } from '../training/standards.ts';
import { awardGuards, failingGuards, recordReady, type GuardId, type GuardInput } from './guards.ts';

const all = (j: Judgement) => Object.fromEntries(STANDARD_IDS.map((s) => [s, j])) as Record<Standard, Judgement>;

/** A trainee who meets every guard. */
const ready = (): GuardInput => ({
  startDate: '2026-01-05',
  criteriaVersion: '2025-04',
  reviews: [
    { kind: 'interim', date: '2026-04-01', outcome: 'on-track', judgements: all('working-towards') },
    { kind: 'final', date: '2026-07-01', outcome: 'passed', judgements: all('meeting') },
  ],
  progress: { met: true, achieved: 24, required: 24, unit: 'weeks', queriedDays: 0 },
  days: [{ status: 'confirmed' }, { status: 'confirmed' }],
  placements: [{ mentorId: 3, startDate: '2026-01-05', endDate: '2026-07-03' }],
  today: '2026-07-10',
  outcomeDate: '2026-07-01',
});

/** Each guard failing alone: the change, and the words the provider reads. */
const FAILING: Record<GuardId, [(i: GuardInput) => GuardInput, RegExp][]> = {
  'final-review': [
    [(i) => ({ ...i, reviews: i.reviews.filter((r) => r.kind !== 'final') }), /No final assessment recorded/],
    [
      (i) => ({
        ...i,
        reviews: [
          ...i.reviews,
          { kind: 'final', date: '2026-07-08', outcome: 'not-passed', judgements: all('meeting') },
        ],
      }),
      /did not pass/,
    ],
    [
      (i) => ({
        ...i,
        reviews: [
          i.reviews[0]!,
          {
            kind: 'final',
            date: '2026-07-01',
            outcome: 'passed',
            judgements: { ...all('meeting'), ts3: 'working-towards' },
          },
        ],
      }),
      /did not pass with every standard met/,
    ],
  ],
  'time-in-school': [
    [(i) => ({ ...i, progress: { ...i.progress, met: false, achieved: 23 } }), /23 of 24 weeks confirmed/],
    [
      (i) => ({
        ...i,
        criteriaVersion: 'pilot',
        progress: { met: false, achieved: 119.5, required: 120, unit: 'days', queriedDays: 0 },
      }),
      /119.5 of 120 days confirmed/,
    ],
  ],
  'no-queried-days': [[(i) => ({ ...i, days: [...i.days, { status: 'queried' }] }), /1 queried day is still open/]],
  'completed-placement': [
    [(i) => ({ ...i, placements: [] }), /No placement with a mentor has ended yet/],
    [(i) => ({ ...i, placements: [{ ...i.placements[0]!, endDate: '2026-07-11' }] }), /No placement/],
    [(i) => ({ ...i, placements: [{ ...i.placements[0]!, mentorId: null }] }), /No placement/],
  ],
  'outcome-date': [
    [(i) => ({ ...i, outcomeDate: undefined }), /Give the outcome date/],
    [(i) => ({ ...i, outcomeDate: '2026-01-04' }), /4 January 2026 is before training started, on 5 January 2026/],
    [(i) => ({ ...i, outcomeDate: '2026-07-11' }), /11 July 2026 is in the future/],
  ],
};

describe('the guards before a recommendation for iQTS', () => {
  it('all hold for a trainee who has done everything, with plain words for each', () => {
    const guards = awardGuards(ready());
    expect(guards.map((g) => g.id)).toEqual([
      'final-review',
      'time-in-school',
      'no-queried-days',
      'completed-placement',
      'outcome-date',
    ]);
    expect(failingGuards(guards)).toEqual([]);
    expect(guards.map((g) => g.detail)).toEqual([
      'Passed on 1 July 2026, every standard met',
      '24 of 24 weeks confirmed',
      'None open',
      '1 placement completed, the latest ended on 3 July 2026',
      '1 July 2026',
    ]);
    expect(guards[1]!.rule).toContain('24 weeks (criteria from 7 april 2025)');
  });

  it('the outcome date may be the start date or today', () => {
    expect(failingGuards(awardGuards({ ...ready(), outcomeDate: '2026-01-05' }))).toEqual([]);
    expect(failingGuards(awardGuards({ ...ready(), outcomeDate: '2026-07-10' }))).toEqual([]);
  });

  for (const [id, cases] of Object.entries(FAILING))
    it(`refuses when only "${id}" fails, and says why`, () => {
      for (const [change, words] of cases) {
        const failing = failingGuards(awardGuards(change(ready())));
        expect(failing.map((g) => g.id)).toEqual([id]);
        expect(failing[0]!.detail).toMatch(words);
        expect(recordReady(awardGuards(change(ready())))).toBe(id === 'outcome-date');
      }
    });
});
