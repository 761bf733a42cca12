import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { countryName, countryOptions } from '../../shared/format.ts';
import {
  assess,
  nextQuestion,
  parseAnswer,
  parseFollowUp,
  providerFinderHref,
  pruneAnswers,
  questionById,
  questionsToAsk,
  RULES_SOURCE,
  RULES_VERSION,
  type Answers,
  type Outcome,
} from './rules.ts';

/** Answers live in the session only: nothing about the candidate is stored anywhere else. */
export const ELIGIBILITY_SESSION_KEY = 'eligibility';

const START = '/eligibility';
const CHECK = '/eligibility/check-answers';
const RESULT = '/eligibility/result';
const questionPath = (id: string) => `/eligibility/${id}`;

const HEADINGS: Record<Outcome, string> = {
  eligible: 'You meet the entry requirements for iQTS',
  'eligible-once': 'You can train for iQTS once you have done a few things',
  'not-yet-eligible': 'You do not meet the entry requirements for iQTS yet',
  'not-eligible-for-iqts': 'iQTS is not for people who live in England',
};

function answersOf(request: FastifyRequest): Answers {
  const stored = request.session?.get<unknown>(ELIGIBILITY_SESSION_KEY);
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {};
  const answers: Answers = {};
  for (const [key, value] of Object.entries(stored)) if (typeof value === 'string') answers[key] = value;
  return pruneAnswers(answers);
}

/** Where someone belongs when they ask for a page they cannot have yet. */
const firstUnanswered = (answers: Answers) => {
  const next = nextQuestion(answers);
  return next ? questionPath(next.id) : CHECK;
};

/** A question can be shown only once everything before it is answered and the rules ask it. */
function reachable(id: string, answers: Answers): boolean {
  const asked = questionsToAsk(answers);
  const index = asked.findIndex((q) => q.id === id);
  return index !== -1 && asked.slice(0, index).every((q) => answers[q.id] !== undefined);
}

/** The page before this question in the candidate's own journey. */
function previousPath(id: string, answers: Answers): string {
  const asked = questionsToAsk(answers);
  const index = asked.findIndex((q) => q.id === id);
  const previous = index > 0 ? asked[index - 1] : undefined;
  return previous ? questionPath(previous.id) : START;
}

function renderQuestion(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  answers: Answers,
  change: boolean,
  /** With `field`, the follow-up question's error; `keep` is the option chosen, kept for the page. */
  error?: { message: string; field?: string; keep?: string },
) {
  const question = questionById(id)!;
  const follow = question.followUp;
  const selected = error?.keep ?? (error ? undefined : answers[id]);
  const followValue = error?.keep ? undefined : follow && answers[follow.id];
  return renderPage(reply, 'eligibility/views/question.njk', {
    pageTitle: question.text,
    currentPath: START,
    csrfToken: csrfToken(request),
    backLink: { href: change ? CHECK : previousPath(id, answers) },
    action: questionPath(id) + (change ? '?change=1' : ''),
    // The country list uses the finder's accessible autocomplete, over a plain list without JavaScript.
    placeAutocomplete: !!follow,
    question: {
      id,
      text: question.text,
      hint: question.hint,
      items: question.options.map((o) => ({
        value: o.value,
        text: o.label,
        hint: o.hint ? { text: o.hint } : undefined,
        checked: o.value === selected,
        followUp: follow && follow.when === o.value && { id: follow.id, label: follow.label },
      })),
    },
    countries: follow && [
      { value: '', text: 'Choose a country' },
      ...countryOptions().map((c) => ({ ...c, selected: c.value === followValue })),
    ],
    fieldError: error && !error.field ? error.message : undefined,
    followUpError: error?.field ? error.message : undefined,
    errors: error ? [{ text: error.message, href: `#${error.field ?? id}` }] : [],
  });
}

/** "Check your eligibility": one question per page, check your answers, a result with reasons and next steps. */
export function registerEligibilityRoutes(app: FastifyInstance): void {
  app.get(START, (request, reply) => {
    const answers = answersOf(request);
    return renderPage(reply, 'eligibility/views/start.njk', {
      pageTitle: 'Check if you can train for iQTS',
      currentPath: START,
      breadcrumbs: [
        { text: 'Home', href: '/' },
        {
          text: 'Get international qualified teacher status (iQTS)',
          href: '/non-uk-teachers/international-qualified-teacher-status',
        },
      ],
      firstQuestion: questionPath(questionsToAsk({})[0]!.id),
      inProgress: Object.keys(answers).length > 0,
      resume: firstUnanswered(answers),
      source: RULES_SOURCE,
      questionCount: questionsToAsk({ 'where-you-live': 'outside-england', 'age-phase': 'primary' }).length,
    });
  });

  app.get(CHECK, (request, reply) => {
    const answers = answersOf(request);
    if (nextQuestion(answers)) return reply.redirect(firstUnanswered(answers), 303);
    return renderPage(reply, 'eligibility/views/check-answers.njk', {
      pageTitle: 'Check your answers',
      currentPath: START,
      backLink: { href: questionPath(questionsToAsk(answers).at(-1)!.id) },
      rows: questionsToAsk(answers).flatMap((q) => {
        const change = (name: string) => ({
          items: [{ href: `${questionPath(q.id)}?change=1`, text: 'Change', visuallyHiddenText: name }],
        });
        const row = {
          key: { text: q.summaryLabel },
          value: { text: q.options.find((o) => o.value === answers[q.id])?.label ?? '' },
          actions: change(q.changeName ?? q.summaryLabel.toLowerCase()),
        };
        const follow = q.followUp;
        const followValue = follow && answers[follow.id];
        return follow && followValue
          ? [
              row,
              {
                key: { text: follow.summaryLabel },
                value: { text: countryName(followValue) },
                actions: change(follow.summaryLabel.toLowerCase()),
              },
            ]
          : [row];
      }),
      resultHref: RESULT,
    });
  });

  app.get(RESULT, (request, reply) => {
    const answers = answersOf(request);
    if (nextQuestion(answers)) return reply.redirect(firstUnanswered(answers), 303);
    const result = assess(answers);
    return renderPage(reply, 'eligibility/views/result.njk', {
      pageTitle: HEADINGS[result.outcome],
      currentPath: START,
      backLink: { href: CHECK, text: 'Back to your answers' },
      outcome: result.outcome,
      reasons: result.reasons,
      nextSteps: result.nextSteps,
      finder:
        result.outcome === 'not-eligible-for-iqts'
          ? undefined
          : {
              href: providerFinderHref(answers, answers['country']),
              phase: answers['age-phase'],
              countries: [
                { value: '', text: 'Choose your country' },
                ...countryOptions().map((c) => ({ ...c, selected: c.value === answers['country'] })),
              ],
            },
      csrfToken: csrfToken(request),
      rulesVersion: RULES_VERSION,
      source: RULES_SOURCE,
    });
  });

  app.post('/eligibility/start-again', (request, reply) => {
    request.session?.delete(ELIGIBILITY_SESSION_KEY);
    return reply.redirect(START, 303);
  });

  app.get<{ Params: { question: string }; Querystring: { change?: string } }>(
    '/eligibility/:question',
    (request, reply) => {
      const id = request.params.question;
      if (!questionById(id)) return reply.callNotFound();
      const answers = answersOf(request);
      if (!reachable(id, answers)) return reply.redirect(firstUnanswered(answers), 303);
      return renderQuestion(request, reply, id, answers, request.query.change === '1');
    },
  );

  app.post<{ Params: { question: string }; Querystring: { change?: string } }>(
    '/eligibility/:question',
    (request, reply) => {
      const id = request.params.question;
      if (!questionById(id)) return reply.callNotFound();
      const answers = answersOf(request);
      if (!reachable(id, answers)) return reply.redirect(firstUnanswered(answers), 303);
      const change = request.query.change === '1';
      const body = formBody(request.body);
      const parsed = parseAnswer(id, body[id]);
      if (!parsed.ok) return renderQuestion(request, reply.code(400), id, answers, change, { message: parsed.error });
      const follow = questionById(id)!.followUp;
      const followValue = follow && parsed.value === follow.when ? parseFollowUp(body[follow.id]) : undefined;
      if (follow && parsed.value === follow.when && !followValue)
        return renderQuestion(request, reply.code(400), id, answers, change, {
          message: follow.errorMessage,
          field: follow.id,
          keep: parsed.value,
        });
      const updated = pruneAnswers({ ...answers, [id]: parsed.value, ...(follow ? { [follow.id]: followValue } : {}) });
      request.ensureSession().set(ELIGIBILITY_SESSION_KEY, updated);
      // After a change, back to the summary unless the new answer opened a question not yet answered.
      return reply.redirect(change && !nextQuestion(updated) ? CHECK : firstUnanswered(updated), 303);
    },
  );
}
