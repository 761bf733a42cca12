import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadlineInZone, ENGLAND, wallClock } from '../../shared/zoned-time.ts';
import { englandBankHolidays } from './bank-holidays.ts';
import {
  DEADLINE_POLICIES,
  deadlineFor,
  endOfDay,
  kindsClosedBy,
  policyInForce,
  reminderTimes,
  timeLeft,
  timeLeftText,
} from './policy.ts';
import { isWorkingDay, workingDaysBetween } from './working-days.ts';

const policy = DEADLINE_POLICIES[0]!;
const decision = policy.rules['provider-decision'];
const offer = policy.rules['offer-response'];
const at = (iso: string) => new Date(iso);

describe('the deadlines table', () => {
  it('every rule says where it comes from, and claims no DfE rule', () => {
    for (const p of DEADLINE_POLICIES)
      for (const rule of Object.values(p.rules)) {
        expect(rule.source).toMatch(/^Service policy/);
        expect(rule.reminders.length).toBeGreaterThan(0);
      }
    expect(decision.whenPassed).toBe('reject-by-default');
    expect(offer.whenPassed).toBe('decline-by-default');
    expect(policyInForce(at('2027-03-01T00:00:00Z')).version).toBe(policy.version);
  });
});

describe('which deadlines a step closes', () => {
  it('a decision closes the decision deadline, an answer the offer one; a submit has nothing to close', () => {
    expect(kindsClosedBy('awaiting-decision', 'offer')).toEqual(['provider-decision']);
    expect(kindsClosedBy('interviewing', 'rejected')).toEqual(['provider-decision']);
    expect(kindsClosedBy('offer', 'conditions-pending')).toEqual(['offer-response']);
    expect(kindsClosedBy('awaiting-decision', 'interviewing')).toEqual([]);
    expect(kindsClosedBy('draft', 'awaiting-decision')).toEqual([]);
  });
});

describe("a provider's decision: 20 working days, ending 11:59pm in England", () => {
  it('in winter (GMT)', () => {
    // Submitted on Monday 1 February 2027: the 20th working day after is Monday 1 March.
    const d = deadlineFor(decision, at('2027-02-01T10:00:00Z'), 'Pacific/Auckland');
    expect(d.lastDay).toBe('2027-03-01');
    expect(d.dueAt.toISOString()).toBe('2027-03-01T23:59:59.000Z');
    expect(deadlineInZone(ENGLAND, d.dueAt)).toBe('11:59pm on 1 March 2027, London time (UTC)');
    expect(d.holidaysKnown).toBe(true);
  });

  it('across Easter and the clocks going forward in London (28 March 2027)', () => {
    // Wednesday 10 March 2027: Good Friday and Easter Monday are skipped, so Friday 9 April.
    const d = deadlineFor(decision, at('2027-03-10T09:00:00Z'), 'Africa/Lagos');
    expect(d.lastDay).toBe('2027-04-09');
    // British Summer Time: 11:59pm in London is 10:59pm UTC.
    expect(d.dueAt.toISOString()).toBe('2027-04-09T22:59:59.000Z');
    expect(deadlineInZone(ENGLAND, d.dueAt)).toBe('11:59pm on 9 April 2027, London time (UTC+1)');
  });

  it('counts from the date it is in England, not the candidate’s', () => {
    // 11:30pm on Sunday 7 February in London is already Monday 8th in Auckland: London's Sunday counts.
    const d = deadlineFor(decision, at('2027-02-07T23:30:00Z'), 'Pacific/Auckland');
    expect(d.lastDay).toBe('2027-03-05');
    expect(workingDaysBetween('2027-02-07', d.lastDay)).toBe(20);
  });

  it('says so when the period runs past the bank holidays the service knows', () => {
    const d = deadlineFor(decision, at('2027-12-20T10:00:00Z'), ENGLAND);
    expect(d.lastDay > '2027-12-31').toBe(true);
    expect(d.holidaysKnown).toBe(false);
  });

  it('reminds 2 working days before and on the day, at 9am in England', () => {
    const opened = at('2027-03-10T09:00:00Z');
    const d = deadlineFor(decision, opened, ENGLAND);
    expect(reminderTimes(decision, d, opened).map((r) => [r.id, r.at.toISOString()])).toEqual([
      ['2-working-days-before', '2027-04-07T08:00:00.000Z'],
      ['on-the-day', '2027-04-09T08:00:00.000Z'],
    ]);
    // A last day just after Easter: 2 working days before Tuesday 30 March 2027 is Wednesday 24th.
    const easter = reminderTimes(
      decision,
      { lastDay: '2027-03-30', zone: ENGLAND, dueAt: endOfDay('2027-03-30', ENGLAND) },
      opened,
    );
    expect(easter[0]!.at.toISOString()).toBe('2027-03-24T09:00:00.000Z');
  });

  it('the tag: within N working days, today, overdue', () => {
    const d = deadlineFor(decision, at('2027-03-10T09:00:00Z'), ENGLAND);
    const said = (now: string) => timeLeftText('Decide', timeLeft(d, 'working-days', at(now)));
    expect(said('2027-04-07T10:00:00Z')).toBe('Decide within 2 working days');
    expect(said('2027-04-08T10:00:00Z')).toBe('Decide within 1 working day');
    // Over Easter: from Thursday 25 March the working days left skip Good Friday and Easter Monday.
    expect(said('2027-03-25T10:00:00Z')).toBe('Decide within 9 working days');
    expect(said('2027-04-09T22:00:00Z')).toBe('Decide today');
    expect(said('2027-04-09T23:00:00Z')).toBe('Overdue');
  });
});

describe("a candidate's answer to an offer: 14 days, ending 11:59pm in the candidate's own zone", () => {
  it('Lagos', () => {
    const d = deadlineFor(offer, at('2027-02-28T10:00:00Z'), 'Africa/Lagos');
    expect(d.lastDay).toBe('2027-03-14');
    expect(deadlineInZone('Africa/Lagos', d.dueAt)).toBe('11:59pm on 14 March 2027, Lagos time (UTC+1)');
    // The same instant, as a provider in London reads it.
    expect(deadlineInZone(ENGLAND, d.dueAt)).toBe('10:59pm on 14 March 2027, London time (UTC)');
  });

  it('Sydney, across the end of daylight saving (4 April 2027)', () => {
    const before = deadlineFor(offer, at('2027-03-10T00:00:00Z'), 'Australia/Sydney');
    expect(before.lastDay).toBe('2027-03-24');
    expect(deadlineInZone('Australia/Sydney', before.dueAt)).toBe('11:59pm on 24 March 2027, Sydney time (UTC+11)');
    const after = deadlineFor(offer, at('2027-03-25T00:00:00Z'), 'Australia/Sydney');
    expect(after.lastDay).toBe('2027-04-08');
    expect(after.dueAt.toISOString()).toBe('2027-04-08T13:59:59.000Z');
    expect(deadlineInZone('Australia/Sydney', after.dueAt)).toBe('11:59pm on 8 April 2027, Sydney time (UTC+10)');
  });

  it('Santiago: the night the clocks go back at midnight, 11:59pm happens twice and the later one counts', () => {
    const end = endOfDay('2027-04-03', 'America/Santiago');
    expect(wallClock('America/Santiago', end)).toEqual({ date: '2027-04-03', time: '23:59' });
    expect(end.toISOString()).toBe('2027-04-04T03:59:59.000Z');
    // An hour earlier the clocks also read 11:59pm on the 3rd (summer time, UTC−3).
    expect(wallClock('America/Santiago', new Date(end.getTime() - 3_600_000))).toEqual({
      date: '2027-04-03',
      time: '23:59',
    });
    // And in September the clocks go forward at midnight: 11:59pm the day before still exists.
    const spring = endOfDay('2027-09-04', 'America/Santiago');
    expect(wallClock('America/Santiago', spring)).toEqual({ date: '2027-09-04', time: '23:59' });
  });

  it('the Chatham Islands (UTC+12:45 in winter, +13:45 in summer)', () => {
    const summer = deadlineFor(offer, at('2027-03-10T00:00:00Z'), 'Pacific/Chatham');
    expect(deadlineInZone('Pacific/Chatham', summer.dueAt)).toBe('11:59pm on 24 March 2027, Chatham time (UTC+13:45)');
    expect(summer.dueAt.toISOString()).toBe('2027-03-24T10:14:59.000Z');
    const winter = deadlineFor(offer, at('2027-06-01T00:00:00Z'), 'Pacific/Chatham');
    expect(deadlineInZone('Pacific/Chatham', winter.dueAt)).toBe('11:59pm on 15 June 2027, Chatham time (UTC+12:45)');
  });

  it('across the date line: Kiribati (UTC+14) and Samoa (UTC+13) are a day ahead of Honolulu (UTC−10)', () => {
    // 9:59am UTC on 1 June is 11:59pm on 1 June at Kiritimati; two minutes later it is 2 June there.
    expect(deadlineFor(offer, at('2027-06-01T09:59:00Z'), 'Pacific/Kiritimati').lastDay).toBe('2027-06-15');
    const kiribati = deadlineFor(offer, at('2027-06-01T10:01:00Z'), 'Pacific/Kiritimati');
    expect(kiribati.lastDay).toBe('2027-06-16');
    expect(kiribati.dueAt.toISOString()).toBe('2027-06-16T09:59:59.000Z');
    // The same instant in Honolulu, the same longitude's other side: still the 15th.
    expect(deadlineInZone('Pacific/Honolulu', kiribati.dueAt)).toBe('11:59pm on 15 June 2027, Honolulu time (UTC-10)');
    const samoa = deadlineFor(offer, at('2027-06-01T10:01:00Z'), 'Pacific/Apia');
    expect(deadlineInZone('Pacific/Apia', samoa.dueAt)).toBe('11:59pm on 15 June 2027, Apia time (UTC+13)');
  });

  it('a day a zone skipped (Samoa crossed the date line: 30 December 2011 never happened there) ends with the day before', () => {
    const end = endOfDay('2011-12-30', 'Pacific/Apia');
    expect(wallClock('Pacific/Apia', end).date).toBe('2011-12-29');
    expect(wallClock('Pacific/Apia', new Date(end.getTime() + 1000)).date).toBe('2011-12-31');
  });

  it('reminds the candidate 3 days before and on the day, at 9am their time', () => {
    const opened = at('2027-02-28T10:00:00Z');
    const d = deadlineFor(offer, opened, 'Africa/Lagos');
    expect(reminderTimes(offer, d, opened).map((r) => r.at.toISOString())).toEqual([
      '2027-03-11T08:00:00.000Z',
      '2027-03-14T08:00:00.000Z',
    ]);
  });
});

const ZONES = [
  'Europe/London',
  'Australia/Sydney',
  'America/Santiago',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'Pacific/Apia',
  'Pacific/Honolulu',
  'Pacific/Auckland',
  'Asia/Kathmandu',
  'Africa/Lagos',
];
const instants = fc.date({ min: at('2025-01-01T00:00:00Z'), max: at('2027-11-01T00:00:00Z'), noInvalidDate: true });

describe('deadline properties (any moment in 2025–2027, any of the zones)', () => {
  it('an offer ends at 11:59pm on its last day in the candidate’s zone, 14 days after the day it was made there', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES), (opened, zone) => {
        const d = deadlineFor(offer, opened, zone);
        expect(wallClock(zone, d.dueAt)).toEqual({ date: d.lastDay, time: '23:59' });
        expect(wallClock(zone, new Date(d.dueAt.getTime() + 1000)).date > d.lastDay).toBe(true);
        const day = wallClock(zone, opened).date;
        expect(Math.round((Date.parse(d.lastDay) - Date.parse(day)) / 86_400_000)).toBe(14);
        for (const r of reminderTimes(offer, d, opened)) expect(r.at > opened && r.at < d.dueAt).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a provider's decision ends on a working day in England, 20 working days on, at 11:59pm London time", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES), (opened, zone) => {
        const d = deadlineFor(decision, opened, zone);
        expect(isWorkingDay(d.lastDay, englandBankHolidays())).toBe(true);
        expect(workingDaysBetween(wallClock(ENGLAND, opened).date, d.lastDay)).toBe(20);
        expect(wallClock(ENGLAND, d.dueAt)).toEqual({ date: d.lastDay, time: '23:59' });
        const t = timeLeft(d, 'working-days', opened);
        expect(t.overdue).toBe(false);
        expect(t.left).toBe(20);
      }),
      { numRuns: 300 },
    );
  });
});
