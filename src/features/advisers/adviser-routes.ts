import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { adviserOf, parseId } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, formBody, noErrors, parseForm, recordId, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate, parseDateParts } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { escapeHtml } from '../../shared/html.ts';
import { DAY_NAMES, localToday } from '../../shared/local-dates.ts';
import { pageCount, pagination } from '../../shared/pagination.ts';
import { countryByCode } from '../../shared/places/countries.ts';
import { ENGLAND, momentInZone, safeZone, zoneName } from '../../shared/zoned-time.ts';
import { AGE_GROUPS, DEGREE_STATUSES, HELP_TOPICS, OUTCOMES, phoneForReading, STAGES } from './questions.ts';
import {
  addDayOff,
  addHours,
  adviserHours,
  allAdvisers,
  handOver,
  myCandidates,
  queue,
  queueChoices,
  QUEUE_PAGE_SIZE,
  recordCall,
  removeHours,
  requestForAdviser,
  takeRequest,
  type QueueFilters,
} from './repository.ts';
import { isClockTime, slotLabel, SLOT_LENGTHS } from './slots.ts';

/**
 * The advisers' side: their candidates and follow-ups, the shared queue of new requests
 * (filtered in the URL), a candidate's page with call notes, taking and handing over, and
 * their weekly hours in UK time. Another adviser's candidate is not found.
 */
type WithId = FastifyRequest<{ Params: { requestId: string } }>;

const label = <T extends Record<string, string>>(table: T, key: string | null | undefined) =>
  key && Object.hasOwn(table, key) ? table[key as keyof T] : (key ?? '');

const dateParts = (body: Record<string, unknown>, name: string) => {
  const part = (p: string) => (typeof body[`${name}-${p}`] === 'string' ? (body[`${name}-${p}`] as string) : '');
  return { day: part('day'), month: part('month'), year: part('year') };
};

const hoursForm = z
  .object({
    weekday: z.enum(['1', '2', '3', '4', '5', '6', '7'], { error: 'Select a day' }).transform(Number),
    startTime: z
      .string({ error: 'Enter a start time, like 09:00' })
      .trim()
      .refine(isClockTime, 'Enter a start time, like 09:00'),
    endTime: z
      .string({ error: 'Enter an end time, like 12:00' })
      .trim()
      .refine(isClockTime, 'Enter an end time, like 12:00'),
    slotMinutes: z
      .enum(SLOT_LENGTHS.map(String) as ['15', '30', '45', '60'], { error: 'Select how long each call is' })
      .transform(Number),
  })
  .refine((v) => v.endTime > v.startTime, { path: ['endTime'], message: 'The end time must be after the start time' });

const outcomeForm = z.object({
  outcome: z.enum(Object.keys(OUTCOMES) as ['supported', 'no-answer', 'not-eligible', 'referred'], {
    error: 'Select the outcome of the call',
  }),
  note: z
    .string({ error: 'Enter your notes' })
    .trim()
    .min(1, 'Enter your notes')
    .max(5000, 'Notes must be 5,000 characters or fewer'),
});

export function registerAdviserRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/adviser', async (request, reply) => {
    const scope = adviserOf(request);
    const today = localToday(ENGLAND);
    const mine = await myCandidates(db, scope);
    const { hours } = await adviserHours(db, scope);
    return renderPage(reply, 'advisers/views/adviser-home.njk', {
      pageTitle: 'Your candidates',
      currentPath: '/adviser',
      noHours: hours.length === 0,
      followUps: mine
        .filter((c) => c.follow_up_on && c.follow_up_on <= today)
        .map((c) => ({ href: `/adviser/requests/${c.id}`, name: c.name, due: govukDate(c.follow_up_on) })),
      rows: mine.map((c) => [
        { html: `<a class="govuk-link" href="/adviser/requests/${c.id}">${escapeHtml(c.name)}</a>` },
        { text: countryName(c.country) },
        { text: label(STAGES, c.stage) },
        { text: c.call_at ? momentInZone(ENGLAND, new Date(c.call_at)) : 'None booked' },
        { text: c.outcome ? label(OUTCOMES, c.outcome) : 'Not yet called' },
        { text: c.follow_up_on ? govukDate(c.follow_up_on) : '' },
      ]),
    });
  });

  app.get('/adviser/queue', async (request, reply) => {
    const scope = adviserOf(request);
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
    // Filters that do not make sense are ignored rather than refused: the page always answers.
    const filters: QueueFilters = {
      country: countryByCode(text('country')) ? text('country') : undefined,
      zone: text('zone') && safeZone(text('zone'), '') === text('zone') ? text('zone') : undefined,
      stage: Object.hasOwn(STAGES, text('stage')) ? text('stage') : undefined,
    };
    const page = /^[1-9]\d{0,5}$/.test(text('page')) ? Number(text('page')) : 1;
    const { rows, total } = await queue(db, scope, filters, page);
    const choices = await queueChoices(db, scope);
    const params = (n: number) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
      if (n > 1) p.set('page', String(n));
      const s = p.toString();
      return `/adviser/queue${s ? `?${s}` : ''}`;
    };
    const now = new Date();
    return renderPage(reply, 'advisers/views/queue.njk', {
      pageTitle: 'New requests',
      currentPath: '/adviser/queue',
      total,
      filters,
      countryItems: [
        { value: '', text: 'Any country' },
        ...choices.countries.map((c) => ({ value: c, text: countryName(c), selected: c === filters.country })),
      ],
      zoneItems: [
        { value: '', text: 'Any time zone' },
        ...choices.zones.map((z) => ({
          value: z,
          text: `${z.replace(/_/g, ' ')} – ${zoneName(z, now)}`,
          selected: z === filters.zone,
        })),
      ],
      stageItems: [
        { value: '', text: 'Any stage' },
        ...Object.entries(STAGES).map(([value, t]) => ({ value, text: t, selected: value === filters.stage })),
      ],
      rows: rows.map((r) => [
        { html: `<a class="govuk-link" href="/adviser/requests/${r.id}">${escapeHtml(r.name)}</a>` },
        { text: countryName(r.country) },
        { text: r.time_zone.replace(/_/g, ' ') },
        { text: label(STAGES, r.stage) },
        {
          text: r.call_at
            ? momentInZone(ENGLAND, new Date(r.call_at))
            : r.contact_by === 'email'
              ? 'Email only'
              : 'Not booked',
        },
        { text: govukDate(r.created_at.slice(0, 10)) },
      ]),
      pagination: pagination(page, pageCount(total, QUEUE_PAGE_SIZE), params),
    });
  });

  async function candidatePage(
    request: WithId,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, unknown> = {},
  ) {
    const scope = adviserOf(request);
    const id = parseId(request.params.requestId);
    const found = id === undefined ? undefined : await requestForAdviser(db, scope, id);
    if (!found) return reply.callNotFound();
    const r = found.request;
    const zone = safeZone(r.time_zone);
    const colleagues = found.mine ? (await allAdvisers(db, scope)).filter((a) => a.id !== scope.userId) : [];
    const help = (JSON.parse(r.help_with) as string[]).map((h) => label(HELP_TOPICS, h));
    const shared = r.eligibility ? (JSON.parse(r.eligibility) as Record<string, string>) : null;
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'advisers/views/candidate.njk', {
      pageTitle: `${r.name} – adviser request`,
      currentPath: found.mine ? '/adviser' : '/adviser/queue',
      backLink: { href: found.mine ? '/adviser' : '/adviser/queue' },
      csrfToken: csrfToken(request),
      id: r.id,
      name: r.name,
      mine: found.mine,
      details: [
        ['Email address', r.email],
        ['Phone number', phoneForReading(r.phone)],
        ['Country', countryName(r.country)],
        ['Time zone', `${zoneName(zone, new Date())} (${zone.replace(/_/g, ' ')})`],
        ['Stage', label(STAGES, r.stage)],
        ['Age group', label(AGE_GROUPS, r.age_group)],
        ['Subject', r.subject || 'Not sure yet'],
        ['Degree', label(DEGREE_STATUSES, r.degree_status)],
        ['Help with', help.join(', ')],
        ...(r.help_detail ? [['Anything else', r.help_detail]] : []),
        ['Contact', r.contact_by === 'email' ? 'Email only' : 'Phone call'],
        ['Asked on', govukDate(r.created_at.slice(0, 10))],
      ].map(([k, v]) => ({ key: { text: k }, value: { text: v } })),
      call: found.call
        ? {
            both: `${momentInZone(ENGLAND, new Date(found.call.starts_at))}`,
            label: slotLabel(new Date(found.call.starts_at), zone),
            withWhom: found.call.adviser_id === scope.userId ? 'you' : (found.call.adviser_name ?? 'another adviser'),
          }
        : undefined,
      sharing: found.mine ? (r.share_consent === 1 ? 'yes' : 'no') : undefined,
      shared: shared ? Object.entries(shared).map(([k, v]) => ({ key: { text: k }, value: { text: v } })) : [],
      applications: (found.applications ?? []).map((a) => ({
        key: { text: `${a.provider_name} (${a.reference})` },
        value: { text: a.status.replace(/-/g, ' ') },
      })),
      notes: found.notes.map((n) => ({
        outcome: label(OUTCOMES, n.outcome),
        note: n.note,
        by: n.adviser_name ?? 'An adviser',
        on: momentInZone(ENGLAND, new Date(n.created_at)),
        followUp: n.follow_up_on ? govukDate(n.follow_up_on) : undefined,
      })),
      outcomeItems: Object.entries(OUTCOMES).map(([value, text]) => ({
        value,
        text,
        checked: values['outcome'] === value,
      })),
      colleagueItems: [
        { value: '', text: 'Choose a colleague' },
        ...colleagues.map((c) => ({ value: String(c.id), text: c.name ? `${c.name} (${c.email})` : c.email })),
      ],
      values,
      ...problems,
    });
  }

  app.get('/adviser/requests/:requestId', (request: WithId, reply) => candidatePage(request, reply));

  app.post('/adviser/requests/:requestId/take', async (request: WithId, reply) => {
    const id = parseId(request.params.requestId);
    if (id === undefined) return reply.callNotFound();
    const result = await takeRequest(db, adviserOf(request), id);
    if (result === 'not-found') return reply.callNotFound();
    if (!result.ok) return candidatePage(request, reply, fieldError(result.field, result.message));
    return reply.redirect(`/adviser/requests/${id}`, 303);
  });

  app.post('/adviser/requests/:requestId/notes', async (request: WithId, reply) => {
    const id = parseId(request.params.requestId);
    if (id === undefined) return reply.callNotFound();
    const body = formBody(request.body);
    const form = parseForm(outcomeForm, body);
    const parts = dateParts(body, 'followUp');
    const anyDate = parts.day || parts.month || parts.year;
    const followUpOn = anyDate ? parseDateParts(parts.day, parts.month, parts.year) : null;
    const values = { ...form.values, followUp: parts };
    if (!form.ok) {
      return candidatePage(request, reply, form, values);
    }
    if (anyDate && (!followUpOn || followUpOn < localToday(ENGLAND))) {
      return candidatePage(
        request,
        reply,
        fieldError('followUp', 'The follow-up date must be a real date, today or later', 'followUp-day'),
        values,
      );
    }
    const result = await recordCall(db, adviserOf(request), id, { ...form.data, followUpOn });
    if (result === 'not-found') return reply.callNotFound();
    return reply.redirect(`/adviser/requests/${id}`, 303);
  });

  app.post('/adviser/requests/:requestId/hand-over', async (request: WithId, reply) => {
    const id = parseId(request.params.requestId);
    if (id === undefined) return reply.callNotFound();
    const form = parseForm(z.object({ colleagueId: recordId('Select a colleague to hand over to') }), request.body);
    if (!form.ok) {
      // Someone else's candidate is not found, whatever the form says.
      const found = await requestForAdviser(db, adviserOf(request), id);
      if (!found?.mine) return reply.callNotFound();
      return candidatePage(request, reply, form);
    }
    const result = await handOver(db, adviserOf(request), id, form.data.colleagueId);
    if (result === 'not-found') return reply.callNotFound();
    if (!result.ok) return candidatePage(request, reply, fieldError(result.field, result.message));
    return reply.redirect('/adviser', 303);
  });

  async function hoursPage(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, unknown> = {},
  ) {
    const { hours, daysOff } = await adviserHours(db, adviserOf(request));
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'advisers/views/hours.njk', {
      pageTitle: 'Your hours',
      currentPath: '/adviser/hours',
      csrfToken: csrfToken(request),
      hours: hours.map((h) => ({
        id: h.id,
        text: `${DAY_NAMES[h.weekday - 1]}s, ${h.start_time} to ${h.end_time} UK time, ${h.slot_minutes}-minute calls`,
      })),
      daysOff: daysOff.filter((d) => d.date >= localToday(ENGLAND)).map((d) => govukDate(d.date)),
      weekdayItems: [
        { value: '', text: 'Choose a day' },
        ...DAY_NAMES.map((d, i) => ({ value: String(i + 1), text: d, selected: values['weekday'] === String(i + 1) })),
      ],
      lengthItems: SLOT_LENGTHS.map((n) => ({
        value: String(n),
        text: `${n} minutes`,
        checked: (values['slotMinutes'] ?? '30') === String(n),
      })),
      values,
      ...problems,
    });
  }

  app.get('/adviser/hours', (request, reply) => hoursPage(request, reply));

  app.post('/adviser/hours', async (request, reply) => {
    const form = parseForm(hoursForm, request.body);
    if (!form.ok) return hoursPage(request, reply, form, form.values);
    const result = await addHours(db, adviserOf(request), form.data);
    if (!result.ok) return hoursPage(request, reply, fieldError(result.field, result.message), form.values);
    return reply.redirect('/adviser/hours', 303);
  });

  app.post('/adviser/hours/remove', async (request, reply) => {
    const form = parseForm(z.object({ hoursId: recordId('Choose hours to remove') }), request.body);
    if (!form.ok) return hoursPage(request, reply, form);
    await removeHours(db, adviserOf(request), form.data.hoursId);
    return reply.redirect('/adviser/hours', 303);
  });

  app.post('/adviser/days-off', async (request, reply) => {
    const body = formBody(request.body);
    const parts = dateParts(body, 'day');
    const date = parseDateParts(parts.day, parts.month, parts.year);
    if (!date || date < localToday(ENGLAND)) {
      return hoursPage(
        request,
        reply,
        fieldError('day', 'Enter a real date, today or later, like 27 3 2027', 'day-day'),
        { day: parts },
      );
    }
    const result = await addDayOff(db, adviserOf(request), date);
    if (!result.ok) return hoursPage(request, reply, fieldError('day', result.message, 'day-day'), { day: parts });
    return reply.redirect('/adviser/hours', 303);
  });
}
