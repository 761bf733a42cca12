import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { mentorOf, parseId } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { isIsoDate, todaySomewhere, weekStart } from '../../shared/local-dates.ts';
import { dateIds, dateParts, observationForm, weekReviewForm, withDates } from './forms.ts';
import {
  addObservation,
  mentorTrainee,
  mentorTrainees,
  reviewWeek,
  traineeRecord,
  type Trainee,
} from './repository.ts';
import { JUDGEMENTS, STANDARDS, STANDARD_IDS, type Standard } from './standards.ts';
import { TRAINEE_STATES } from './state-machine.ts';
import { standardItems, traineeDetails, trainingPageData } from './view-model.ts';

/**
 * The mentor's side: the trainees they mentor (while the placement lasts and 30 days
 * after), confirming or querying a week's days in one action, and lesson observations.
 * Another mentor's trainee is not found.
 */
type Raw = Record<string, unknown>;

export function registerMentorRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  app.get('/mentor', async (request, reply) => {
    const trainees = await mentorTrainees(db, mentorOf(request));
    return renderPage(reply, 'training/views/mentor-home.njk', {
      pageTitle: 'Your trainees',
      currentPath: '/mentor',
      trainees: trainees.map((t) => ({
        href: `/mentor/trainees/${t.id}`,
        name: t.name,
        provider: t.providerName,
        state: TRAINEE_STATES[t.state],
        course: `${govukDate(t.startDate)} to ${govukDate(t.expectedEndDate)}`,
      })),
    });
  });

  async function load(request: FastifyRequest<{ Params: { traineeId: string } }>) {
    const id = parseId(request.params.traineeId);
    return id === undefined ? undefined : mentorTrainee(db, mentorOf(request), id);
  }

  async function renderTrainee(
    request: FastifyRequest,
    reply: FastifyReply,
    reached: { trainee: Trainee; placementIds: number[] },
    problem?: { errors: FormErrors; week: string },
  ) {
    const record = await traineeRecord(db, reached.trainee);
    const data = trainingPageData(record);
    return renderPage(reply.code(problem ? 400 : 200), 'training/views/mentor-trainee.njk', {
      pageTitle: `${reached.trainee.name} – your trainee`,
      currentPath: '/mentor',
      backLink: { href: '/mentor', text: 'Back to your trainees' },
      csrfToken: csrfToken(request),
      errors: problem?.errors.errors ?? [],
      fieldErrors: problem?.errors.fieldErrors ?? {},
      problemWeek: problem?.week,
      trainee: reached.trainee,
      details: traineeDetails(record, countryName),
      ...data,
      // Weeks with days at this mentor's placements still awaiting them.
      mine: data.weeks
        .map((w) => ({
          ...w,
          days: w.days.filter((d) => reached.placementIds.includes(d.placementId)),
        }))
        .filter((w) => w.days.some((d) => d.status === 'logged')),
    });
  }

  app.get<{ Params: { traineeId: string } }>('/mentor/trainees/:traineeId', async (request, reply) => {
    const reached = await load(request);
    if (!reached) return reply.callNotFound();
    return renderTrainee(request, reply, reached);
  });

  app.post<{ Params: { traineeId: string; week: string } }>(
    '/mentor/trainees/:traineeId/weeks/:week',
    async (request, reply) => {
      const reached = await load(request);
      const week = request.params.week;
      if (!reached || !isIsoDate(week) || weekStart(week) !== week) return reply.callNotFound();
      const form = parseForm(weekReviewForm, request.body, { reason: `reason-${week}`, action: `action-${week}` });
      if (!form.ok) return renderTrainee(request, reply, reached, { errors: form, week });
      const result = await reviewWeek(db, mentorOf(request), {
        traineeId: reached.trainee.id,
        week,
        action: form.data.action,
        reason: form.data.reason,
        serviceUrl: config.serviceUrl,
      });
      if (!result.ok)
        return renderTrainee(request, reply, reached, {
          errors: fieldError('action', result.message, `action-${week}`),
          week,
        });
      return reply.redirect(`/mentor/trainees/${reached.trainee.id}#days`, 303);
    },
  );

  async function renderObservation(
    request: FastifyRequest,
    reply: FastifyReply,
    trainee: Trainee,
    form: { errors: FormErrors; values: Raw } = { errors: noErrors, values: {} },
  ) {
    const values = form.values;
    return renderPage(reply.code(form.errors.errors.length ? 400 : 200), 'training/views/observation.njk', {
      pageTitle: `Record a lesson observation – ${trainee.name}`,
      currentPath: '/mentor',
      backLink: { href: `/mentor/trainees/${trainee.id}`, text: 'Back to the trainee' },
      csrfToken: csrfToken(request),
      errors: form.errors.errors,
      fieldErrors: form.errors.fieldErrors,
      trainee,
      values,
      standardItems: standardItems([values['standards']].flat() as string[]),
      judgements: STANDARD_IDS.map((s: Standard) => ({
        id: s,
        legend: `Judgement for ${STANDARDS[s].short}: ${STANDARDS[s].title}`,
        error: form.errors.fieldErrors[s],
        items: [
          { value: '', text: 'Not observed' },
          ...Object.entries(JUDGEMENTS).map(([value, text]) => ({ value, text, selected: values[s] === value })),
        ],
      })),
      dates: dateParts(values, ['date']),
    });
  }

  app.get<{ Params: { traineeId: string } }>('/mentor/trainees/:traineeId/observations/new', async (request, reply) => {
    const reached = await load(request);
    if (!reached) return reply.callNotFound();
    return renderObservation(request, reply, reached.trainee);
  });

  app.post<{ Params: { traineeId: string } }>('/mentor/trainees/:traineeId/observations', async (request, reply) => {
    const reached = await load(request);
    if (!reached) return reply.callNotFound();
    const body = withDates(request.body, ['date']);
    // Judgements for standards not ticked are ignored: only what was observed is judged.
    const form = parseForm(observationForm, body, { ...dateIds('date'), standards: 'standards' });
    if (!form.ok) return renderObservation(request, reply, reached.trainee, { errors: form, values: body });
    const d = form.data;
    if (d.date > todaySomewhere())
      return renderObservation(request, reply, reached.trainee, {
        errors: fieldError('date', 'The date of the lesson must be today or in the past', 'date-day'),
        values: body,
      });
    const judgements = Object.fromEntries(d.standards.map((s) => [s, d[s]!]));
    const result = await addObservation(db, mentorOf(request), {
      traineeId: reached.trainee.id,
      date: d.date,
      className: d.className,
      ageGroup: d.ageGroup,
      judgements,
      strengths: d.strengths,
      targets: d.targets,
    });
    if (!result.ok)
      return renderObservation(request, reply, reached.trainee, {
        errors: fieldError('date', result.message),
        values: body,
      });
    return reply.redirect(`/mentor/trainees/${reached.trainee.id}#observations`, 303);
  });
}
