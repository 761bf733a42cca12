import { addDays, localToday, weekdayIndex } from '../../shared/local-dates.ts';
import { ENGLAND, localToUtc, timeInZone, zonedLongDate } from '../../shared/zoned-time.ts';

/**
 * Callback slots. Advisers work in UK hours: their weekly availability is Europe/London
 * wall-clock ("Tuesdays 09:00 to 12:00, 30-minute calls"), so a London 09:00 slot is a
 * different UTC instant in summer (08:00 UTC) and in winter (09:00 UTC). Each slot is
 * turned into its UTC instant with localToUtc: a reading the clocks skip (spring forward)
 * is no slot at all, and a reading they show twice (fall back) is one slot, at the first
 * of the two instants, so nobody is booked for a time that happens twice.
 */
export interface WeeklyHours {
  adviserId: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** "HH:MM", London time */
  startTime: string;
  endTime: string;
  slotMinutes: number;
}

export interface Slot {
  adviserId: number;
  start: Date;
  end: Date;
}

export const SLOT_LENGTHS = [15, 30, 45, 60] as const;
/** How far ahead candidates may book, and the least notice an adviser gets. */
export const BOOKING_DAYS = 28;
export const NOTICE_MINUTES = 120;

export const isClockTime = (value: string): boolean => /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const clockOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The London wall-clock start times one stretch of hours holds: 09:00–10:00 in 30s is 09:00, 09:30. */
export function startTimes(hours: Pick<WeeklyHours, 'startTime' | 'endTime' | 'slotMinutes'>): string[] {
  const out: string[] = [];
  const end = minutesOf(hours.endTime);
  for (let t = minutesOf(hours.startTime); t + hours.slotMinutes <= end; t += hours.slotMinutes) out.push(clockOf(t));
  return out;
}

/** The instant a London reading names, or none when the clocks skip it; the first when they show it twice. */
export function londonInstant(date: string, time: string): Date | undefined {
  const reading = localToUtc(date, time, ENGLAND);
  if (reading.kind === 'exact') return reading.instant;
  if (reading.kind === 'repeated') return reading.earlier;
  return undefined;
}

/**
 * Every slot from `from` for `days` London dates, without days off, slots already booked
 * (`booked` holds "adviserId|ISO start") and slots that start too soon. Sorted by start,
 * then adviser.
 */
export function generateSlots(input: {
  hours: readonly WeeklyHours[];
  daysOff: readonly { adviserId: number; date: string }[];
  booked: ReadonlySet<string>;
  now: Date;
  days?: number;
  noticeMinutes?: number;
}): Slot[] {
  const days = input.days ?? BOOKING_DAYS;
  const earliest = input.now.getTime() + (input.noticeMinutes ?? NOTICE_MINUTES) * 60_000;
  const off = new Set(input.daysOff.map((d) => `${d.adviserId}|${d.date}`));
  const first = localToday(ENGLAND, input.now);
  const slots: Slot[] = [];
  for (let i = 0; i <= days; i++) {
    const date = addDays(first, i);
    const weekday = weekdayIndex(date) + 1;
    for (const hours of input.hours) {
      if (hours.weekday !== weekday || off.has(`${hours.adviserId}|${date}`)) continue;
      for (const time of startTimes(hours)) {
        const start = londonInstant(date, time);
        if (!start || start.getTime() < earliest) continue;
        if (input.booked.has(slotKey(hours.adviserId, start))) continue;
        slots.push({ adviserId: hours.adviserId, start, end: new Date(start.getTime() + hours.slotMinutes * 60_000) });
      }
    }
  }
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime() || a.adviserId - b.adviserId);
}

export const slotKey = (adviserId: number, start: Date): string => `${adviserId}|${start.toISOString()}`;

/** A slot as a form value: "12_2027-03-30T08:00:00.000Z". */
export const slotValue = (slot: Pick<Slot, 'adviserId' | 'start'>): string =>
  `${slot.adviserId}_${slot.start.toISOString()}`;

export function parseSlotValue(value: unknown): { adviserId: number; start: Date } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([1-9]\d{0,9})_(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z)$/.exec(value);
  if (!match) return undefined;
  const adviserId = Number(match[1]);
  const start = new Date(match[2]!);
  if (adviserId > 2_147_483_647 || Number.isNaN(start.getTime()) || start.toISOString() !== match[2]) return undefined;
  return { adviserId, start };
}

/** One time per start: candidates choose a time, not an adviser (the first free adviser takes it). */
export function distinctTimes(slots: readonly Slot[]): Slot[] {
  const seen = new Set<number>();
  return slots.filter((s) => (seen.has(s.start.getTime()) ? false : (seen.add(s.start.getTime()), true)));
}

/**
 * A slot as both sides read it: "9:00am British Summer Time (UTC+1) — 5:45pm Nepal Time (UTC+5:45)".
 * When the UK date differs from the candidate's, the UK side says its date.
 */
export function slotLabel(start: Date, zone: string): string {
  const uk = timeInZone(ENGLAND, start);
  if (zone === ENGLAND) return uk;
  const ukDate = zonedLongDate(ENGLAND, start);
  const theirDate = zonedLongDate(zone, start);
  return `${uk}${ukDate === theirDate ? '' : ` on ${ukDate}`} — ${timeInZone(zone, start)}`;
}

/** Slots grouped by the date it is where the candidate lives, in order. */
export function slotsByDay(slots: readonly Slot[], zone: string): { day: string; slots: Slot[] }[] {
  const groups: { day: string; slots: Slot[] }[] = [];
  for (const slot of slots) {
    const day = zonedLongDate(zone, slot.start);
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.slots.push(slot);
    else groups.push({ day, slots: [slot] });
  }
  return groups;
}
