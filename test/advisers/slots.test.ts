import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distinctTimes,
  generateSlots,
  londonInstant,
  parseSlotValue,
  slotLabel,
  slotValue,
  startTimes,
  type WeeklyHours,
} from '../../src/features/advisers/slots.ts';

/**
 * Slots are UK wall-clock hours turned into UTC instants. A London 09:00 call is 09:00 UTC
 * in winter and 08:00 UTC in summer, and each reader sees it in their own zone, whose own
 * clocks change on other dates (Sydney and Santiago change in April; Kathmandu never does).
 */
const tuesdayNine: WeeklyHours = { adviserId: 7, weekday: 2, startTime: '09:00', endTime: '09:30', slotMinutes: 30 };

describe('slot rules across daylight-saving changes', () => {
  it('a London 09:00 slot is a different UTC instant before and after the UK clocks go forward', () => {
    expect(londonInstant('2027-03-23', '09:00')!.toISOString()).toBe('2027-03-23T09:00:00.000Z');
    expect(londonInstant('2027-03-30', '09:00')!.toISOString()).toBe('2027-03-30T08:00:00.000Z');
    expect(londonInstant('2027-10-26', '09:00')!.toISOString()).toBe('2027-10-26T08:00:00.000Z');
    expect(londonInstant('2027-11-02', '09:00')!.toISOString()).toBe('2027-11-02T09:00:00.000Z');
  });

  it('the same London 09:00 slot, seen from Sydney, Santiago and Kathmandu, week by week through both springs', () => {
    const slots = generateSlots({
      hours: [tuesdayNine],
      daysOff: [],
      booked: new Set(),
      now: new Date('2027-03-20T00:00:00Z'),
      days: 20,
    });
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      '2027-03-23T09:00:00.000Z',
      '2027-03-30T08:00:00.000Z',
      '2027-04-06T08:00:00.000Z',
    ]);
    const seen = (zone: string) => slots.map((s) => slotLabel(s.start, zone));
    expect(seen('Australia/Sydney')).toEqual([
      '9:00am Greenwich Mean Time (UTC) — 8:00pm Australian Eastern Daylight Time (UTC+11)',
      '9:00am British Summer Time (UTC+1) — 7:00pm Australian Eastern Daylight Time (UTC+11)',
      '9:00am British Summer Time (UTC+1) — 6:00pm Australian Eastern Standard Time (UTC+10)',
    ]);
    expect(seen('America/Santiago')).toEqual([
      '9:00am Greenwich Mean Time (UTC) — 6:00am Chile Summer Time (UTC-3)',
      '9:00am British Summer Time (UTC+1) — 5:00am Chile Summer Time (UTC-3)',
      '9:00am British Summer Time (UTC+1) — 4:00am Chile Standard Time (UTC-4)',
    ]);
    expect(seen('Asia/Kathmandu')).toEqual([
      '9:00am Greenwich Mean Time (UTC) — 2:45pm Nepal Time (UTC+5:45)',
      '9:00am British Summer Time (UTC+1) — 1:45pm Nepal Time (UTC+5:45)',
      '9:00am British Summer Time (UTC+1) — 1:45pm Nepal Time (UTC+5:45)',
    ]);
    expect(seen('Europe/London')[1]).toBe('9:00am British Summer Time (UTC+1)');
  });

  it('when the UK date differs from the reader’s, the UK side says its date', () => {
    const late: WeeklyHours = { ...tuesdayNine, startTime: '20:00', endTime: '20:30' };
    const [slot] = generateSlots({
      hours: [late],
      daysOff: [],
      booked: new Set(),
      now: new Date('2027-03-20T00:00:00Z'),
      days: 4,
    });
    expect(slotLabel(slot!.start, 'Australia/Sydney')).toBe(
      '8:00pm Greenwich Mean Time (UTC) on Tuesday 23 March 2027 — 7:00am Australian Eastern Daylight Time (UTC+11)',
    );
  });

  it('readings the UK clocks skip are no slot; readings they repeat are one slot, at the first instant', () => {
    const night = (weekday: number): WeeklyHours => ({
      adviserId: 1,
      weekday,
      startTime: '00:30',
      endTime: '03:00',
      slotMinutes: 30,
    });
    const spring = generateSlots({
      hours: [night(7)],
      daysOff: [],
      booked: new Set(),
      now: new Date('2027-03-27T12:00:00Z'),
      days: 1,
    });
    // 28 March 2027: 01:00 and 01:30 never happen in London.
    expect(spring.map((s) => s.start.toISOString())).toEqual([
      '2027-03-28T00:30:00.000Z',
      '2027-03-28T01:00:00.000Z', // 02:00 BST
      '2027-03-28T01:30:00.000Z', // 02:30 BST
    ]);
    const autumn = generateSlots({
      hours: [night(7)],
      daysOff: [],
      booked: new Set(),
      now: new Date('2027-10-30T12:00:00Z'),
      days: 1,
    });
    // 31 October 2027: 01:00 and 01:30 happen twice; each is offered once.
    expect(autumn.map((s) => s.start.toISOString())).toEqual([
      '2027-10-30T23:30:00.000Z',
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T00:30:00.000Z',
      '2027-10-31T02:00:00.000Z',
      '2027-10-31T02:30:00.000Z',
    ]);
  });

  it('days off, booked slots and slots too soon are not offered; one time is shown once whoever is free', () => {
    const hours = [tuesdayNine, { ...tuesdayNine, adviserId: 8 }];
    const now = new Date('2027-03-20T00:00:00Z');
    const all = generateSlots({ hours, daysOff: [], booked: new Set(), now, days: 10 });
    expect(all).toHaveLength(4);
    expect(distinctTimes(all)).toHaveLength(2);
    const less = generateSlots({
      hours,
      daysOff: [{ adviserId: 7, date: '2027-03-23' }],
      booked: new Set(['8|2027-03-30T08:00:00.000Z']),
      now,
      days: 10,
    });
    expect(less.map((s) => `${s.adviserId}|${s.start.toISOString()}`)).toEqual([
      '8|2027-03-23T09:00:00.000Z',
      '7|2027-03-30T08:00:00.000Z',
    ]);
    const soon = generateSlots({
      hours,
      daysOff: [],
      booked: new Set(),
      now: new Date('2027-03-23T08:00:00Z'),
      days: 0,
    });
    expect(soon).toEqual([]);
  });

  it('every generated slot is a real London reading at the advertised time, in any week of any year (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 22 }),
        fc.constantFrom(15, 30, 45, 60),
        (now, weekday, hour, length) => {
          const hours: WeeklyHours = {
            adviserId: 1,
            weekday,
            startTime: `${String(hour).padStart(2, '0')}:00`,
            endTime: `${String(hour + 1).padStart(2, '0')}:00`,
            slotMinutes: length,
          };
          const times = startTimes(hours);
          for (const slot of generateSlots({ hours: [hours], daysOff: [], booked: new Set(), now, days: 8 })) {
            const london = new Intl.DateTimeFormat('en-GB', {
              timeZone: 'Europe/London',
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            }).format(slot.start);
            expect(times).toContain(london);
            expect(slot.start.getTime()).toBeGreaterThan(now.getTime());
            expect(parseSlotValue(slotValue(slot))).toEqual({ adviserId: 1, start: slot.start });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a slot value from a form is read strictly', () => {
    for (const bad of [
      undefined,
      3,
      '',
      '0_2027-03-30T08:00:00.000Z',
      '1_2027-02-30T08:00:00.000Z',
      '1_2027-03-30T08:00:30.000Z',
      '99999999999_2027-03-30T08:00:00.000Z',
      '1_x',
    ]) {
      expect(parseSlotValue(bad)).toBeUndefined();
    }
  });
});
