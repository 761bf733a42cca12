/**
 * The iQTS Teachers' Standards, which follow England's Teachers' Standards: Part One, eight
 * teaching standards; Part Two, personal and professional conduct. The award needs every
 * one met at the final assessment.
 * Source: the Teachers' Standards (Department for Education), as the seed page's iQTS
 * criteria refer to them; see shared/DESIGN.md, "Domain facts".
 */
export const STANDARDS = {
  ts1: { short: 'TS1', title: 'Set high expectations which inspire, motivate and challenge pupils' },
  ts2: { short: 'TS2', title: 'Promote good progress and outcomes by pupils' },
  ts3: { short: 'TS3', title: 'Demonstrate good subject and curriculum knowledge' },
  ts4: { short: 'TS4', title: 'Plan and teach well-structured lessons' },
  ts5: { short: 'TS5', title: 'Adapt teaching to respond to the strengths and needs of all pupils' },
  ts6: { short: 'TS6', title: 'Make accurate and productive use of assessment' },
  ts7: { short: 'TS7', title: 'Manage behaviour effectively to ensure a good and safe learning environment' },
  ts8: { short: 'TS8', title: 'Fulfil wider professional responsibilities' },
  part2: { short: 'Part Two', title: 'Personal and professional conduct' },
} as const;
export type Standard = keyof typeof STANDARDS;
export const STANDARD_IDS = Object.keys(STANDARDS) as [Standard, ...Standard[]];
export const isStandard = (s: string): s is Standard => Object.hasOwn(STANDARDS, s);

export const JUDGEMENTS = {
  'not-yet': 'Not yet',
  'working-towards': 'Working towards',
  meeting: 'Meeting',
} as const;
export type Judgement = keyof typeof JUDGEMENTS;
export const JUDGEMENT_IDS = Object.keys(JUDGEMENTS) as [Judgement, ...Judgement[]];

export const REVIEW_KINDS = { interim: 'Interim review', final: 'Final assessment' } as const;
export type ReviewKind = keyof typeof REVIEW_KINDS;

/** A review's overall outcome; a final review passes only when every standard is met. */
export const REVIEW_OUTCOMES = {
  'on-track': 'On track',
  'not-on-track': 'Not on track: support plan agreed',
  passed: 'Passed: all standards met',
  'not-passed': 'Not passed',
} as const;
export type ReviewOutcome = keyof typeof REVIEW_OUTCOMES;
export const OUTCOMES_FOR: Record<ReviewKind, ReviewOutcome[]> = {
  interim: ['on-track', 'not-on-track'],
  final: ['passed', 'not-passed'],
};

export const allMet = (judgements: Partial<Record<Standard, Judgement>>): boolean =>
  STANDARD_IDS.every((s) => judgements[s] === 'meeting');

/** Why a review's outcome contradicts its judgements, or null. */
export function outcomeProblem(
  kind: ReviewKind,
  outcome: ReviewOutcome,
  judgements: Partial<Record<Standard, Judgement>>,
): string | null {
  if (!OUTCOMES_FOR[kind].includes(outcome)) return 'Select an outcome for this kind of review';
  if (outcome === 'passed' && !allMet(judgements))
    return 'A final assessment can only pass when every standard is judged ‘meeting’';
  return null;
}
