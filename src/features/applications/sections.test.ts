import { describe, expect, it } from 'vitest';
import { sectionById, TEXTAREA_MAX_CHARACTERS, validateSection } from './sections.ts';

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
