import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allZones,
  deadlineInZone,
  localToUtc,
  momentInZone,
  offsetLabel,
  offsetMinutes,
  proposeZone,
  safeZone,
  timeInZone,
  wallClock,
} from './zoned-time.ts';

const at = (iso: string) => new Date(iso);

describe('times in the reader’s zone', () => {
  it('names the zone and its offset', () => {
    expect(timeInZone('Asia/Dubai', at('2027-03-14T06:00:00Z'))).toBe('10:00am Gulf Standard Time (UTC+4)');
    expect(timeInZone('Asia/Kathmandu', at('2027-03-14T03:15:00Z'))).toMatch(/^9:00am .* \(UTC\+5:45\)$/);
    expect(timeInZone('Pacific/Chatham', at('2027-07-01T00:00:00Z'))).toMatch(/^12:45pm .*\(UTC\+12:45\)$/);
    expect(momentInZone('Europe/London', at('2027-07-01T08:00:00Z'))).toBe(
      'Thursday 1 July 2027 at 9:00am British Summer Time (UTC+1)',
    );
  });

  it('says a deadline with the city and offset', () => {
    expect(deadlineInZone('Africa/Lagos', at('2027-03-14T22:59:00Z'))).toBe(
      '11:59pm on 14 March 2027, Lagos time (UTC+1)',
    );
  });

  it('follows daylight saving in Sydney and Santiago (southern summers)', () => {
    expect(offsetMinutes('Australia/Sydney', at('2027-01-15T00:00:00Z'))).toBe(660);
    expect(offsetMinutes('Australia/Sydney', at('2027-07-15T00:00:00Z'))).toBe(600);
    expect(offsetMinutes('America/Santiago', at('2027-01-15T12:00:00Z'))).toBe(-180);
    expect(offsetMinutes('America/Santiago', at('2027-07-15T12:00:00Z'))).toBe(-240);
    expect(offsetLabel(-240)).toBe('UTC-4');
  });

  it('crosses the date line: Kiribati and Samoa are a day ahead of Honolulu', () => {
    const instant = at('2027-03-14T20:00:00Z');
    expect(wallClock('Pacific/Kiritimati', instant)).toEqual({ date: '2027-03-15', time: '10:00' });
    expect(wallClock('Pacific/Apia', instant)).toEqual({ date: '2027-03-15', time: '09:00' });
    expect(wallClock('Pacific/Honolulu', instant)).toEqual({ date: '2027-03-14', time: '10:00' });
  });
});

describe('a wall-clock reading to an instant', () => {
  it('refuses a reading the clocks skip, and names both of a repeated one', () => {
    expect(localToUtc('2027-03-28', '01:30', 'Europe/London')).toEqual({ kind: 'skipped' });
    expect(localToUtc('2026-10-25', '01:30', 'Europe/London')).toEqual({
      kind: 'repeated',
      earlier: at('2026-10-25T00:30:00Z'),
      later: at('2026-10-25T01:30:00Z'),
    });
    expect(localToUtc('2026-10-04', '02:30', 'Australia/Sydney')).toEqual({ kind: 'skipped' });
    expect(localToUtc('2027-04-04', '02:30', 'Australia/Sydney').kind).toBe('repeated');
    expect(localToUtc('2027-06-01', '09:00', 'Europe/London')).toEqual({
      kind: 'exact',
      instant: at('2027-06-01T08:00:00Z'),
    });
  });

  it('converting any instant to any zone and back gives the same instant', () => {
    const zones = allZones();
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 }),
        fc.constantFrom(...zones),
        (minute, zone) => {
          const instant = new Date(minute * 60_000);
          const { date, time } = wallClock(zone, instant);
          const back = localToUtc(date, time, zone);
          if (back.kind === 'exact') return back.instant.getTime() === instant.getTime();
          if (back.kind === 'repeated')
            return [back.earlier.getTime(), back.later.getTime()].includes(instant.getTime());
          return false;
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the zone proposed and a tampered one', () => {
  it('proposes from the town, else from a one-zone country', () => {
    expect(proposeZone({ lat: -36.85, lon: 174.76 })).toBe('Pacific/Auckland');
    expect(proposeZone({ country: 'AE' })).toBe('Asia/Dubai');
    expect(proposeZone({ country: 'US' })).toBeUndefined();
  });

  it('falls back rather than throw', () => {
    expect(safeZone('Mars/Olympus')).toBe('Europe/London');
    expect(safeZone({})).toBe('Europe/London');
    expect(safeZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
  });
});
