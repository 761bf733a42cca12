import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { candidateOf, parseId } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { zoneLabel } from '../accounts/time-zone.ts';
import { interviewCalendar } from './calendar.ts';
import { cancelForm, chooseForm, otherTimesForm } from './forms.ts';
import {
  askForOtherTimes,
  calendarFor,
  cancelInterview,
  chooseTime,
  interviewOf,
  whereText,
  type InterviewView,
  type StepResult,
} from './repository.ts';
import { durationText, forCandidate, INTERVIEW_STATUSES, mayTake } from './rules.ts';

const REF = /^IQTS-[0-9A-Z]{7}$/;
type Params = { reference: string; interviewId: string };

/** The candidate's side of an interview: choose a time, ask for others, cancel, download the calendar file. */
export function registerInterviewCandidateRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const find = async (request: FastifyRequest<{ Params: Params }>) => {
    const id = parseId(request.params.interviewId);
    if (!REF.test(request.params.reference) || id === undefined) return undefined;
    return interviewOf(db, candidateOf(request), request.params.reference, id);
  };
  const pagePath = (i: InterviewView) => `/applications/${i.reference}/interviews/${i.id}`;

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    i: InterviewView,
    page: 'interview' | 'other-times' | 'cancel',
    problem?: FormErrors,
  ) {
    const now = new Date();
    const body = (request.body as Record<string, unknown> | undefined) ?? {};
    const titles = {
      interview: 'Your interview',
      'other-times': i.status === 'agreed' ? 'Ask to rearrange your interview' : 'Ask for other interview times',
      cancel: 'Are you sure you want to cancel your interview?',
    };
    return renderPage(reply.code(problem ? 400 : 200), `interviews/views/candidate-${page}.njk`, {
      pageTitle: titles[page],
      currentPath: '/application',
      csrfToken: csrfToken(request),
      backLink: { href: page === 'interview' ? `/applications/${i.reference}` : pagePath(i) },
      i,
      path: pagePath(i),
      status: INTERVIEW_STATUSES[i.status],
      zone: zoneLabel(i.candidateZone, now),
      when: i.startsAt ? forCandidate(i.startsAt, i.candidateZone) : undefined,
      duration: durationText(i.durationMinutes),
      where: whereText(i),
      slotItems: i.slots.map((s) => ({
        value: String(s.id),
        text: forCandidate(s.startsAt, i.candidateZone),
        disabled: s.startsAt.getTime() <= now.getTime(),
        checked: body['slot'] === String(s.id),
      })),
      canChoose: mayTake('choose', 'candidate', i.status).ok && i.applicationStatus === 'interviewing',
      canAskOther: mayTake('ask-other-times', 'candidate', i.status).ok && i.applicationStatus === 'interviewing',
      canCancel: mayTake('cancel', 'candidate', i.status).ok && i.applicationStatus === 'interviewing',
      message: typeof body['message'] === 'string' ? body['message'] : '',
      reason: typeof body['reason'] === 'string' ? body['reason'] : '',
      errors: problem?.errors ?? [],
      fieldErrors: problem?.fieldErrors ?? {},
    });
  }

  /** After a step: to the interview page, or its refusal shown on the page the step came from. */
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    i: InterviewView,
    page: 'interview' | 'other-times' | 'cancel',
    field: string,
    result: StepResult,
  ) => {
    if (result.ok) return reply.redirect(pagePath(i), 303);
    if (result.notFound) return reply.callNotFound();
    return render(request, reply, i, page, { errors: [{ text: result.message, href: `#${field}` }], fieldErrors: {} });
  };

  app.get<{ Params: Params }>('/applications/:reference/interviews/:interviewId', async (request, reply) => {
    const i = await find(request);
    if (!i) return reply.callNotFound();
    return render(request, reply, i, 'interview');
  });

  // The calendar file: only for the candidate of this application, only once a time is agreed (or cancelled).
  app.get<{ Params: Params }>('/applications/:reference/interviews/:interviewId.ics', async (request, reply) => {
    const i = await find(request);
    const calendar = i && calendarFor(i, 'candidate', config.serviceUrl);
    if (!calendar) return reply.callNotFound();
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="iqts-interview-${i.reference}.ics"`)
      .header('cache-control', 'no-store')
      .send(interviewCalendar(calendar));
  });

  app.post<{ Params: Params }>('/applications/:reference/interviews/:interviewId/choose', async (request, reply) => {
    const i = await find(request);
    if (!i) return reply.callNotFound();
    const form = parseForm(chooseForm, request.body, { version: 'slot' });
    if (!form.ok) return render(request, reply, i, 'interview', form);
    const result = await chooseTime(db, candidateOf(request), {
      reference: i.reference,
      interviewId: i.id,
      version: form.data.version,
      slotId: form.data.slot,
      serviceUrl: config.serviceUrl,
    });
    return answer(request, reply, i, 'interview', 'slot', result);
  });

  for (const page of ['other-times', 'cancel'] as const) {
    app.get<{ Params: Params }>(`/applications/:reference/interviews/:interviewId/${page}`, async (request, reply) => {
      const i = await find(request);
      if (!i) return reply.callNotFound();
      const step = page === 'cancel' ? 'cancel' : 'ask-other-times';
      if (!mayTake(step, 'candidate', i.status).ok || i.applicationStatus !== 'interviewing')
        return reply.redirect(pagePath(i), 303);
      return render(request, reply, i, page);
    });
  }

  app.post<{ Params: Params }>(
    '/applications/:reference/interviews/:interviewId/other-times',
    async (request, reply) => {
      const i = await find(request);
      if (!i) return reply.callNotFound();
      const form = parseForm(otherTimesForm, request.body, { version: 'message' });
      if (!form.ok) return render(request, reply, i, 'other-times', form);
      const result = await askForOtherTimes(db, candidateOf(request), {
        reference: i.reference,
        interviewId: i.id,
        version: form.data.version,
        message: form.data.message,
        serviceUrl: config.serviceUrl,
      });
      return answer(request, reply, i, 'other-times', 'message', result);
    },
  );

  app.post<{ Params: Params }>('/applications/:reference/interviews/:interviewId/cancel', async (request, reply) => {
    const i = await find(request);
    if (!i) return reply.callNotFound();
    const form = parseForm(cancelForm, request.body, { version: 'reason' });
    if (!form.ok) return render(request, reply, i, 'cancel', form);
    const result = await cancelInterview(db, candidateOf(request), {
      reference: i.reference,
      interviewId: i.id,
      version: form.data.version,
      reason: form.data.reason,
      serviceUrl: config.serviceUrl,
    });
    return answer(request, reply, i, 'cancel', 'reason', result);
  });
}
