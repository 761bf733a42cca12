import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationText,
  forCandidate,
  forProvider,
  INTERVIEW_STATUSES,
  INTERVIEW_STEPS,
  isMeetingLink,
  mayTake,
  parseClock,
  readSlots,
  type InterviewStep,
  type SlotInput,
} from './rules.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const at = (date: string, time: string, which = ''): SlotInput => {
  const [year, month, day] = date.split('-') as [string, string, string];
  return { day, month, year, time, which };
};
const blank: SlotInput = { day: '', month: '', year: '', time: '', which: '' };

describe('interview rules', () => {
  it('reads the ways people write a time, and nothing else', () => {
    expect(parseClock('9:00pm')).toEqual({ hour: 21, minute: 0 });
    expect(parseClock('9pm')).toEqual({ hour: 21, minute: 0 });
    expect(parseClock('12:30am')).toEqual({ hour: 0, minute: 30 });
    expect(parseClock('12pm')).toEqual({ hour: 12, minute: 0 });
    expect(parseClock('9.30 a.m.')).toEqual({ hour: 9, minute: 30 });
    expect(parseClock('21:30')).toEqual({ hour: 21, minute: 30 });
    expect(parseClock('0930')).toEqual({ hour: 9, minute: 30 });
    for (const bad of ['25:00', '13pm', '0pm', '9:60', 'noon', '', '9:00 in the evening', '12345'])
      expect(parseClock(bad), bad).toBeUndefined();
  });

  it('turns a wall-clock time in a zone into one instant', () => {
    expect(readSlots([at('2027-03-16', '8:00am')], 'Europe/London', NOW)).toEqual({
      ok: true,
      instants: [new Date('2027-03-16T08:00:00Z')],
    });
    expect(readSlots([at('2027-03-16', '21:00'), blank, blank], 'Pacific/Auckland', NOW)).toEqual({
      ok: true,
      instants: [new Date('2027-03-16T08:00:00Z')],
    });
  });

  it('refuses a time the clocks skip, in plain words', () => {
    const result = readSlots([at('2027-03-28', '1:30am')], 'Europe/London', NOW);
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          text: 'The interview time: 1:30am does not happen on Sunday 28 March 2027 in London time, because the clocks go forward. Enter a different time',
          href: '#slot1-time',
        },
      ],
    });
  });

  it('asks which of two times the clocks show twice is meant, then takes the one chosen', () => {
    const asked = readSlots([at('2027-10-31', '1:30am')], 'Europe/London', NOW);
    expect(asked).toMatchObject({
      ok: false,
      repeated: [{ slot: 1, earlier: '1:30am British Summer Time (UTC+1)', later: '1:30am Greenwich Mean Time (UTC)' }],
    });
    expect(readSlots([at('2027-10-31', '1:30am', 'earlier')], 'Europe/London', NOW)).toEqual({
      ok: true,
      instants: [new Date('2027-10-31T00:30:00Z')],
    });
    expect(readSlots([at('2027-10-31', '1:30am', 'later')], 'Europe/London', NOW)).toEqual({
      ok: true,
      instants: [new Date('2027-10-31T01:30:00Z')],
    });
    // A tampered choice is asked again, never guessed.
    expect(readSlots([at('2027-10-31', '1:30am', 'both')], 'Europe/London', NOW).ok).toBe(false);
  });

  it('refuses the past, next year but one, a date that does not exist, a repeat, and a missing first time', () => {
    const texts = (inputs: SlotInput[]) => {
      const r = readSlots(inputs, 'Europe/London', NOW);
      return r.ok ? [] : r.errors.map((e) => e.text);
    };
    expect(texts([at('2026-11-30', '11:59')])).toEqual(['The interview time must be in the future']);
    expect(texts([at('2028-01-05', '10:00')])).toEqual(['The interview time must be within the next 12 months']);
    expect(texts([at('2027-02-30', '10:00')])).toEqual(['The interview time: enter a real date, like 16 3 2027']);
    expect(texts([at('2027-03-16', '10:00'), at('2027-03-16', '10am')])).toEqual([
      'Time 2 is the same as another time you entered',
    ]);
    expect(texts([blank, at('2027-03-16', '10:00')])).toEqual(['Enter the date and time of the interview']);
    expect(texts([at('2027-03-16', '10:00'), { ...blank, day: '3' }])).toEqual([
      'Time 2: enter a real date, like 16 3 2027',
    ]);
  });

  it('any typed text is answered with instants or messages, never an exception', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ day: fc.string(), month: fc.string(), year: fc.string(), time: fc.string(), which: fc.string() }),
          {
            maxLength: 4,
          },
        ),
        fc.constantFrom('Europe/London', 'Pacific/Auckland', 'Asia/Kathmandu', 'America/Santiago'),
        (inputs, zone) => {
          const result = readSlots(inputs, zone, NOW);
          if (result.ok) expect(result.instants.every((t) => t.getTime() > NOW.getTime())).toBe(true);
          else expect(result.errors.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('says a time to each reader in their own zone; the provider also reads the candidate’s', () => {
    const t = new Date('2027-03-16T08:00:00Z');
    expect(forCandidate(t, 'Pacific/Auckland')).toBe(
      'Tuesday 16 March 2027 at 9:00pm New Zealand Daylight Time (UTC+13)',
    );
    expect(forProvider(t, 'Europe/London', 'Pacific/Auckland')).toBe(
      'Tuesday 16 March 2027 at 8:00am Greenwich Mean Time (UTC) (9:00pm New Zealand Daylight Time (UTC+13) for the candidate)',
    );
    // Another day for the candidate: the date is said too.
    expect(forProvider(new Date('2027-03-16T20:30:00Z'), 'Europe/London', 'Pacific/Auckland')).toBe(
      'Tuesday 16 March 2027 at 8:30pm Greenwich Mean Time (UTC) (9:30am New Zealand Daylight Time (UTC+13) on Wednesday 17 March 2027 for the candidate)',
    );
    expect(forProvider(t, 'Europe/London', 'Europe/London')).toBe(
      'Tuesday 16 March 2027 at 8:00am Greenwich Mean Time (UTC) (the same time for the candidate)',
    );
  });

  it('each step is allowed to one side, from the listed statuses only', () => {
    const statuses = Object.keys(INTERVIEW_STATUSES);
    const allowed = new Set([
      'choose|candidate|proposed',
      'ask-other-times|candidate|proposed',
      'ask-other-times|candidate|agreed',
      'new-times|provider|proposed',
      'new-times|provider|other-times-requested',
      'new-times|provider|agreed',
      ...['candidate', 'provider'].flatMap((side) =>
        ['proposed', 'other-times-requested', 'agreed'].map((s) => `cancel|${side}|${s}`),
      ),
    ]);
    for (const step of Object.keys(INTERVIEW_STEPS) as InterviewStep[])
      for (const side of ['candidate', 'provider'] as const)
        for (const status of [...statuses, 'tampered'])
          expect(mayTake(step, side, status).ok, `${step} ${side} ${status}`).toBe(
            allowed.has(`${step}|${side}|${status}`),
          );
  });

  it('a meeting link is an https address; lengths are said in words', () => {
    expect(isMeetingLink('https://meet.example.org/abc')).toBe(true);
    for (const bad of ['http://meet.example.org', 'javascript:alert(1)', 'https://', 'https://a b', 'meet.example.org'])
      expect(isMeetingLink(bad), bad).toBe(false);
    expect(durationText(45)).toBe('45 minutes');
    expect(durationText(60)).toBe('1 hour');
    expect(durationText(90)).toBe('1 hour 30 minutes');
    expect(durationText(120)).toBe('2 hours');
  });
});
