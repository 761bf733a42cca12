import { z } from 'zod';
import { countryByCode } from '../../shared/places/countries.ts';
import { findPlaces, placeById, type Place } from '../../shared/places/places.ts';
import { APPROACHES, DELIVERY, PHASES, STUDY_MODES, type ProviderFilters } from './model.ts';

/**
 * The finders' query strings, read strictly: every value is checked against what the
 * service knows, and each problem gets a GOV.UK-style message naming the field.
 * Pure: no HTTP, no database.
 */
export const RADII = [10, 25, 50, 100, 250] as const;
export const DEFAULT_RADIUS = 50;
export const PAGE_SIZE = 20;
export const SORTS = { name: 'Name', fee: 'Lowest fee', nearest: 'Nearest partner school' } as const;
export type Sort = keyof typeof SORTS;

export interface FieldError {
  field: string;
  message: string;
}

export interface PlaceResolution {
  place?: Place;
  /** More than one place has this name: the candidate chooses. */
  choices?: Place[];
}

type Raw = Record<string, unknown>;
const text = (raw: Raw, key: string): string | undefined => {
  const v = raw[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
};

/** Resolves `near` (a typed name) or `place` (a chosen id) to one place, or the choices. */
export function resolvePlace(raw: Raw, errors: FieldError[]): PlaceResolution {
  const placeId = text(raw, 'place');
  if (placeId !== undefined) {
    const place = /^\d{1,10}$/.test(placeId) ? placeById(Number(placeId)) : undefined;
    if (place) return { place };
    errors.push({ field: 'near', message: 'Choose a place from the list' });
    return {};
  }
  const near = text(raw, 'near');
  if (near === undefined) return {};
  if (near.length > 100) {
    errors.push({ field: 'near', message: 'Place name must be 100 characters or fewer' });
    return {};
  }
  const matches = findPlaces(near, 10);
  if (matches.length === 0) {
    errors.push({ field: 'near', message: 'Enter a town or city we can find, for example Dubai or Lagos' });
    return {};
  }
  if (matches.length === 1) return { place: matches[0]! };
  return { choices: matches };
}

export interface ProviderQuery {
  filters: ProviderFilters;
  countryCode?: string;
  resolution: PlaceResolution;
  near?: string;
  sort: Sort;
  page: number;
  errors: FieldError[];
}

/** The finder's filters as one zod schema; each value is optional, and each problem names its field. */
const keysOf = <T extends string>(labels: Record<T, string>) => Object.keys(labels) as [T, ...T[]];
const pageField = z
  .string()
  .regex(/^\d{1,4}$/, 'Page must be a number, 1 or more')
  .transform(Number)
  .refine((n) => n >= 1, 'Page must be a number, 1 or more');

export const providerQuerySchema = z.object({
  country: z
    .string()
    .transform((v) => (/^[A-Za-z]{2}$/.test(v) ? countryByCode(v.toUpperCase())?.code : undefined))
    .refine((v) => v !== undefined, 'Select the country where you live from the list')
    .optional(),
  phase: z.enum(keysOf(PHASES), { error: 'Select an age group from the list' }).optional(),
  approach: z.enum(keysOf(APPROACHES), { error: 'Select a placement school approach from the list' }).optional(),
  delivery: z.enum(keysOf(DELIVERY), { error: 'Select how the course is delivered from the list' }).optional(),
  mode: z.enum(keysOf(STUDY_MODES), { error: 'Select full time or part time' }).optional(),
  subject: z.string().max(100, 'Subject must be 100 characters or fewer').optional(),
  maxFee: z
    .string()
    .transform((v) => v.replace(/^£/, '').replace(/,/g, ''))
    .refine(
      (v) => /^\d{1,6}$/.test(v) && Number(v) <= 100_000,
      'Maximum fee must be a whole number of pounds, like 9000',
    )
    .transform((v) => Number(v) * 100)
    .optional(),
  sort: z.enum(keysOf(SORTS), { error: 'Select how to sort the providers from the list' }).optional(),
  confirmed: z
    .literal('yes', { error: 'Select whether to show only providers that have told us they match' })
    .optional(),
  page: pageField.optional(),
});

/** The first value of each parameter, trimmed; empty means absent. */
function present(raw: Raw, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const v = text(raw, key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Runs a query schema field by field: every field's problem is reported, valid fields are kept. */
function parseFields<S extends z.ZodObject>(schema: S, raw: Raw, errors: FieldError[]): Partial<z.output<S>> {
  const values = present(raw, Object.keys(schema.shape));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const result = (schema.shape[key] as z.ZodType).safeParse(value);
    if (result.success) out[key] = result.data;
    else errors.push({ field: key, message: result.error.issues[0]!.message });
  }
  return out as Partial<z.output<S>>;
}

export function parseProviderQuery(raw: Raw): ProviderQuery {
  const errors: FieldError[] = [];
  const filters: ProviderFilters = {};
  const resolution = resolvePlace(raw, errors);
  const q = parseFields(providerQuerySchema, raw, errors);
  const countryCode = q.country ?? undefined;
  if (resolution.place)
    filters.where = {
      country: resolution.place.country,
      point: { lat: resolution.place.lat, lon: resolution.place.lon },
    };
  else if (countryCode) filters.where = { country: countryCode };
  if (q.phase) filters.phase = q.phase;
  if (q.approach) filters.approach = q.approach;
  if (q.delivery) filters.delivery = q.delivery;
  if (q.mode) filters.mode = q.mode;
  if (q.subject !== undefined) filters.subject = q.subject;
  if (q.maxFee !== undefined) filters.maxFee = q.maxFee;
  if (q.confirmed) filters.confirmedOnly = true;
  let sort: Sort = 'name';
  if (q.sort === 'nearest' && !resolution.place)
    errors.push({ field: 'near', message: 'Enter a town or city to sort by nearest partner school' });
  else if (q.sort) sort = q.sort;
  const near = text(raw, 'near');
  return {
    filters,
    ...(countryCode ? { countryCode } : {}),
    resolution,
    ...(near !== undefined ? { near: near.slice(0, 100) } : {}),
    sort,
    page: q.page ?? 1,
    errors,
  };
}

export interface SchoolQuery {
  resolution: PlaceResolution;
  near?: string;
  radiusKm: number;
  page: number;
  errors: FieldError[];
}

const schoolQuerySchema = z.object({
  radius: z.coerce
    .number()
    .refine((n) => (RADII as readonly number[]).includes(n), `Select a distance from the list: ${RADII.join(', ')} km`)
    .optional(),
  page: pageField.optional(),
});

export function parseSchoolQuery(raw: Raw): SchoolQuery {
  const errors: FieldError[] = [];
  const resolution = resolvePlace(raw, errors);
  const q = parseFields(schoolQuerySchema, raw, errors);
  const near = text(raw, 'near');
  return {
    resolution,
    ...(near !== undefined ? { near: near.slice(0, 100) } : {}),
    radiusKm: q.radius ?? DEFAULT_RADIUS,
    page: q.page ?? 1,
    errors,
  };
}
