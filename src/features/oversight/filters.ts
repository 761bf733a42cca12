import type { FormErrors } from '../../platform/forms.ts';
import { parseDateParts } from '../../shared/dates.ts';
import { countryByCode } from '../../shared/places/countries.ts';

/**
 * The filters every chart and list on the dashboard shares, read from the address so a
 * view can be shared as a link. Pure: the providers to choose from are passed in.
 */
export interface Filters {
  providerId: number | null;
  /** ISO 3166 alpha-2: the application's country, the trainee's and award's training country. */
  country: string | null;
  /** "2025 to 2026": trainees and awards (applications have no cohort until training starts). */
  cohort: string | null;
  /** Inclusive plain dates: applications by submission, trainees by course start, awards by award date. */
  from: string | null;
  to: string | null;
}

export const NO_FILTERS: Filters = { providerId: null, country: null, cohort: null, from: null, to: null };

/** The cohorts to choose from: academic years from the first iQTS courses (2022) to next year. */
export function cohortOptions(now = new Date()): string[] {
  const last = now.getUTCFullYear();
  const out: string[] = [];
  for (let y = last; y >= 2021; y--) out.push(`${y} to ${y + 1}`);
  return out;
}

const DATE_FIELDS = ['day', 'month', 'year'] as const;

export type FilterResult =
  | { ok: true; filters: Filters; values: Record<string, string> }
  | ({ ok: false; values: Record<string, string> } & FormErrors);

/** One text value from a query string; a repeated or structured parameter is refused. */
function one(query: Record<string, unknown>, key: string): string | undefined | null {
  const v = query[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return null;
  return v.trim().slice(0, 200);
}

/**
 * Reads the filters from a query string. Every value is checked: an unknown provider,
 * country or cohort, an impossible date or an end before the start is a message for the
 * GOV.UK error summary, never a failure.
 */
export function parseFilters(query: unknown, providerIds: ReadonlySet<number>, now = new Date()): FilterResult {
  const q =
    query !== null && typeof query === 'object' && !Array.isArray(query) ? (query as Record<string, unknown>) : {};
  const values: Record<string, string> = {};
  const errors: FormErrors = { errors: [], fieldErrors: {} };
  const refuse = (field: string, message: string, href = field) => {
    if (field in errors.fieldErrors) return;
    errors.fieldErrors[field] = message;
    errors.errors.push({ text: message, href: `#${href}` });
  };
  const filters: Filters = { ...NO_FILTERS };

  const provider = one(q, 'provider');
  if (provider === null) refuse('provider', 'Select one provider from the list');
  else if (provider) {
    values['provider'] = provider;
    const id = /^[1-9]\d{0,9}$/.test(provider) ? Number(provider) : NaN;
    if (!providerIds.has(id)) refuse('provider', 'Select a provider from the list');
    else filters.providerId = id;
  }

  const country = one(q, 'country');
  if (country === null) refuse('country', 'Select one country from the list');
  else if (country) {
    values['country'] = country;
    const code = country.toUpperCase();
    if (!/^[A-Z]{2}$/.test(code) || !countryByCode(code)) refuse('country', 'Select a country from the list');
    else filters.country = code;
  }

  const cohort = one(q, 'cohort');
  if (cohort === null) refuse('cohort', 'Select one cohort from the list');
  else if (cohort) {
    values['cohort'] = cohort;
    if (!cohortOptions(now).includes(cohort)) refuse('cohort', 'Select a cohort from the list');
    else filters.cohort = cohort;
  }

  for (const [field, label] of [
    ['from', 'start date'],
    ['to', 'end date'],
  ] as const) {
    const parts = DATE_FIELDS.map((p) => one(q, `${field}-${p}`));
    if (parts.some((p) => p === null)) {
      refuse(field, `Enter the ${label} once`, `${field}-day`);
      continue;
    }
    DATE_FIELDS.forEach((p, i) => {
      if (parts[i]) values[`${field}-${p}`] = parts[i]!;
    });
    if (parts.every((p) => !p)) continue;
    const date = parts.every((p) => p) ? parseDateParts(parts[0]!, parts[1]!, parts[2]!) : null;
    if (!date) refuse(field, `The ${label} must be a real date, for example 1 9 2025`, `${field}-day`);
    else if (date < '2000-01-01' || date > '2100-12-31')
      refuse(field, `The ${label} must be between 2000 and 2100`, `${field}-day`);
    else filters[field] = date;
  }
  if (filters.from && filters.to && filters.to < filters.from)
    refuse('to', 'The end date must be the same as or after the start date', 'to-day');

  if (errors.errors.length) return { ok: false, values, ...errors };
  return { ok: true, filters, values };
}

/** The filters as a query string (with its "?"), or '' when there are none: for links that keep the view. */
export function filterQuery(f: Filters): string {
  const p = new URLSearchParams();
  if (f.providerId !== null) p.set('provider', String(f.providerId));
  if (f.country) p.set('country', f.country);
  if (f.cohort) p.set('cohort', f.cohort);
  for (const field of ['from', 'to'] as const) {
    const d = f[field];
    if (!d) continue;
    p.set(`${field}-day`, String(Number(d.slice(8, 10))));
    p.set(`${field}-month`, String(Number(d.slice(5, 7))));
    p.set(`${field}-year`, d.slice(0, 4));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
