import { addDays, daysBetween, weekStart } from '../../shared/local-dates.ts';

/**
 * Time in school: what a trainee must complete, by the criteria in force when their course
 * started. A course keeps its criteria version for life.
 *
 * Sources:
 * - Pilot-era criteria: the seed page (the iQTS page as first published, 2022) — trainees
 *   spend "at least 120 days" in a placement school.
 * - From 7 April 2025: the same page, changed on 2025-04-07 — "a minimum of 24 weeks" of
 *   practical experience in school with a trained mentor.
 * - Course length (about 9 months full-time; up to 2 years part-time): the seed page.
 * (shared/DESIGN.md, "Domain facts", records both.)
 */
export interface CriteriaVersion {
  id: string;
  label: string;
  /** First start date under this version (inclusive); null: from the beginning. */
  from: string | null;
  requirement: { unit: 'days' | 'weeks'; count: number };
  source: string;
}

export const CRITERIA_VERSIONS = {
  pilot: {
    id: 'pilot',
    label: 'Pilot-era criteria (courses that started before 7 April 2025)',
    from: null,
    requirement: { unit: 'days', count: 120 },
    source: 'iQTS page as first published (2022): “at least 120 days” in a placement school',
  },
  '2025-04': {
    id: '2025-04',
    label: 'Criteria from 7 April 2025',
    from: '2025-04-07',
    requirement: { unit: 'weeks', count: 24 },
    source: 'iQTS page, changed 7 April 2025: “a minimum of 24 weeks” of practical experience with a trained mentor',
  },
} as const satisfies Record<string, CriteriaVersion>;
export type CriteriaVersionId = keyof typeof CRITERIA_VERSIONS;
export const isCriteriaVersion = (v: string): v is CriteriaVersionId => Object.hasOwn(CRITERIA_VERSIONS, v);

/** The version in force on a course's start date. */
export function criteriaFor(startDate: string): CriteriaVersionId {
  return startDate >= CRITERIA_VERSIONS['2025-04'].from ? '2025-04' : 'pilot';
}

/**
 * What the criteria leave open, the default this service uses, and what a provider may
 * record for a cohort instead (its cohort policy).
 */
export const UNSTATED_BY_CRITERIA = [
  {
    question: 'How a week is counted',
    serviceDefault:
      'A week runs Monday to Sunday in the placement school’s time zone. It counts when its confirmed school ' +
      'days reach the trainee’s contracted days per week: 5 full-time, the recorded number part-time.',
    providerMay: 'Set the number of confirmed days that make a week count, for a cohort.',
  },
  {
    question: 'Part-time pro-rata',
    serviceDefault:
      'The requirement is the same number of days or weeks; a part-time week counts at the contracted days.',
    providerMay: 'Record its own policy for a cohort (the note is shown on every trainee’s progress page).',
  },
  {
    question: 'Half days',
    serviceDefault: 'A half day counts as half a day, towards days and towards a week.',
    providerMay: 'Nothing further: the same for every cohort.',
  },
] as const;

export const STUDY_MODES = { 'full-time': 'Full-time', 'part-time': 'Part-time' } as const;
export type StudyMode = keyof typeof STUDY_MODES;

export interface DayForProgress {
  date: string;
  /** 2 a full day, 1 a half day. */
  halves: number;
  status: 'logged' | 'confirmed' | 'queried';
}

export interface ProgressInput {
  criteria: CriteriaVersionId;
  daysPerWeek: number;
  /** The cohort policy's days for a week to count; null: the contracted days. */
  policyWeekDays: number | null;
  startDate: string;
  expectedEndDate: string;
  /** Today in the placement school's zone. */
  today: string;
  days: readonly DayForProgress[];
}

export interface WeekProgress {
  start: string;
  confirmedDays: number;
  counts: boolean;
}

export interface Progress {
  unit: 'days' | 'weeks';
  required: number;
  achieved: number;
  met: boolean;
  /** The date the requirement was reached, when it has been. */
  metOn: string | null;
  confirmedDays: number;
  countedWeeks: number;
  weekThreshold: number;
  awaitingDays: number;
  queriedDays: number;
  weeks: WeekProgress[];
  /** At the pace so far: when the requirement will be reached; null when no pace yet. */
  projectedCompletion: string | null;
  /** Not met, and at this pace not by the expected end date. */
  behind: boolean;
}

/** Days and weeks against the requirement. Only confirmed days count; a date counts at most one day. */
export function progress(input: ProgressInput): Progress {
  const { unit, count: required } = CRITERIA_VERSIONS[input.criteria].requirement;
  const weekThreshold = input.policyWeekDays ?? input.daysPerWeek;
  const halvesByDate = new Map<string, number>();
  let awaiting = 0;
  let queried = 0;
  for (const d of input.days) {
    if (d.status === 'confirmed') halvesByDate.set(d.date, Math.min(2, (halvesByDate.get(d.date) ?? 0) + d.halves));
    else if (d.status === 'queried') queried += d.halves / 2;
    else awaiting += d.halves / 2;
  }
  const dates = [...halvesByDate.keys()].sort();
  const byWeek = new Map<string, number>();
  let confirmedHalves = 0;
  let metOn: string | null = null;
  const countedWeekEnds: string[] = [];
  for (const date of dates) {
    const halves = halvesByDate.get(date)!;
    confirmedHalves += halves;
    if (unit === 'days' && metOn === null && confirmedHalves >= required * 2) metOn = date;
    const w = weekStart(date);
    byWeek.set(w, (byWeek.get(w) ?? 0) + halves);
  }
  // The course's first week, or the first confirmed day's if earlier (no confirmed day yet: the course's).
  const firstWeek = weekStart(dates[0] !== undefined && dates[0] < input.startDate ? dates[0] : input.startDate);
  const lastDate = [input.today, dates.at(-1) ?? input.today].sort().at(-1)!;
  const weeks: WeekProgress[] = [];
  for (let w = firstWeek; w <= lastDate; w = addDays(w, 7)) {
    const confirmedDays = (byWeek.get(w) ?? 0) / 2;
    const counts = confirmedDays >= weekThreshold;
    weeks.push({ start: w, confirmedDays, counts });
    if (counts) countedWeekEnds.push(addDays(w, 6));
  }
  if (unit === 'weeks' && countedWeekEnds.length >= required) metOn = countedWeekEnds[required - 1]!;
  const confirmedDays = confirmedHalves / 2;
  const countedWeeks = countedWeekEnds.length;
  const achieved = unit === 'days' ? confirmedDays : countedWeeks;
  const met = achieved >= required;

  const pace = projection({
    achieved,
    required,
    startDate: input.startDate,
    expectedEndDate: input.expectedEndDate,
    today: input.today,
  });
  const projectedCompletion = met ? metOn : pace.projectedCompletion;
  const behind = pace.behind;
  return {
    unit,
    required,
    achieved,
    met,
    metOn,
    confirmedDays,
    countedWeeks,
    weekThreshold,
    awaitingDays: awaiting,
    queriedDays: queried,
    weeks,
    projectedCompletion,
    behind,
  };
}

/**
 * The pace rule, shared by a trainee's page and the provider's list: the rate so far (per
 * week since the course started) carried forward from this week; behind when that lands
 * after the expected end date, or there is no pace yet.
 */
export function projection(input: {
  achieved: number;
  required: number;
  startDate: string;
  expectedEndDate: string;
  today: string;
}): { projectedCompletion: string | null; behind: boolean } {
  if (input.achieved >= input.required) return { projectedCompletion: null, behind: false };
  const elapsedWeeks = Math.max(1, Math.floor(daysBetween(weekStart(input.startDate), input.today) / 7) + 1);
  const perWeek = input.achieved / elapsedWeeks;
  const projectedCompletion =
    perWeek > 0
      ? addDays(weekStart(input.today), Math.ceil((input.required - input.achieved) / perWeek) * 7 - 1)
      : null;
  return { projectedCompletion, behind: projectedCompletion === null || projectedCompletion > input.expectedEndDate };
}

/** Whole days since 1970-01-01 of a YYYY-MM-DD date. */
export const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/** The day number of the Monday of a day number's week (1970-01-01 was a Thursday). */
const mondayOf = (day: number): number => day - ((((day + 3) % 7) + 7) % 7);

/**
 * `projection(…).behind` in day numbers rather than date strings: the steps the national
 * figures' SQL takes for every trainee in training (oversight/figures.ts). Tests hold this
 * equal to `projection`, and the SQL's counts equal to this, trainee by trainee.
 */
export function behindPace(
  achieved: number,
  required: number,
  startDay: number,
  expectedEndDay: number,
  today: number,
): boolean {
  if (achieved >= required) return false;
  if (!(achieved > 0)) return true;
  const elapsedWeeks = Math.max(1, Math.floor((today - mondayOf(startDay)) / 7) + 1);
  const perWeek = achieved / elapsedWeeks;
  return mondayOf(today) + Math.ceil((required - achieved) / perWeek) * 7 - 1 > expectedEndDay;
}
