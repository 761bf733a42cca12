import { z } from 'zod';

/**
 * Every form is parsed by one zod schema at the edge, and its issues become the GOV.UK
 * error summary (each message linking to its field) and the field messages. Values that
 * are refused are never changed and saved: an over-long text is an error, not cut short.
 */
export interface FormErrors {
  /** For the GOV.UK error summary: each message links to its field. */
  errors: { text: string; href: string }[];
  /** Message per field name, for the field's error message. */
  fieldErrors: Record<string, string>;
}

/** Turns a zod error into the GOV.UK error summary and field messages (first message per field). */
export function formErrors(error: z.ZodError, ids: Record<string, string> = {}): FormErrors {
  const fieldErrors: Record<string, string> = {};
  const errors: FormErrors['errors'] = [];
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (field in fieldErrors) continue;
    fieldErrors[field] = issue.message;
    errors.push({ text: issue.message, href: `#${ids[field] ?? field}` });
  }
  return { errors, fieldErrors };
}

/** One refusal on one field, in the same shape. */
export const fieldError = (field: string, message: string, id = field): FormErrors => ({
  errors: [{ text: message, href: `#${id}` }],
  fieldErrors: { [field]: message },
});

export const noErrors: FormErrors = { errors: [], fieldErrors: {} };

/** Reads a form body safely: anything that is not a plain object becomes an empty form. */
export function formBody(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export type FormResult<T> = ({ ok: true; data: T } | ({ ok: false } & FormErrors)) & {
  /** What was sent, as text, to show back in the form. */
  values: Record<string, string | string[]>;
};

/** What was sent, kept for redisplay: strings and lists of strings only, each at most 100,000 characters. */
function sentValues(body: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') out[key] = value.slice(0, 100_000);
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  ids: Record<string, string> = {},
): FormResult<z.output<S>> {
  const raw = formBody(body);
  const parsed = schema.safeParse(raw);
  const values = sentValues(raw);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  return { ok: false, ...formErrors(parsed.error, ids), values };
}

// Building blocks, each with a GOV.UK-worded message.

/** A required text: trimmed; an empty, missing or over-long value is refused with its message. */
export const requiredText = (messages: { missing: string; tooLong: string }, max: number) =>
  z.string({ error: messages.missing }).trim().min(1, messages.missing).max(max, messages.tooLong);

/** An optional text: trimmed, '' when absent; over-long is refused. */
export const optionalText = (tooLong: string, max: number) =>
  z.string({ error: tooLong }).trim().max(max, tooLong).optional().default('');

/** One value from a list. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: message });

/** Any number of values from a list (a single value or none is fine); an unknown value is refused. */
export const manyOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(values, { error: message }), { error: message }).max(values.length, message),
  );

/** A database id: a positive whole number within the column's range. */
export const recordId = (message: string) =>
  z
    .string({ error: message })
    .regex(/^[1-9]\d{0,9}$/, message)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, message);
