import { expect } from 'vitest';
import { $, type FormClient } from './app.ts';

/** A complete application from a secondary maths candidate in Lagos. */
export const LAGOS_CANDIDATE: Record<string, Record<string, string>> = {
  'personal-details': {
    'given-name': 'Amina',
    'family-name': 'Okafor',
    'date-of-birth-day': '12',
    'date-of-birth-month': '5',
    'date-of-birth-year': '1990',
  },
  'contact-details': { phone: '+234 801 234 5678' },
  'where-you-live': { country: 'NG', town: 'Lagos' },
  nationality: { nationality: 'NG', 'other-nationality': 'no' },
  degree: { status: 'awarded', subject: 'Mathematics', grade: 'First class', country: 'NG', comparability: 'yes' },
  maths: { qualification: 'WAEC mathematics', grade: 'A1', country: 'NG', comparability: 'yes' },
  english: { evidence: 'education-in-english', details: 'BSc at the University of Lagos, taught in English' },
  'teaching-experience': { experience: 'I have tutored secondary pupils in mathematics for two years.' },
  'current-school': { 'works-in-school': 'no' },
  course: { phase: 'secondary', subject: 'Mathematics' },
  placement: { preference: 'match' },
  'personal-statement': {
    statement:
      'I want to teach mathematics because I have seen how good teaching changes what pupils believe they can do.',
  },
};

export async function completeApplication(
  client: FormClient,
  answers = LAGOS_CANDIDATE,
  provider = 'sample-provider-worldwide-online',
): Promise<void> {
  for (const [section, values] of Object.entries(answers)) {
    const csrf = await client.csrf(`/application/${section}`);
    const res = await client.post(`/application/${section}`, values, csrf);
    expect(res.statusCode, `${section}: ${$(res)('.govuk-error-summary').text()}`).toBe(303);
  }
  const csrf = await client.csrf('/application/provider');
  expect((await client.post('/application/provider', { provider }, csrf)).statusCode).toBe(303);
}
