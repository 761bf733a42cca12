import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { fromRoot } from '../../shared/paths.ts';
import { regionByName } from '../../shared/places/countries.ts';
import { findPlaces } from '../../shared/places/places.ts';
import type { Coverage } from './coverage.ts';
import { providerSlug } from './model.ts';

/**
 * The approved providers as DfE's public page lists them (data/providers.yaml, with sources).
 * Loaded on start: a provider not yet in the database is added with only the facts the
 * file gives; rows already there are left alone, so a provider's own edits are kept.
 */
const month = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/);
const entry = z.object({
  name: z.string().min(1),
  website: z.string().url().nullable(),
  listed: z.array(z.object({ from: month, to: month.nullable() })).min(1),
  coverage: z.object({
    kind: z.enum(['worldwide', 'campus', 'region', 'unknown', 'countries']),
    excluded_countries: z.array(z.string().length(2)).optional(),
    excluded_until: z.string().optional(),
    campus: z.string().optional(),
    country: z.string().length(2).optional(),
    mode: z.string().optional(),
    region: z.string().optional(),
    countries: z.array(z.string().length(2)).optional(),
    note: z.string().optional(),
  }),
  notes: z.string().optional(),
});
const file = z.object({ providers: z.array(entry) });
export type ReferenceProvider = z.infer<typeof entry>;

export const REFERENCE_FILE = 'data/providers.yaml';

/** yaml reads 2022-05 as a string but 2023-01-18 as a Date: make both plain text. */
const dates = (value: unknown): unknown =>
  value instanceof Date
    ? value.toISOString().slice(0, 10)
    : Array.isArray(value)
      ? value.map(dates)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dates(v)]))
        : value;

export function readReferenceProviders(path = fromRoot(REFERENCE_FILE)): ReferenceProvider[] {
  return file.parse(dates(parse(readFileSync(path, 'utf8')))).providers;
}

/** The providers the reference file lists today, as content pages show them (the static export has no database). */
export function listedReferenceProviders(providers = readReferenceProviders()) {
  return providers
    .filter((p) => p.listed.at(-1)?.to === null)
    .map((p) => ({ name: p.name, slug: providerSlug(p.name), website: p.website }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

const day = (m: string) => (m.length === 7 ? `${m}-01` : m);

export function coverageFromReference(c: ReferenceProvider['coverage']): Coverage {
  switch (c.kind) {
    case 'worldwide':
      return {
        kind: 'worldwide',
        excludedCountries: c.excluded_countries ?? [],
        excludedUntil: c.excluded_until ?? null,
      };
    case 'countries':
      return { kind: 'countries', countries: c.countries ?? [] };
    case 'region': {
      const region = regionByName(c.region ?? '');
      if (!region) throw new Error(`${REFERENCE_FILE}: unknown region "${c.region}"`);
      return { kind: 'region', region: region.id };
    }
    case 'campus': {
      const place = findPlaces(`${c.campus}, ${c.country}`, 1)[0];
      if (!place) throw new Error(`${REFERENCE_FILE}: unknown campus place "${c.campus}"`);
      // The public page says "commutable distance" without a figure: the radius is not stated.
      return {
        kind: 'campus',
        campus: c.campus ?? place.name,
        country: place.country,
        point: { lat: place.lat, lon: place.lon },
        radiusKm: null,
      };
    }
    default:
      return { kind: 'unknown' };
  }
}

export async function loadReferenceProviders(
  db: Kysely<Database>,
  providers = readReferenceProviders(),
  now = new Date(),
): Promise<number> {
  const existing = new Set((await db.selectFrom('providers').select('slug').execute()).map((r) => r.slug));
  const stamp = now.toISOString();
  let added = 0;
  for (const p of providers) {
    const slug = providerSlug(p.name);
    if (existing.has(slug)) continue;
    const last = p.listed.at(-1)!;
    const listedNow = last.to === null;
    // Two processes starting together may both try: the slug's unique key keeps one row.
    const inserted = await db
      .insertInto('providers')
      .values({
        slug,
        name: p.name,
        website: p.website,
        contact_email: null,
        status: listedNow ? 'approved' : 'no-longer-offering',
        approved_on: day(p.listed[0]!.from),
        status_changed_on: listedNow ? null : day(last.to!),
        listed_periods: JSON.stringify(p.listed),
        coverage: JSON.stringify(coverageFromReference(p.coverage)),
        coverage_note: p.coverage.note ?? null,
        delivery: p.coverage.mode === 'in-person' ? JSON.stringify(['in-person']) : null,
        placement_approaches: null,
        phases: null,
        subjects: null,
        study_modes: null,
        fee_min_pence: null,
        fee_max_pence: null,
        start_months: null,
        source: `DfE's public list of iQTS providers (${REFERENCE_FILE})`,
        created_at: stamp,
        updated_at: stamp,
      })
      .onConflict((oc) => oc.column('slug').doNothing())
      .executeTakeFirst();
    added += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
  }
  return added;
}
