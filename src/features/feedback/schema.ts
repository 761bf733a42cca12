import { z } from 'zod';

export const COMMENT_LIMIT = 1200;

/** The feedback form. Messages follow the GOV.UK error message pattern. */
export const feedbackForm = z.object({
  page: z
    .string()
    .max(500)
    .regex(/^\/[A-Za-z0-9\-/._~]*$/)
    .catch('/'),
  useful: z.enum(['yes', 'no'], { error: 'Select yes if this service was useful' }),
  comment: z
    .string()
    .trim()
    .max(COMMENT_LIMIT, `How we could improve the service must be ${COMMENT_LIMIT} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null)),
});
