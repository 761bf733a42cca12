import { getCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { looksLikeEmail, normaliseEmail } from '../accounts/sign-in.ts';
import { countryByCode } from '../../shared/places/countries.ts';
import { findPlaces } from '../../shared/places/places.ts';
import { isTimeZone } from '../../shared/local-dates.ts';
import { allZones, proposeZone } from '../../shared/zoned-time.ts';

/**
 * Signing up for an adviser: the questions, one a page, their answers' rules and the
 * words each answer is shown with. Pure: no HTTP, no SQL.
 */
export const STAGES = {
  exploring: 'I am finding out about teaching',
  'ready-to-apply': 'I am ready to apply',
  applied: 'I have applied',
  training: 'I am training',
} as const;
export type Stage = keyof typeof STAGES;

export const AGE_GROUPS = {
  primary: 'Primary',
  secondary: 'Secondary',
  'not-sure': 'I am not sure yet',
} as const;

export const DEGREE_STATUSES = {
  'have-degree': 'I have a degree',
  studying: 'I am studying for a degree',
  'no-degree': 'I do not have a degree',
} as const;

export const HELP_TOPICS = {
  'understanding-iqts': 'Understanding iQTS and QTS',
  eligibility: 'Whether I am eligible, and statements of comparability',
  'choosing-provider': 'Choosing a training provider',
  'placement-school': 'Finding a placement school',
  'personal-statement': 'Writing my personal statement',
  interview: 'Preparing for an interview',
} as const;

export const OUTCOMES = {
  supported: 'Supported',
  'no-answer': 'No answer',
  'not-eligible': 'Not eligible',
  referred: 'Referred to a provider',
} as const;
export type Outcome = keyof typeof OUTCOMES;

const keys = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/** A phone number as E.164, read in the candidate's country unless it starts with +; undefined when not real. */
export function phoneE164(input: string, country: string | undefined): string | undefined {
  const text = input.trim();
  if (text.length === 0 || text.length > 40 || !/^[+\d\s().-]+$/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text, country as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** "+977 1 4412345" for reading. */
export function phoneForReading(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** The zone to propose from a town in the country, else the country when it keeps one zone. */
export function proposedZone(country: string, town: string): string | undefined {
  const place = town ? findPlaces(`${town}, ${country}`, 1)[0] : undefined;
  return proposeZone({ lat: place?.lat ?? null, lon: place?.lon ?? null, country });
}

/**
 * The zones to choose from: the country's own first, then every other. The runtime lists
 * some zones by an older name (Asia/Katmandu for Asia/Kathmandu), so the country's names
 * are kept as they are, and the runtime's older spelling of the same zone is left out.
 */
export function zoneChoices(country: string | undefined): { countryZones: string[]; otherZones: string[] } {
  const countryZones = (country ? (getCountry(country)?.timezones ?? []) : []).filter((z) => isTimeZone(z));
  const mine = new Set<string>(countryZones);
  const canonical = (z: string) => new Intl.DateTimeFormat('en', { timeZone: z }).resolvedOptions().timeZone;
  const mineCanonical = new Set(countryZones.map(canonical));
  const otherZones = allZones()
    .filter((z) => !mine.has(z) && !mineCanonical.has(canonical(z)))
    .sort();
  return { countryZones, otherZones };
}

export interface SignUpAnswers {
  name?: string;
  email?: string;
  country?: string;
  town?: string;
  timeZone?: string;
  phone?: string;
  stage?: Stage;
  ageGroup?: keyof typeof AGE_GROUPS;
  subject?: string;
  degreeStatus?: keyof typeof DEGREE_STATUSES;
  helpWith?: (keyof typeof HELP_TOPICS)[];
  helpDetail?: string;
  contactConsent?: 'yes';
  shareConsent?: 'yes' | 'no';
}

/** The questions, in order; each a path and a form schema (given the answers so far). */
export const QUESTION_IDS = [
  'name',
  'email',
  'country',
  'time-zone',
  'phone',
  'stage',
  'interest',
  'degree',
  'help',
  'consent',
] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export const nameForm = z.object({
  name: z
    .string({ error: 'Enter your full name' })
    .trim()
    .min(1, 'Enter your full name')
    .max(200, 'Your name must be 200 characters or fewer'),
});

export const emailForm = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .transform(normaliseEmail)
    .refine((v) => v !== '', 'Enter your email address')
    .refine(looksLikeEmail, 'Enter an email address in the correct format, like name@example.com'),
});

export const countryForm = z.object({
  country: z
    .string({ error: 'Select the country where you live' })
    .refine((v) => countryByCode(v) !== undefined, 'Select the country where you live')
    .refine((v) => v !== 'GB', 'iQTS is for people who live outside the UK: select the country where you live'),
  town: z.string().trim().max(100, 'Your town or city must be 100 characters or fewer').optional().default(''),
});

export const timeZoneForm = z.object({
  timeZone: z
    .string({ error: 'Select your time zone' })
    .refine((v) => v.length <= 64 && isTimeZone(v), 'Select your time zone'),
});

export const phoneForm = (country: string | undefined) =>
  z.object({
    phone: z
      .string({ error: 'Enter your phone number' })
      .trim()
      .min(1, 'Enter your phone number')
      .transform((v, ctx) => {
        const e164 = phoneE164(v, country);
        if (!e164) {
          ctx.addIssue({
            code: 'custom',
            message:
              'Enter a phone number, like +977 1 4412345, including the country code if it is not where you live',
          });
          return z.NEVER;
        }
        return e164;
      }),
  });

export const stageForm = z.object({
  stage: z.enum(keys(STAGES), { error: 'Select where you are with teacher training' }),
});

export const interestForm = z.object({
  ageGroup: z.enum(keys(AGE_GROUPS), { error: 'Select the age group you want to teach' }),
  subject: z.string().trim().max(100, 'The subject must be 100 characters or fewer').optional().default(''),
});

export const degreeForm = z.object({
  degreeStatus: z.enum(keys(DEGREE_STATUSES), { error: 'Select whether you have a degree' }),
});

export const helpForm = z.object({
  helpWith: z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.enum(keys(HELP_TOPICS), { error: 'Select what you would like help with' }))
      .min(1, 'Select what you would like help with')
      .max(Object.keys(HELP_TOPICS).length, 'Select what you would like help with'),
  ),
  helpDetail: z
    .string()
    .trim()
    .max(1000, 'What you would like help with must be 1,000 characters or fewer')
    .optional()
    .default(''),
});

export const consentForm = z.object({
  contactConsent: z.literal('yes', { error: 'Confirm that an adviser may contact you' }),
  shareConsent: z.enum(['yes', 'no'], {
    error: 'Select whether your adviser may see your eligibility answers and application',
  }),
});

/** The first question without an answer: where someone belongs. */
export function firstUnanswered(a: SignUpAnswers, signedIn: boolean): QuestionId | 'check' {
  if (!a.name) return 'name';
  if (!a.email && !signedIn) return 'email';
  if (!a.country) return 'country';
  if (!a.timeZone) return 'time-zone';
  if (!a.phone) return 'phone';
  if (!a.stage) return 'stage';
  if (!a.ageGroup) return 'interest';
  if (!a.degreeStatus) return 'degree';
  if (!a.helpWith?.length) return 'help';
  if (!a.contactConsent || !a.shareConsent) return 'consent';
  return 'check';
}

/** Answers read back from a session, keeping only well-formed values. */
export function answersFrom(stored: unknown): SignUpAnswers {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {};
  const s = stored as Record<string, unknown>;
  const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : undefined);
  const pick = <T extends object>(k: string, table: T) => {
    const v = str(k);
    return v !== undefined && Object.hasOwn(table, v) ? (v as keyof T) : undefined;
  };
  const help = Array.isArray(s['helpWith'])
    ? (s['helpWith'] as unknown[]).filter(
        (v): v is keyof typeof HELP_TOPICS => typeof v === 'string' && Object.hasOwn(HELP_TOPICS, v),
      )
    : undefined;
  const out: SignUpAnswers = {
    name: str('name'),
    email: str('email'),
    country: str('country'),
    town: str('town'),
    timeZone: str('timeZone'),
    phone: str('phone'),
    stage: pick('stage', STAGES),
    ageGroup: pick('ageGroup', AGE_GROUPS),
    subject: str('subject'),
    degreeStatus: pick('degreeStatus', DEGREE_STATUSES),
    helpWith: help,
    helpDetail: str('helpDetail'),
    contactConsent: str('contactConsent') === 'yes' ? 'yes' : undefined,
    shareConsent: str('shareConsent') === 'yes' ? 'yes' : str('shareConsent') === 'no' ? 'no' : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as SignUpAnswers;
}
