import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { traineeHistory } from '../../audit/repository.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { parseId, providerOf, scopedMemberships } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, oneOf, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { csvCell } from '../../shared/csv.ts';
import { countryName, countryOptions } from '../../shared/format.ts';
import { escapeHtml } from '../../shared/html.ts';
import { todaySomewhere } from '../../shared/local-dates.ts';
import { pageCount, pagination } from '../../shared/pagination.ts';
import { providerApplication } from '../applications/repository.ts';
import { partnerSchools } from '../placement-schools/repository.ts';
import { DAY_STATUSES, longDate } from './day-log.ts';
import {
  dateIds,
  dateParts,
  deferForm,
  mentorForm,
  placementForm,
  policyForm,
  reinstateForm,
  resolveForm,
  reviewForm,
  startTrainingForm,
  withDates,
  withdrawForm,
} from './forms.ts';
import {
  addPlacement,
  addReview,
  changeTraineeState,
  cohortPolicies,
  inviteMentor,
  listTrainees,
  MENTOR_ROLES,
  providerMentors,
  providerTrainee,
  readyToStart,
  resolveDay,
  setCohortPolicy,
  startTraining,
  traineeIdForApplication,
  traineeRecord,
  type Trainee,
  type TraineeFilters,
} from './repository.ts';
import { CRITERIA_VERSIONS, criteriaFor, UNSTATED_BY_CRITERIA } from './requirements.ts';
import {
  JUDGEMENTS,
  OUTCOMES_FOR,
  outcomeProblem,
  REVIEW_KINDS,
  REVIEW_OUTCOMES,
  STANDARDS,
  STANDARD_IDS,
} from './standards.ts';
import {
  TRAINEE_STATES,
  traineeEvents,
  WITHDRAWAL_REASONS,
  isTraineeState,
  type TraineeEvent,
} from './state-machine.ts';
import { traineeDetails, trainingPageData } from './view-model.ts';

/**
 * The provider's side of training: the trainees list and export, starting training from a
 * recruited application, mentors, placements, resolving queried days, review points, the
 * trainee's state changes and cohort policies. Reading needs any membership; changing
 * needs "manage trainees".
 */
const PAGE_SIZE = 25;
const REF = /^IQTS-[0-9A-Z]{7}$/;
type Raw = Record<string, unknown>;
const manage = { config: { permission: 'manage-trainees' as const } };

const listForm = z.object({
  state: z.string().refine(isTraineeState, 'Select a status from the list').optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Select a country from the list')
    .optional(),
  school: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'Select a school from the list')
    .transform(Number)
    .optional(),
  mentor: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'Select a mentor from the list')
    .transform(Number)
    .optional(),
  behind: oneOf(['yes'], 'Select whether to show only trainees behind').optional(),
  page: z
    .string()
    .regex(/^[1-9]\d{0,4}$/, 'Page must be a number, 1 or more')
    .transform(Number)
    .optional()
    .default(1),
});

const present = (raw: Raw) => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined));
const str = (raw: Raw, key: string) => (typeof raw[key] === 'string' ? (raw[key] as string).slice(0, 100) : '');

function parseFilters(raw: Raw): { filters: TraineeFilters; errors: FormErrors['errors'] } {
  const form = parseForm(listForm, present(raw));
  if (!form.ok) return { filters: { page: 1 }, errors: form.errors };
  const d = form.data;
  const filters: TraineeFilters = { page: d.page };
  if (d.state && isTraineeState(d.state)) filters.state = d.state;
  if (d.country) filters.country = d.country;
  if (d.school) filters.schoolId = d.school;
  if (d.mentor) filters.mentorId = d.mentor;
  if (d.behind) filters.behind = true;
  return { filters, errors: [] };
}

function query(raw: Raw, page?: number): string {
  const params = new URLSearchParams();
  for (const k of ['state', 'country', 'school', 'mentor', 'behind']) if (str(raw, k)) params.set(k, str(raw, k));
  if (page && page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

const items = (entries: [string, string][], selected: string | number | undefined, any: string) => [
  { value: '', text: any },
  ...entries.map(([value, text]) => ({ value, text, selected: String(selected ?? '') === value })),
];

const STATE_EVENTS: TraineeEvent[] = ['defer', 'reinstate', 'withdraw'];

export function registerTrainingProviderRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const mayManage = (request: FastifyRequest, providerId: number) =>
    scopedMemberships(request).some((m) => m.providerId === providerId && m.canManageTrainees);

  app.get('/provider/trainees', async (request, reply) => {
    const raw = request.query as Raw;
    const { filters, errors } = parseFilters(raw);
    const scope = providerOf(request);
    const [{ total, rows }, mentors, ready] = await Promise.all([
      errors.length ? { total: 0, rows: [] } : listTrainees(db, scope, filters, PAGE_SIZE),
      providerMentors(db, scope),
      readyToStart(db, scope),
    ]);
    const schools = [...new Map(mentors.map((m) => [String(m.school_id), m.school_name])).entries()];
    return renderPage(reply.code(errors.length ? 400 : 200), 'training/views/provider-trainees.njk', {
      pageTitle: 'Trainees',
      currentPath: '/provider/trainees',
      errors,
      memberships: scopedMemberships(request),
      total,
      rows: rows.map((t) => [
        { html: `<a class="govuk-link" href="/provider/trainees/${t.id}">${escapeHtml(t.name)}</a>` },
        { text: TRAINEE_STATES[t.state] },
        { text: countryName(t.trainingCountry) },
        { text: `${govukDate(t.startDate)} to ${govukDate(t.expectedEndDate)}` },
        {
          html:
            `${t.achieved} of ${t.required} ${t.unit}` +
            (t.behind && t.state === 'in-training' ? ' <strong class="govuk-tag govuk-tag--red">Behind</strong>' : ''),
        },
      ]),
      stateItems: items(Object.entries(TRAINEE_STATES), filters.state, 'All statuses'),
      countryItems: [
        { value: '', text: 'All countries' },
        ...countryOptions().map((c) => ({ ...c, selected: c.value === filters.country })),
      ],
      schoolItems: items(schools, filters.schoolId, 'All placement schools'),
      mentorItems: items(
        mentors.map((m) => [String(m.id), `${m.name}, ${m.school_name}`]),
        filters.mentorId,
        'All mentors',
      ),
      behindChecked: filters.behind === true,
      pagination: pagination(filters.page, pageCount(total, PAGE_SIZE), (n) => `/provider/trainees${query(raw, n)}`),
      csvHref: `/provider/trainees.csv${query(raw)}`,
      ready: ready.map((a) => ({ ...a, href: `/provider/applications/${a.reference}/start-training` })),
    });
  });

  app.get('/provider/trainees.csv', async (request, reply) => {
    const { filters, errors } = parseFilters(request.query as Raw);
    if (errors.length)
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send(errors.map((e) => e.text).join('\n'));
    const { rows } = await listTrainees(db, providerOf(request), filters, null);
    const lines = [
      [
        'id',
        'name',
        'status',
        'training country',
        'start',
        'expected end',
        'criteria',
        'confirmed',
        'required',
        'unit',
        'behind',
      ].join(','),
      ...rows.map((t) =>
        [
          t.id,
          t.name,
          TRAINEE_STATES[t.state],
          t.trainingCountry,
          t.startDate,
          t.expectedEndDate,
          t.criteriaVersion,
          t.achieved,
          t.required,
          t.unit,
          t.behind ? 'yes' : 'no',
        ]
          .map(csvCell)
          .join(','),
      ),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="iqts-trainees.csv"')
      .header('cache-control', 'no-store')
      .send(lines.join('\r\n') + '\r\n');
  });

  // ——— Start training from a recruited application ———

  async function renderStart(
    request: FastifyRequest,
    reply: FastifyReply,
    reference: string,
    form: { errors: FormErrors; values: Record<string, unknown> } = { errors: noErrors, values: {} },
  ) {
    const scope = providerOf(request);
    const a = REF.test(reference) ? await providerApplication(db, scope, reference) : undefined;
    if (!a || a.providerId === null || !scope.providerIds.includes(a.providerId)) return reply.callNotFound();
    const existing = await traineeIdForApplication(db, scope, a.id);
    if (existing) return reply.redirect(`/provider/trainees/${existing}`, 303);
    if (a.status !== 'recruited') return reply.callNotFound();
    const mentors = (await providerMentors(db, scope)).filter((m) => m.provider_id === a.providerId);
    // What the application already knows, so nothing is typed twice.
    const course = a.answers['course'] ?? {};
    const phase = a.phase ?? course['phase'];
    const prefill: Record<string, unknown> = {
      ageRange: phase === 'primary' ? '5 to 11' : phase === 'secondary' ? '11 to 18' : '',
      subjects: phase === 'primary' ? 'Primary' : (course['subject'] ?? ''),
      trainingCountry: a.country ?? '',
      studyMode: 'full-time',
      mentorId: String(mentors.find((m) => m.school_id === a.placementSchoolId)?.id ?? ''),
    };
    const values = { ...prefill, ...form.values };
    const startDate = typeof values['startDate'] === 'string' ? (values['startDate'] as string) : '';
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/start-training.njk', {
      pageTitle: `Start training – ${a.candidateName ?? a.reference}`,
      currentPath: '/provider/trainees',
      backLink: { href: `/provider/applications/${a.reference}`, text: 'Back to the application' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      a,
      values,
      countryName: a.country ? countryName(a.country) : '',
      countryItems: [
        { value: '', text: 'Select a country' },
        ...countryOptions().map((c) => ({ ...c, selected: c.value === values['trainingCountry'] })),
      ],
      mentorItems: [
        { value: '', text: mentors.length ? 'Select a mentor' : 'No mentors yet' },
        ...mentors.map((m) => ({
          value: String(m.id),
          text: `${m.name} (${MENTOR_ROLES[m.mentor_role as keyof typeof MENTOR_ROLES]}), ${m.school_name}`,
          selected: String(m.id) === values['mentorId'],
        })),
      ],
      hasMentors: mentors.length > 0,
      mentorsHref: `/provider/mentors/new?return=${encodeURIComponent(`/provider/applications/${a.reference}/start-training`)}`,
      criteriaItems: Object.values(CRITERIA_VERSIONS).map((c) => ({
        value: c.id,
        text: c.label,
        hint: { text: c.source },
        checked: (values['criteriaVersion'] ?? (startDate ? criteriaFor(startDate) : '2025-04')) === c.id,
      })),
      dates: dateParts(values, ['startDate', 'expectedEndDate', 'placementStart', 'placementEnd']),
    });
  }

  app.get<{ Params: { reference: string } }>(
    '/provider/applications/:reference/start-training',
    manage,
    (request, reply) => renderStart(request, reply, request.params.reference),
  );

  app.post<{ Params: { reference: string } }>(
    '/provider/applications/:reference/start-training',
    manage,
    async (request, reply) => {
      const scope = providerOf(request);
      const reference = request.params.reference;
      const a = REF.test(reference) ? await providerApplication(db, scope, reference) : undefined;
      if (!a || a.status !== 'recruited') return reply.callNotFound();
      const dates = ['startDate', 'expectedEndDate', 'placementStart', 'placementEnd'];
      const body = withDates(request.body, dates);
      const form = parseForm(startTrainingForm, body, dateIds(...dates));
      if (!form.ok) return renderStart(request, reply, reference, { errors: form, values: body });
      const d = form.data;
      const result = await startTraining(
        db,
        scope,
        {
          applicationId: a.id,
          startDate: d.startDate,
          expectedEndDate: d.expectedEndDate,
          studyMode: d.studyMode,
          daysPerWeek: d.daysPerWeek,
          ageRange: d.ageRange,
          subjects: d.subjects,
          trainingCountry: d.trainingCountry,
          criteriaVersion: d.criteriaVersion as keyof typeof CRITERIA_VERSIONS,
          placement: { mentorId: d.mentorId, startDate: d.placementStart, endDate: d.placementEnd },
        },
        config.serviceUrl,
      );
      if (!result.ok)
        return renderStart(request, reply, reference, {
          errors: fieldError(result.field ?? 'startDate', result.message, result.field ?? 'startDate-day'),
          values: body,
        });
      return reply.redirect(`/provider/trainees/${result.value}`, 303);
    },
  );

  // ——— One trainee ———

  async function loadTrainee(request: FastifyRequest<{ Params: { traineeId: string } }>) {
    const id = parseId(request.params.traineeId);
    return id === undefined ? undefined : providerTrainee(db, providerOf(request), id);
  }

  async function renderTrainee(
    request: FastifyRequest,
    reply: FastifyReply,
    trainee: Trainee,
    problem?: { errors: FormErrors; values?: Record<string, unknown>; form: string },
  ) {
    const scope = providerOf(request);
    const [record, history, mentors] = await Promise.all([
      traineeRecord(db, trainee),
      traineeHistory(db, scope, trainee.id),
      providerMentors(db, scope),
    ]);
    const canManage = mayManage(request, trainee.providerId);
    const queried = record.days.filter((d) => d.status === 'queried');
    const schools = new Map(record.placements.map((p) => [p.id, p.schoolName]));
    return renderPage(reply.code(problem ? 400 : 200), 'training/views/provider-trainee.njk', {
      pageTitle: `${trainee.name} – trainee`,
      currentPath: '/provider/trainees',
      backLink: { href: '/provider/trainees', text: 'Back to trainees' },
      csrfToken: csrfToken(request),
      errors: problem?.errors.errors ?? [],
      fieldErrors: problem?.errors.fieldErrors ?? {},
      problemForm: problem?.form,
      values: problem?.values ?? {},
      trainee,
      details: traineeDetails(record, countryName),
      ...trainingPageData(record),
      canManage,
      canRecommend:
        trainee.state === 'in-training' &&
        scopedMemberships(request).some((m) => m.providerId === trainee.providerId && m.canRecommendForAward),
      actions: canManage
        ? traineeEvents(trainee.state, 'provider')
            .filter((t) => STATE_EVENTS.includes(t.event))
            .map((t) => ({ href: `/provider/trainees/${trainee.id}/status/${t.event}`, label: t.label }))
        : [],
      queried: queried.map((d) => ({
        ...d,
        dateText: longDate(d.date),
        school: schools.get(d.placementId),
        statusText: DAY_STATUSES[d.status],
      })),
      mentorItems: [
        { value: '', text: 'Select a mentor' },
        ...mentors
          .filter((m) => m.provider_id === trainee.providerId)
          .map((m) => ({ value: String(m.id), text: `${m.name}, ${m.school_name}` })),
      ],
      dates: dateParts(problem?.values ?? {}, ['placementStart', 'placementEnd']),
      stateNote: stateNote(trainee),
      history: history.map((h) => [
        { text: govukDate(h.created_at.slice(0, 10)) },
        { text: h.action.replace(/-/g, ' ') },
        { text: h.email ?? 'The service' },
        {
          text:
            h.from_state && h.to_state && isTraineeState(h.from_state) && isTraineeState(h.to_state)
              ? `${TRAINEE_STATES[h.from_state]} to ${TRAINEE_STATES[h.to_state]}`
              : '',
        },
      ]),
    });
  }

  app.get<{ Params: { traineeId: string } }>('/provider/trainees/:traineeId', async (request, reply) => {
    const trainee = await loadTrainee(request);
    if (!trainee) return reply.callNotFound();
    return renderTrainee(request, reply, trainee);
  });

  app.post<{ Params: { traineeId: string } }>(
    '/provider/trainees/:traineeId/placements',
    manage,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      if (!trainee) return reply.callNotFound();
      const body = withDates(request.body, ['placementStart', 'placementEnd']);
      const form = parseForm(placementForm, body, dateIds('placementStart', 'placementEnd'));
      if (!form.ok) return renderTrainee(request, reply, trainee, { errors: form, values: body, form: 'placement' });
      const result = await addPlacement(db, providerOf(request), trainee, {
        mentorId: form.data.mentorId,
        startDate: form.data.placementStart,
        endDate: form.data.placementEnd,
      });
      if (!result.ok)
        return renderTrainee(request, reply, trainee, {
          errors: fieldError(result.field ?? 'mentorId', result.message),
          values: body,
          form: 'placement',
        });
      return reply.redirect(`/provider/trainees/${trainee.id}#placements`, 303);
    },
  );

  app.post<{ Params: { traineeId: string; dayId: string } }>(
    '/provider/trainees/:traineeId/days/:dayId',
    manage,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      const dayId = parseId(request.params.dayId);
      if (!trainee || dayId === undefined) return reply.callNotFound();
      const form = parseForm(resolveForm, request.body, { reason: `reason-${dayId}`, action: `action-${dayId}` });
      if (!form.ok)
        return renderTrainee(request, reply, trainee, { errors: form, values: form.values, form: `day-${dayId}` });
      const result = await resolveDay(db, providerOf(request), { trainee, dayId, ...form.data });
      if (!result.ok)
        return renderTrainee(request, reply, trainee, {
          errors: fieldError('reason', result.message, `reason-${dayId}`),
          form: `day-${dayId}`,
        });
      return reply.redirect(`/provider/trainees/${trainee.id}#queried`, 303);
    },
  );

  // ——— Review points ———

  async function renderReview(
    request: FastifyRequest,
    reply: FastifyReply,
    trainee: Trainee,
    form: { errors: FormErrors; values: Record<string, unknown> } = { errors: noErrors, values: {} },
  ) {
    const values = form.values;
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/review.njk', {
      pageTitle: `Record a review – ${trainee.name}`,
      currentPath: '/provider/trainees',
      backLink: { href: `/provider/trainees/${trainee.id}`, text: 'Back to the trainee' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      trainee,
      values,
      kindItems: Object.entries(REVIEW_KINDS).map(([value, text]) => ({
        value,
        text,
        checked: values['kind'] === value,
      })),
      outcomeItems: Object.entries(REVIEW_OUTCOMES).map(([value, text]) => ({
        value,
        text,
        hint: { text: OUTCOMES_FOR.final.includes(value as 'passed') ? 'Final assessment' : 'Interim review' },
        checked: values['outcome'] === value,
      })),
      standards: STANDARD_IDS.map((s) => ({
        id: s,
        legend: `${STANDARDS[s].short}: ${STANDARDS[s].title}`,
        error: form.errors.fieldErrors[s],
        items: Object.entries(JUDGEMENTS).map(([value, text]) => ({ value, text, checked: values[s] === value })),
      })),
      dates: dateParts(values, ['date']),
    });
  }

  app.get<{ Params: { traineeId: string } }>(
    '/provider/trainees/:traineeId/reviews/new',
    manage,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      if (!trainee) return reply.callNotFound();
      return renderReview(request, reply, trainee);
    },
  );

  app.post<{ Params: { traineeId: string } }>(
    '/provider/trainees/:traineeId/reviews',
    manage,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      if (!trainee) return reply.callNotFound();
      const body = withDates(request.body, ['date']);
      const form = parseForm(reviewForm, body, { ...dateIds('date'), kind: 'kind', outcome: 'outcome' });
      if (!form.ok) return renderReview(request, reply, trainee, { errors: form, values: body });
      const { kind, date, outcome, comments, ...judgements } = form.data;
      const problem = outcomeProblem(kind, outcome, judgements);
      if (problem)
        return renderReview(request, reply, trainee, { errors: fieldError('outcome', problem), values: body });
      if (date > todaySomewhere())
        return renderReview(request, reply, trainee, {
          errors: fieldError('date', 'The date of the review must be today or in the past', 'date-day'),
          values: body,
        });
      const result = await addReview(db, providerOf(request), {
        traineeId: trainee.id,
        kind,
        date,
        outcome,
        comments,
        judgements,
      });
      if (!result.ok)
        return renderReview(request, reply, trainee, { errors: fieldError('kind', result.message), values: body });
      return reply.redirect(`/provider/trainees/${trainee.id}#reviews`, 303);
    },
  );

  // ——— The trainee's state: defer, reinstate, withdraw ———

  async function renderStatus(
    request: FastifyRequest,
    reply: FastifyReply,
    trainee: Trainee,
    event: TraineeEvent,
    form: { errors: FormErrors; values: Record<string, unknown> } = { errors: noErrors, values: {} },
  ) {
    const label = { defer: 'Defer', reinstate: 'Reinstate', withdraw: 'Withdraw' }[event as 'defer'];
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/status.njk', {
      pageTitle: `${label} ${trainee.name}`,
      currentPath: '/provider/trainees',
      backLink: { href: `/provider/trainees/${trainee.id}`, text: 'Back to the trainee' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      trainee,
      event,
      label,
      values: form.values,
      reasonItems: Object.entries(WITHDRAWAL_REASONS).map(([value, text]) => ({
        value,
        text,
        checked: [form.values['reasons']].flat().includes(value),
      })),
      dates: dateParts(form.values, ['date']),
    });
  }

  const statusEvent = (value: string): TraineeEvent | undefined => STATE_EVENTS.find((e) => e === value);

  app.get<{ Params: { traineeId: string; event: string } }>(
    '/provider/trainees/:traineeId/status/:event',
    manage,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      const event = statusEvent(request.params.event);
      if (!trainee || !event) return reply.callNotFound();
      return renderStatus(request, reply, trainee, event);
    },
  );

  app.post<{ Params: { traineeId: string; event: string } }>(
    '/provider/trainees/:traineeId/status/:event',
    manage,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      const event = statusEvent(request.params.event);
      if (!trainee || !event) return reply.callNotFound();
      const body = withDates(request.body, ['date']);
      const ids = dateIds('date');
      let detail: { date: string; reason?: string; reasons?: string[] };
      let personalisation: Record<string, string>;
      if (event === 'defer') {
        const form = parseForm(deferForm, body, ids);
        if (!form.ok) return renderStatus(request, reply, trainee, event, { errors: form, values: body });
        detail = form.data;
        personalisation = { date: govukDate(form.data.date), reason: form.data.reason };
      } else if (event === 'reinstate') {
        const form = parseForm(reinstateForm, body, ids);
        if (!form.ok) return renderStatus(request, reply, trainee, event, { errors: form, values: body });
        detail = form.data;
        personalisation = {};
      } else {
        const form = parseForm(withdrawForm, body, ids);
        if (!form.ok) return renderStatus(request, reply, trainee, event, { errors: form, values: body });
        const reasons = form.data.reasons.map((r) => WITHDRAWAL_REASONS[r]);
        detail = { date: form.data.date, reasons, ...(form.data.detail ? { reason: form.data.detail } : {}) };
        personalisation = {
          date: govukDate(form.data.date),
          reasons: [...reasons, ...(form.data.detail ? [form.data.detail] : [])].join('\n'),
        };
      }
      const result = await changeTraineeState(db, providerOf(request), {
        trainee,
        event,
        detail,
        personalisation,
        serviceUrl: config.serviceUrl,
      });
      if (!result.ok)
        return renderStatus(request, reply, trainee, event, {
          errors: fieldError('date', result.message, 'date-day'),
          values: body,
        });
      return reply.redirect(`/provider/trainees/${trainee.id}`, 303);
    },
  );

  // ——— Mentors ———

  app.get('/provider/mentors', async (request, reply) => {
    const mentors = await providerMentors(db, providerOf(request));
    return renderPage(reply, 'training/views/provider-mentors.njk', {
      pageTitle: 'Mentors',
      currentPath: '/provider/trainees',
      backLink: { href: '/provider/trainees', text: 'Back to trainees' },
      canInvite: scopedMemberships(request).some((m) => m.canManageTrainees),
      rows: mentors.map((m) => [
        { text: m.name },
        { text: m.email },
        { text: m.school_name },
        { text: MENTOR_ROLES[m.mentor_role as keyof typeof MENTOR_ROLES] },
        { text: govukDate(m.trained_on) },
      ]),
    });
  });

  const safeReturn = (value: unknown) =>
    typeof value === 'string' && /^\/provider\/applications\/IQTS-[0-9A-Z]{7}\/start-training$/.test(value)
      ? value
      : undefined;

  async function renderMentorForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors: FormErrors; values: Record<string, unknown> } = { errors: noErrors, values: {} },
  ) {
    const scope = providerOf(request);
    const memberships = scopedMemberships(request);
    const schools = (
      await Promise.all(
        memberships.map(async (m) =>
          (await partnerSchools(db, scope, m.providerId))
            .filter((s) => s.status === 'active')
            .map((s) => ({ providerId: m.providerId, providerName: m.providerName, ...s })),
        ),
      )
    ).flat();
    const returnTo = safeReturn((request.query as Raw)['return']) ?? safeReturn(form.values['return']);
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/mentor-form.njk', {
      pageTitle: 'Add a mentor',
      currentPath: '/provider/trainees',
      backLink: { href: returnTo ?? '/provider/mentors', text: 'Back' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      values: form.values,
      returnTo,
      hasSchools: schools.length > 0,
      schoolsHref: memberships[0] ? `/provider/${memberships[0].providerId}/schools` : '/provider',
      schoolItems: [
        { value: '', text: 'Select a school' },
        ...schools.map((s) => ({
          value: `${s.providerId}:${s.schoolId}`,
          text: `${s.name}, ${s.town}, ${countryName(s.country)}${memberships.length > 1 ? ` (${s.providerName})` : ''}`,
          selected: form.values['schoolKey'] === `${s.providerId}:${s.schoolId}`,
        })),
      ],
      roleItems: Object.entries(MENTOR_ROLES).map(([value, text]) => ({
        value,
        text,
        checked: form.values['role'] === value,
      })),
      dates: dateParts(form.values, ['trainedOn']),
    });
  }

  app.get('/provider/mentors/new', manage, (request, reply) => renderMentorForm(request, reply));

  app.post('/provider/mentors', manage, async (request, reply) => {
    const body = withDates(request.body, ['trainedOn']);
    const form = parseForm(mentorForm, body, dateIds('trainedOn'));
    if (!form.ok) return renderMentorForm(request, reply, { errors: form, values: body });
    if (form.data.trainedOn > todaySomewhere())
      return renderMentorForm(request, reply, {
        errors: fieldError(
          'trainedOn',
          'The date their mentor training was completed must be in the past',
          'trainedOn-day',
        ),
        values: body,
      });
    const [providerId, schoolId] = form.data.schoolKey.split(':').map(Number) as [number, number];
    const result = await inviteMentor(
      db,
      providerOf(request),
      {
        providerId,
        schoolId,
        name: form.data.name,
        email: form.data.email,
        role: form.data.role,
        trainedOn: form.data.trainedOn,
      },
      config.serviceUrl,
    );
    if (!result.ok)
      return renderMentorForm(request, reply, {
        errors: fieldError(
          result.field ?? 'email',
          result.message,
          result.field === 'schoolId' ? 'schoolKey' : 'email',
        ),
        values: body,
      });
    return reply.redirect(safeReturn(body['return']) ?? '/provider/mentors', 303);
  });

  // ——— Cohort policies ———

  async function renderPolicies(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { errors: FormErrors; values: Record<string, unknown> } = { errors: noErrors, values: {} },
  ) {
    const policies = await cohortPolicies(db, providerOf(request));
    const memberships = scopedMemberships(request).filter((m) => m.canManageTrainees);
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/cohort-policies.njk', {
      pageTitle: 'Cohort policies',
      currentPath: '/provider/trainees',
      backLink: { href: '/provider/trainees', text: 'Back to trainees' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      values: form.values,
      unstated: UNSTATED_BY_CRITERIA,
      rows: policies.map((p) => [
        { text: p.provider_name },
        { text: p.cohort },
        { text: p.week_days === null ? 'Contracted days (default)' : `${p.week_days} confirmed days` },
        { text: p.note },
      ]),
      providerItems: memberships.map((m) => ({
        value: String(m.providerId),
        text: m.providerName,
        selected: form.values['providerId'] === String(m.providerId),
      })),
      weekRuleItems: [
        { value: 'contracted', text: 'The trainee’s contracted days per week (the default)' },
        { value: 'fixed', text: 'A fixed number of confirmed days' },
      ].map((i) => ({ ...i, checked: (form.values['weekRule'] ?? 'contracted') === i.value })),
    });
  }

  app.get('/provider/cohort-policies', manage, (request, reply) => renderPolicies(request, reply));

  app.post('/provider/cohort-policies', manage, async (request, reply) => {
    const form = parseForm(policyForm, request.body);
    if (!form.ok) return renderPolicies(request, reply, { errors: form, values: form.values });
    const result = await setCohortPolicy(db, providerOf(request), {
      providerId: form.data.providerId,
      cohort: form.data.cohort,
      weekDays: form.data.weekRule === 'fixed' ? Number(form.data.weekDays) : null,
      note: form.data.note,
    });
    if (!result.ok)
      return renderPolicies(request, reply, { errors: fieldError('providerId', result.message), values: form.values });
    return reply.redirect('/provider/cohort-policies', 303);
  });
}

/** Why a trainee is deferred or withdrawn, in one line. */
function stateNote(t: Trainee): string | undefined {
  if (t.state === 'in-training' || !t.stateDetail) return undefined;
  const d = t.stateDetail;
  return [
    d.date
      ? t.state === 'recommended'
        ? `Recommended for award, with an outcome date of ${govukDate(d.date)}.`
        : t.state === 'awarded'
          ? `Awarded iQTS, with qualified teacher status (QTS) held from ${govukDate(d.date)}.`
          : `${TRAINEE_STATES[t.state]} from ${govukDate(d.date)}.`
      : t.state === 'revoked'
        ? 'The award has been revoked:'
        : '',
    d.reasons?.length ? `${d.reasons.join(', ')}.` : '',
    d.reason ?? '',
  ]
    .filter(Boolean)
    .join(' ');
}
