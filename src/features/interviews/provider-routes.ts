import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { parseId, providerOf, signedInUser } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { ENGLAND, safeZone } from '../../shared/zoned-time.ts';
import { zoneLabel, zoneOptions } from '../accounts/time-zone.ts';
import { chosenTimeZone } from '../accounts/repository.ts';
import { providerApplication, type Application } from '../applications/repository.ts';
import { transition } from '../applications/state-machine.ts';
import { interviewCalendar } from './calendar.ts';
import { cancelForm, parseTimesForm, slotInputs, type TimesForm } from './forms.ts';
import {
  calendarFor,
  cancelInterview,
  candidateZoneOf,
  interviewOf,
  interviewsOf,
  proposeInterview,
  proposeNewTimes,
  whereText,
  type InterviewView,
  type StepResult,
} from './repository.ts';
import { DURATIONS, durationText, forProvider, INTERVIEW_STATUSES, mayTake, SLOT_COUNT } from './rules.ts';

const REF = /^IQTS-[0-9A-Z]{7}$/;
type Params = { reference: string; interviewId: string };
const makeDecisions = { config: { permission: 'make-decisions' as const } };

/**
 * The provider's side of an interview: invite (propose times), see it in their own zone and
 * the candidate's, propose new times, cancel, download the calendar file. Times are typed in
 * the user's own zone unless they choose another.
 */
export function registerInterviewProviderRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const ownZone = (request: FastifyRequest) => safeZone(signedInUser(request).timeZone ?? undefined, ENGLAND);
  const application = async (request: FastifyRequest<{ Params: { reference: string } }>) =>
    REF.test(request.params.reference)
      ? providerApplication(db, providerOf(request), request.params.reference)
      : undefined;
  const find = async (request: FastifyRequest<{ Params: Params }>) => {
    const id = parseId(request.params.interviewId);
    if (!REF.test(request.params.reference) || id === undefined) return undefined;
    return interviewOf(db, providerOf(request), request.params.reference, id);
  };
  const pagePath = (i: { reference: string; id: number }) => `/provider/applications/${i.reference}/interviews/${i.id}`;
  const mayDecide = (request: FastifyRequest, providerId: number) =>
    signedInUser(request).memberships.some((m) => m.providerId === providerId && m.canMakeDecisions);

  /** The times form: inviting, or new times for an interview. */
  function renderTimes(
    request: FastifyRequest,
    reply: FastifyReply,
    target: { a: Application; candidateZone: string; interview?: InterviewView },
    form?: TimesForm,
  ) {
    const now = new Date();
    const body = (request.body as Record<string, unknown> | undefined) ?? {};
    const value = (key: string, fallback = '') => (typeof body[key] === 'string' ? (body[key] as string) : fallback);
    const i = target.interview;
    const zone = form ? safeZone(value('zone'), ownZone(request)) : (i?.zone ?? ownZone(request));
    const inputs = slotInputs(body);
    const repeated = new Map((form?.repeated ?? []).map((r) => [r.slot, r]));
    const action = i ? `${pagePath(i)}/new-times` : `/provider/applications/${target.a.reference}/invite-to-interview`;
    return renderPage(reply.code(form ? 400 : 200), 'interviews/views/provider-times.njk', {
      pageTitle: i
        ? i.status === 'agreed'
          ? 'Rearrange the interview'
          : 'Propose new interview times'
        : 'Invite to interview',
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: i ? pagePath(i) : `/provider/applications/${target.a.reference}` },
      a: target.a,
      action,
      rearranging: i?.status === 'agreed',
      version: i?.version,
      candidateMessage: i?.status === 'other-times-requested' ? i.candidateMessage : undefined,
      candidateZone: zoneLabel(target.candidateZone, now),
      zoneItems: zoneOptions(zone, now),
      slots: Array.from({ length: SLOT_COUNT }, (_, k) => {
        const n = k + 1;
        const input = inputs[k]!;
        const r = repeated.get(n);
        return {
          n,
          day: input.day,
          month: input.month,
          year: input.year,
          time: input.time,
          dateError: form?.fieldErrors[`slot${n}-day`],
          timeError: form?.fieldErrors[`slot${n}-time`],
          which: r && {
            error: form?.fieldErrors[`slot${n}-which`],
            items: [
              { value: 'earlier', text: r.earlier },
              { value: 'later', text: r.later },
            ],
          },
        };
      }),
      durationItems: DURATIONS.map((m) => ({
        value: String(m),
        text: durationText(m),
        selected: value('duration', String(i?.durationMinutes ?? 45)) === String(m),
      })),
      mode: value('mode', i?.mode ?? ''),
      link: value('link', i?.mode === 'online' ? i.location : ''),
      address: value('address', i?.mode === 'in-person' ? i.location : ''),
      notes: value('notes', i?.notes ?? ''),
      reason: value('reason'),
      errors: form?.errors ?? [],
      fieldErrors: form?.fieldErrors ?? {},
    });
  }

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    i: InterviewView,
    page: 'interview' | 'cancel',
    problem?: FormErrors,
  ) {
    const now = new Date();
    const zone = ownZone(request);
    const canAct = mayDecide(request, i.providerId) && i.applicationStatus === 'interviewing';
    const body = (request.body as Record<string, unknown> | undefined) ?? {};
    return renderPage(reply.code(problem ? 400 : 200), `interviews/views/provider-${page}.njk`, {
      pageTitle:
        page === 'cancel' ? 'Are you sure you want to cancel the interview?' : `Interview – ${i.candidateName}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: page === 'cancel' ? pagePath(i) : `/provider/applications/${i.reference}` },
      i,
      path: pagePath(i),
      status: INTERVIEW_STATUSES[i.status],
      ownZone: zoneLabel(zone, now),
      candidateZone: zoneLabel(i.candidateZone, now),
      when: i.startsAt ? forProvider(i.startsAt, zone, i.candidateZone) : undefined,
      times: i.slots.map((s) => forProvider(s.startsAt, zone, i.candidateZone)),
      duration: durationText(i.durationMinutes),
      where: whereText(i),
      canNewTimes: canAct && mayTake('new-times', 'provider', i.status).ok,
      canCancel: canAct && mayTake('cancel', 'provider', i.status).ok,
      reason: typeof body['reason'] === 'string' ? body['reason'] : '',
      errors: problem?.errors ?? [],
      fieldErrors: problem?.fieldErrors ?? {},
    });
  }

  const refused = (message: string, href: string): FormErrors => ({
    errors: [{ text: message, href }],
    fieldErrors: {},
  });

  // Inviting: the application's "Invite to interview" step, with the times offered.
  app.get<{ Params: { reference: string } }>(
    '/provider/applications/:reference/invite-to-interview',
    makeDecisions,
    async (request, reply) => {
      const a = await application(request);
      if (!a) return reply.callNotFound();
      const live = (await interviewsOf(db, providerOf(request), a.reference)).find((x) => x.status !== 'cancelled');
      if (live) return reply.redirect(pagePath(live), 303);
      // Past the interview stage (an offer, a rejection…): nothing to invite to.
      if (!transition(a.status, 'invite-to-interview', 'provider').ok)
        return reply.redirect(`/provider/applications/${a.reference}`, 303);
      return renderTimes(request, reply, { a, candidateZone: await zoneOfCandidate(a) });
    },
  );

  async function zoneOfCandidate(a: Application): Promise<string> {
    return candidateZoneOf(await chosenTimeZone(db, a.candidateId), a.answers);
  }

  app.post<{ Params: { reference: string } }>(
    '/provider/applications/:reference/invite-to-interview',
    makeDecisions,
    async (request, reply) => {
      const a = await application(request);
      if (!a) return reply.callNotFound();
      const candidateZone = await zoneOfCandidate(a);
      const form = parseTimesForm(request.body, new Date());
      if (!form.ok || !form.details) return renderTimes(request, reply, { a, candidateZone }, form);
      const result = await proposeInterview(db, providerOf(request), {
        application: a,
        details: form.details,
        instants: form.instants,
        serviceUrl: config.serviceUrl,
      });
      if (!result.ok)
        return renderTimes(
          request,
          reply,
          { a, candidateZone },
          { ...form, ok: false, ...refused(result.message, '#zone'), repeated: [] },
        );
      return reply.redirect(pagePath({ reference: a.reference, id: result.interviewId }), 303);
    },
  );

  app.get<{ Params: Params }>('/provider/applications/:reference/interviews/:interviewId', async (request, reply) => {
    const i = await find(request);
    if (!i) return reply.callNotFound();
    return render(request, reply, i, 'interview');
  });

  app.get<{ Params: Params }>(
    '/provider/applications/:reference/interviews/:interviewId.ics',
    async (request, reply) => {
      const i = await find(request);
      const calendar = i && calendarFor(i, 'provider', config.serviceUrl);
      if (!calendar) return reply.callNotFound();
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="iqts-interview-${i.reference}.ics"`)
        .header('cache-control', 'no-store')
        .send(interviewCalendar(calendar));
    },
  );

  app.get<{ Params: Params }>(
    '/provider/applications/:reference/interviews/:interviewId/new-times',
    makeDecisions,
    async (request, reply) => {
      const i = await find(request);
      const a = i && (await application(request));
      if (!i || !a) return reply.callNotFound();
      if (!mayTake('new-times', 'provider', i.status).ok || i.applicationStatus !== 'interviewing')
        return reply.redirect(pagePath(i), 303);
      return renderTimes(request, reply, { a, candidateZone: i.candidateZone, interview: i });
    },
  );

  app.post<{ Params: Params }>(
    '/provider/applications/:reference/interviews/:interviewId/new-times',
    makeDecisions,
    async (request, reply) => {
      const i = await find(request);
      const a = i && (await application(request));
      if (!i || !a) return reply.callNotFound();
      const target = { a, candidateZone: i.candidateZone, interview: i };
      const form = parseTimesForm(request.body, new Date());
      if (form.ok && i.status === 'agreed' && !form.reason) {
        return renderTimes(request, reply, target, {
          ...form,
          ok: false,
          errors: [{ text: 'Enter why you are rearranging the interview', href: '#reason' }],
          fieldErrors: { reason: 'Enter why you are rearranging the interview' },
        });
      }
      if (!form.ok || !form.details) return renderTimes(request, reply, target, form);
      const version = Number((request.body as Record<string, unknown>)['version']);
      const result: StepResult = await proposeNewTimes(db, providerOf(request), {
        reference: i.reference,
        interviewId: i.id,
        version: Number.isInteger(version) ? version : -1,
        details: form.details,
        instants: form.instants,
        reason: form.reason,
        serviceUrl: config.serviceUrl,
      });
      if (result.ok) return reply.redirect(pagePath(i), 303);
      if (result.notFound) return reply.callNotFound();
      return renderTimes(request, reply, target, {
        ...form,
        ok: false,
        ...refused(result.message, '#zone'),
        repeated: [],
      });
    },
  );

  app.get<{ Params: Params }>(
    '/provider/applications/:reference/interviews/:interviewId/cancel',
    makeDecisions,
    async (request, reply) => {
      const i = await find(request);
      if (!i) return reply.callNotFound();
      if (!mayTake('cancel', 'provider', i.status).ok || i.applicationStatus !== 'interviewing')
        return reply.redirect(pagePath(i), 303);
      return render(request, reply, i, 'cancel');
    },
  );

  app.post<{ Params: Params }>(
    '/provider/applications/:reference/interviews/:interviewId/cancel',
    makeDecisions,
    async (request, reply) => {
      const i = await find(request);
      if (!i) return reply.callNotFound();
      const form = parseForm(cancelForm, request.body, { version: 'reason' });
      if (!form.ok) return render(request, reply, i, 'cancel', form);
      const result = await cancelInterview(db, providerOf(request), {
        reference: i.reference,
        interviewId: i.id,
        version: form.data.version,
        reason: form.data.reason,
        serviceUrl: config.serviceUrl,
      });
      if (result.ok) return reply.redirect(pagePath(i), 303);
      if (result.notFound) return reply.callNotFound();
      return render(request, reply, i, 'cancel', refused(result.message, '#reason'));
    },
  );
}
