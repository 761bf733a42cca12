import { describe, expect, it } from 'vitest';
import { zoneChoice, zoneForWhereYouLive, zoneLabel, zoneOptions } from './time-zone.ts';

describe('a person’s time zone', () => {
  it('is proposed from a candidate’s town, or a country with one zone; otherwise England’s', () => {
    expect(zoneForWhereYouLive({ country: 'NZ', town: 'Auckland' })).toBe('Pacific/Auckland');
    expect(zoneForWhereYouLive({ country: 'AU', town: 'Perth' })).toBe('Australia/Perth');
    expect(zoneForWhereYouLive({ country: 'AE' })).toBe('Asia/Dubai');
    // Several zones and no town that the look-up knows: no guess.
    expect(zoneForWhereYouLive({ country: 'US', town: 'Nowhere at all' })).toBeUndefined();
    expect(zoneChoice({ role: 'candidate', timeZone: null }, { country: 'NZ', town: 'Auckland' })).toEqual({
      zone: 'Pacific/Auckland',
      source: 'from-where-you-live',
    });
    expect(zoneChoice({ role: 'provider', timeZone: null })).toEqual({ zone: 'Europe/London', source: 'default' });
    expect(zoneChoice({ role: 'candidate', timeZone: 'Asia/Dubai' }, { country: 'NZ' })).toEqual({
      zone: 'Asia/Dubai',
      source: 'chosen',
    });
    // A stored value the runtime does not know is never used.
    expect(zoneChoice({ role: 'mentor', timeZone: 'Mars/Olympus_Mons' })).toEqual({
      zone: 'Europe/London',
      source: 'default',
    });
  });

  it('every zone is offered, labelled with its name and offset now', () => {
    const now = new Date('2027-01-15T12:00:00Z');
    expect(zoneLabel('Pacific/Auckland', now)).toBe('Pacific/Auckland – New Zealand Daylight Time (UTC+13)');
    expect(zoneLabel('Asia/Kathmandu', now)).toMatch(/^Asia\/Kathmandu – .+ \(UTC\+5:45\)$/);
    const options = zoneOptions('Asia/Dubai', now);
    expect(options.length).toBeGreaterThan(300);
    expect(options.filter((o) => o.selected).map((o) => o.value)).toEqual(['Asia/Dubai']);
  });
});
