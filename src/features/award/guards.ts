import { govukDate } from '../../shared/dates.ts';
import { CRITERIA_VERSIONS, type CriteriaVersionId, type Progress } from '../training/requirements.ts';
import { allMet, type Judgement, type ReviewKind, type ReviewOutcome, type Standard } from '../training/standards.ts';

/**
 * What must hold before a provider recommends a trainee for iQTS. Pure: the facts come in,
 * each guard says whether it holds, in plain words. The recommendation page lists them; the
 * server checks them again in the transaction that changes the trainee's state.
 */
export interface GuardInput {
  startDate: string;
  criteriaVersion: CriteriaVersionId;
  reviews: readonly {
    kind: ReviewKind;
    date: string;
    outcome: ReviewOutcome;
    judgements: Partial<Record<Standard, Judgement>>;
  }[];
  progress: Pick<Progress, 'met' | 'achieved' | 'required' | 'unit' | 'queriedDays'>;
  days: readonly { status: string }[];
  placements: readonly { mentorId: number | null; mentorName?: string; startDate: string; endDate: string }[];
  /** Today in the placement school's zone. */
  today: string;
  /** The outcome date the provider gives; undefined before they give one. */
  outcomeDate: string | undefined;
}

export type GuardId = 'final-review' | 'time-in-school' | 'no-queried-days' | 'completed-placement' | 'outcome-date';

export interface Guard {
  id: GuardId;
  /** The rule, in plain words. */
  rule: string;
  holds: boolean;
  /** What the record shows. */
  detail: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function awardGuards(input: GuardInput): Guard[] {
  const finals = input.reviews.filter((r) => r.kind === 'final');
  const lastFinal = finals.at(-1);
  const finalPassed = lastFinal !== undefined && lastFinal.outcome === 'passed' && allMet(lastFinal.judgements);

  const criteria = CRITERIA_VERSIONS[input.criteriaVersion];
  const { achieved, required, unit, met } = input.progress;

  const queried = input.days.filter((d) => d.status === 'queried').length;

  const completed = input.placements.filter((p) => p.mentorId !== null && p.endDate <= input.today);

  const date = input.outcomeDate;
  const dateHolds = date !== undefined && date >= input.startDate && date <= input.today;

  return [
    {
      id: 'final-review',
      rule: 'The final assessment has passed, with every Teachers’ Standard met',
      holds: finalPassed,
      detail: lastFinal
        ? finalPassed
          ? `Passed on ${govukDate(lastFinal.date)}, every standard met`
          : `The latest final assessment, on ${govukDate(lastFinal.date)}, did not pass with every standard met`
        : 'No final assessment recorded',
    },
    {
      id: 'time-in-school',
      rule: `The time in school is confirmed: ${plural(required, unit.slice(0, -1), unit)} (${criteria.label.toLowerCase()})`,
      holds: met,
      detail: `${achieved} of ${required} ${unit} confirmed`,
    },
    {
      id: 'no-queried-days',
      rule: 'No queried days are still open',
      holds: queried === 0,
      detail: queried === 0 ? 'None open' : `${plural(queried, 'queried day is', 'queried days are')} still open`,
    },
    {
      id: 'completed-placement',
      rule: 'At least one placement with a mentor has been completed',
      holds: completed.length > 0,
      detail:
        completed.length > 0
          ? `${plural(completed.length, 'placement', 'placements')} completed, the latest ended on ${govukDate(completed.at(-1)!.endDate)}`
          : 'No placement with a mentor has ended yet',
    },
    {
      id: 'outcome-date',
      rule: 'The outcome date is on or after the start of training, and not in the future',
      holds: dateHolds,
      detail:
        date === undefined
          ? 'Give the outcome date below'
          : date < input.startDate
            ? `${govukDate(date)} is before training started, on ${govukDate(input.startDate)}`
            : date > input.today
              ? `${govukDate(date)} is in the future`
              : govukDate(date),
    },
  ];
}

/** The guards that do not hold, for a refusal: an empty list means the recommendation may go ahead. */
export const failingGuards = (guards: readonly Guard[]): Guard[] => guards.filter((g) => !g.holds);

/** Every guard except the outcome date, which the provider gives with the recommendation. */
export const recordReady = (guards: readonly Guard[]): boolean =>
  guards.every((g) => g.holds || g.id === 'outcome-date');
