import { describe, expect, it } from 'vitest';
import {
  assess,
  isComplete,
  nextQuestion,
  parseAnswer,
  providerFinderHref,
  pruneAnswers,
  questions,
  questionsToAsk,
  RULES_SOURCE,
  RULES_VERSION,
  type Answers,
} from './rules.ts';

/** Every complete set of answers a candidate can give, walking the table as the pages do. */
function allJourneys(): Answers[] {
  const out: Answers[] = [];
  const walk = (answers: Answers) => {
    const q = nextQuestion(answers);
    if (!q) return void out.push(answers);
    for (const o of q.options) walk({ ...answers, [q.id]: o.value });
  };
  walk({});
  return out;
}

const journeys = allJourneys();
const base: Answers = {
  'where-you-live': 'outside-england',
  'age-phase': 'secondary',
  degree: 'uk',
  maths: 'uk',
  english: 'test',
};

describe('eligibility rules', () => {
  it('carry a version and a source date', () => {
    expect(RULES_VERSION).toMatch(/^\d{4}\.\d+$/);
    expect(RULES_SOURCE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('give exactly one result for every combination of answers (exhaustive)', () => {
    // 2 living in England paths collapse to 1; outside: primary 4×4×4×3 + secondary 4×4×3.
    expect(journeys.length).toBe(1 + 4 * 4 * 4 * 3 + 4 * 4 * 3);
    const outcomes = new Set(['eligible', 'eligible-once', 'not-yet-eligible', 'not-eligible-for-iqts']);
    const keys = new Set<string>();
    for (const answers of journeys) {
      expect(isComplete(answers)).toBe(true);
      const result = assess(answers);
      expect(outcomes.has(result.outcome), JSON.stringify(answers)).toBe(true);
      expect(result.reasons.length).toBeGreaterThan(0);
      keys.add(JSON.stringify(answers));
    }
    expect(keys.size).toBe(journeys.length);
  });

  it('follow the public rules for every combination', () => {
    for (const a of journeys) {
      const { outcome, nextSteps } = assess(a);
      const missing = a.degree === 'no' || a.maths === 'no' || a.science === 'no';
      const pending =
        a.degree === 'final-year' || a.maths === 'not-sure' || a.science === 'not-sure' || a.english === 'neither';
      const expected =
        a['where-you-live'] === 'in-england'
          ? 'not-eligible-for-iqts'
          : missing
            ? 'not-yet-eligible'
            : pending
              ? 'eligible-once'
              : 'eligible';
      expect(outcome, JSON.stringify(a)).toBe(expected);
      // Overseas qualifications always point to UK ENIC; no English → an English test.
      if ([a.degree, a.maths, a.science].includes('non-uk'))
        expect(nextSteps.some((s) => s.href === 'https://www.enic.org.uk/')).toBe(true);
      if (a.english === 'neither') expect(nextSteps.some((s) => s.text.includes('IELTS'))).toBe(true);
      if (expected === 'eligible' && ![a.degree, a.maths, a.science].includes('non-uk')) expect(nextSteps).toEqual([]);
    }
  });

  it('ask science only for primary, and nothing more of someone living in England', () => {
    expect(questionsToAsk({ ...base }).map((q) => q.id)).toEqual([
      'where-you-live',
      'age-phase',
      'degree',
      'maths',
      'english',
    ]);
    expect(questionsToAsk({ ...base, 'age-phase': 'primary' }).map((q) => q.id)).toContain('science');
    expect(questionsToAsk({ 'where-you-live': 'in-england' }).map((q) => q.id)).toEqual(['where-you-live']);
    const england = assess({ 'where-you-live': 'in-england' });
    expect(england.outcome).toBe('not-eligible-for-iqts');
    expect(england.nextSteps[0]?.href).toBe('/steps-to-become-a-teacher');
  });

  it('keep the country where the candidate lives only when they live outside England, and only a real one', () => {
    expect(pruneAnswers({ 'where-you-live': 'outside-england', country: 'NG' })).toEqual({
      'where-you-live': 'outside-england',
      country: 'NG',
    });
    expect(pruneAnswers({ 'where-you-live': 'in-england', country: 'NG' })).toEqual({ 'where-you-live': 'in-england' });
    for (const country of ['XX', 'ng', 'Nigeria', ''])
      expect(pruneAnswers({ 'where-you-live': 'outside-england', country }), country).toEqual({
        'where-you-live': 'outside-england',
      });
    // The country does not change the result: it tells the finder and the application where to look.
    expect(assess({ ...base, country: 'AE' })).toEqual(assess(base));
    expect(providerFinderHref({ ...base, country: 'AE' }, 'AE')).toBe('/providers?country=AE&phase=secondary');
  });

  it('list what stands in the way before what is met', () => {
    const result = assess({ ...base, 'age-phase': 'primary', degree: 'final-year', science: 'no' });
    expect(result.outcome).toBe('not-yet-eligible');
    expect(result.reasons[0]).toContain('science');
    expect(result.reasons[1]).toContain('final year');
  });

  it('accept only values the table knows', () => {
    expect(parseAnswer('degree', 'uk')).toEqual({ ok: true, value: 'uk' });
    for (const bad of ['yes', '', undefined, ['uk'], '<script>', 'UK']) {
      expect(parseAnswer('degree', bad)).toEqual({ ok: false, error: 'Select whether you have a bachelor’s degree' });
    }
    expect(parseAnswer('shoe-size', 'uk').ok).toBe(false);
  });

  it('drop answers a changed answer makes moot, and unknown values', () => {
    const primary: Answers = { ...base, 'age-phase': 'primary', science: 'uk' };
    expect(pruneAnswers({ ...primary, 'age-phase': 'secondary' })).not.toHaveProperty('science');
    expect(pruneAnswers({ ...base, 'where-you-live': 'in-england' })).toEqual({ 'where-you-live': 'in-england' });
    expect(pruneAnswers({ ...base, degree: 'maybe', extra: 'x' })).not.toHaveProperty('degree');
    expect(nextQuestion({ ...base, degree: 'maybe' })?.id).toBe('degree');
    expect(() => assess({ 'where-you-live': 'outside-england' })).toThrow();
  });

  it('every option of every question is reachable and has a reason', () => {
    for (const q of questions) {
      expect(q.options.length).toBeGreaterThan(1);
      for (const o of q.options) {
        expect(o.reason.length).toBeGreaterThan(10);
        expect(
          journeys.some((a) => a[q.id] === o.value),
          `${q.id}=${o.value}`,
        ).toBe(true);
      }
    }
  });

  it('link to the provider finder filtered for country and phase', () => {
    expect(providerFinderHref({ ...base }, 'AE')).toBe('/providers?country=AE&phase=secondary');
    expect(providerFinderHref({ ...base, 'age-phase': 'primary' })).toBe('/providers?phase=primary');
    expect(providerFinderHref({}, 'not a code')).toBe('/providers');
  });
});
