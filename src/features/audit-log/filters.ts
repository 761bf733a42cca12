import { z } from 'zod';
import { parseForm, recordId, type FormErrors } from '../../platform/forms.ts';
import { parseDateParts } from '../../shared/dates.ts';
import type { AuditFilters } from '../../audit/repository.ts';
import { looksLikeEmail, normaliseEmail } from '../accounts/sign-in.ts';

/**
 * The audit log's filters, read from the query string so a filtered view can be shared as
 * a link. Pure: no HTTP, no SQL. A value that cannot be a filter is an error for the GOV.UK
 * error summary, never a 500 and never silently ignored.
 */
export const FILTER_KEYS = [
  'providerId',
  'actor',
  'reference',
  'traineeId',
  'trn',
  'action',
  'from-day',
  'from-month',
  'from-year',
  'to-day',
  'to-month',
  'to-year',
] as const;

const optional = <T extends z.ZodType>(schema: T) => schema.optional();

export const auditFiltersForm = z.object({
  providerId: optional(recordId('Select a provider from the list')),
  actor: optional(
    z
      .string()
      .trim()
      .max(320, 'Enter the person’s email address in the correct format, like name@example.com')
      .transform((v) => (/^[1-9]\d{0,9}$/.test(v) && Number(v) <= 2_147_483_647 ? Number(v) : normaliseEmail(v)))
      .refine(
        (v) => typeof v === 'number' || looksLikeEmail(v),
        'Enter the person’s email address in the correct format, like name@example.com',
      ),
  ),
  reference: optional(
    z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .refine(
        (v) => /^IQTS-[0-9A-Z]{7}$/.test(v),
        'Enter an application reference in the correct format, like IQTS-AB12CD3',
      ),
  ),
  traineeId: optional(recordId('Enter a trainee ID as a number, like 42')),
  trn: optional(
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{6}$/, 'Enter a teacher reference number of 7 digits, like 1234567'),
  ),
  action: optional(
    z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9-]{0,59}$/, 'Select an action from the list'),
  ),
  page: z
    .string()
    .regex(/^\d{1,5}$/, 'Page must be a number, 1 or more')
    .transform(Number)
    .refine((n) => n >= 1, 'Page must be a number, 1 or more')
    .optional()
    .default(1),
});

type Raw = Record<string, unknown>;

/** What was typed, as text, for the form and for links: only the first of a repeated value. */
export function typedValues(raw: Raw): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...FILTER_KEYS, 'page']) {
    const value = raw[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.trim() !== '') out[key] = first.trim().slice(0, 320);
  }
  return out;
}

/** The query string for these filters (and a page), for links and the CSV file. */
export function filterQuery(values: Record<string, string>, page?: number): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (values[key]) params.set(key, values[key]);
  if (page && page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function dateFilter(
  values: Record<string, string>,
  prefix: 'from' | 'to',
  label: string,
): { date?: string; error?: string } {
  const day = values[`${prefix}-day`] ?? '';
  const month = values[`${prefix}-month`] ?? '';
  const year = values[`${prefix}-year`] ?? '';
  if (!day && !month && !year) return {};
  if (!day || !month || !year) return { error: `${label} must include a day, month and year` };
  const date = parseDateParts(day, month, year);
  return date ? { date } : { error: `${label} must be a real date` };
}

export interface ParsedAuditFilters {
  filters: AuditFilters;
  page: number;
  problems: FormErrors;
  values: Record<string, string>;
}

export function parseAuditFilters(raw: Raw): ParsedAuditFilters {
  const values = typedValues(raw);
  const form = parseForm(auditFiltersForm, values);
  const problems: FormErrors = form.ok
    ? { errors: [], fieldErrors: {} }
    : { errors: [...form.errors], fieldErrors: { ...form.fieldErrors } };
  const refuse = (field: string, href: string, message: string) => {
    if (field in problems.fieldErrors) return;
    problems.fieldErrors[field] = message;
    problems.errors.push({ text: message, href });
  };
  const from = dateFilter(values, 'from', 'From date');
  const to = dateFilter(values, 'to', 'To date');
  if (from.error) refuse('from', '#from-day', from.error);
  if (to.error) refuse('to', '#to-day', to.error);
  if (from.date && to.date && to.date < from.date)
    refuse('to', '#to-day', 'To date must be the same as or after the from date');
  if (!form.ok || problems.errors.length) return { filters: {}, page: 1, problems, values };
  const d = form.data;
  const filters: AuditFilters = {};
  if (d.providerId !== undefined) filters.providerId = d.providerId;
  if (d.actor !== undefined) filters.actor = d.actor;
  if (d.reference !== undefined) filters.reference = d.reference;
  if (d.traineeId !== undefined) filters.traineeId = d.traineeId;
  if (d.trn !== undefined) filters.trn = d.trn;
  if (d.action !== undefined) filters.action = d.action;
  if (from.date) filters.from = from.date;
  if (to.date) filters.to = to.date;
  return { filters, page: d.page, problems, values };
}
