import { z } from 'zod';
import { countryByCode } from '../../shared/places/countries.ts';

/**
 * The iQTS entry rules as one decision table. Pure: no HTTP, no database.
 *
 * Each question's options carry the status of that answer against the rules:
 *   met       – the requirement is met
 *   pending   – it will be met once the candidate does something (finishes a degree, gets a statement)
 *   unmet     – not met yet (the candidate can do something about it, but not quickly)
 *   excluded  – the route is not for this candidate at all (they live in England)
 * The result is the worst status among the questions asked. Questions, their order, their
 * conditions and every answer's consequence live only here; the pages are derived from it.
 */

export const RULES_VERSION = '2026.1';
/** The public entry requirements this table follows: the iQTS page's "Check your eligibility" step. */
export const RULES_SOURCE = {
  title: 'Get international qualified teacher status (iQTS) – Check your eligibility',
  href: '/non-uk-teachers/international-qualified-teacher-status#check-your-eligibility',
  date: '2021-08-06',
} as const;

export type Status = 'met' | 'pending' | 'unmet' | 'excluded';
export type Outcome = 'eligible' | 'eligible-once' | 'not-yet-eligible' | 'not-eligible-for-iqts';

export interface NextStep {
  text: string;
  href?: string;
  linkText?: string;
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
  status: Status;
  /** What this answer means, in plain words, shown on the result page. */
  reason: string;
  nextSteps?: NextStep[];
}

export interface Question {
  id: string;
  /** The page heading: one question per page. */
  text: string;
  hint?: string;
  /** Shown on "Check your answers". */
  summaryLabel: string;
  errorMessage: string;
  options: Option[];
  /** Asked only when this holds for the answers so far. */
  askedWhen?: (answers: Answers) => boolean;
  /** How "Check your answers" names it in a hidden link text ("Change English language"); the summary label by default. */
  changeName?: string;
  /**
   * A follow-up on the same page, revealed under one option (GOV.UK conditional reveal): a
   * country from the list. It does not change the result; the finder and the application use it.
   */
  followUp?: FollowUp;
}

export interface FollowUp {
  id: string;
  /** The option that asks it. */
  when: string;
  label: string;
  summaryLabel: string;
  errorMessage: string;
}

export type Answers = Partial<Record<string, string>>;

const ENIC: NextStep = {
  text: 'Get a statement of comparability from UK ENIC. It shows how qualifications from outside the UK compare to UK ones, and providers may ask for it.',
  href: 'https://www.enic.org.uk/',
  linkText: 'UK ENIC',
};

const livesOutsideEngland = (a: Answers) => a['where-you-live'] === 'outside-england';

export const questions: readonly Question[] = [
  {
    id: 'where-you-live',
    text: 'Where do you live?',
    hint: 'You can train for iQTS whether you are a UK citizen or not, as long as you live outside England.',
    summaryLabel: 'Where you live',
    changeName: 'where you live',
    errorMessage: 'Select where you live',
    // Where the candidate lives is the first thing the finder and the application need.
    followUp: {
      id: 'country',
      when: 'outside-england',
      label: 'Which country do you live in?',
      summaryLabel: 'Country where you live',
      errorMessage: 'Select the country where you live from the list',
    },
    options: [
      {
        value: 'outside-england',
        label: 'Outside England',
        hint: 'Anywhere in the world except England',
        status: 'met',
        reason: 'You live outside England, so you can train for iQTS.',
      },
      {
        value: 'in-england',
        label: 'In England',
        status: 'excluded',
        reason:
          'iQTS is for people who live outside England. It does not matter whether you are a UK citizen: you need to live outside England.',
        nextSteps: [
          {
            text: 'If you live in England, you can train to teach through a teacher training course in England, which also leads to qualified teacher status (QTS).',
            href: '/steps-to-become-a-teacher',
            linkText: 'Steps to become a teacher',
          },
        ],
      },
    ],
  },
  {
    id: 'age-phase',
    text: 'Which age group do you want to teach?',
    hint: 'The published requirements describe primary as ages 3 to 11. Providers offer iQTS for ages 5 to 11 and 11 to 18: check the age range with your provider.',
    summaryLabel: 'Age group',
    errorMessage: 'Select which age group you want to teach',
    askedWhen: livesOutsideEngland,
    options: [
      {
        value: 'primary',
        label: 'Primary (ages 5 to 11)',
        status: 'met',
        reason: 'You want to teach primary, so you also need science at the standard of GCSE grade 4.',
      },
      { value: 'secondary', label: 'Secondary (ages 11 to 18)', status: 'met', reason: 'You want to teach secondary.' },
    ],
  },
  {
    id: 'degree',
    text: 'Do you have a bachelor’s degree?',
    hint: 'Your degree can be from the UK or from another country, in any subject.',
    summaryLabel: 'Bachelor’s degree',
    errorMessage: 'Select whether you have a bachelor’s degree',
    askedWhen: livesOutsideEngland,
    options: [
      { value: 'uk', label: 'Yes, from the UK', status: 'met', reason: 'You have a bachelor’s degree.' },
      {
        value: 'non-uk',
        label: 'Yes, from outside the UK',
        status: 'met',
        reason: 'You have a bachelor’s degree from outside the UK.',
        nextSteps: [ENIC],
      },
      {
        value: 'final-year',
        label: 'I’m in the final year of a degree',
        status: 'pending',
        reason:
          'You are in the final year of your degree. You need to have been awarded your degree before you start training.',
        nextSteps: [{ text: 'You can apply now. Tell your provider when you expect to get your degree.' }],
      },
      {
        value: 'no',
        label: 'No',
        status: 'unmet',
        reason: 'You need a bachelor’s degree to train for iQTS.',
        nextSteps: [
          { text: 'Once you have a bachelor’s degree, or are in the final year of one, check your eligibility again.' },
        ],
      },
    ],
  },
  {
    id: 'maths',
    text: 'Do you have a maths qualification at the standard of a GCSE at grade 4 (C) or above?',
    hint: 'For example, a GCSE or O level in maths at grade 4 or C, or a qualification from another country at the same standard.',
    summaryLabel: 'Maths',
    errorMessage: 'Select whether you have a maths qualification at the standard of GCSE grade 4',
    askedWhen: livesOutsideEngland,
    options: [
      {
        value: 'uk',
        label: 'Yes, a GCSE or O level',
        status: 'met',
        reason: 'You have maths at the standard of GCSE grade 4.',
      },
      {
        value: 'non-uk',
        label: 'Yes, a qualification from outside the UK',
        status: 'met',
        reason:
          'You have a maths qualification from outside the UK that you believe is at the standard of GCSE grade 4.',
        nextSteps: [ENIC],
      },
      {
        value: 'not-sure',
        label: 'I’m not sure',
        status: 'pending',
        reason: 'You are not sure whether your maths qualification is at the standard of GCSE grade 4.',
        nextSteps: [
          ENIC,
          { text: 'Ask your chosen provider whether your maths qualification meets their requirement.' },
        ],
      },
      {
        value: 'no',
        label: 'No',
        status: 'unmet',
        reason: 'You need maths at the standard of GCSE grade 4 (C) or above.',
        nextSteps: [{ text: 'Once you have a maths qualification at this standard, check your eligibility again.' }],
      },
    ],
  },
  {
    id: 'science',
    text: 'Do you have a science qualification at the standard of a GCSE at grade 4 (C) or above?',
    hint: 'You need this to teach primary. For example, a GCSE or O level in a science at grade 4 or C, or a qualification from another country at the same standard.',
    summaryLabel: 'Science',
    errorMessage: 'Select whether you have a science qualification at the standard of GCSE grade 4',
    askedWhen: (a) => livesOutsideEngland(a) && a['age-phase'] === 'primary',
    options: [
      {
        value: 'uk',
        label: 'Yes, a GCSE or O level',
        status: 'met',
        reason: 'You have science at the standard of GCSE grade 4.',
      },
      {
        value: 'non-uk',
        label: 'Yes, a qualification from outside the UK',
        status: 'met',
        reason:
          'You have a science qualification from outside the UK that you believe is at the standard of GCSE grade 4.',
        nextSteps: [ENIC],
      },
      {
        value: 'not-sure',
        label: 'I’m not sure',
        status: 'pending',
        reason: 'You are not sure whether your science qualification is at the standard of GCSE grade 4.',
        nextSteps: [
          ENIC,
          { text: 'Ask your chosen provider whether your science qualification meets their requirement.' },
        ],
      },
      {
        value: 'no',
        label: 'No',
        status: 'unmet',
        reason: 'To teach primary, you need science at the standard of GCSE grade 4 (C) or above.',
        nextSteps: [
          { text: 'Once you have a science qualification at this standard, check your eligibility again.' },
          {
            text: 'Secondary (ages 11 to 18) does not need science at this standard: you could check your eligibility for secondary instead.',
          },
        ],
      },
    ],
  },
  {
    id: 'english',
    text: 'Can you show your English language ability?',
    hint: 'You need an IELTS score of 6.5 or higher (or an equivalent English language test), or to have completed some of your education in English.',
    summaryLabel: 'English language',
    changeName: 'English language',
    errorMessage: 'Select how you can show your English language ability',
    askedWhen: livesOutsideEngland,
    options: [
      {
        value: 'test',
        label: 'Yes, IELTS 6.5 or higher, or an equivalent English language test',
        status: 'met',
        reason: 'You have an English language test result at the level needed.',
      },
      {
        value: 'education-in-english',
        label: 'Yes, I completed some of my education in English',
        status: 'met',
        reason: 'You completed some of your education in English.',
      },
      {
        value: 'neither',
        label: 'No, neither of these',
        status: 'pending',
        reason:
          'You need an IELTS score of 6.5 or higher, or an equivalent English language test, because you have not completed any of your education in English.',
        nextSteps: [
          {
            text: 'Take an English language test, such as IELTS, and get a score of 6.5 or higher (or the equivalent in another approved test).',
          },
        ],
      },
    ],
  },
];

const byId = new Map(questions.map((q) => [q.id, q]));
const SEVERITY: Record<Status, number> = { met: 0, pending: 1, unmet: 2, excluded: 3 };
const OUTCOME: Record<Status, Outcome> = {
  met: 'eligible',
  pending: 'eligible-once',
  unmet: 'not-yet-eligible',
  excluded: 'not-eligible-for-iqts',
};

export const questionById = (id: string): Question | undefined => byId.get(id);

/** Each question's form, from the table: one of its options, or the question's own message. */
export const answerSchema = (question: Question) =>
  z.object({
    [question.id]: z.enum(question.options.map((o) => o.value) as [string, ...string[]], {
      error: question.errorMessage,
    }),
  });

/** A submitted value, checked against the table: anything else (tampered, missing, an array) is an error. */
export function parseAnswer(id: string, raw: unknown): { ok: true; value: string } | { ok: false; error: string } {
  const question = byId.get(id);
  if (!question) return { ok: false, error: 'There is no such question' };
  const parsed = answerSchema(question).safeParse({ [id]: raw });
  return parsed.success ? { ok: true, value: parsed.data[id]! } : { ok: false, error: question.errorMessage };
}

/** The questions asked for these answers, in order. */
export function questionsToAsk(answers: Answers): Question[] {
  return questions.filter((q) => !q.askedWhen || q.askedWhen(answers));
}

/** A follow-up's answer, checked: a country code from the list, or nothing. */
export function parseFollowUp(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^[A-Z]{2}$/.test(raw) && countryByCode(raw) ? raw : undefined;
}

/** Only answers to questions still asked, with values the table knows (a changed answer can make others moot). */
export function pruneAnswers(answers: Answers): Answers {
  const out: Answers = {};
  for (const q of questions) {
    const value = answers[q.id];
    if (value !== undefined && q.options.some((o) => o.value === value) && (!q.askedWhen || q.askedWhen(out))) {
      out[q.id] = value;
      const follow = q.followUp;
      const followValue = follow && value === follow.when ? parseFollowUp(answers[follow.id]) : undefined;
      if (follow && followValue) out[follow.id] = followValue;
    }
  }
  return out;
}

export function nextQuestion(answers: Answers): Question | undefined {
  const clean = pruneAnswers(answers);
  return questionsToAsk(clean).find((q) => clean[q.id] === undefined);
}

export const isComplete = (answers: Answers): boolean => nextQuestion(answers) === undefined;

export interface Assessment {
  outcome: Outcome;
  /** What each answer means, worst first. */
  reasons: string[];
  nextSteps: NextStep[];
  rulesVersion: string;
}

/** The result for a complete set of answers. Throws if incomplete: callers ask nextQuestion first. */
export function assess(answers: Answers): Assessment {
  const clean = pruneAnswers(answers);
  const chosen: Option[] = [];
  for (const q of questionsToAsk(clean)) {
    const option = q.options.find((o) => o.value === clean[q.id]);
    if (!option) throw new Error(`unanswered: ${q.id}`);
    chosen.push(option);
  }
  const worst = chosen.reduce<Status>((w, o) => (SEVERITY[o.status] > SEVERITY[w] ? o.status : w), 'met');
  // Reasons: what stands in the way first, then what is met.
  const ordered = [...chosen].sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status]);
  const seen = new Set<string>();
  const nextSteps: NextStep[] = [];
  for (const o of ordered) {
    for (const step of o.nextSteps ?? []) {
      if (!seen.has(step.text)) {
        seen.add(step.text);
        nextSteps.push(step);
      }
    }
  }
  return { outcome: OUTCOME[worst], reasons: ordered.map((o) => o.reason), nextSteps, rulesVersion: RULES_VERSION };
}

/** The provider finder filtered for this candidate: their phase, and their country when given. */
export function providerFinderHref(answers: Answers, country?: string): string {
  const params = new URLSearchParams();
  if (country && /^[A-Z]{2}$/.test(country)) params.set('country', country);
  const phase = answers['age-phase'];
  if (phase === 'primary' || phase === 'secondary') params.set('phase', phase);
  const query = params.toString();
  return query ? `/providers?${query}` : '/providers';
}
