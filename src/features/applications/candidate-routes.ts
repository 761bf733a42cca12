import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { ownTraineeId } from '../training/repository.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody, parseForm, requiredText } from '../../platform/forms.ts';
import { z } from 'zod';
import { schoolSummary } from '../placement-schools/repository.ts';
import { renderPage } from '../../platform/render.ts';
import { candidateOf, signedInUser } from '../../platform/auth.ts';
import type { CandidateScope } from '../../shared/scope.ts';
import { govukDate } from '../../shared/dates.ts';
import { ELIGIBILITY_SESSION_KEY } from '../eligibility/routes.ts';
import type { Answers as EligibilityAnswers } from '../eligibility/rules.ts';
import { countryOptions, countryName } from '../../shared/format.ts';
import { countryByCode } from '../../shared/places/countries.ts';
import { today } from '../../shared/dates.ts';
import { coverageIncludes, describeCoverage } from '../providers/coverage.ts';
import { takesApplications } from '../providers/approval.ts';
import { matchProvider, type Provider } from '../providers/model.ts';
import { allProviders, providerById, providerBySlug } from '../providers/repository.ts';
import { findPlaces } from '../../shared/places/places.ts';
import {
  candidateApplication,
  candidateApplications,
  changeState,
  chooseProvider,
  draftFor,
  fillEmptySection,
  saveSection,
  type Application,
} from './repository.ts';
import {
  displayValue,
  fieldsShown,
  incompleteSections,
  sectionById,
  PREFILLED,
  PROVIDER_TASK_AFTER,
  sectionStatus,
  sectionsFor,
  validateSection,
  type Answers,
  type Field,
  type Section,
  type SectionStatus,
} from './sections.ts';
import { availableEvents, isOpen, REJECTION_REASONS, STATES } from './state-machine.ts';
import { openDeadlines, passedDeadline, zoneOfUser } from '../deadlines/repository.ts';
import { presentDeadline } from '../deadlines/present.ts';
import { deadlineInZone } from '../../shared/zoned-time.ts';
import { interviewsOf } from '../interviews/repository.ts';
import { forCandidate, INTERVIEW_STATUSES } from '../interviews/rules.ts';

const withdrawForm = z.object({
  reason: requiredText(
    {
      missing: 'Enter why you are withdrawing your application',
      tooLong: 'Your reason must be 1,000 characters or fewer',
    },
    1000,
  ),
});

const providerChoiceForm = z.object({
  provider: z.string({ error: 'Choose a training provider' }).regex(/^[a-z0-9-]{1,120}$/, 'Choose a training provider'),
});

/** What the eligibility checker already knows, carried into a new application. */
export function prefillFromEligibility(e: EligibilityAnswers | undefined): Answers {
  if (!e) return {};
  const a: Answers = {};
  // Each pre-filled section is marked: it stays "Incomplete" until the candidate checks and saves it.
  const prefilled = { [PREFILLED]: 'eligibility' };
  const country = e['country'];
  if (e['where-you-live'] === 'outside-england' && country && countryByCode(country))
    a['where-you-live'] = { country, ...prefilled };
  if (e['age-phase'] === 'primary' || e['age-phase'] === 'secondary')
    a['course'] = { phase: e['age-phase'], ...prefilled };
  if (e['degree'] === 'uk' || e['degree'] === 'non-uk' || e['degree'] === 'final-year')
    a['degree'] = {
      status: e['degree'] === 'final-year' ? 'final-year' : 'awarded',
      ...(e['degree'] === 'uk' ? { country: 'GB' } : {}),
      ...prefilled,
    };
  if (e['maths'] === 'uk') a['maths'] = { country: 'GB', ...prefilled };
  if (e['science'] === 'uk') a['science'] = { country: 'GB', ...prefilled };
  if (e['english'] === 'test' || e['english'] === 'education-in-english')
    a['english'] = { evidence: e['english'], ...prefilled };
  return a;
}

/** "Change" on check answers comes back to it; only the service's own check-answers page is accepted. */
export const CHECK_ANSWERS = '/application/check';
const returnTo = (request: FastifyRequest): string | undefined =>
  (request.query as Record<string, unknown> | undefined)?.['returnTo'] === CHECK_ANSWERS ? CHECK_ANSWERS : undefined;
const withReturn = (path: string, back: string | undefined) =>
  back ? `${path}?returnTo=${encodeURIComponent(back)}` : path;

/** Where the candidate lives, as the coverage rules need it. */
function candidateLocation(answers: Answers) {
  const where = answers['where-you-live'];
  const country = where?.['country'];
  if (!country) return undefined;
  const place = where['town'] ? findPlaces(`${where['town']}, ${country}`, 1)[0] : undefined;
  return { country, ...(place ? { point: { lat: place.lat, lon: place.lon } } : {}) };
}

/** Why this provider cannot receive this application, or null when it can. */
export function providerProblem(provider: Provider | undefined, answers: Answers, date = today()): string | null {
  if (!provider) return 'Choose a training provider';
  // A suspended provider is not taking new applications; the candidate is told only that fact.
  if (provider.status === 'suspended') return `${provider.name} is not taking new applications at the moment`;
  if (!takesApplications(provider.status))
    return `${provider.name} is not currently approved to offer iQTS, so it cannot receive applications`;
  if (answers['where-you-live']?.['uk-nation'] === 'england')
    return 'iQTS is for people who live outside England. You told us you live in England';
  const where = candidateLocation(answers);
  if (!where) return null;
  const cover = coverageIncludes(provider.coverage, where, date);
  if (cover.includes === 'no')
    return `${provider.name} does not take trainees in ${countryName(where.country)}: ${cover.reason}`;
  return null;
}

type FieldView = ReturnType<typeof oneFieldView>;

const oneFieldView = (f: Field, values: Record<string, string>, errors: Record<string, string>, inPlace: boolean) => ({
  name: f.name,
  type: f.type,
  label: f.label,
  width: f.type === 'text' ? f.width : undefined,
  autocomplete: f.type === 'text' || f.type === 'phone' ? f.autocomplete : undefined,
  maxWords: f.type === 'textarea' ? f.maxWords : undefined,
  // Revealed under its radio option, a follow-up question needs no "Only if …" hint.
  hint: [f.askedIf && !inPlace ? `${f.askedIf}.` : '', f.hint ?? ''].filter(Boolean).join(' ') || undefined,
  value: values[f.name] ?? '',
  error: errors[f.name],
  day: values[`${f.name}-day`] ?? '',
  month: values[`${f.name}-month`] ?? '',
  year: values[`${f.name}-year`] ?? '',
  countries:
    f.type === 'country'
      ? [
          { value: '', text: f.optional ? 'None' : 'Choose a country' },
          ...countryOptions().map((c) => ({ ...c, selected: c.value === values[f.name] })),
        ]
      : undefined,
  items:
    f.type === 'radios'
      ? f.options.map((o) => ({ value: o.value, text: o.label, checked: o.value === values[f.name] }))
      : undefined,
});

/**
 * The section's questions as the page shows them: a follow-up question sits under the radio
 * option that asks it (GOV.UK conditional reveal: open without JavaScript, and the server
 * ignores it when its option is not chosen), or after the country list it depends on.
 */
function fieldView(section: Section, values: Record<string, string>, errors: Record<string, string>) {
  const dependents = (f: Field) => section.fields.filter((d) => d.when?.field === f.name);
  return section.fields
    .filter((f) => !f.when)
    .map((f) => {
      const view = oneFieldView(f, values, errors, false);
      const follow = dependents(f);
      if (f.type === 'radios')
        return {
          ...view,
          items: view.items!.map((item) => ({
            ...item,
            reveal: follow
              .filter((d) => d.when && 'equals' in d.when && d.when.equals === item.value)
              .map((d) => oneFieldView(d, values, errors, true)),
          })),
          after: [] as FieldView[],
          revealWhen: undefined,
        };
      const when = follow[0]?.when;
      return {
        ...view,
        after: follow.map((d) => oneFieldView(d, values, errors, false)),
        revealWhen: when && {
          field: f.name,
          ...('equals' in when ? { equals: when.equals } : { notEquals: when.notEquals }),
        },
      };
    });
}

/** A GOV.UK task list item: "Completed" as plain text; "Incomplete" and "Not yet started" as blue tags. */
const taskItem = (title: string, href: string, status: SectionStatus, hint?: string) => ({
  title: { text: title },
  href,
  ...(hint ? { hint: { text: hint } } : {}),
  status:
    status === 'completed'
      ? { text: 'Completed' }
      : { tag: { text: status === 'incomplete' ? 'Incomplete' : 'Not yet started', classes: 'govuk-tag--blue' } },
});

/** One section of the task list; with errors, the GOV.UK summary links each to its field. */
function renderSection(
  request: FastifyRequest,
  reply: FastifyReply,
  section: Section,
  values: Record<string, string>,
  errors: { field: string; message: string }[] = [],
) {
  const back = returnTo(request);
  return renderPage(reply, 'applications/views/section.njk', {
    pageTitle: section.title,
    currentPath: '/application',
    csrfToken: csrfToken(request),
    backLink: { href: back ?? '/application' },
    // The country lists use the finder's accessible autocomplete, over a plain list without JavaScript.
    placeAutocomplete: section.fields.some((f) => f.type === 'country'),
    section: { id: section.id, title: section.title },
    action: withReturn(`/application/${section.id}`, back),
    prefilled: !!values[PREFILLED],
    fields: fieldView(section, values, Object.fromEntries(errors.map((e) => [e.field, e.message]))),
    errors: errors.map((e) => ({
      text: e.message,
      href: `#${e.field}${section.fields.find((f) => f.name === e.field)?.type === 'date' ? '-day' : ''}`,
    })),
  });
}

/** Every answer, one summary card a section: on check answers (with "Change") and on the submitted application. */
function answerCards(answers: Answers, changeable: boolean) {
  return sectionsFor(answers).map((s) => {
    const values = answers[s.id] ?? {};
    return {
      title: s.title,
      href: changeable ? withReturn(`/application/${s.id}`, CHECK_ANSWERS) : undefined,
      rows: fieldsShown(s, values).map((f) => ({
        key: { text: f.label },
        value: { text: displayValue(f, values) || 'Not answered' },
      })),
    };
  });
}

const REFERENCE = /^IQTS-[0-9A-Z]{7}$/;

export function registerCandidateRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  /**
   * The candidate's draft. The eligibility check's answers fill a new draft, and also the
   * sections of an existing one that are still empty (the check was done after the draft began).
   */
  const draft = async (request: FastifyRequest, scope: CandidateScope) => {
    const prefill = prefillFromEligibility(request.session?.get<EligibilityAnswers>(ELIGIBILITY_SESSION_KEY));
    const current = await draftFor(db, scope, prefill);
    for (const [id, values] of Object.entries(prefill))
      if (current.answers[id] === undefined && (await fillEmptySection(db, scope, current.id, id, values)))
        current.answers[id] = values;
    return current;
  };
  const openApplication = (apps: Application[]) => apps.find((a) => isOpen(a.status));

  app.get('/application', async (request, reply) => {
    const scope = candidateOf(request);
    const apps = await candidateApplications(db, scope);
    const open = openApplication(apps);
    const current = open ? undefined : await draft(request, scope);
    const provider = current?.providerId ? await providerById(db, current.providerId) : undefined;
    const answers = current?.answers ?? {};
    const sectionTasks = sectionsFor(answers).map((s) =>
      taskItem(s.title, `/application/${s.id}`, sectionStatus(s, answers)),
    );
    const providerAt = sectionsFor(answers).findIndex((s) => s.id === PROVIDER_TASK_AFTER) + 1;
    const tasks = current && [
      ...sectionTasks.slice(0, providerAt),
      taskItem('Training provider', '/application/provider', provider ? 'completed' : 'not-started', provider?.name),
      ...sectionTasks.slice(providerAt),
    ];
    return renderPage(reply, 'applications/views/task-list.njk', {
      pageTitle: 'Your iQTS application',
      currentPath: '/application',
      csrfToken: csrfToken(request),
      user: signedInUser(request),
      open: open && { reference: open.reference, status: STATES[open.status] },
      submitted: apps
        .filter((a) => a.status !== 'draft')
        .map((a) => ({ reference: a.reference, status: STATES[a.status], submittedAt: govukDate(a.submittedAt) })),
      tasks,
      // The heading's count is the statuses' count: what says "Completed" is what is counted.
      completed: tasks ? tasks.filter((t) => t.status.text === 'Completed').length : 0,
    });
  });

  app.get<{ Querystring: { provider?: string } }>('/application/provider', async (request, reply) => {
    const scope = candidateOf(request);
    if (openApplication(await candidateApplications(db, scope))) return reply.redirect('/application', 303);
    const current = await draft(request, scope);
    // Arriving from a provider's profile: take that provider if it can receive the application.
    const slug = typeof request.query.provider === 'string' ? request.query.provider : undefined;
    return renderChooser(request, reply, current, slug);
  });

  async function renderChooser(
    request: FastifyRequest,
    reply: FastifyReply,
    current: Application,
    slug?: string,
    error?: string,
  ) {
    const providers = await allProviders(db);
    const where = candidateLocation(current.answers);
    const date = today();
    const suitable = providers.filter((p) => matchProvider(p, where ? { where } : {}, date) !== null);
    const selected = slug ?? providers.find((p) => p.id === current.providerId)?.slug;
    // Arriving from a provider's profile: say at once if that provider cannot take this candidate.
    const fromProfile = slug ? providers.find((p) => p.slug === slug) : undefined;
    const fromProfileProblem = fromProfile && !error ? providerProblem(fromProfile, current.answers, date) : null;
    const back = returnTo(request);
    return renderPage(reply.code(error ? 400 : 200), 'applications/views/choose-provider.njk', {
      fromProfileProblem,
      fromProfileCoverage:
        fromProfile && !where && !fromProfileProblem && fromProfile.coverage.kind !== 'worldwide'
          ? describeCoverage(fromProfile.coverage, date)
          : undefined,
      pageTitle: 'Choose a training provider',
      currentPath: '/application',
      csrfToken: csrfToken(request),
      backLink: { href: back ?? '/application' },
      action: withReturn('/application/provider', back),
      whereText: where ? countryName(where.country) : undefined,
      items: suitable.map((p) => ({ value: p.slug, text: p.name, checked: p.slug === selected })),
      errors: error ? [{ text: error, href: '#provider' }] : [],
      fieldError: error,
      suggestions: error || fromProfileProblem ? suitable.slice(0, 5).map((p) => ({ name: p.name, slug: p.slug })) : [],
    });
  }

  app.post('/application/provider', async (request, reply) => {
    const scope = candidateOf(request);
    if (openApplication(await candidateApplications(db, scope))) return reply.redirect('/application', 303);
    const current = await draft(request, scope);
    const form = parseForm(providerChoiceForm, request.body);
    const provider = form.ok ? await providerBySlug(db, form.data.provider) : undefined;
    const problem = providerProblem(provider, current.answers);
    if (problem) return renderChooser(request, reply, current, undefined, problem);
    await chooseProvider(db, scope, current.id, provider!.id);
    return reply.redirect(returnTo(request) ?? '/application', 303);
  });

  app.get('/application/check', async (request, reply) => {
    const scope = candidateOf(request);
    if (openApplication(await candidateApplications(db, scope))) return reply.redirect('/application', 303);
    const current = await draft(request, scope);
    return renderCheck(request, reply, current);
  });

  async function renderCheck(
    request: FastifyRequest,
    reply: FastifyReply,
    current: Application,
    problems: string[] = [],
  ) {
    const provider = current.providerId ? await providerById(db, current.providerId) : undefined;
    const cards = answerCards(current.answers, true);
    return renderPage(reply.code(problems.length ? 400 : 200), 'applications/views/check.njk', {
      pageTitle: 'Check your answers before submitting your application',
      currentPath: '/application',
      csrfToken: csrfToken(request),
      backLink: { href: '/application' },
      cards,
      providerName: provider?.name,
      providerHref: withReturn('/application/provider', CHECK_ANSWERS),
      errors: problems.map((text) => ({ text, href: '#submit' })),
      reference: current.reference,
    });
  }

  app.post('/application/submit', async (request, reply) => {
    const scope = candidateOf(request);
    const apps = await candidateApplications(db, scope);
    const current = apps.find((a) => a.status === 'draft');
    // Already submitted (a double click, a retried POST): show what was submitted.
    if (!current) {
      const latest = apps.find((a) => a.status !== 'draft');
      return reply.redirect(latest ? `/applications/${latest.reference}` : '/application', 303);
    }
    if (openApplication(apps)) return reply.redirect('/application', 303);
    const provider = current.providerId ? await providerById(db, current.providerId) : undefined;
    const problems = [...incompleteSections(current.answers).map((s) => `Complete the section ‘${s.title}’`)];
    const providerIssue = providerProblem(provider, current.answers);
    if (providerIssue) problems.push(providerIssue);
    if (
      current.answers['placement']?.['preference'] === 'current-school' &&
      current.answers['current-school']?.['works-in-school'] !== 'yes'
    ) {
      problems.push('You chose the school you work in as your placement, but told us you do not work in a school');
    }
    if (problems.length) return renderCheck(request, reply, current, problems);
    const personal = current.answers['personal-details'] ?? {};
    const name = `${personal['given-name'] ?? ''} ${personal['family-name'] ?? ''}`.trim();
    const result = await changeState(db, scope, {
      applicationId: current.id,
      event: 'submit',
      set: {
        provider_id: provider!.id,
        submitted_at: new Date().toISOString(),
        candidate_name: name,
        country: current.answers['where-you-live']?.['country'] ?? null,
        phase: current.answers['course']?.['phase'] ?? null,
      },
      serviceUrl: config.serviceUrl,
    });
    // Refused in the transaction (the provider was suspended a moment ago): still a draft; the candidate is told why.
    if (!result.ok && (await candidateApplication(db, scope, current.reference))?.status === 'draft')
      return renderCheck(request, reply, current, [result.message]);
    // A concurrent submit of the same draft lost the race: the application is submitted all the same.
    return reply.redirect(`/applications/${current.reference}${result.ok ? '?submitted=1' : ''}`, 303);
  });

  app.get<{ Params: { section: string } }>('/application/:section', async (request, reply) => {
    const section = sectionById(request.params.section);
    if (!section) return reply.callNotFound();
    const scope = candidateOf(request);
    if (openApplication(await candidateApplications(db, scope))) return reply.redirect('/application', 303);
    const current = await draft(request, scope);
    if (section.appliesWhen && !section.appliesWhen(current.answers)) return reply.redirect('/application', 303);
    return renderSection(request, reply, section, current.answers[section.id] ?? {});
  });

  app.post<{ Params: { section: string } }>('/application/:section', async (request, reply) => {
    const section = sectionById(request.params.section);
    if (!section) return reply.callNotFound();
    const scope = candidateOf(request);
    if (openApplication(await candidateApplications(db, scope))) return reply.redirect('/application', 303);
    const current = await draft(request, scope);
    const { values, errors } = validateSection(section, formBody(request.body));
    if (errors.length) {
      return renderSection(request, reply.code(400), section, values, errors);
    }
    await saveSection(db, scope, current.id, section.id, values);
    return reply.redirect(returnTo(request) ?? '/application', 303);
  });

  const submittedApplication = async (request: FastifyRequest<{ Params: { reference: string } }>) => {
    const a = REFERENCE.test(request.params.reference)
      ? await candidateApplication(db, candidateOf(request), request.params.reference)
      : undefined;
    return a && a.status !== 'draft' ? a : undefined;
  };

  // A submitted application: its status, what happens next, the provider's decision and the application in full.
  app.get<{ Params: { reference: string } }>('/applications/:reference', async (request, reply) => {
    const a = await submittedApplication(request);
    if (!a) return reply.callNotFound();
    return renderApplication(request, reply, a);
  });

  async function renderApplication(
    request: FastifyRequest,
    reply: FastifyReply,
    a: Application,
    error?: { field: string; message: string },
  ) {
    const provider = a.providerId ? await providerById(db, a.providerId) : undefined;
    const school = a.placementSchoolId ? await schoolSummary(db, a.placementSchoolId) : undefined;
    const events = availableEvents(a.status, 'candidate');
    // Deadlines in the candidate's own zone.
    const zone = await zoneOfUser(db, signedInUser(request).id);
    const now = new Date();
    const deadlines = (await openDeadlines(db, a.id)).map((d) => presentDeadline(d, { side: 'candidate', zone }, now));
    const decisionDue = deadlines.find((d) => d.kind === 'provider-decision');
    const respondBy = deadlines.find((d) => d.kind === 'offer-response');
    const passed = a.status === 'rejected' || a.status === 'declined' ? await passedDeadline(db, a.id) : undefined;
    const interviews = await interviewsOf(db, candidateOf(request), a.reference);
    return renderPage(reply.code(error ? 400 : 200), 'applications/views/candidate-application.njk', {
      interviews: interviews.map((i) => ({
        href: `/applications/${a.reference}/interviews/${i.id}`,
        status: i.status,
        statusText: INTERVIEW_STATUSES[i.status],
        when: i.startsAt ? forCandidate(i.startsAt, i.candidateZone) : undefined,
      })),
      pageTitle: `Application ${a.reference}`,
      currentPath: '/application',
      csrfToken: csrfToken(request),
      backLink: { href: '/application', text: 'Back to your applications' },
      a,
      email: signedInUser(request).email,
      justSubmitted: (request.query as Record<string, unknown>)['submitted'] === '1',
      trainingHref:
        a.status === 'recruited' && (await ownTraineeId(db, candidateOf(request))) ? '/training' : undefined,
      justWithdrawn: (request.query as Record<string, unknown>)['withdrawn'] === '1' && a.status === 'withdrawn',
      status: STATES[a.status],
      awaitingDecision: a.status === 'awaiting-decision' || a.status === 'interviewing',
      placementPreference: a.answers['placement']?.['preference'],
      provider: provider && { name: provider.name, website: provider.website, contactEmail: provider.contactEmail },
      providerName: provider?.name,
      school: school && { ...school, countryName: countryName(school.country) },
      rejectionReasons: a.rejection?.reasons.map((r) => REJECTION_REASONS[r as keyof typeof REJECTION_REASONS] ?? r),
      // Withdrawing has its own "Are you sure?" page; the offer's answers are buttons here.
      decisionDue,
      respondBy,
      byDefault: passed && { kind: passed.kind, due: deadlineInZone(zone, passed.dueAt) },
      // Once the time to answer has passed, the offer waits to be declined by default.
      actions: events
        .filter((t) => t.event !== 'withdraw' && !(respondBy?.overdue && t.event.endsWith('-offer')))
        .map((t) => ({ event: t.event, label: t.label })),
      canWithdraw: events.some((t) => t.event === 'withdraw'),
      cards: answerCards(a.answers, false),
      errors: error ? [{ text: error.message, href: `#${error.field}` }] : [],
    });
  }

  // Withdrawing: the GOV.UK "Are you sure?" pattern, on its own page.
  app.get<{ Params: { reference: string } }>('/applications/:reference/withdraw', async (request, reply) => {
    const a = await submittedApplication(request);
    if (!a) return reply.callNotFound();
    if (!availableEvents(a.status, 'candidate').some((t) => t.event === 'withdraw'))
      return reply.redirect(`/applications/${a.reference}`, 303);
    return renderWithdraw(request, reply, a);
  });

  async function renderWithdraw(
    request: FastifyRequest,
    reply: FastifyReply,
    a: Application,
    error?: { field: string; message: string },
  ) {
    const provider = a.providerId ? await providerById(db, a.providerId) : undefined;
    const reason = (request.body as Record<string, unknown> | undefined)?.['reason'];
    return renderPage(reply.code(error ? 400 : 200), 'applications/views/withdraw.njk', {
      pageTitle: 'Are you sure you want to withdraw your application?',
      currentPath: '/application',
      csrfToken: csrfToken(request),
      backLink: { href: `/applications/${a.reference}` },
      a,
      providerName: provider?.name,
      reason: typeof reason === 'string' ? reason : '',
      fieldError: error?.message,
      errors: error ? [{ text: error.message, href: `#${error.field}` }] : [],
    });
  }

  app.post<{ Params: { reference: string; event: string } }>(
    '/applications/:reference/:event',
    async (request, reply) => {
      const a = await submittedApplication(request);
      if (!a) return reply.callNotFound();
      const event = request.params.event;
      if (event !== 'accept-offer' && event !== 'decline-offer' && event !== 'withdraw') return reply.callNotFound();
      if (event !== 'withdraw') {
        const due = (await openDeadlines(db, a.id)).find((d) => d.kind === 'offer-response');
        if (due && due.dueAt < new Date()) {
          const zone = await zoneOfUser(db, signedInUser(request).id);
          return renderApplication(request, reply, a, {
            field: 'actions',
            message: `The time to respond to this offer ended at ${deadlineInZone(zone, due.dueAt)}`,
          });
        }
      }
      let set: { withdrawal_reason?: string } = {};
      if (event === 'withdraw') {
        const form = parseForm(withdrawForm, request.body);
        if (!form.ok) {
          const [field, message] = Object.entries(form.fieldErrors)[0]!;
          return renderWithdraw(request, reply, a, { field, message });
        }
        set = { withdrawal_reason: form.data.reason };
      }
      const result = await changeState(db, candidateOf(request), {
        applicationId: a.id,
        event,
        set,
        detail: set.withdrawal_reason ? { reason: set.withdrawal_reason } : undefined,
        serviceUrl: config.serviceUrl,
        personalisation: set.withdrawal_reason ? { reason: set.withdrawal_reason } : {},
      });
      if (!result.ok)
        return event === 'withdraw'
          ? renderWithdraw(request, reply, a, { field: 'reason', message: result.message })
          : renderApplication(request, reply, a, { field: 'actions', message: result.message });
      return reply.redirect(`/applications/${a.reference}${event === 'withdraw' ? '?withdrawn=1' : ''}`, 303);
    },
  );
}
