import { addDays, localToday } from '../../shared/local-dates.ts';
import { ENGLAND, localToUtc, wallClock } from '../../shared/zoned-time.ts';
import type { ApplicationEvent, ApplicationState } from '../applications/state-machine.ts';
import { englandBankHolidays, type BankHolidays } from './bank-holidays.ts';
import { addWorkingDays, holidaysKnownFor, subtractWorkingDays, workingDaysBetween } from './working-days.ts';

/**
 * The service's deadlines, as one versioned table. A deadline keeps the version in force
 * when it opened, so changing the table later never moves a deadline someone was told.
 *
 * No DfE rule for iQTS applications sets these periods that we can cite: each value here is
 * the service's own policy, and says so in `source`. Change them by adding a new version.
 */
export type DeadlineKind = 'provider-decision' | 'offer-response';
export type PeriodUnit = 'working-days' | 'days';

export interface Period {
  count: number;
  /** Working days in England (weekends and England's bank holidays skipped), or calendar days. */
  unit: PeriodUnit;
}

export interface Reminder {
  id: string;
  /** How long before the last day; 0: on the last day itself. */
  before: Period;
  /** Who is reminded. */
  to: 'provider' | 'candidate';
}

export interface DeadlineRule {
  kind: DeadlineKind;
  /** The step that opens the deadline. */
  opensOn: ApplicationEvent;
  /** The deadline stays open while the application is in one of these states; any other closes it. */
  openWhile: readonly ApplicationState[];
  period: Period;
  /** Whose end of day (11:59pm) the deadline is: England's, or the candidate's own zone. */
  endOfDayIn: 'england' | 'candidate';
  reminders: readonly Reminder[];
  /** The step the service takes itself when the deadline passes. */
  whenPassed: ApplicationEvent;
  source: string;
}

export interface DeadlinePolicy {
  version: string;
  /** In force for deadlines opened on or after this date (England's date). */
  inForceFrom: string;
  rules: Readonly<Record<DeadlineKind, DeadlineRule>>;
}

const SERVICE_POLICY = 'Service policy (no DfE rule cited)';

export const DEADLINE_POLICIES: readonly DeadlinePolicy[] = [
  {
    version: '2026-1',
    inForceFrom: '2026-12-01',
    rules: {
      'provider-decision': {
        kind: 'provider-decision',
        opensOn: 'submit',
        // Inviting to interview is not a decision: the provider still has to decide.
        openWhile: ['awaiting-decision', 'interviewing'],
        period: { count: 20, unit: 'working-days' },
        endOfDayIn: 'england',
        reminders: [
          { id: '2-working-days-before', before: { count: 2, unit: 'working-days' }, to: 'provider' },
          { id: 'on-the-day', before: { count: 0, unit: 'working-days' }, to: 'provider' },
        ],
        whenPassed: 'reject-by-default',
        source: SERVICE_POLICY,
      },
      'offer-response': {
        kind: 'offer-response',
        opensOn: 'make-offer',
        openWhile: ['offer'],
        // Calendar days ending in the candidate's own zone: England's working days mean little in Auckland.
        period: { count: 14, unit: 'days' },
        endOfDayIn: 'candidate',
        reminders: [
          { id: '3-days-before', before: { count: 3, unit: 'days' }, to: 'candidate' },
          { id: 'on-the-day', before: { count: 0, unit: 'days' }, to: 'candidate' },
        ],
        whenPassed: 'decline-by-default',
        source: SERVICE_POLICY,
      },
    },
  },
];

/** The version in force on a date (England's). Before the first version, the first applies. */
export function policyInForce(at: Date, policies: readonly DeadlinePolicy[] = DEADLINE_POLICIES): DeadlinePolicy {
  const today = localToday(ENGLAND, at);
  const inForce = [...policies]
    .filter((p) => p.inForceFrom <= today)
    .sort((a, b) => (a.inForceFrom < b.inForceFrom ? 1 : -1));
  return inForce[0] ?? policies[0]!;
}

export function policyVersion(version: string): DeadlinePolicy | undefined {
  return DEADLINE_POLICIES.find((p) => p.version === version);
}

/** The rules that open on a step. */
export function rulesOpenedBy(event: ApplicationEvent, policy: DeadlinePolicy): DeadlineRule[] {
  return Object.values(policy.rules).filter((r) => r.opensOn === event);
}

/**
 * The rules (of any version) kept open while `from` that `to` no longer keeps open: what a
 * step from one to the other closes. None from a state no rule keeps open (a draft), so
 * such a step has nothing to look for.
 */
export function kindsClosedBy(from: ApplicationState, to: ApplicationState): DeadlineKind[] {
  const kinds = new Set<DeadlineKind>();
  for (const p of DEADLINE_POLICIES)
    for (const r of Object.values(p.rules))
      if (r.openWhile.includes(from) && !r.openWhile.includes(to)) kinds.add(r.kind);
  return [...kinds];
}

const shift = (date: string, period: Period, sign: 1 | -1, holidays: BankHolidays): string => {
  if (period.count === 0) return date;
  if (period.unit === 'days') return addDays(date, sign * period.count);
  return sign === 1 ? addWorkingDays(date, period.count, holidays) : subtractWorkingDays(date, period.count, holidays);
};

/**
 * A wall-clock reading as an instant, whatever the clocks do: a reading that happens twice
 * (clocks go back) is its later instant, the more generous one; a reading the clocks skip
 * is the first instant after the gap.
 */
function instantAt(date: string, time: string, zone: string): Date {
  const found = localToUtc(date, time, zone);
  if (found.kind === 'exact') return found.instant;
  if (found.kind === 'repeated') return found.later;
  // Skipped: walk forward a minute at a time to the end of the gap (gaps last at most a day).
  const [h, m] = time.split(':').map(Number) as [number, number];
  for (let minutes = h * 60 + m + 1; minutes < 48 * 60; minutes++) {
    const d = minutes >= 24 * 60 ? addDays(date, 1) : date;
    const mm = minutes % (24 * 60);
    const t = `${String(Math.floor(mm / 60)).padStart(2, '0')}:${String(mm % 60).padStart(2, '0')}`;
    const next = localToUtc(d, t, zone);
    if (next.kind === 'exact') return next.instant;
    if (next.kind === 'repeated') return next.earlier;
  }
  throw new Error(`No instant for ${date} ${time} in ${zone}`);
}

/**
 * The end of a day in a zone: 11:59pm (to the last second, 23:59:59). Where the clocks go
 * back at midnight and 11:59pm happens twice, the later; where a day has no 11:59pm (a
 * zone that skipped it), the moment its clocks jumped.
 */
export function endOfDay(date: string, zone: string): Date {
  const late = localToUtc(date, '23:59', zone);
  if (late.kind === 'exact') return new Date(late.instant.getTime() + 59_000);
  if (late.kind === 'repeated') return new Date(late.later.getTime() + 59_000);
  // The day ends before 11:59pm: the last minute that exists on it.
  for (let minutes = 23 * 60 + 58; minutes >= 0; minutes--) {
    const t = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const found = localToUtc(date, t, zone);
    if (found.kind !== 'skipped')
      return new Date((found.kind === 'exact' ? found.instant : found.later).getTime() + 59_000);
  }
  // A day the zone skipped entirely (Samoa's 30 December 2011): the deadline is the day before's end.
  return endOfDay(addDays(date, -1), zone);
}

export interface Deadline {
  /** The last day, in the deadline's zone. */
  lastDay: string;
  /** 11:59pm on the last day in the deadline's zone, as an instant. */
  dueAt: Date;
  zone: string;
  /** False when the period runs past the bank holidays the service knows (see data/). */
  holidaysKnown: boolean;
}

/**
 * When a deadline falls: the period counted from the date it opened (in the deadline's
 * zone; the opening day itself does not count), ending at 11:59pm on the last day.
 */
export function deadlineFor(
  rule: DeadlineRule,
  openedAt: Date,
  candidateZone: string,
  holidays: BankHolidays = englandBankHolidays(),
): Deadline {
  const zone = rule.endOfDayIn === 'england' ? ENGLAND : candidateZone;
  const opened = wallClock(zone, openedAt).date;
  const lastDay = shift(opened, rule.period, 1, holidays);
  return {
    lastDay,
    dueAt: endOfDay(lastDay, zone),
    zone,
    holidaysKnown:
      rule.period.unit === 'days' || (holidaysKnownFor(opened, holidays) && holidaysKnownFor(lastDay, holidays)),
  };
}

/** Reminders are sent at 9am on their day, in the deadline's zone: a working hour, not the small hours. */
export const REMINDER_TIME = '09:00';

/**
 * The moments of a deadline's reminders, in order, each before the deadline. A reminder
 * whose moment came before the deadline opened is left out (a short period has fewer).
 */
export function reminderTimes(
  rule: DeadlineRule,
  deadline: Pick<Deadline, 'lastDay' | 'zone' | 'dueAt'>,
  openedAt: Date,
  holidays: BankHolidays = englandBankHolidays(),
): { id: string; at: Date }[] {
  return rule.reminders
    .map((r) => ({
      id: r.id,
      at: instantAt(shift(deadline.lastDay, r.before, -1, holidays), REMINDER_TIME, deadline.zone),
    }))
    .filter((r) => r.at > openedAt && r.at < deadline.dueAt)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export interface TimeLeft {
  overdue: boolean;
  /** The last day is today, in the deadline's zone. */
  today: boolean;
  /** Working days (or days) after today, up to and including the last day. */
  left: number;
  unit: PeriodUnit;
}

export function timeLeft(
  deadline: { lastDay: string; dueAt: Date; zone: string },
  unit: PeriodUnit,
  now: Date,
  holidays: BankHolidays = englandBankHolidays(),
): TimeLeft {
  const today = wallClock(deadline.zone, now).date;
  const overdue = now > deadline.dueAt;
  const left =
    overdue || today >= deadline.lastDay
      ? 0
      : unit === 'working-days'
        ? workingDaysBetween(today, deadline.lastDay, holidays)
        : Math.round((Date.parse(deadline.lastDay) - Date.parse(today)) / 86_400_000);
  return { overdue, today: !overdue && today === deadline.lastDay, left, unit };
}

/** "Decide within 2 working days", "Decide today", "Overdue": what the tag says. */
export function timeLeftText(verb: string, t: TimeLeft): string {
  if (t.overdue) return 'Overdue';
  if (t.today) return `${verb} today`;
  const noun = t.unit === 'working-days' ? 'working day' : 'day';
  return `${verb} within ${t.left} ${noun}${t.left === 1 ? '' : 's'}`;
}

/** "20 working days", "14 days" */
export function periodText(p: Period): string {
  const noun = p.unit === 'working-days' ? 'working day' : 'day';
  return `${p.count} ${noun}${p.count === 1 ? '' : 's'}`;
}
