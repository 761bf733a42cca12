import type { z } from 'zod';

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

/** Reads a form body safely: anything that is not a plain object of strings becomes an empty form. */
export function formBody(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
