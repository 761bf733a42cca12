import { describe, expect, it } from 'vitest';
import { countries, REGIONS } from '../../shared/places/countries.ts';
import { distanceKm, EARTH_RADIUS_KM, type Point } from '../../shared/places/geo.ts';
import { coverageCountryCodes, coverageIncludes, describeCoverage, parseCoverage, type Coverage } from './coverage.ts';

const TODAY = '2026-01-10';

/** The point `km` due north of `p` (same meridian, so the distance is exact). */
const north = (p: Point, km: number): Point => ({ lat: p.lat + (km / EARTH_RADIUS_KM) * (180 / Math.PI), lon: p.lon });

const DUBAI = { lat: 25.07725, lon: 55.30927 };
const ABU_DHABI = { lat: 24.45118, lon: 54.39696 };
const MUSCAT = { lat: 23.58413, lon: 58.40778 };
const GENEVA = { lat: 46.20222, lon: 6.14569 };
const ANNEMASSE = { lat: 46.19439, lon: 6.23775 }; // France, about 7 km from Geneva
const LAGOS = { lat: 6.45407, lon: 3.39467 };

const worldwide: Coverage = { kind: 'worldwide', excludedCountries: [], excludedUntil: null };
const exceptHongKongUntil: Coverage = { kind: 'worldwide', excludedCountries: ['HK'], excludedUntil: '2026-04-15' };
const exceptHongKong: Coverage = { kind: 'worldwide', excludedCountries: ['HK'], excludedUntil: null };
const someCountries: Coverage = { kind: 'countries', countries: ['NG', 'GH', 'KE', 'ZA', 'EG'] };
const mena: Coverage = { kind: 'region', region: 'middle-east-and-north-africa' };
const dubai40: Coverage = { kind: 'campus', campus: 'Dubai', country: 'AE', point: DUBAI, radiusKm: 40 };
const dubaiCommutable: Coverage = { kind: 'campus', campus: 'Dubai', country: 'AE', point: DUBAI, radiusKm: null };
const unknown: Coverage = { kind: 'unknown' };

describe('coverageIncludes: worldwide', () => {
  it('includes every country when nothing is excluded', () => {
    for (const country of ['NG', 'HK', 'GB', 'AE', 'FJ']) {
      expect(coverageIncludes(worldwide, { country }, TODAY)).toEqual({
        includes: 'yes',
        reason: 'The provider takes trainees worldwide',
      });
    }
    expect(coverageIncludes(worldwide, { country: 'NG', point: LAGOS }, TODAY).includes).toBe('yes');
  });

  it('leaves out an excluded country before the end date, and includes it on and after that date', () => {
    const before = coverageIncludes(exceptHongKongUntil, { country: 'HK' }, '2026-04-14');
    expect(before.includes).toBe('no');
    expect(before.reason).toBe('The provider does not take trainees in Hong Kong before 15 April 2026');
    expect(coverageIncludes(exceptHongKongUntil, { country: 'HK' }, '2025-01-01').includes).toBe('no');
    expect(coverageIncludes(exceptHongKongUntil, { country: 'HK' }, '2026-04-15').includes).toBe('yes');
    expect(coverageIncludes(exceptHongKongUntil, { country: 'HK' }, '2026-04-16').includes).toBe('yes');
    expect(coverageIncludes(exceptHongKongUntil, { country: 'HK' }, '2030-12-31').includes).toBe('yes');
  });

  it('includes the other countries on every date', () => {
    for (const today of ['2026-04-14', '2026-04-15', '2026-04-16']) {
      expect(coverageIncludes(exceptHongKongUntil, { country: 'CN' }, today).includes).toBe('yes');
      expect(coverageIncludes(exceptHongKongUntil, { country: 'MO' }, today).includes).toBe('yes');
    }
  });

  it('leaves out an excluded country for good when there is no end date', () => {
    const answer = coverageIncludes(exceptHongKong, { country: 'HK' }, '2099-01-01');
    expect(answer).toEqual({ includes: 'no', reason: 'The provider does not take trainees in Hong Kong' });
  });

  it('reads a lower-case country code as upper case', () => {
    expect(coverageIncludes(exceptHongKong, { country: 'hk' }, TODAY).includes).toBe('no');
  });
});

describe('coverageIncludes: a list of countries', () => {
  it('includes a listed country', () => {
    expect(coverageIncludes(someCountries, { country: 'NG' }, TODAY)).toEqual({
      includes: 'yes',
      reason: 'The provider takes trainees in Nigeria',
    });
    expect(coverageIncludes(someCountries, { country: 'ZA' }, TODAY).includes).toBe('yes');
  });

  it('leaves out any other country, naming the listed ones', () => {
    expect(coverageIncludes(someCountries, { country: 'GB' }, TODAY)).toEqual({
      includes: 'no',
      reason: 'The provider takes trainees only in Egypt, Ghana, Kenya, Nigeria and South Africa',
    });
    // A neighbour of a listed country is still outside it.
    expect(coverageIncludes(someCountries, { country: 'BJ' }, TODAY).includes).toBe('no');
  });

  it('decides by country, not by the point', () => {
    expect(coverageIncludes(someCountries, { country: 'BJ', point: north(LAGOS, 1) }, TODAY).includes).toBe('no');
    expect(coverageIncludes(someCountries, { country: 'NG', point: LAGOS }, TODAY).includes).toBe('yes');
  });
});

describe('coverageIncludes: a region', () => {
  it('includes the region’s countries, including those at the edge of its definition', () => {
    for (const country of ['AE', 'EG', 'MA', 'SA', 'MT', 'DJ', 'PS']) {
      expect(coverageIncludes(mena, { country }, TODAY).includes, country).toBe('yes');
    }
    expect(coverageIncludes(mena, { country: 'AE' }, TODAY).reason).toBe(
      'The provider takes trainees in the Middle East and North Africa region, which includes United Arab Emirates',
    );
  });

  it('leaves out countries outside the region, however close', () => {
    for (const country of ['GB', 'TR', 'SD', 'PK', 'AF', 'CY']) {
      expect(coverageIncludes(mena, { country }, TODAY).includes, country).toBe('no');
    }
    expect(coverageIncludes(mena, { country: 'SD' }, TODAY).reason).toBe(
      'The provider takes trainees only in the Middle East and North Africa region, which does not include Sudan',
    );
  });

  it('follows each region’s own list', () => {
    const wider: Coverage = { kind: 'region', region: 'middle-east-north-africa-afghanistan-and-pakistan' };
    expect(coverageIncludes(wider, { country: 'PK' }, TODAY).includes).toBe('yes');
    expect(coverageIncludes(mena, { country: 'PK' }, TODAY).includes).toBe('no');
  });

  it('answers "unknown" for a region it does not know', () => {
    const answer = coverageIncludes({ kind: 'region', region: 'atlantis' }, { country: 'AE' }, TODAY);
    expect(answer.includes).toBe('unknown');
    expect(answer.reason).toMatch(/contact the provider/);
  });
});

describe('coverageIncludes: a campus with a stated radius', () => {
  it('includes a place inside the radius', () => {
    expect(coverageIncludes(dubai40, { country: 'AE', point: DUBAI }, TODAY)).toEqual({
      includes: 'yes',
      reason: 'The provider takes trainees within 40 km of its Dubai campus',
    });
    expect(coverageIncludes(dubai40, { country: 'AE', point: north(DUBAI, 39.9) }, TODAY).includes).toBe('yes');
  });

  it('includes a place exactly on the boundary', () => {
    const edge = north(DUBAI, 40);
    expect(distanceKm(DUBAI, edge)).toBeCloseTo(40, 9);
    expect(coverageIncludes(dubai40, { country: 'AE', point: edge }, TODAY).includes).toBe('yes');
    // And with the radius set to the computed distance itself.
    const radiusKm = distanceKm(DUBAI, ABU_DHABI);
    expect(coverageIncludes({ ...dubai40, radiusKm }, { country: 'AE', point: ABU_DHABI }, TODAY).includes).toBe('yes');
  });

  it('leaves out a place beyond the radius, saying how far it is', () => {
    expect(coverageIncludes(dubai40, { country: 'AE', point: north(DUBAI, 40.01) }, TODAY).includes).toBe('no');
    expect(coverageIncludes(dubai40, { country: 'AE', point: ABU_DHABI }, TODAY)).toEqual({
      includes: 'no',
      reason: 'The provider takes trainees only within 40 km of its Dubai campus, and this place is about 115 km away',
    });
    expect(
      coverageIncludes(
        { ...dubai40, radiusKm: distanceKm(DUBAI, ABU_DHABI) - 0.001 },
        { country: 'AE', point: ABU_DHABI },
        TODAY,
      ).includes,
    ).toBe('no');
  });

  it('decides by distance across a border', () => {
    const geneva: Coverage = { kind: 'campus', campus: 'Geneva', country: 'CH', point: GENEVA, radiusKm: 20 };
    expect(coverageIncludes(geneva, { country: 'FR', point: ANNEMASSE }, TODAY).includes).toBe('yes');
    expect(coverageIncludes(geneva, { country: 'CH', point: north(GENEVA, 25) }, TODAY).includes).toBe('no');
  });

  it('cannot say yes from the country alone', () => {
    const answer = coverageIncludes(dubai40, { country: 'AE' }, TODAY);
    expect(answer.includes).toBe('unknown');
    expect(answer.reason).toBe(
      'The provider takes trainees within 40 km of its Dubai campus: check with the provider that you are close enough',
    );
  });

  it('says no from another country alone', () => {
    expect(coverageIncludes(dubai40, { country: 'OM' }, TODAY)).toEqual({
      includes: 'no',
      reason: 'The provider takes trainees only within 40 km of its Dubai campus in United Arab Emirates',
    });
  });
});

describe('coverageIncludes: a campus within "commuting distance"', () => {
  it('cannot say yes in the campus country, even next door: the distance is not stated', () => {
    for (const point of [DUBAI, north(DUBAI, 5), ABU_DHABI, undefined]) {
      const answer = coverageIncludes(dubaiCommutable, point ? { country: 'AE', point } : { country: 'AE' }, TODAY);
      expect(answer.includes).toBe('unknown');
      expect(answer.reason).toBe(
        'The provider trains in person at its Dubai campus: check with the provider that you are within commuting distance',
      );
    }
  });

  it('says no in another country', () => {
    expect(coverageIncludes(dubaiCommutable, { country: 'OM', point: MUSCAT }, TODAY)).toEqual({
      includes: 'no',
      reason: 'The provider trains in person at its Dubai campus in United Arab Emirates',
    });
    expect(coverageIncludes(dubaiCommutable, { country: 'NG' }, TODAY).includes).toBe('no');
  });
});

describe('coverageIncludes: not stated', () => {
  it('answers "unknown" everywhere and sends the candidate to the provider', () => {
    for (const where of [{ country: 'AE', point: DUBAI }, { country: 'GB' }, { country: 'HK' }]) {
      expect(coverageIncludes(unknown, where, TODAY)).toEqual({
        includes: 'unknown',
        reason: 'The provider has not said where it takes trainees: contact the provider',
      });
    }
  });
});

describe('coverageIncludes: today', () => {
  it('must be a real ISO date', () => {
    for (const bad of ['tomorrow', '2026-02-30', '2026-4-1', '15/04/2026', '']) {
      expect(() => coverageIncludes(worldwide, { country: 'NG' }, bad), bad).toThrow(RangeError);
      expect(() => describeCoverage(worldwide, bad), bad).toThrow(RangeError);
      expect(() => coverageCountryCodes(worldwide, bad), bad).toThrow(RangeError);
    }
    expect(coverageIncludes(worldwide, { country: 'NG' }, '2028-02-29').includes).toBe('yes');
  });
});

describe('describeCoverage', () => {
  it.each<[string, Coverage, string, string]>([
    ['worldwide', worldwide, TODAY, 'Worldwide'],
    [
      'worldwide with an exclusion in force',
      exceptHongKongUntil,
      '2026-04-14',
      'Worldwide, except Hong Kong before 15 April 2026',
    ],
    ['worldwide on the day the exclusion ends', exceptHongKongUntil, '2026-04-15', 'Worldwide'],
    ['worldwide after the exclusion ends', exceptHongKongUntil, '2026-05-01', 'Worldwide'],
    ['worldwide with a lasting exclusion', exceptHongKong, TODAY, 'Worldwide, except Hong Kong'],
    [
      'worldwide with two exclusions',
      { kind: 'worldwide', excludedCountries: ['US', 'CA'], excludedUntil: null },
      TODAY,
      'Worldwide, except Canada and United States',
    ],
    ['a list of countries', someCountries, TODAY, 'Only in Egypt, Ghana, Kenya, Nigeria and South Africa'],
    ['one country', { kind: 'countries', countries: ['NG'] }, TODAY, 'Only in Nigeria'],
    ['an empty list', { kind: 'countries', countries: [] }, TODAY, 'No countries listed: contact the provider'],
    ['a region', mena, TODAY, 'The Middle East and North Africa region'],
    [
      'an unknown region',
      { kind: 'region', region: 'atlantis' },
      TODAY,
      'A region we do not recognise: contact the provider',
    ],
    ['a campus with a radius', dubai40, TODAY, 'Within 40 km of its Dubai campus'],
    ['a campus with a fractional radius', { ...dubai40, radiusKm: 12.5 }, TODAY, 'Within 12.5 km of its Dubai campus'],
    ['a campus within commuting distance', dubaiCommutable, TODAY, 'Within commuting distance of its Dubai campus'],
    ['not stated', unknown, TODAY, 'Not stated: contact the provider'],
  ])('%s', (_label, coverage, today, expected) => {
    expect(describeCoverage(coverage, today)).toBe(expected);
  });
});

describe('coverageCountryCodes', () => {
  it('is "all" worldwide with nothing excluded', () => {
    expect(coverageCountryCodes(worldwide, TODAY)).toBe('all');
    expect(coverageCountryCodes(exceptHongKongUntil, '2026-04-15')).toBe('all');
  });

  it('lists every other country while an exclusion is in force', () => {
    const codes = coverageCountryCodes(exceptHongKongUntil, '2026-04-14');
    expect(Array.isArray(codes)).toBe(true);
    expect(codes).not.toContain('HK');
    expect(codes).toContain('CN');
    expect(codes).toHaveLength(countries.length - 1);
  });

  it('lists the countries, sorted and once each', () => {
    expect(coverageCountryCodes(someCountries, TODAY)).toEqual(['EG', 'GH', 'KE', 'NG', 'ZA']);
    expect(coverageCountryCodes({ kind: 'countries', countries: ['NG', 'GH', 'NG'] }, TODAY)).toEqual(['GH', 'NG']);
  });

  it('lists the region’s countries', () => {
    expect(coverageCountryCodes(mena, TODAY)).toEqual([...REGIONS['middle-east-and-north-africa']!.countries].sort());
    expect(coverageCountryCodes({ kind: 'region', region: 'atlantis' }, TODAY)).toBe('unknown');
  });

  it('gives the campus country', () => {
    expect(coverageCountryCodes(dubai40, TODAY)).toEqual(['AE']);
    expect(coverageCountryCodes(dubaiCommutable, TODAY)).toEqual(['AE']);
  });

  it('is "unknown" when not stated', () => {
    expect(coverageCountryCodes(unknown, TODAY)).toBe('unknown');
  });

  it('does not hand out the shared region list', () => {
    const codes = coverageCountryCodes(mena, TODAY) as string[];
    codes.push('GB');
    expect(REGIONS['middle-east-and-north-africa']!.countries).not.toContain('GB');
  });
});

describe('parseCoverage', () => {
  it('accepts every kind and gives back the same value', () => {
    for (const coverage of [
      worldwide,
      exceptHongKongUntil,
      exceptHongKong,
      someCountries,
      mena,
      dubai40,
      dubaiCommutable,
      unknown,
    ]) {
      expect(parseCoverage(JSON.parse(JSON.stringify(coverage)))).toEqual(coverage);
    }
  });

  it('fills in a worldwide coverage with no exclusions', () => {
    expect(parseCoverage({ kind: 'worldwide' })).toEqual(worldwide);
  });

  it('removes repeated country codes', () => {
    expect(parseCoverage({ kind: 'countries', countries: ['NG', 'GH', 'NG'] })).toEqual({
      kind: 'countries',
      countries: ['NG', 'GH'],
    });
    expect(parseCoverage({ kind: 'worldwide', excludedCountries: ['HK', 'HK'], excludedUntil: null })).toEqual(
      exceptHongKong,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['nothing', undefined, /expected object/],
    ['null', null, /expected object/],
    ['a string', 'worldwide', /expected object/],
    ['an array', [worldwide], /expected object/],
    ['no kind', { countries: ['NG'] }, /kind/],
    ['an unknown kind', { kind: 'everywhere' }, /kind/],
    ['an extra key', { kind: 'unknown', note: 'hi' }, /note/],
    ['a lower-case country code', { kind: 'countries', countries: ['ng'] }, /countries\[0\]/],
    ['an unknown country code', { kind: 'countries', countries: ['NG', 'XX'] }, /countries\[1\]/],
    ['a three-letter country code', { kind: 'countries', countries: ['NGA'] }, /ISO 3166-1/],
    ['no countries', { kind: 'countries', countries: [] }, /at least one country/],
    ['countries that are not a list', { kind: 'countries', countries: 'NG' }, /countries/],
    [
      'an impossible date',
      { kind: 'worldwide', excludedCountries: ['HK'], excludedUntil: '2026-02-30' },
      /excludedUntil/,
    ],
    [
      'a date in another format',
      { kind: 'worldwide', excludedCountries: ['HK'], excludedUntil: '15/04/2026' },
      /excludedUntil/,
    ],
    [
      'an end date with nothing excluded',
      { kind: 'worldwide', excludedCountries: [], excludedUntil: '2026-04-15' },
      /at least one excluded country/,
    ],
    [
      'an unknown excluded country',
      { kind: 'worldwide', excludedCountries: ['ZZ'], excludedUntil: null },
      /excludedCountries\[0\]/,
    ],
    ['an unknown region', { kind: 'region', region: 'atlantis' }, /middle-east-and-north-africa/],
    ['a region by its name rather than its id', { kind: 'region', region: 'Middle East and North Africa' }, /region/],
    ['a campus without a point', { kind: 'campus', campus: 'Dubai', country: 'AE', radiusKm: 40 }, /point/],
    ['a campus latitude over 90', { ...dubai40, point: { lat: 91, lon: 55 } }, /point\.lat/],
    ['a campus longitude over 180', { ...dubai40, point: { lat: 25, lon: 181 } }, /point\.lon/],
    ['a campus point as text', { ...dubai40, point: { lat: '25', lon: '55' } }, /point\.lat/],
    ['a zero radius', { ...dubai40, radiusKm: 0 }, /radiusKm/],
    ['a negative radius', { ...dubai40, radiusKm: -5 }, /radiusKm/],
    ['an infinite radius', { ...dubai40, radiusKm: Number.POSITIVE_INFINITY }, /radiusKm/],
    ['a radius as text', { ...dubai40, radiusKm: '40' }, /radiusKm/],
    ['a missing radius', { kind: 'campus', campus: 'Dubai', country: 'AE', point: DUBAI }, /radiusKm/],
    ['a blank campus name', { ...dubai40, campus: '   ' }, /campus/],
    ['an unknown campus country', { ...dubai40, country: 'UAE' }, /country/],
  ])('rejects %s with a clear message', (_label, input, message) => {
    expect(() => parseCoverage(input)).toThrow(/^Invalid coverage/);
    expect(() => parseCoverage(input)).toThrow(message);
  });
});
