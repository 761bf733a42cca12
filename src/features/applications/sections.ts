import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { countryByCode } from '../../shared/places/countries.ts';
import { govukDate, parseDateParts } from '../../shared/dates.ts';

/**
 * The candidate's task list: each section's questions, their rules and their messages,
 * as data. The pages, the server-side checks and "Check your answers" are all derived
 * from this table. Pure: no HTTP, no database.
 */
export type Answers = Record<string, Record<string, string>>;

/**
 * When a question is asked: only when another question in the same section has (or has not) a
 * given answer. Declarative, so the page can reveal it in place: under its radio option (GOV.UK
 * conditional reveal) or after its country list.
 */
export type When = { field: string; equals: string } | { field: string; notEquals: string };

interface BaseField {
  name: string;
  label: string;
  hint?: string;
  /** Asked only when this holds for the section's own answers. */
  when?: When;
  /** Said in the hint where the question cannot be revealed in place (without JavaScript, after a list). */
  askedIf?: string;
  /** The message when nothing is given, where the default "Enter …" / "Select …" reads badly. */
  requiredMessage?: string;
  /** May be left empty. */
  optional?: boolean;
}
export type Field =
  | (BaseField & {
      type: 'text';
      maxLength: number;
      pattern?: RegExp;
      patternMessage?: string;
      width?: string;
      autocomplete?: string;
    })
  | (BaseField & { type: 'phone'; autocomplete?: string })
  | (BaseField & { type: 'textarea'; maxWords: number })
  | (BaseField & { type: 'radios'; options: { value: string; label: string }[] })
  | (BaseField & { type: 'country' })
  | (BaseField & { type: 'date'; minAge: number; maxAge: number });

export interface Section {
  id: string;
  title: string;
  fields: Field[];
  /** Needed only when this holds for the whole application (science: primary only). */
  appliesWhen?: (answers: Answers) => boolean;
}

/** Marks a section the service filled in (from the eligibility check) that the candidate has not yet confirmed. */
export const PREFILLED = '_prefilled';

export const holds = (when: When, values: Record<string, string>): boolean => {
  const v = values[when.field] ?? '';
  return 'equals' in when ? v === when.equals : v !== '' && v !== when.notEquals;
};

const comparability = (country: string): Field => ({
  name: 'comparability',
  type: 'radios',
  label: 'Do you have a statement of comparability from UK ENIC for this qualification?',
  hint: 'It shows how a qualification from outside the UK compares to UK ones.',
  when: { field: country, notEquals: 'GB' },
  askedIf: 'Only if you studied outside the UK',
  requiredMessage: 'Select whether you have a statement of comparability',
  options: [
    { value: 'yes', label: 'Yes' },
    { value: 'applied', label: 'I have applied for one' },
    { value: 'no', label: 'No' },
  ],
});

/**
 * The sections in the order a candidate meets them: first what the eligibility checker asked
 * (where they live, age group, qualifications, English), then the provider they found, then the
 * rest of the application.
 */
export const SECTIONS: readonly Section[] = [
  {
    id: 'where-you-live',
    title: 'Where you live',
    fields: [
      { name: 'country', type: 'country', label: 'Country where you live' },
      {
        name: 'uk-nation',
        type: 'radios',
        label: 'Which part of the UK do you live in?',
        requiredMessage: 'Select which part of the UK you live in',
        askedIf: 'Only if you live in the UK',
        when: { field: 'country', equals: 'GB' },
        options: [
          { value: 'england', label: 'England' },
          { value: 'scotland', label: 'Scotland' },
          { value: 'wales', label: 'Wales' },
          { value: 'northern-ireland', label: 'Northern Ireland' },
        ],
      },
      {
        name: 'town',
        type: 'text',
        label: 'Town or city',
        maxLength: 100,
        autocomplete: 'address-level2',
        width: 'govuk-!-width-two-thirds',
      },
    ],
  },
  {
    id: 'course',
    title: 'Age group and subject',
    fields: [
      {
        name: 'phase',
        type: 'radios',
        label: 'Which age group do you want to teach?',
        requiredMessage: 'Select which age group you want to teach',
        options: [
          { value: 'primary', label: 'Primary (ages 5 to 11)' },
          { value: 'secondary', label: 'Secondary (ages 11 to 18)' },
        ],
      },
      {
        name: 'subject',
        type: 'text',
        label: 'Subject you want to teach',
        hint: 'For example, mathematics',
        maxLength: 100,
        when: { field: 'phase', equals: 'secondary' },
      },
    ],
  },
  {
    id: 'degree',
    title: 'Degree',
    fields: [
      {
        name: 'status',
        type: 'radios',
        label: 'Do you have a bachelor’s degree?',
        requiredMessage: 'Select whether you have been awarded your degree or are in the final year',
        options: [
          { value: 'awarded', label: 'Yes, I have been awarded it' },
          { value: 'final-year', label: 'I’m in the final year' },
        ],
      },
      { name: 'subject', type: 'text', label: 'Degree subject', maxLength: 150 },
      {
        name: 'grade',
        type: 'text',
        label: 'Grade or classification',
        hint: 'Expected grade if you are in your final year',
        maxLength: 100,
        width: 'govuk-!-width-one-half',
      },
      { name: 'country', type: 'country', label: 'Country where you studied' },
      comparability('country'),
    ],
  },
  {
    id: 'maths',
    title: 'Maths qualification',
    fields: [
      {
        name: 'qualification',
        type: 'text',
        label: 'Maths qualification',
        hint: 'At the standard of GCSE grade 4 (C) or above, for example GCSE mathematics',
        maxLength: 150,
      },
      { name: 'grade', type: 'text', label: 'Grade', maxLength: 20, width: 'govuk-input--width-10' },
      { name: 'country', type: 'country', label: 'Country where you studied' },
      comparability('country'),
    ],
  },
  {
    id: 'science',
    title: 'Science qualification',
    appliesWhen: (a) => a['course']?.['phase'] === 'primary',
    fields: [
      {
        name: 'qualification',
        type: 'text',
        label: 'Science qualification',
        hint: 'Needed to teach primary: at the standard of GCSE grade 4 (C) or above',
        maxLength: 150,
      },
      { name: 'grade', type: 'text', label: 'Grade', maxLength: 20, width: 'govuk-input--width-10' },
      { name: 'country', type: 'country', label: 'Country where you studied' },
      comparability('country'),
    ],
  },
  {
    id: 'english',
    title: 'English language',
    fields: [
      {
        name: 'evidence',
        type: 'radios',
        label: 'How can you show your English language ability?',
        requiredMessage: 'Select how you can show your English language ability',
        options: [
          { value: 'test', label: 'An English language test: IELTS 6.5 or higher, or equivalent' },
          { value: 'education-in-english', label: 'I completed some of my education in English' },
        ],
      },
      {
        name: 'details',
        type: 'text',
        label: 'Details',
        hint: 'The test and your score, or where and when you studied in English',
        maxLength: 200,
      },
    ],
  },
  {
    id: 'personal-details',
    title: 'Personal details',
    fields: [
      {
        name: 'given-name',
        type: 'text',
        label: 'First name',
        maxLength: 100,
        autocomplete: 'given-name',
        width: 'govuk-!-width-two-thirds',
      },
      {
        name: 'family-name',
        type: 'text',
        label: 'Last name',
        maxLength: 100,
        autocomplete: 'family-name',
        width: 'govuk-!-width-two-thirds',
      },
      {
        name: 'date-of-birth',
        type: 'date',
        label: 'Date of birth',
        hint: 'For example, 27 3 1990 or 27 March 1990',
        minAge: 18,
        maxAge: 100,
      },
    ],
  },
  {
    id: 'contact-details',
    title: 'Contact details',
    fields: [
      {
        name: 'phone',
        type: 'phone',
        label: 'Phone number',
        hint: 'Include the country code, for example +234 801 234 5678 or +971 50 123 4567',
        autocomplete: 'tel',
      },
    ],
  },
  {
    id: 'nationality',
    title: 'Nationality',
    fields: [
      { name: 'nationality', type: 'country', label: 'Nationality', hint: 'The country of your passport' },
      {
        name: 'other-nationality',
        type: 'radios',
        label: 'Do you have another nationality?',
        requiredMessage: 'Select whether you have another nationality',
        options: [
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ],
      },
      {
        name: 'second-nationality',
        type: 'country',
        label: 'Second nationality',
        when: { field: 'other-nationality', equals: 'yes' },
      },
      {
        name: 'third-nationality',
        type: 'country',
        label: 'Third nationality (optional)',
        optional: true,
        when: { field: 'other-nationality', equals: 'yes' },
      },
    ],
  },
  {
    id: 'teaching-experience',
    title: 'Teaching experience',
    fields: [
      {
        name: 'experience',
        type: 'textarea',
        label: 'Tell us about any experience of teaching or working with children',
        hint: 'You do not need teaching experience. Write ‘None’ if you have none.',
        requiredMessage: 'Enter your experience, or ‘None’',
        maxWords: 300,
      },
    ],
  },
  {
    id: 'current-school',
    title: 'The school you work in',
    fields: [
      {
        name: 'works-in-school',
        type: 'radios',
        label: 'Do you work in a school?',
        requiredMessage: 'Select whether you work in a school',
        options: [
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ],
      },
      {
        name: 'school-name',
        type: 'text',
        label: 'School name',
        maxLength: 200,
        when: { field: 'works-in-school', equals: 'yes' },
      },
      {
        name: 'school-town',
        type: 'text',
        label: 'Town or city',
        maxLength: 100,
        when: { field: 'works-in-school', equals: 'yes' },
        width: 'govuk-!-width-two-thirds',
      },
      {
        name: 'school-country',
        type: 'country',
        label: 'Country',
        when: { field: 'works-in-school', equals: 'yes' },
      },
    ],
  },
  {
    id: 'placement',
    title: 'Placement school',
    fields: [
      {
        name: 'preference',
        type: 'radios',
        label: 'Where do you want to do your placement?',
        requiredMessage: 'Select where you want to do your placement',
        options: [
          { value: 'match', label: 'I would like the provider to match me to one of its partner schools' },
          { value: 'arranged', label: 'I have arranged a school' },
          { value: 'current-school', label: 'The school I work in' },
        ],
      },
      {
        name: 'school-name',
        type: 'text',
        label: 'Name of the school you have arranged',
        maxLength: 200,
        when: { field: 'preference', equals: 'arranged' },
      },
      {
        name: 'school-town',
        type: 'text',
        label: 'Town or city',
        maxLength: 100,
        when: { field: 'preference', equals: 'arranged' },
        width: 'govuk-!-width-two-thirds',
      },
      {
        name: 'school-country',
        type: 'country',
        label: 'Country',
        when: { field: 'preference', equals: 'arranged' },
      },
    ],
  },
  {
    id: 'personal-statement',
    title: 'Personal statement',
    fields: [
      {
        name: 'statement',
        type: 'textarea',
        label: 'Why do you want to be a teacher?',
        hint: 'Tell the provider about yourself, your motivation and what you would bring to teaching.',
        requiredMessage: 'Enter your personal statement',
        maxWords: 600,
      },
    ],
  },
];

/** The task list's provider task comes after the sections the eligibility checker asked about. */
export const PROVIDER_TASK_AFTER = 'english';

export const sectionById = (id: string): Section | undefined => SECTIONS.find((s) => s.id === id);
export const sectionsFor = (answers: Answers): Section[] =>
  SECTIONS.filter((s) => !s.appliesWhen || s.appliesWhen(answers));
export const fieldsShown = (section: Section, values: Record<string, string>): Field[] =>
  section.fields.filter((f) => !f.when || holds(f.when, values));

export const countWords = (text: string): number => (text.trim() ? text.trim().split(/\s+/).length : 0);

export interface SectionResult {
  values: Record<string, string>;
  errors: { field: string; message: string }[];
}

/** The most characters a long answer may have, whatever its word count: refused, never cut. */
export const TEXTAREA_MAX_CHARACTERS = 20_000;

const lower = (f: Field) => f.label.charAt(0).toLowerCase() + f.label.slice(1);

/** A phone number with its country code, as E.164 ("+2348012345678"); null when it is not a real one. */
export function internationalPhone(text: string): string | null {
  const t = text.trim().replace(/^00/, '+');
  if (t.length > 30 || !t.startsWith('+')) return null;
  const phone = parsePhoneNumberFromString(t);
  return phone && phone.isValid() ? phone.number : null;
}

/** One field's rule as a zod schema, with the table's messages. A date's value is its three parts. */
function fieldSchema(f: Field, today: Date): z.ZodType<string> {
  const required = f.requiredMessage ?? `Enter ${lower(f)}`;
  switch (f.type) {
    case 'text': {
      const text = z
        .string()
        .min(1, required)
        .max(f.maxLength, `${f.label} must be ${f.maxLength} characters or fewer`);
      return f.pattern ? text.regex(f.pattern, f.patternMessage ?? `Enter ${lower(f)} in the correct format`) : text;
    }
    case 'phone':
      return z
        .string()
        .min(1, required)
        .refine(
          (v) => internationalPhone(v) !== null,
          'Enter a phone number with its country code, like +234 801 234 5678',
        );
    case 'textarea': {
      const whose = f.name === 'statement' ? 'Your personal statement' : 'Your answer';
      return z
        .string()
        .min(1, required)
        .max(
          TEXTAREA_MAX_CHARACTERS,
          `${whose} must be ${TEXTAREA_MAX_CHARACTERS.toLocaleString('en-GB')} characters or fewer`,
        )
        .superRefine((v, ctx) => {
          const words = countWords(v);
          if (words > f.maxWords)
            ctx.addIssue({
              code: 'custom',
              message: `${whose} must be ${f.maxWords} words or fewer (it has ${words})`,
            });
        });
    }
    case 'radios':
      return z.enum(f.options.map((o) => o.value) as [string, ...string[]], {
        error: f.requiredMessage ?? `Select ${lower(f)}`,
      });
    case 'country':
      return z
        .string()
        .refine(
          (v) => (f.optional && !v) || (!!v && !!countryByCode(v)),
          `Select ${lower(f).replace(/ \(optional\)$/, '')} from the list`,
        );
    case 'date':
      return z.string().superRefine((v, ctx) => {
        const [d = '', m = '', y = ''] = v.split('|');
        const iso = parseDateParts(d, m, y);
        if (!d && !m && !y) ctx.addIssue({ code: 'custom', message: `Enter your ${lower(f)}` });
        else if (!iso) ctx.addIssue({ code: 'custom', message: `${f.label} must be a real date` });
        else {
          const date = new Date(`${iso}T00:00:00Z`);
          const age = (today.getTime() - date.getTime()) / (365.25 * 24 * 3600 * 1000);
          if (age < f.minAge) ctx.addIssue({ code: 'custom', message: `You must be ${f.minAge} or older to apply` });
          else if (age > f.maxAge)
            ctx.addIssue({ code: 'custom', message: `${f.label} must be after ${today.getUTCFullYear() - f.maxAge}` });
        }
      });
  }
}

/** What was sent for a section, as trimmed text; anything that is not text counts as nothing sent. */
function sentValues(section: Section, body: Record<string, unknown>): Record<string, string> {
  const str = (key: string) => {
    const v = body[key];
    return typeof v === 'string' ? v.trim() : '';
  };
  const values: Record<string, string> = {};
  for (const f of section.fields) {
    if (f.type === 'date')
      for (const part of ['day', 'month', 'year']) values[`${f.name}-${part}`] = str(`${f.name}-${part}`);
    else values[f.name] = str(f.name);
  }
  return values;
}

/**
 * A section's form as one zod schema, derived from the table: each question that is asked
 * (given the section's other answers) is checked by its field's schema.
 */
export function sectionSchema(section: Section, today = new Date()) {
  return z.record(z.string(), z.unknown()).superRefine((body, ctx) => {
    const values = sentValues(section, body);
    for (const f of fieldsShown(section, values)) {
      const value =
        f.type === 'date' ? ['day', 'month', 'year'].map((p) => values[`${f.name}-${p}`]).join('|') : values[f.name];
      const result = fieldSchema(f, today).safeParse(value);
      if (!result.success) ctx.addIssue({ code: 'custom', path: [f.name], message: result.error.issues[0]!.message });
    }
  });
}

export function validateSection(section: Section, body: Record<string, unknown>, today = new Date()): SectionResult {
  const values = sentValues(section, body);
  const parsed = sectionSchema(section, today).safeParse(body);
  const errors: SectionResult['errors'] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message }));
  const valid = (f: Field) => !errors.some((e) => e.field === f.name) && fieldsShown(section, values).includes(f);
  // Redisplayed text is what was sent; only a long answer's characters beyond the limit are not echoed back.
  for (const f of section.fields) {
    if (f.type === 'textarea' && (values[f.name]?.length ?? 0) > TEXTAREA_MAX_CHARACTERS)
      values[f.name] = values[f.name]!.slice(0, TEXTAREA_MAX_CHARACTERS);
    if (f.type === 'date' && valid(f)) {
      const [d, m, y] = ['day', 'month', 'year'].map((p) => values[`${f.name}-${p}`]!);
      values[f.name] = parseDateParts(d!, m!, y!)!;
    }
    // Stored in one international form, whatever spacing or "00" prefix was typed.
    if (f.type === 'phone' && valid(f)) values[f.name] = internationalPhone(values[f.name]!)!;
  }
  // Keep only what is shown: a hidden follow-up question's old answer must not linger.
  const shown = new Set(
    fieldsShown(section, values).flatMap((f) =>
      f.type === 'date' ? [f.name, `${f.name}-day`, `${f.name}-month`, `${f.name}-year`] : [f.name],
    ),
  );
  for (const key of Object.keys(values))
    if (!shown.has(key) || (values[key] === '' && !errors.length)) delete values[key];
  return { values, errors };
}

/**
 * The GOV.UK task list's statuses: "Completed" once the candidate has saved a section whose
 * answers are all valid; "Incomplete" otherwise, including a section the service filled in for
 * them until they confirm it; "Not yet started" when nothing is there.
 */
export type SectionStatus = 'completed' | 'incomplete' | 'not-started';

export function sectionStatus(section: Section, answers: Answers): SectionStatus {
  const values = answers[section.id];
  if (!values || Object.keys(values).length === 0) return 'not-started';
  if (values[PREFILLED]) return 'incomplete';
  return validateSection(section, values).errors.length === 0 ? 'completed' : 'incomplete';
}

/** Everything the task list needs done before submission, in order. */
export function incompleteSections(answers: Answers): Section[] {
  return sectionsFor(answers).filter((s) => sectionStatus(s, answers) !== 'completed');
}

/** Words for "Check your answers" and the submitted application. */
export function displayValue(field: Field, values: Record<string, string>): string {
  const v = values[field.name] ?? '';
  if (field.type === 'radios') return field.options.find((o) => o.value === v)?.label ?? '';
  if (field.type === 'country') return countryByCode(v)?.name ?? '';
  if (field.type === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(v) ? govukDate(v) : '';
  if (field.type === 'phone') return (v && parsePhoneNumberFromString(v)?.formatInternational()) || v;
  return v;
}
