import { describe, expect, it } from 'vitest';
import { countries, countryByCode, regionByName, REGIONS } from './countries.ts';

describe('countries', () => {
  it('lists every ISO 3166-1 country once, with a two-letter upper-case code', () => {
    expect(countries.length).toBeGreaterThanOrEqual(240);
    const codes = countries.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of countries) {
      expect(c.code).toMatch(/^[A-Z]{2}$/);
      expect(c.name.trim()).not.toBe('');
      expect(typeof c.region).toBe('string');
      expect(typeof c.subregion).toBe('string');
    }
  });

  it('is sorted by name', () => {
    const names = countries.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB')));
    expect(names.indexOf('Åland Islands')).toBeLessThan(names.indexOf('Albania')); // Å sorts as A
  });

  it('uses common English names', () => {
    expect(countryByCode('AE')).toEqual({
      code: 'AE',
      name: 'United Arab Emirates',
      region: 'Asia',
      subregion: 'Western Asia',
    });
    expect(countryByCode('GB')?.name).toBe('United Kingdom');
    expect(countryByCode('NG')?.name).toBe('Nigeria');
    expect(countryByCode('HK')?.name).toBe('Hong Kong');
  });

  it('finds a country only by its upper-case code', () => {
    expect(countryByCode('ae')).toBeUndefined();
    expect(countryByCode('Ae')).toBeUndefined();
    expect(countryByCode('XX')).toBeUndefined();
    expect(countryByCode('')).toBeUndefined();
    expect(countryByCode('A')).toBeUndefined();
    expect(countryByCode('ARE')).toBeUndefined();
    expect(countryByCode(' AE')).toBeUndefined();
    expect(countryByCode(undefined as unknown as string)).toBeUndefined();
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(countries)).toBe(true);
    expect(Object.isFrozen(countries[0])).toBe(true);
  });
});

describe('regions', () => {
  const mena = REGIONS['middle-east-and-north-africa'];

  it('define the Middle East and North Africa from the World Bank list, with its source', () => {
    expect(mena).toBeDefined();
    expect(mena!.id).toBe('middle-east-and-north-africa');
    expect(mena!.name).toBe('Middle East and North Africa');
    expect(mena!.source).toMatch(/World Bank/);
    expect(mena!.source).toMatch(/https:\/\/\S+worldbank\.org\S*/);
    expect(mena!.countries).toHaveLength(21);
    for (const code of [
      'DZ',
      'BH',
      'DJ',
      'EG',
      'IR',
      'IQ',
      'IL',
      'JO',
      'KW',
      'LB',
      'LY',
      'MT',
      'MA',
      'OM',
      'QA',
      'SA',
      'SY',
      'TN',
      'AE',
      'PS',
      'YE',
    ]) {
      expect(mena!.countries).toContain(code);
    }
    for (const code of ['GB', 'TR', 'SD', 'PK', 'AF', 'HK']) expect(mena!.countries).not.toContain(code);
  });

  it('keep the World Bank’s wider region, which adds Afghanistan and Pakistan', () => {
    const wider = REGIONS['middle-east-north-africa-afghanistan-and-pakistan'];
    expect(wider?.countries).toEqual([...new Set([...mena!.countries, 'AF', 'PK'])].sort());
    expect(wider?.source).toMatch(/World Bank/);
  });

  it('use only country codes that exist, each once, keyed by their own id', () => {
    for (const [id, region] of Object.entries(REGIONS)) {
      expect(region.id).toBe(id);
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(new Set(region.countries).size).toBe(region.countries.length);
      for (const code of region.countries) expect(countryByCode(code), `${id}: ${code}`).toBeDefined();
    }
  });

  it('are found by name whatever the case, with "&" for "and", or by id', () => {
    expect(regionByName('Middle East and North Africa')).toBe(mena);
    expect(regionByName('middle east and north africa')).toBe(mena);
    expect(regionByName('MIDDLE EAST & NORTH AFRICA')).toBe(mena);
    expect(regionByName('  Middle East  and North Africa ')).toBe(mena);
    expect(regionByName('middle-east-and-north-africa')).toBe(mena);
    expect(regionByName('Middle East, North Africa, Afghanistan & Pakistan')?.id).toBe(
      'middle-east-north-africa-afghanistan-and-pakistan',
    );
  });

  it('find nothing for a region we do not define', () => {
    expect(regionByName('Latin America')).toBeUndefined();
    expect(regionByName('Middle East')).toBeUndefined();
    expect(regionByName('')).toBeUndefined();
    expect(regionByName('x'.repeat(500))).toBeUndefined();
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(REGIONS)).toBe(true);
    expect(Object.isFrozen(mena)).toBe(true);
    expect(Object.isFrozen(mena!.countries)).toBe(true);
  });
});
