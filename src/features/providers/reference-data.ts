import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { fromRoot } from '../../shared/paths.ts';
import { regionByName } from '../../shared/places/countries.ts';
import { findPlacesOnce } from '../../shared/places/places.ts';
import type { Coverage } from './coverage.ts';
import { NOTHING_STATED_YET } from './repository.ts';
import { providerSlug, type Approach, type Delivery, type PageApproach, type PublicFacts } from './model.ts';

/**
 * The approved providers as DfE's public page lists them (data/providers.yaml, with sources).
 * Loaded on start: a provider not yet in the database is added with only the facts the
 * file gives; rows already there are left alone, so a provider's own edits are kept. The
 * facts from providers' own pages are reference data: refreshed on every load. A fact the
 * service does not know is ignored (never shown), so the file can grow ahead of the service.
 */
const month = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/);
/** One fact from the provider's own page (see the file's header): its words, address and date. */
const fact = z.object({
  value: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  source: z.url({ protocol: /^https$/ }),
  as_of: z.string().min(1),
  amount: z.number().positive().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  approach: z.enum(['provider-matches', 'candidate-arranges', 'must-be-employed', 'either']).optional(),
  study_modes: z.array(z.enum(['full-time', 'part-time'])).optional(),
  months: z.array(z.number().int().min(1).max(12)).optional(),
  ages: z.string().optional(),
  note: z.string().optional(),
});
const words = fact.extend({ value: z.string().min(1) });
const facts = z
  .object({
    fee: fact.extend({
      value: z.string().min(1).optional(),
      amount: z.number().positive(),
      currency: z.string().regex(/^[A-Z]{3}$/),
    }),
    fee_earlier: fact.extend({ amount: z.number().positive(), currency: z.string().regex(/^[A-Z]{3}$/) }),
    fee_note: words,
    phases: fact.extend({ value: z.array(z.enum(['primary', 'secondary'])).min(1) }),
    subjects: fact.extend({ value: z.array(z.string().min(1)).min(1) }),
    mode: words,
    delivery: words,
    placement: words.extend({
      approach: z.enum(['provider-matches', 'candidate-arranges', 'must-be-employed', 'either']),
    }),
    start: words,
    contact_email: fact.extend({ value: z.email() }),
    how_to_apply: words,
    entry_extras: words,
    award_alongside: words,
    trainees_in: words,
    status_conflict: words,
  })
  .partial();
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
  facts: facts.optional(),
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
      const place = findPlacesOnce(`${c.campus}, ${c.country}`, 1)[0];
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

/** How the file's placement approaches read as the finder's filter values (the file's own definitions). */
const APPROACHES_OF: Record<PageApproach, Approach[]> = {
  'provider-matches': ['partner-school'],
  'candidate-arranges': ['own-school'],
  'must-be-employed': ['current-school'],
  either: ['partner-school', 'own-school'],
};

/**
 * Delivery is given in the page's words; only a description that begins "online" or "in
 * person" is read as that, for the filter. Anything else stays words only, never guessed.
 */
function deliveryOf(text: string): Delivery[] | null {
  if (/^online\b/i.test(text)) return ['online'];
  if (/^in[ -]person\b/i.test(text)) return ['in-person'];
  return null;
}

const money = (amount: number, currency: string) =>
  currency === 'GBP'
    ? `£${amount.toLocaleString('en-GB')}`
    : `${currency} ${amount.toLocaleString('en-GB', { maximumFractionDigits: 2 })}`;

/** The file's facts as the service keeps them: words with their source, and the values the filters read. */
export function publicFactsFromReference(f: ReferenceProvider['facts']): PublicFacts {
  if (!f) return {};
  type Raw = z.infer<typeof fact>;
  const base = (x: Raw, text?: string) => ({
    text: text ?? (Array.isArray(x.value) ? x.value.join(', ') : (x.value ?? '')),
    source: x.source,
    asOf: x.as_of === 'undated' ? null : x.as_of,
  });
  const out: PublicFacts = {};
  if (f.fee)
    out.fee = {
      ...base(f.fee, f.fee.value ?? money(f.fee.amount, f.fee.currency)),
      amount: f.fee.amount,
      currency: f.fee.currency,
    };
  if (f.fee_earlier)
    out.feeEarlier = {
      ...base(f.fee_earlier, money(f.fee_earlier.amount, f.fee_earlier.currency)),
      amount: f.fee_earlier.amount,
      currency: f.fee_earlier.currency,
    };
  if (f.fee_note) out.feeNote = base(f.fee_note);
  if (f.phases) out.phases = { ...base(f.phases), phases: f.phases.value, ages: f.phases.ages ?? null };
  if (f.subjects)
    out.subjects = {
      ...base(f.subjects, f.subjects.value.join(', ') + (f.subjects.note ? ` (${f.subjects.note})` : '')),
      subjects: f.subjects.value,
    };
  if (f.mode) out.mode = { ...base(f.mode), studyModes: f.mode.study_modes ?? null };
  if (f.delivery) out.delivery = { ...base(f.delivery), delivery: deliveryOf(f.delivery.value) };
  if (f.placement)
    out.placement = {
      ...base(f.placement),
      approach: f.placement.approach,
      approaches: APPROACHES_OF[f.placement.approach],
    };
  if (f.start) out.start = { ...base(f.start), months: f.start.months ?? null };
  if (f.contact_email) out.contactEmail = base(f.contact_email);
  if (f.how_to_apply) out.howToApply = base(f.how_to_apply);
  if (f.entry_extras) out.entryExtras = base(f.entry_extras);
  if (f.award_alongside) out.awardAlongside = base(f.award_alongside);
  if (f.trainees_in) out.traineesIn = base(f.trainees_in);
  if (f.status_conflict) out.statusConflict = base(f.status_conflict);
  return out;
}

export async function loadReferenceProviders(
  db: Kysely<Database>,
  providers = readReferenceProviders(),
  now = new Date(),
): Promise<number> {
  // One transaction: one sync to disk for the whole file, not one a provider.
  return db.transaction().execute(async (trx) => {
    const existing = new Map(
      (await trx.selectFrom('providers').select(['slug', 'public_facts']).execute()).map((r) => [
        r.slug,
        r.public_facts,
      ]),
    );
    const stamp = now.toISOString();
    let added = 0;
    for (const p of providers) {
      const slug = providerSlug(p.name);
      const publicFacts = JSON.stringify(publicFactsFromReference(p.facts));
      if (existing.has(slug)) {
        // The public pages' facts are reference data: refreshed from the file. The provider's own values are kept.
        if (existing.get(slug) !== publicFacts)
          await trx
            .updateTable('providers')
            .set({ public_facts: publicFacts, updated_at: stamp })
            .where('slug', '=', slug)
            .execute();
        continue;
      }
      const last = p.listed.at(-1)!;
      const listedNow = last.to === null;
      // Two processes starting together may both try: the slug's unique key keeps one row.
      const inserted = await trx
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
          ...NOTHING_STATED_YET,
          public_facts: publicFacts,
          source: `DfE's public list of iQTS providers (${REFERENCE_FILE})`,
          created_at: stamp,
          updated_at: stamp,
        })
        .onConflict((oc) => oc.column('slug').doNothing())
        .executeTakeFirst();
      added += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
    }
    return added;
  });
}
