import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { candidateOf, currentUser, signedInUser } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { countryName, countryOptions } from '../../shared/format.ts';
import type { User } from '../../shared/user.ts';
import { ENGLAND, momentInZone, safeZone, zoneName } from '../../shared/zoned-time.ts';
import { roleOfEmail, userById, signInUser } from '../accounts/repository.ts';
import { codeForm, signedIn } from '../accounts/routes.ts';
import { CODE_MINUTES, sendSignInCode, verifySignInCode } from '../accounts/sign-in.ts';
import { ELIGIBILITY_SESSION_KEY } from '../eligibility/routes.ts';
import { questionById } from '../eligibility/rules.ts';
import {
  AGE_GROUPS,
  answersFrom,
  consentForm,
  countryForm,
  degreeForm,
  DEGREE_STATUSES,
  emailForm,
  firstUnanswered,
  helpForm,
  HELP_TOPICS,
  interestForm,
  nameForm,
  phoneForm,
  phoneForReading,
  proposedZone,
  STAGES,
  stageForm,
  timeZoneForm,
  zoneChoices,
  type QuestionId,
  type SignUpAnswers,
} from './questions.ts';
import {
  bookCallback,
  callCalendar,
  cancelCallback,
  candidateRequest,
  chooseEmailOnly,
  freeSlots,
  nextCall,
  setSharing,
  slotBooked,
  submitRequest,
  type AdviserRequest,
} from './repository.ts';
import { distinctTimes, parseSlotValue, slotLabel, slotsByDay, slotValue, type Slot } from './slots.ts';

/**
 * The candidate's side: signing up for an adviser (one question a page, answers in the
 * session until they are sent), booking, moving or cancelling a callback, and their
 * adviser's page. Questions are public; sending the request needs the verified email,
 * which signs the candidate in.
 */
const ANSWERS = 'adviserSignUp';
const PENDING_EMAIL = 'adviserSignUpEmail';
const BOOKED = 'adviserCallBooked';
const START = '/advisers/sign-up/name';
const CHECK = '/advisers/sign-up/check';
const questionPath = (id: QuestionId | 'check') => (id === 'check' ? CHECK : `/advisers/sign-up/${id}`);
/** How many call times the booking page offers at once. */
const TIMES_SHOWN = 48;

const TITLES: Record<QuestionId, string> = {
  name: 'What is your name?',
  email: 'What is your email address?',
  country: 'Where do you live?',
  'time-zone': 'What is your time zone?',
  phone: 'What phone number should your adviser call?',
  stage: 'Where are you with teacher training?',
  interest: 'Which age group do you want to teach?',
  degree: 'Do you have a degree?',
  help: 'What would you like help with?',
  consent: 'Contacting you',
};

const answersOf = (request: FastifyRequest): SignUpAnswers => answersFrom(request.session?.get<unknown>(ANSWERS));
const saveAnswers = (request: FastifyRequest, answers: SignUpAnswers) => request.ensureSession().set(ANSWERS, answers);

const candidateSignedIn = (user: User | null | undefined) => user?.role === 'candidate';

/** The eligibility answers in the session, as their labels and the words chosen, for an adviser to read. */
export function eligibilitySummary(stored: unknown): Record<string, string> | null {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const out: Record<string, string> = {};
  for (const [id, value] of Object.entries(stored as Record<string, unknown>)) {
    const question = questionById(id);
    if (!question || typeof value !== 'string') continue;
    const option = question.options.find((o) => o.value === value);
    if (option) out[question.summaryLabel] = option.label;
  }
  return Object.keys(out).length ? out : null;
}

const items = (table: Record<string, string>, chosen: string | undefined) =>
  Object.entries(table).map(([value, text]) => ({ value, text, checked: value === chosen }));

function answerRows(a: SignUpAnswers, email: string | undefined, change: boolean) {
  const row = (key: string, value: string, id: QuestionId) => ({
    key: { text: key },
    value: { text: value },
    ...(change
      ? { actions: { items: [{ href: questionPath(id), text: 'Change', visuallyHiddenText: key.toLowerCase() }] } }
      : {}),
  });
  return [
    row('Name', a.name ?? '', 'name'),
    ...(email ? [{ key: { text: 'Email address' }, value: { text: email } }] : []),
    row('Country where you live', a.country ? countryName(a.country) : '', 'country'),
    row('Time zone', a.timeZone ? `${zoneName(a.timeZone, new Date())} (${a.timeZone})` : '', 'time-zone'),
    row('Phone number', a.phone ? phoneForReading(a.phone) : '', 'phone'),
    row('Where you are with teacher training', a.stage ? STAGES[a.stage] : '', 'stage'),
    row('Age group', a.ageGroup ? AGE_GROUPS[a.ageGroup] : '', 'interest'),
    row('Subject', a.subject || 'Not sure yet', 'interest'),
    row('Degree', a.degreeStatus ? DEGREE_STATUSES[a.degreeStatus] : '', 'degree'),
    row('Help with', (a.helpWith ?? []).map((h) => HELP_TOPICS[h]).join(', '), 'help'),
    ...(a.helpDetail ? [row('Anything else', a.helpDetail, 'help')] : []),
    row(
      'Your adviser can see your eligibility answers and application',
      a.shareConsent === 'yes' ? 'Yes' : 'No',
      'consent',
    ),
  ];
}

/** A request as it was sent, read back as answers. */
function answersFromRequest(mine: AdviserRequest): SignUpAnswers {
  return answersFrom({
    name: mine.name,
    country: mine.country,
    timeZone: mine.time_zone,
    phone: mine.phone,
    stage: mine.stage,
    ageGroup: mine.age_group,
    subject: mine.subject,
    degreeStatus: mine.degree_status,
    helpWith: JSON.parse(mine.help_with) as unknown,
    helpDetail: mine.help_detail ?? undefined,
    shareConsent: mine.share_consent ? 'yes' : 'no',
  });
}

export function registerAdviserSignUpRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const loadUser = (id: number) => userById(db, id);

  async function question(
    request: FastifyRequest,
    reply: FastifyReply,
    id: QuestionId,
    problems: FormErrors = noErrors,
    sent?: Record<string, string | string[]>,
  ) {
    const answers = answersOf(request);
    const user = await currentUser(request, loadUser);
    const values: Record<string, unknown> = sent ?? {
      ...answers,
      email: answers.email,
      helpDetail: answers.helpDetail,
    };
    const context: Record<string, unknown> = {};
    if (id === 'country') {
      const chosen = typeof values['country'] === 'string' ? values['country'] : '';
      context['countryItems'] = [
        { value: '', text: 'Choose a country' },
        ...countryOptions()
          .filter((c) => c.value !== 'GB')
          .map((c) => ({ ...c, selected: c.value === chosen })),
      ];
    }
    if (id === 'time-zone') {
      const proposal =
        answers.timeZone ?? (answers.country ? proposedZone(answers.country, answers.town ?? '') : undefined);
      // What was sent is shown again only when it is a zone; anything else falls back to the proposal.
      const sentZone = typeof values['timeZone'] === 'string' ? safeZone(values['timeZone'], '') : '';
      const chosen = sentZone || proposal;
      const { countryZones, otherZones } = zoneChoices(answers.country);
      const now = new Date();
      const item = (z: string) => ({
        value: z,
        text: `${z.replace(/_/g, ' ')} – ${zoneName(z, now)}`,
        selected: z === chosen,
      });
      const listed = [...countryZones, ...otherZones];
      const extra = typeof chosen === 'string' && chosen && !listed.includes(chosen) ? [chosen] : [];
      context['zoneItems'] = [
        ...(chosen ? [] : [{ value: '', text: 'Choose your time zone' }]),
        ...extra.map(item),
        ...countryZones.map(item),
        ...otherZones.map(item),
      ];
      context['hint'] = proposal
        ? `We think your time zone is ${zoneName(proposal, now)} (${proposal.replace(/_/g, ' ')}). Change it if it is not right.`
        : 'Choose the time zone where you live, so we show call times in your time.';
    }
    if (id === 'stage') context['stageItems'] = items(STAGES, values['stage'] as string | undefined);
    if (id === 'interest') context['ageItems'] = items(AGE_GROUPS, values['ageGroup'] as string | undefined);
    if (id === 'degree') context['degreeItems'] = items(DEGREE_STATUSES, values['degreeStatus'] as string | undefined);
    if (id === 'help') {
      const chosen = [values['helpWith'] ?? []].flat();
      context['helpItems'] = Object.entries(HELP_TOPICS).map(([value, text]) => ({
        value,
        text,
        checked: chosen.includes(value),
      }));
    }
    const index = ['name', 'email', 'country', 'time-zone', 'phone', 'stage', 'interest', 'degree', 'help', 'consent']
      .filter((q) => q !== 'email' || !candidateSignedIn(user))
      .indexOf(id);
    const previous =
      index <= 0
        ? '/non-uk-teachers/teacher-training-advisers'
        : questionPath(
            (
              [
                'name',
                'email',
                'country',
                'time-zone',
                'phone',
                'stage',
                'interest',
                'degree',
                'help',
                'consent',
              ] as const
            ).filter((q) => q !== 'email' || !candidateSignedIn(user))[index - 1]!,
          );
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'advisers/views/question.njk', {
      pageTitle: TITLES[id],
      backLink: { href: previous },
      action: questionPath(id),
      question: id,
      csrfToken: csrfToken(request),
      values,
      ...problems,
      ...context,
    });
  }

  /** After an answer: the next question, or "Check your answers" once everything is answered. */
  async function next(request: FastifyRequest, reply: FastifyReply) {
    const user = await currentUser(request, loadUser);
    return reply.redirect(questionPath(firstUnanswered(answersOf(request), candidateSignedIn(user))), 303);
  }

  /** A question may be shown once the ones before it are answered. */
  async function reachable(request: FastifyRequest, id: QuestionId): Promise<boolean> {
    const user = await currentUser(request, loadUser);
    const order: QuestionId[] = [
      'name',
      'email',
      'country',
      'time-zone',
      'phone',
      'stage',
      'interest',
      'degree',
      'help',
      'consent',
    ];
    const first = firstUnanswered(answersOf(request), candidateSignedIn(user));
    return first === 'check' || order.indexOf(id) <= order.indexOf(first);
  }

  app.get('/advisers/sign-up', (_request, reply) => reply.redirect(START, 303));

  const simple = [
    { id: 'name', schema: nameForm },
    { id: 'stage', schema: stageForm },
    { id: 'interest', schema: interestForm },
    { id: 'degree', schema: degreeForm },
    { id: 'help', schema: helpForm },
    { id: 'consent', schema: consentForm },
    { id: 'time-zone', schema: timeZoneForm },
  ] as const;
  for (const q of simple) {
    app.get(questionPath(q.id), async (request, reply) => {
      if (!(await reachable(request, q.id))) return next(request, reply);
      return question(request, reply, q.id);
    });
    app.post(questionPath(q.id), async (request, reply) => {
      if (!(await reachable(request, q.id))) return next(request, reply);
      const form = parseForm(q.schema, request.body);
      if (!form.ok) return question(request, reply, q.id, form, form.values);
      saveAnswers(request, { ...answersOf(request), ...form.data });
      return next(request, reply);
    });
  }

  app.get(questionPath('country'), async (request, reply) => {
    if (!(await reachable(request, 'country'))) return next(request, reply);
    return question(request, reply, 'country');
  });
  app.post(questionPath('country'), async (request, reply) => {
    if (!(await reachable(request, 'country'))) return next(request, reply);
    const form = parseForm(countryForm, request.body);
    if (!form.ok) return question(request, reply, 'country', form, form.values);
    const before = answersOf(request);
    const moved = before.country !== form.data.country || (before.town ?? '') !== form.data.town;
    // A new country or town: propose the zone again, and read the phone number again in the new country.
    const { timeZone: _zone, phone: _phone, ...rest } = before;
    saveAnswers(request, moved ? { ...rest, ...form.data } : { ...before, ...form.data });
    return next(request, reply);
  });

  app.get(questionPath('phone'), async (request, reply) => {
    if (!(await reachable(request, 'phone'))) return next(request, reply);
    return question(request, reply, 'phone');
  });
  app.post(questionPath('phone'), async (request, reply) => {
    if (!(await reachable(request, 'phone'))) return next(request, reply);
    const answers = answersOf(request);
    const form = parseForm(phoneForm(answers.country), request.body);
    if (!form.ok) return question(request, reply, 'phone', form, form.values);
    saveAnswers(request, { ...answers, phone: form.data.phone });
    return next(request, reply);
  });

  // The email address, checked with the same emailed code as signing in; signed-in candidates skip it.
  app.get(questionPath('email'), async (request, reply) => {
    if (candidateSignedIn(await currentUser(request, loadUser))) return next(request, reply);
    if (!(await reachable(request, 'email'))) return next(request, reply);
    return question(request, reply, 'email');
  });
  app.post(questionPath('email'), async (request, reply) => {
    if (candidateSignedIn(await currentUser(request, loadUser))) return next(request, reply);
    if (!(await reachable(request, 'email'))) return next(request, reply);
    const form = parseForm(emailForm, request.body);
    if (!form.ok) return question(request, reply, 'email', form, form.values);
    const sent = await sendSignInCode(db, {
      email: form.data.email,
      ip: request.ip,
      secret: config.sessionSecret,
      serviceUrl: config.serviceUrl,
    });
    if (!sent.sent) {
      return renderPage(
        reply.code(429).header('retry-after', String(sent.retryAfterMinutes * 60)),
        'accounts/views/too-many.njk',
        { pageTitle: 'You have asked for too many codes', minutes: sent.retryAfterMinutes },
      );
    }
    request.ensureSession().set(PENDING_EMAIL, form.data.email);
    return reply.redirect('/advisers/sign-up/email/code', 303);
  });
  const codePage = (request: FastifyRequest, email: string) => ({
    pageTitle: 'Check your email',
    backLink: { href: questionPath('email') },
    minutes: CODE_MINUTES,
    email,
    csrfToken: csrfToken(request),
  });
  app.get('/advisers/sign-up/email/code', (request, reply) => {
    const email = request.session?.get<string>(PENDING_EMAIL);
    if (!email) return reply.redirect(questionPath('email'), 303);
    return renderPage(reply, 'advisers/views/code.njk', codePage(request, email));
  });
  app.post('/advisers/sign-up/email/code', async (request, reply) => {
    const email = request.session?.get<string>(PENDING_EMAIL);
    if (!email) return reply.redirect(questionPath('email'), 303);
    const fail = (problems: FormErrors) =>
      renderPage(reply.code(400), 'advisers/views/code.njk', { ...codePage(request, email), ...problems });
    const form = parseForm(codeForm, request.body);
    if (!form.ok) return fail(form);
    const verified = await verifySignInCode(db, { email, code: form.data.code, secret: config.sessionSecret });
    if (!verified.ok) return fail(fieldError('code', verified.message));
    const role = await roleOfEmail(db, email);
    if (role !== undefined && role !== 'candidate') {
      return fail(fieldError('code', 'This email address belongs to a staff account. Use your own email address'));
    }
    const userId = await signInUser(db, email);
    // A deactivated account: only someone with the code (the address's owner) reads this.
    if (userId === undefined) return fail(fieldError('code', 'You cannot sign in with this email address'));
    // The answers so far travel with the new session.
    signedIn(request, userId);
    request.session?.delete(PENDING_EMAIL);
    saveAnswers(request, { ...answersOf(request), email });
    request.user = undefined;
    return next(request, reply);
  });
}

/** Signed-in candidates: check and send, book a call, and their adviser's page. */
export function registerAdviserCandidateRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  app.get(CHECK, async (request, reply) => {
    // Changing answers already sent: they come back from the request into the session.
    if (firstUnanswered(answersOf(request), true) === 'name') {
      const sent = await candidateRequest(db, candidateOf(request));
      if (sent) saveAnswers(request, { ...answersFromRequest(sent), contactConsent: 'yes' });
    }
    const answers = answersOf(request);
    const first = firstUnanswered(answers, true);
    if (first !== 'check') return reply.redirect(questionPath(first), 303);
    return renderPage(reply, 'advisers/views/check.njk', {
      pageTitle: 'Check your answers before asking for an adviser',
      backLink: { href: questionPath('consent') },
      csrfToken: csrfToken(request),
      rows: answerRows(answers, signedInUser(request).email, true),
    });
  });

  app.post(CHECK, async (request, reply) => {
    const answers = answersOf(request);
    if (firstUnanswered(answers, true) !== 'check')
      return reply.redirect(questionPath(firstUnanswered(answers, true)), 303);
    await submitRequest(db, candidateOf(request), {
      answers: answers as Parameters<typeof submitRequest>[2]['answers'],
      email: signedInUser(request).email,
      eligibility: eligibilitySummary(request.session?.get<unknown>(ELIGIBILITY_SESSION_KEY)),
    });
    return reply.redirect('/advisers/call', 303);
  });

  async function callPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problem?: { status: number; errors: FormErrors; taken?: string },
  ) {
    const request_ = await candidateRequest(db, candidateOf(request));
    if (!request_) return reply.redirect(START, 303);
    const zone = safeZone(request_.time_zone);
    const slots = distinctTimes(await freeSlots(db)).slice(0, TIMES_SHOWN);
    const days = slotsByDay(slots, zone).map((d, dayIndex) => ({
      day: d.day,
      first: dayIndex === 0,
      slots: d.slots.map((s) => ({
        id: slotValue(s).replace(/[^A-Za-z0-9]/g, ''),
        value: slotValue(s),
        label: slotLabel(s.start, zone),
      })),
    }));
    const current = await nextCall(db, request_.id);
    return renderPage(reply.code(problem?.status ?? 200), 'advisers/views/call.njk', {
      pageTitle: current ? 'Choose a new time for your call' : 'Choose a time for your call',
      heading: current ? 'Choose a new time for your call' : 'Choose a time for your call',
      backLink: { href: '/advisers/your-adviser' },
      csrfToken: csrfToken(request),
      zoneName: `${zoneName(zone, new Date())} (${zone.replace(/_/g, ' ')})`,
      days,
      taken: problem?.taken,
      ...(problem?.errors ?? noErrors),
    });
  }

  app.get('/advisers/call', (request, reply) => callPage(request, reply));

  app.post('/advisers/call', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const chosen = parseSlotValue(body['slot']);
    const choose = fieldError('slot', 'Select a time for your call', 'slot');
    if (!chosen) return callPage(request, reply, { status: 400, errors: choose });
    const request_ = await candidateRequest(db, candidateOf(request));
    if (!request_) return reply.redirect(START, 303);
    // Only a time the adviser really offers; one booked a moment ago is said to be taken.
    const offered = await freeSlots(db, { adviserId: chosen.adviserId });
    const slot: Slot | undefined = offered.find((s) => s.start.getTime() === chosen.start.getTime());
    const zone = safeZone(request_.time_zone);
    const takenProblem = () => ({
      status: 409,
      errors: fieldError('slot', 'That time has just been booked by someone else. Choose another time', 'slot'),
      taken: slotLabel(chosen.start, zone),
    });
    if (!slot) {
      const booked = await slotBooked(db, chosen.adviserId, chosen.start);
      return callPage(request, reply, booked ? takenProblem() : { status: 400, errors: choose });
    }
    const result = await bookCallback(
      db,
      candidateOf(request),
      {
        adviserId: slot.adviserId,
        start: slot.start,
        slotMinutes: (slot.end.getTime() - slot.start.getTime()) / 60_000,
      },
      config.serviceUrl,
    );
    if (!result.ok) {
      if (result.reason === 'no-request') return reply.redirect(START, 303);
      return callPage(request, reply, takenProblem());
    }
    request.ensureSession().set(BOOKED, slot.start.toISOString());
    return reply.redirect('/advisers/your-adviser', 303);
  });

  app.post('/advisers/call/email-only', async (request, reply) => {
    if (!(await chooseEmailOnly(db, candidateOf(request)))) return reply.redirect(START, 303);
    return reply.redirect('/advisers/your-adviser', 303);
  });

  async function yourAdviser(request: FastifyRequest, reply: FastifyReply, problems: FormErrors = noErrors) {
    const mine = await candidateRequest(db, candidateOf(request));
    if (!mine) return reply.redirect(START, 303);
    const zone = safeZone(mine.time_zone);
    const call = await nextCall(db, mine.id);
    const booked = request.session?.get<string>(BOOKED);
    if (booked) request.session?.delete(BOOKED);
    const answers = answersFromRequest(mine);
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'advisers/views/your-adviser.njk', {
      pageTitle: 'Your teacher training adviser',
      csrfToken: csrfToken(request),
      booked: booked && call ? momentInZone(zone, new Date(call.starts_at)) : undefined,
      adviserName: mine.adviser_name ?? undefined,
      adviserEmail: mine.adviser_email ?? undefined,
      call: call
        ? {
            when: momentInZone(zone, new Date(call.starts_at)),
            whenUk: momentInZone(ENGLAND, new Date(call.starts_at)),
          }
        : undefined,
      emailOnly: mine.contact_by === 'email',
      phone: phoneForReading(mine.phone),
      sharing: mine.share_consent === 1,
      rows: answerRows(answers, mine.email, false),
      ...problems,
    });
  }

  app.get('/advisers/your-adviser', (request, reply) => yourAdviser(request, reply));

  app.get('/advisers/your-adviser/call.ics', async (request, reply) => {
    const mine = await candidateRequest(db, candidateOf(request));
    const call = mine ? await nextCall(db, mine.id) : undefined;
    if (!call) return reply.callNotFound();
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="adviser-call.ics"')
      .header('cache-control', 'no-store')
      .send(callCalendar(call, config.serviceUrl));
  });

  app.post('/advisers/your-adviser/cancel', async (request, reply) => {
    await cancelCallback(db, candidateOf(request), config.serviceUrl);
    return reply.redirect('/advisers/your-adviser', 303);
  });

  app.post('/advisers/your-adviser/sharing', async (request, reply) => {
    const form = parseForm(consentForm.pick({ shareConsent: true }), request.body);
    if (!form.ok) return yourAdviser(request, reply, form);
    const changed = await setSharing(
      db,
      candidateOf(request),
      form.data.shareConsent === 'yes',
      eligibilitySummary(request.session?.get<unknown>(ELIGIBILITY_SESSION_KEY)),
    );
    if (!changed) return reply.redirect(START, 303);
    return reply.redirect('/advisers/your-adviser', 303);
  });
}
