import { describe, expect, it } from 'vitest';
import {
  displayValue,
  internationalPhone,
  PREFILLED,
  sectionById,
  sectionStatus,
  TEXTAREA_MAX_CHARACTERS,
  validateSection,
} from './sections.ts';

const today = new Date('2026-11-30T12:00:00Z');
const personal = sectionById('personal-details')!;
const statement = sectionById('personal-statement')!;
const born = (day: string, month: string, year: string) =>
  validateSection(
    personal,
    {
      'given-name': 'Amina',
      'family-name': 'Okafor',
      'date-of-birth-day': day,
      'date-of-birth-month': month,
      'date-of-birth-year': year,
    },
    today,
  );

describe('section forms refuse what they cannot store exactly', () => {
  it('a date is checked whole: a five-digit or lettered year is refused, never shortened', () => {
    for (const year of ['19900', '1990abc', '199', '']) {
      const result = born('12', '5', year);
      expect(result.errors, year).toEqual([{ field: 'date-of-birth', message: 'Date of birth must be a real date' }]);
      expect(result.values['date-of-birth'], year).toBeUndefined();
      expect(result.values['date-of-birth-year']).toBe(year);
    }
    expect(born('31', '2', '1990').errors[0]?.message).toBe('Date of birth must be a real date');
    expect(born('12', '5', '1990')).toMatchObject({ errors: [], values: { 'date-of-birth': '1990-05-12' } });
  });

  it('an over-long answer is refused with a message, not cut to fit', () => {
    const long = 'a'.repeat(30_000);
    const result = validateSection(statement, { statement: long }, today);
    expect(result.errors).toEqual([
      {
        field: 'statement',
        message: `Your personal statement must be ${TEXTAREA_MAX_CHARACTERS.toLocaleString('en-GB')} characters or fewer`,
      },
    ]);
    const name = validateSection(personal, { 'given-name': 'x'.repeat(101), 'family-name': 'Okafor' }, today);
    expect(name.errors[0]).toEqual({ field: 'given-name', message: 'First name must be 100 characters or fewer' });
  });
});

describe('dates of birth take the month as people write it', () => {
  it('accepts month names and abbreviations in any case, stored as a plain date', () => {
    for (const month of ['3', 'Mar', 'mar', 'MARCH', 'March'])
      expect(born('27', month, '1990'), month).toMatchObject({ errors: [], values: { 'date-of-birth': '1990-03-27' } });
    expect(born('27', 'Marhc', '1990').errors[0]?.message).toBe('Date of birth must be a real date');
  });
});

describe('phone numbers are checked and stored in international form', () => {
  const contact = sectionById('contact-details')!;
  const phone = (value: string) => validateSection(contact, { phone: value }, today);

  it('stores any spacing, brackets or a 00 prefix as E.164', () => {
    expect(internationalPhone('+234 801 234 5678')).toBe('+2348012345678');
    expect(internationalPhone('00234 (0)801-234-5678')).toBe('+2348012345678');
    expect(internationalPhone('+971 50 123 4567')).toBe('+971501234567');
    expect(phone('+234 801 234 5678')).toEqual({ errors: [], values: { phone: '+2348012345678' } });
  });

  it('refuses a number without its country code, too short, or not a number, and keeps what was typed', () => {
    for (const value of ['0801 234 5678', '+234 801', '+999 123 456 789', 'call me', '+'.padEnd(40, '1')]) {
      const result = phone(value);
      expect(result.errors, value).toEqual([
        { field: 'phone', message: 'Enter a phone number with its country code, like +234 801 234 5678' },
      ]);
      expect(result.values['phone']).toBe(value);
    }
    expect(phone('').errors[0]?.message).toBe('Enter phone number');
  });

  it('shows a stored number in the international style people read', () => {
    expect(displayValue(contact.fields[0]!, { phone: '+2348012345678' })).toBe('+234 801 234 5678');
  });
});

describe('the task list', () => {
  const answers = (a: Record<string, Record<string, string>>) => a;
  it('keeps a section the service filled in "Incomplete" until the candidate saves it', () => {
    const course = sectionById('course')!;
    expect(sectionStatus(course, answers({ course: { phase: 'primary', [PREFILLED]: 'eligibility' } }))).toBe(
      'incomplete',
    );
    expect(sectionStatus(course, answers({ course: { phase: 'primary' } }))).toBe('completed');
    expect(sectionStatus(course, answers({}))).toBe('not-started');
    expect(sectionStatus(course, answers({ course: { phase: 'secondary' } }))).toBe('incomplete');
  });

  it('asks a follow-up question only when its answer applies, and forgets it when it no longer does', () => {
    const nationality = sectionById('nationality')!;
    const two = validateSection(nationality, {
      nationality: 'NG',
      'other-nationality': 'yes',
      'second-nationality': 'GB',
      'third-nationality': '',
    });
    expect(two).toEqual({
      errors: [],
      values: { nationality: 'NG', 'other-nationality': 'yes', 'second-nationality': 'GB' },
    });
    const missing = validateSection(nationality, { nationality: 'NG', 'other-nationality': 'yes' });
    expect(missing.errors).toEqual([
      { field: 'second-nationality', message: 'Select second nationality from the list' },
    ]);
    const one = validateSection(nationality, {
      nationality: 'NG',
      'other-nationality': 'no',
      'second-nationality': 'GB',
    });
    expect(one).toEqual({ errors: [], values: { nationality: 'NG', 'other-nationality': 'no' } });
  });
});
