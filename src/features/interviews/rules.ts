import { isIsoDate } from '../../shared/local-dates.ts';
import { cityTime, localToUtc, momentInZone, safeZone, timeInZone, zonedLongDate } from '../../shared/zoned-time.ts';

/**
 * Interviews' rules, pure: which side may do what from which status, how a typed slot
 * (a date, a wall-clock time and a zone) becomes one instant, and how a time is said to
 * each reader. A time that the clocks skip is refused; one they show twice is asked about.
 */
export const INTERVIEW_STATUSES = {
  proposed: 'Waiting for the candidate to choose a time',
  'other-times-requested': 'The candidate asked for other times',
  agreed: 'Agreed',
  cancelled: 'Cancelled',
} as const;
export type InterviewStatus = keyof typeof INTERVIEW_STATUSES;
export const isInterviewStatus = (s: string): s is InterviewStatus => Object.hasOwn(INTERVIEW_STATUSES, s);

export type InterviewStep = 'choose' | 'ask-other-times' | 'new-times' | 'cancel';
export type Side = 'candidate' | 'provider';

/** Who may take each step, and from which statuses. Anything else is refused. */
export const INTERVIEW_STEPS: Record<InterviewStep, { side: Side | 'either'; from: readonly InterviewStatus[] }> = {
  choose: { side: 'candidate', from: ['proposed'] },
  // From an agreed interview this is the candidate asking to rearrange it.
  'ask-other-times': { side: 'candidate', from: ['proposed', 'agreed'] },
  // From an agreed interview this is the provider rearranging it.
  'new-times': { side: 'provider', from: ['proposed', 'other-times-requested', 'agreed'] },
  cancel: { side: 'either', from: ['proposed', 'other-times-requested', 'agreed'] },
};

const REFUSALS: Record<InterviewStep, string> = {
  choose: 'You can only choose a time while the interview is waiting for you to choose one',
  'ask-other-times': 'You cannot ask for other times for this interview now',
  'new-times': 'You cannot propose new times for this interview now',
  cancel: 'This interview has already been cancelled',
};

export function mayTake(
  step: InterviewStep,
  side: Side,
  status: string,
): { ok: true } | { ok: false; message: string } {
  const rule = INTERVIEW_STEPS[step];
  if (rule.side !== 'either' && rule.side !== side) return { ok: false, message: REFUSALS[step] };
  return isInterviewStatus(status) && rule.from.includes(status)
    ? { ok: true }
    : { ok: false, message: REFUSALS[step] };
}

/** "9:00pm", "21:00", "9pm", "9.30am", "0930" as hours and minutes; undefined when it is not a time. */
export function parseClock(text: string): { hour: number; minute: number } | undefined {
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(text.trim().replace(/\s+/g, ' '));
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[3]?.toLowerCase().replace(/\./g, '');
  if (minute > 59) return undefined;
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  } else if (hour > 23 || (m[2] === undefined && text.trim().length > 2)) return undefined;
  return { hour, minute };
}

export const DURATIONS = [15, 30, 45, 60, 90, 120] as const;
export const SLOT_COUNT = 3;
/** How far ahead an interview may be proposed: a typo in the year is caught. */
export const LATEST_DAYS_AHEAD = 366;

export interface SlotInput {
  day: string;
  month: string;
  year: string;
  time: string;
  /** For a time the clocks show twice: "earlier" or "later". */
  which: string;
}

export interface RepeatedTime {
  slot: number;
  /** "1:30am British Summer Time (UTC+1)" and "1:30am Greenwich Mean Time (UTC)". */
  earlier: string;
  later: string;
}

export type SlotsResult =
  | { ok: true; instants: Date[] }
  | {
      ok: false;
      errors: { text: string; href: string }[];
      fieldErrors: Record<string, string>;
      /** Slots whose time happens twice in the zone: the form asks which one is meant. */
      repeated: RepeatedTime[];
    };

const isBlank = (s: SlotInput) => [s.day, s.month, s.year, s.time].every((v) => v.trim() === '');

/**
 * Reads up to SLOT_COUNT slots typed in one zone. Slot 1 is required, the others optional.
 * Each must be a real date and time, exist in the zone, be in the future, within a year,
 * and differ from the others.
 */
export function readSlots(inputs: SlotInput[], zone: string, now: Date): SlotsResult {
  const errors: { text: string; href: string }[] = [];
  const fieldErrors: Record<string, string> = {};
  const repeated: RepeatedTime[] = [];
  const instants: Date[] = [];
  const refuse = (n: number, field: 'day' | 'time' | 'which', text: string) => {
    const name = `slot${n}-${field}`;
    errors.push({ text, href: `#${name}` });
    fieldErrors[name] = text;
  };
  inputs.slice(0, SLOT_COUNT).forEach((input, i) => {
    const n = i + 1;
    const label = n === 1 ? 'The interview time' : `Time ${n}`;
    if (isBlank(input)) {
      if (n === 1) refuse(n, 'day', 'Enter the date and time of the interview');
      return;
    }
    const [d, mo, y] = [input.day, input.month, input.year].map((v) => v.trim());
    if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(mo!) || !/^\d{4}$/.test(y!)) {
      refuse(n, 'day', `${label}: enter a real date, like 16 3 2027`);
      return;
    }
    const date = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    if (!isIsoDate(date)) {
      refuse(n, 'day', `${label}: enter a real date, like 16 3 2027`);
      return;
    }
    const clock = parseClock(input.time);
    if (!clock) {
      refuse(n, 'time', `${label}: enter a time, like 9:30am or 21:30`);
      return;
    }
    const time = `${String(clock.hour).padStart(2, '0')}:${String(clock.minute).padStart(2, '0')}`;
    const said = `${clock.hour % 12 || 12}:${String(clock.minute).padStart(2, '0')}${clock.hour < 12 ? 'am' : 'pm'}`;
    const day = zonedLongDate('UTC', new Date(`${date}T12:00:00Z`));
    const reading = localToUtc(date, time, zone);
    let instant: Date;
    if (reading.kind === 'skipped') {
      refuse(
        n,
        'time',
        `${label}: ${said} does not happen on ${day} in ${cityTime(zone)}, because the clocks go forward. Enter a different time`,
      );
      return;
    } else if (reading.kind === 'repeated') {
      const choice = input.which.trim();
      if (choice === 'earlier') instant = reading.earlier;
      else if (choice === 'later') instant = reading.later;
      else {
        repeated.push({ slot: n, earlier: timeInZone(zone, reading.earlier), later: timeInZone(zone, reading.later) });
        refuse(
          n,
          'which',
          `${label}: ${said} happens twice on ${day} in ${cityTime(zone)}, because the clocks go back. Choose which ${said} you mean`,
        );
        return;
      }
    } else instant = reading.instant;
    if (instant.getTime() <= now.getTime()) {
      refuse(n, 'day', `${label} must be in the future`);
      return;
    }
    if (instant.getTime() > now.getTime() + LATEST_DAYS_AHEAD * 86_400_000) {
      refuse(n, 'day', `${label} must be within the next 12 months`);
      return;
    }
    if (instants.some((x) => x.getTime() === instant.getTime())) {
      refuse(n, 'time', `${label} is the same as another time you entered`);
      return;
    }
    instants.push(instant);
  });
  return errors.length ? { ok: false, errors, fieldErrors, repeated } : { ok: true, instants };
}

/** A zone typed into a form: only one this runtime knows, else undefined (the form says so). */
export const knownZone = (value: unknown): string | undefined => {
  const zone = safeZone(value, '');
  return zone === '' ? undefined : zone;
};

/** What the candidate reads: "Tuesday 16 March 2027 at 9:00pm New Zealand Daylight Time (UTC+13)". */
export const forCandidate = (instant: Date, candidateZone: string): string => momentInZone(candidateZone, instant);

/**
 * What a provider user reads: the time in their own zone, and the candidate's time, with the
 * candidate's date when it is another day there:
 * "Tuesday 16 March 2027 at 8:00am Greenwich Mean Time (UTC)
 * (9:00pm New Zealand Daylight Time (UTC+13) for the candidate)".
 */
export function forProvider(instant: Date, readerZone: string, candidateZone: string): string {
  const own = momentInZone(readerZone, instant);
  if (readerZone === candidateZone) return `${own} (the same time for the candidate)`;
  const sameDay = zonedLongDate(readerZone, instant) === zonedLongDate(candidateZone, instant);
  const theirs = sameDay
    ? timeInZone(candidateZone, instant)
    : `${timeInZone(candidateZone, instant)} on ${zonedLongDate(candidateZone, instant)}`;
  return `${own} (${theirs} for the candidate)`;
}

/** "45 minutes", "1 hour", "1 hour 30 minutes" */
export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h ? `${h} hour${h === 1 ? '' : 's'}` : '';
  const mins = m ? `${m} minutes` : '';
  return [hours, mins].filter(Boolean).join(' ');
}

/** An online interview's link: an https address only, so nothing else is ever a link in a page or email. */
export const isMeetingLink = (value: string): boolean => {
  if (!/^https:\/\/\S+$/i.test(value)) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};
