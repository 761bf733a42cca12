import { z } from 'zod';
import { formBody, formErrors, oneOf, optionalText, recordId, requiredText } from '../../platform/forms.ts';
import type { InterviewDetails } from './repository.ts';
import {
  DURATIONS,
  isMeetingLink,
  knownZone,
  readSlots,
  SLOT_COUNT,
  type RepeatedTime,
  type SlotInput,
} from './rules.ts';

/**
 * The interview forms. The times form has a zone, up to three times typed in it, how long,
 * online (a link) or in person (an address), and notes; the rules module turns the typed
 * times into instants and says which cannot be used and why.
 */
const detailsSchema = z
  .object({
    zone: z
      .string({ error: 'Select the time zone of the times you entered' })
      .refine((v) => knownZone(v) !== undefined, 'Select the time zone of the times you entered'),
    duration: oneOf(DURATIONS.map(String) as [string, ...string[]], 'Select how long the interview will last'),
    mode: oneOf(['online', 'in-person'], 'Select whether the interview is online or in person'),
    link: optionalText('The meeting link must be 500 characters or fewer', 500),
    address: optionalText('The address must be 500 characters or fewer', 500),
    notes: optionalText('Notes must be 1,000 characters or fewer', 1000),
    reason: optionalText('The reason must be 1,000 characters or fewer', 1000),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'online' && !isMeetingLink(v.link))
      ctx.addIssue({ code: 'custom', path: ['link'], message: 'Enter the meeting link, starting with https://' });
    if (v.mode === 'in-person' && v.address === '')
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'Enter the address of the interview' });
  });

export interface TimesForm {
  ok: boolean;
  details?: InterviewDetails;
  instants: Date[];
  reason: string;
  errors: { text: string; href: string }[];
  fieldErrors: Record<string, string>;
  repeated: RepeatedTime[];
}

const text = (raw: Record<string, unknown>, key: string) => {
  const v = raw[key];
  return typeof v === 'string' ? v.slice(0, 100) : '';
};

export function slotInputs(body: unknown): SlotInput[] {
  const raw = formBody(body);
  return Array.from({ length: SLOT_COUNT }, (_, i) => {
    const n = i + 1;
    return {
      day: text(raw, `slot${n}-day`),
      month: text(raw, `slot${n}-month`),
      year: text(raw, `slot${n}-year`),
      time: text(raw, `slot${n}-time`),
      which: text(raw, `slot${n}-which`),
    };
  });
}

export function parseTimesForm(body: unknown, now: Date): TimesForm {
  const raw = formBody(body);
  const parsed = detailsSchema.safeParse(raw);
  const detailErrors = parsed.success ? { errors: [], fieldErrors: {} } : formErrors(parsed.error);
  const zone = knownZone(raw['zone']);
  const slots = zone
    ? readSlots(slotInputs(body), zone, now)
    : { ok: false as const, errors: [], fieldErrors: {}, repeated: [] };
  const errors = [
    ...detailErrors.errors.filter((e) => e.href === '#zone'),
    ...(slots.ok ? [] : slots.errors),
    ...detailErrors.errors.filter((e) => e.href !== '#zone'),
  ];
  const fieldErrors = { ...detailErrors.fieldErrors, ...(slots.ok ? {} : slots.fieldErrors) };
  if (!parsed.success || !slots.ok || errors.length) {
    return {
      ok: false,
      instants: [],
      reason: '',
      errors,
      fieldErrors,
      repeated: slots.ok ? [] : slots.repeated,
    };
  }
  const d = parsed.data;
  return {
    ok: true,
    details: {
      zone: zone!,
      durationMinutes: Number(d.duration),
      mode: d.mode as 'online' | 'in-person',
      location: d.mode === 'online' ? d.link : d.address,
      notes: d.notes,
    },
    instants: slots.instants,
    reason: d.reason,
    errors: [],
    fieldErrors: {},
    repeated: [],
  };
}

/** The version of the interview the page showed: a step applies only to that one. */
const version = recordId('The interview changed while you were looking at it. Check it and try again');

export const chooseForm = z.object({ version, slot: recordId('Choose one of the times offered') });

export const otherTimesForm = z.object({
  version,
  message: requiredText(
    {
      missing: 'Enter when you could be interviewed, or why these times do not work',
      tooLong: 'Your message must be 1,000 characters or fewer',
    },
    1000,
  ),
});

export const cancelForm = z.object({
  version,
  reason: requiredText(
    { missing: 'Enter why you are cancelling the interview', tooLong: 'The reason must be 1,000 characters or fewer' },
    1000,
  ),
});

export const rearrangeVersion = z.object({ version });
