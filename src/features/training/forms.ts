import { z } from 'zod';
import { formBody, manyOf, oneOf, optionalText, recordId, requiredText } from '../../platform/forms.ts';
import { isIsoDate } from '../../shared/local-dates.ts';
import { DAY_KIND_IDS } from './day-log.ts';
import { isCriteriaVersion } from './requirements.ts';
import {
  JUDGEMENT_IDS,
  REVIEW_KINDS,
  REVIEW_OUTCOMES,
  STANDARD_IDS,
  STANDARDS,
  type Judgement,
  type Standard,
} from './standards.ts';
import { WITHDRAWAL_REASONS } from './state-machine.ts';

/**
 * The training forms' schemas. A GOV.UK date input sends day, month and year fields:
 * `withDates` joins them into one YYYY-MM-DD value first, so each date is one field to check.
 */
export function withDates(body: unknown, names: readonly string[]): Record<string, unknown> {
  const raw = formBody(body);
  const out: Record<string, unknown> = { ...raw };
  for (const name of names) {
    const parts = ['day', 'month', 'year'].map((p) => raw[`${name}-${p}`]);
    if (parts.every((p) => p === undefined || p === '')) {
      out[name] = '';
      continue;
    }
    const [d, m, y] = parts.map((p) => (typeof p === 'string' ? p.trim() : ''));
    out[name] =
      /^\d{1,2}$/.test(d!) && /^\d{1,2}$/.test(m!) && /^\d{4}$/.test(y!)
        ? `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`
        : 'invalid';
  }
  return out;
}

/** Where a date's error links: its day field. */
export const dateIds = (...names: string[]) => Object.fromEntries(names.map((n) => [n, `${n}-day`]));

export const isoDate = (label: string) =>
  z
    .string({ error: `Enter ${label}` })
    .min(1, `Enter ${label}`)
    .refine(isIsoDate, `${label[0]!.toUpperCase()}${label.slice(1)} must be a real date`);

const text = (name: string, max: number) =>
  requiredText(
    {
      missing: `Enter ${name}`,
      tooLong: `${name[0]!.toUpperCase()}${name.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    },
    max,
  );

export const startTrainingForm = z
  .object({
    startDate: isoDate('the course start date'),
    expectedEndDate: isoDate('the expected end date'),
    studyMode: oneOf(['full-time', 'part-time'], 'Select full-time or part-time'),
    daysPerWeek: z.string().optional().default(''),
    ageRange: oneOf(['5 to 11', '11 to 18', '3 to 11', '11 to 16'], 'Select an age range'),
    subjects: text('the subjects', 200),
    trainingCountry: z.string().regex(/^[A-Z]{2}$/, 'Select the training country'),
    criteriaVersion: z.string().refine(isCriteriaVersion, 'Select the criteria the course follows'),
    mentorId: recordId('Select a mentor'),
    placementStart: isoDate('the placement start date'),
    placementEnd: isoDate('the placement end date'),
  })
  .superRefine((v, ctx) => {
    if (v.expectedEndDate <= v.startDate)
      ctx.addIssue({
        code: 'custom',
        path: ['expectedEndDate'],
        message: 'The expected end date must be after the start date',
      });
    if (v.placementEnd < v.placementStart)
      ctx.addIssue({ code: 'custom', path: ['placementEnd'], message: 'The placement must end on or after it starts' });
    if (v.studyMode === 'part-time' && !/^[1-4]$/.test(v.daysPerWeek))
      ctx.addIssue({
        code: 'custom',
        path: ['daysPerWeek'],
        message: 'Enter the days a week, from 1 to 4, for part-time study',
      });
  })
  .transform((v) => ({
    ...v,
    daysPerWeek: v.studyMode === 'full-time' ? 5 : Number(v.daysPerWeek),
    subjects: v.subjects
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  }));

export const placementForm = z
  .object({
    mentorId: recordId('Select a mentor'),
    placementStart: isoDate('the placement start date'),
    placementEnd: isoDate('the placement end date'),
  })
  .refine((v) => v.placementEnd >= v.placementStart, {
    path: ['placementEnd'],
    message: 'The placement must end on or after it starts',
  });

export const mentorForm = z.object({
  schoolKey: z.string().regex(/^[1-9]\d{0,9}:[1-9]\d{0,9}$/, 'Select the mentor’s school'),
  name: text('the mentor’s full name', 200),
  email: z
    .string({ error: 'Enter the mentor’s email address' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter the mentor’s email address')
    .max(320, 'Email address must be 320 characters or fewer')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address in the correct format, like name@example.com'),
  role: oneOf(['general', 'lead'], 'Select general mentor or lead mentor'),
  trainedOn: isoDate('the date their mentor training was completed'),
});

/** A week's form: for each of the 7 dates, whether the trainee was in school, the kind of day and a note. */
export function weekForm(dates: readonly string[]) {
  const shape: Record<string, z.ZodType> = { placementId: recordId('Select one of your placements') };
  for (const [i] of dates.entries()) {
    shape[`portion-${i}`] = oneOf(['none', 'full', 'half'], 'Select whether you were in school')
      .optional()
      .default('none');
    // The empty choice ("Select the kind of day") is no answer, which matters only on a day in school.
    shape[`kind-${i}`] = z.preprocess(
      (v) => (v === '' ? undefined : v),
      oneOf(DAY_KIND_IDS, 'Select the kind of day').optional(),
    );
    shape[`note-${i}`] = optionalText('A note must be 500 characters or fewer', 500);
  }
  return z.object(shape).superRefine((v, ctx) => {
    for (const [i] of dates.entries())
      if (v[`portion-${i}`] !== 'none' && !v[`kind-${i}`])
        ctx.addIssue({ code: 'custom', path: [`kind-${i}`], message: 'Select the kind of day' });
  });
}

export const weekReviewForm = z
  .object({
    action: oneOf(['confirm', 'query'], 'Select confirm or query'),
    reason: optionalText('The reason must be 1,000 characters or fewer', 1000),
  })
  .refine((v) => v.action === 'confirm' || v.reason.length > 0, {
    path: ['reason'],
    message: 'Enter why you are querying these days',
  });

export const resolveForm = z.object({
  action: oneOf(['confirm', 'remove'], 'Select confirm or remove'),
  reason: text('the reason', 1000),
});

const judgement = (s: Standard) => oneOf(JUDGEMENT_IDS, `Select a judgement for ${STANDARDS[s].short}`);
/** One judgement per standard: all required (a review), or only for those observed ('' is "not observed"). */
const judgementFields = (required: boolean) =>
  Object.fromEntries(
    STANDARD_IDS.map((s) => [
      s,
      required ? judgement(s) : z.preprocess((v) => (v === '' ? undefined : v), judgement(s).optional()),
    ]),
  ) as unknown as Record<Standard, z.ZodOptional<z.ZodEnum<{ [K in Judgement]: K }>>>;

export const observationForm = z
  .object({
    date: isoDate('the date of the lesson'),
    className: text('the class', 100),
    ageGroup: text('the age group', 50),
    standards: manyOf(STANDARD_IDS, 'Select standards from the list').refine(
      (s) => s.length > 0,
      'Select at least one standard you observed',
    ),
    ...judgementFields(false),
    strengths: text('the strengths', 5000),
    targets: text('the targets', 5000),
  })
  .superRefine((v, ctx) => {
    for (const s of v.standards)
      if (!v[s]) ctx.addIssue({ code: 'custom', path: [s], message: `Select a judgement for ${STANDARDS[s].short}` });
  });

export const reflectionForm = z.object({
  date: isoDate('the date'),
  standards: manyOf(STANDARD_IDS, 'Select standards from the list').refine(
    (s) => s.length > 0,
    'Select at least one standard this reflection is about',
  ),
  text: text('your reflection', 10_000),
});

export const reviewForm = z.object({
  kind: oneOf(Object.keys(REVIEW_KINDS) as ['interim', 'final'], 'Select interim review or final assessment'),
  date: isoDate('the date of the review'),
  ...judgementFields(true),
  outcome: oneOf(
    Object.keys(REVIEW_OUTCOMES) as ['on-track', 'not-on-track', 'passed', 'not-passed'],
    'Select the outcome',
  ),
  comments: text('comments', 5000),
});

export const deferForm = z.object({ date: isoDate('the date of deferral'), reason: text('the reason', 1000) });
export const reinstateForm = z.object({ date: isoDate('the date training restarts') });
export const withdrawForm = z.object({
  date: isoDate('the date the trainee left'),
  reasons: manyOf(
    Object.keys(WITHDRAWAL_REASONS) as [keyof typeof WITHDRAWAL_REASONS],
    'Select reasons from the list',
  ).refine((r) => r.length > 0, 'Select at least one reason'),
  detail: optionalText('Details must be 1,000 characters or fewer', 1000),
});

export const policyForm = z
  .object({
    providerId: recordId('Select a provider'),
    cohort: z.string().regex(/^(\d{4}) to (\d{4})$/, 'Enter the cohort like 2026 to 2027'),
    weekRule: oneOf(['contracted', 'fixed'], 'Select how a week is counted'),
    weekDays: z.string().optional().default(''),
    note: text('the policy', 1000),
  })
  .superRefine((v, ctx) => {
    if (v.weekRule === 'fixed' && !/^[1-5]$/.test(v.weekDays))
      ctx.addIssue({
        code: 'custom',
        path: ['weekDays'],
        message: 'Enter the days that make a week count, from 1 to 5',
      });
    const m = /^(\d{4}) to (\d{4})$/.exec(v.cohort);
    if (m && Number(m[2]) !== Number(m[1]) + 1)
      ctx.addIssue({
        code: 'custom',
        path: ['cohort'],
        message: 'A cohort runs over two consecutive years, like 2026 to 2027',
      });
  });

/** The day, month and year fields of dates, for GOV.UK date inputs shown again. */
export function dateParts(values: Record<string, unknown>, names: string[]) {
  const out: Record<string, { day: string; month: string; year: string }> = {};
  for (const name of names) {
    const v = (k: string) => (typeof values[`${name}-${k}`] === 'string' ? (values[`${name}-${k}`] as string) : '');
    const iso =
      typeof values[name] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(values[name] as string)
        ? (values[name] as string)
        : '';
    out[name] =
      iso && !v('day')
        ? { day: String(Number(iso.slice(8))), month: String(Number(iso.slice(5, 7))), year: iso.slice(0, 4) }
        : { day: v('day'), month: v('month'), year: v('year') };
  }
  return out;
}
