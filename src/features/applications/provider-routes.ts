import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { applicationHistory } from '../../audit/repository.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { providerOf, signedInUser } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import {
  manyOf,
  oneOf,
  optionalText,
  parseForm,
  recordId,
  requiredText,
  type FormErrors,
} from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName, countryOptions, km } from '../../shared/format.ts';
import { csvCell } from '../../shared/csv.ts';
import { pageCount, pagination } from '../../shared/pagination.ts';
import { findPlaces } from '../../shared/places/places.ts';
import { checkSchool } from '../placement-schools/import.ts';
import { traineeIdForApplication } from '../training/repository.ts';
import { activePartnerSchool, schoolSummary, schoolsNear } from '../placement-schools/repository.ts';
import { PHASES } from '../providers/model.ts';
import {
  changeState,
  listApplications,
  proposePlacementSchool,
  providerApplication,
  type Application,
  type ListFilters,
} from './repository.ts';
import { displayValue, fieldsShown, sectionsFor } from './sections.ts';
import { openDeadlines, openDeadlinesFor, passedDeadline, zoneOfUser } from '../deadlines/repository.ts';
import { presentDeadline } from '../deadlines/present.ts';
import { escapeHtml } from '../../shared/html.ts';
import { interviewsOf } from '../interviews/repository.ts';
import { forProvider, INTERVIEW_STATUSES } from '../interviews/rules.ts';
import { deadlineInZone, ENGLAND, safeZone } from '../../shared/zoned-time.ts';
import {
  availableEvents,
  isOpen,
  isState,
  REJECTION_REASONS,
  STANDARD_CONDITIONS,
  STATES,
  type ApplicationEvent,
} from './state-machine.ts';

const PAGE_SIZE = 25;
const REF = /^IQTS-[0-9A-Z]{7}$/;
type Raw = Record<string, unknown>;
const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/** The applications list's filters, from the query string. */
export const listFiltersForm = z.object({
  status: oneOf(
    keys(STATES).filter((k) => k !== 'draft') as [string, ...string[]],
    'Select a status from the list',
  ).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Select a country from the list')
    .optional(),
  phase: oneOf(['primary', 'secondary'], 'Select an age group from the list').optional(),
  q: z.string().trim().max(100, 'Search must be 100 characters or fewer').optional(),
  sort: oneOf(['newest', 'oldest', 'deadline'], 'Select how to sort from the list').optional().default('newest'),
  page: z
    .string()
    .regex(/^\d{1,5}$/, 'Page must be a number, 1 or more')
    .transform(Number)
    .refine((n) => n >= 1, 'Page must be a number, 1 or more')
    .optional()
    .default(1),
});

/** Empty query values mean "any". */
const presentValues = (raw: Raw) => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));

export function parseListFilters(raw: Raw): { filters: ListFilters; errors: FormErrors['errors'] } {
  const form = parseForm(listFiltersForm, presentValues(raw));
  if (!form.ok) return { filters: { sort: 'newest', page: 1 }, errors: form.errors };
  const d = form.data;
  const filters: ListFilters = { sort: d.sort, page: d.page };
  if (d.status && isState(d.status)) filters.status = d.status;
  if (d.country) filters.country = d.country;
  if (d.phase) filters.phase = d.phase;
  if (d.q) filters.q = d.q;
  return { filters, errors: [] };
}

const offerForm = z.object({
  conditions: manyOf(keys(STANDARD_CONDITIONS), 'Select conditions from the list'),
  otherCondition: optionalText('Other condition must be 300 characters or fewer', 300),
});

const rejectForm = z.object({
  reasons: manyOf(keys(REJECTION_REASONS), 'Select at least one reason from the list').refine(
    (r) => r.length > 0,
    'Select at least one reason from the list',
  ),
  feedback: requiredText(
    { missing: 'Enter feedback for the candidate', tooLong: 'Feedback must be 2,000 characters or fewer' },
    2000,
  ),
});

const proposeForm = z.object({ schoolId: recordId('Choose one of your partner schools') });

const str = (raw: Raw, key: string): string => {
  const v = raw[key];
  return typeof v === 'string' ? v.trim().slice(0, 100) : '';
};

function query(raw: Raw, changes: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const k of ['status', 'country', 'phase', 'q', 'sort']) {
    const v = k in changes ? changes[k] : str(raw, k);
    if (v) params.set(k, v);
  }
  if (changes['page'] && changes['page'] !== '1') params.set('page', changes['page']);
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function registerProviderAreaRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  const makeDecisions = { config: { permission: 'make-decisions' as const } };
  /** Whether the signed-in user may decide on this provider's applications: which buttons to show. */
  const mayDecide = (request: FastifyRequest, providerId: number | null) =>
    signedInUser(request).memberships.some((m) => m.providerId === providerId && m.canMakeDecisions);

  app.get('/provider', async (request, reply) => {
    const user = signedInUser(request);
    const raw = request.query as Raw;
    const { filters, errors } = parseListFilters(raw);
    const { total, applications } = errors.length
      ? { total: 0, applications: [] }
      : await listApplications(db, providerOf(request), filters, PAGE_SIZE);
    const pages = pageCount(total, PAGE_SIZE);
    // Deadlines in the reader's zone, with the time left as a tag.
    const zone = await zoneOfUser(db, user.id);
    const now = new Date();
    const deadlines = await openDeadlinesFor(
      db,
      applications.map((a) => a.id),
    );
    return renderPage(reply.code(errors.length ? 400 : 200), 'applications/views/provider-list.njk', {
      pageTitle: 'Applications',
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      user,
      errors,
      values: {
        status: str(raw, 'status'),
        country: str(raw, 'country'),
        phase: str(raw, 'phase'),
        q: str(raw, 'q'),
        sort: str(raw, 'sort') || 'newest',
      },
      statusItems: [
        { value: '', text: 'All statuses' },
        ...Object.entries(STATES)
          .filter(([k]) => k !== 'draft')
          .map(([value, text]) => ({ value, text, selected: value === filters.status })),
      ],
      countryItems: [
        { value: '', text: 'All countries' },
        ...countryOptions().map((c) => ({ ...c, selected: c.value === filters.country })),
      ],
      phaseItems: [
        { value: '', text: 'All age groups' },
        ...Object.entries(PHASES).map(([value, text]) => ({ value, text, selected: value === filters.phase })),
      ],
      sortItems: [
        { value: 'newest', text: 'Newest first', selected: filters.sort === 'newest' },
        { value: 'oldest', text: 'Oldest first', selected: filters.sort === 'oldest' },
        { value: 'deadline', text: 'Deadline soonest', selected: filters.sort === 'deadline' },
      ],
      total,
      rows: applications.map((a) => {
        const due = deadlines.get(a.id)?.[0];
        const view = due && presentDeadline(due, { side: 'provider', zone }, now);
        return [
          { html: `<a class="govuk-link" href="/provider/applications/${a.reference}">${a.reference}</a>` },
          { text: a.candidateName ?? '' },
          { text: a.country ? countryName(a.country) : '' },
          { text: a.phase ? PHASES[a.phase as keyof typeof PHASES] : '' },
          { text: STATES[a.status] },
          { text: govukDate(a.submittedAt) },
          view
            ? {
                html: `<strong class="govuk-tag ${view.tag.classes}">${escapeHtml(view.tag.text)}</strong><span class="govuk-visually-hidden">, </span><span class="govuk-!-display-block govuk-!-font-size-16 govuk-!-margin-top-1">by ${escapeHtml(view.due)}</span>`,
              }
            : { text: 'None' },
        ];
      }),
      pagination: pagination(filters.page, pages, (n) => `/provider${query(raw, { page: String(n) })}`),
      csvHref: `/provider/applications.csv${query(raw)}`,
    });
  });

  app.get('/provider/applications.csv', async (request, reply) => {
    const { filters, errors } = parseListFilters(request.query as Raw);
    if (errors.length)
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send(errors.map((e) => e.text).join('\n'));
    const { applications } = await listApplications(db, providerOf(request), filters, null);
    const lines = [['reference', 'candidate', 'country', 'age group', 'status', 'submitted'].join(',')];
    for (const a of applications)
      lines.push(
        [a.reference, a.candidateName, a.country, a.phase, STATES[a.status], a.submittedAt].map(csvCell).join(','),
      );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="iqts-applications.csv"')
      .header('cache-control', 'no-store')
      .send(lines.join('\r\n') + '\r\n');
  });

  async function renderView(
    request: FastifyRequest,
    reply: FastifyReply,
    a: Application,
    problem?: { text: string; href: string },
  ) {
    const history = await applicationHistory(db, providerOf(request), a.id);
    const interviews = await interviewsOf(db, providerOf(request), a.reference);
    const ownZone = safeZone(signedInUser(request).timeZone ?? undefined, ENGLAND);
    const where = a.answers['where-you-live'];
    const placement = a.answers['placement'] ?? {};
    const town =
      where?.['town'] && where['country'] ? findPlaces(`${where['town']}, ${where['country']}`, 1)[0] : undefined;
    const nearest =
      placement['preference'] === 'match' && town && a.providerId
        ? await schoolsNear(db, {
            point: { lat: town.lat, lon: town.lon },
            radiusKm: 250,
            providerId: a.providerId,
            limit: 5,
            offset: 0,
          })
        : null;
    const school = a.placementSchoolId ? await schoolSummary(db, a.placementSchoolId) : undefined;
    const canDecide = mayDecide(request, a.providerId);
    const traineeId =
      a.status === 'recruited' ? await traineeIdForApplication(db, providerOf(request), a.id) : undefined;
    const mayStart = signedInUser(request).memberships.some(
      (m) => m.providerId === a.providerId && m.canManageTrainees,
    );
    // Deadlines in the reader's zone and in the candidate's.
    const zone = await zoneOfUser(db, signedInUser(request).id);
    const candidateZone = await zoneOfUser(db, a.candidateId);
    const now = new Date();
    const deadlines = (await openDeadlines(db, a.id)).map((d) =>
      presentDeadline(d, { side: 'provider', zone }, now, candidateZone),
    );
    const passed = a.status === 'rejected' || a.status === 'declined' ? await passedDeadline(db, a.id) : undefined;
    return renderPage(reply.code(problem ? 400 : 200), 'applications/views/provider-application.njk', {
      pageTitle: `${a.candidateName ?? 'Application'} – ${a.reference}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider', text: 'Back to applications' },
      a,
      status: STATES[a.status],
      deadlines,
      byDefault: passed && { kind: passed.kind, due: deadlineInZone(zone, passed.dueAt) },
      training: traineeId
        ? { href: `/provider/trainees/${traineeId}`, text: 'See the training record' }
        : a.status === 'recruited' && mayStart
          ? { href: `/provider/applications/${a.reference}/start-training`, text: 'Start training' }
          : undefined,
      errors: problem ? [problem] : [],
      cards: sectionsFor(a.answers).map((s) => {
        const values = a.answers[s.id] ?? {};
        return {
          title: s.title,
          rows: fieldsShown(s, values).map((f) => ({
            key: { text: f.label },
            value: { text: displayValue(f, values) },
          })),
        };
      }),
      actions: canDecide ? availableEvents(a.status, 'provider').map((t) => ({ event: t.event, label: t.label })) : [],
      interviews: interviews.map((i) => ({
        href: `/provider/applications/${a.reference}/interviews/${i.id}`,
        status: INTERVIEW_STATUSES[i.status],
        when: i.startsAt ? forProvider(i.startsAt, ownZone, i.candidateZone) : undefined,
      })),
      liveInterview: interviews.some((i) => i.status !== 'cancelled'),
      conditionItems: Object.entries(STANDARD_CONDITIONS).map(([value, text]) => ({ value, text })),
      reasonItems: Object.entries(REJECTION_REASONS).map(([value, text]) => ({ value, text })),
      history: history.map((h) => ({
        ...h,
        fromLabel: h.from_state && isState(h.from_state) ? STATES[h.from_state] : h.from_state,
        toLabel: h.to_state && isState(h.to_state) ? STATES[h.to_state] : h.to_state,
      })),
      placement: {
        preference: placement['preference'],
        arranged:
          placement['preference'] === 'arranged'
            ? {
                name: placement['school-name'],
                town: placement['school-town'],
                country: countryName(placement['school-country'] ?? ''),
              }
            : undefined,
        current:
          placement['preference'] === 'current-school'
            ? {
                name: a.answers['current-school']?.['school-name'],
                town: a.answers['current-school']?.['school-town'],
                country: countryName(a.answers['current-school']?.['school-country'] ?? ''),
              }
            : undefined,
        nearest: nearest?.schools.map((s) => ({
          id: s.id,
          name: s.name,
          town: s.town,
          country: countryName(s.country),
          distance: km(s.distanceKm),
        })),
        townText: town ? `${town.name}, ${town.countryName}` : undefined,
        school: school && { ...school, countryName: countryName(school.country) },
        canAct: canDecide && isOpen(a.status),
      },
    });
  }

  app.get<{ Params: { reference: string } }>('/provider/applications/:reference', async (request, reply) => {
    const reference = request.params.reference;
    const a = REF.test(reference) ? await providerApplication(db, providerOf(request), reference) : undefined;
    if (!a) return reply.callNotFound();
    return renderView(request, reply, a);
  });

  // Inviting to interview has its own pages (features/interviews): it proposes times.
  const PROVIDER_EVENTS: ApplicationEvent[] = [
    'make-offer',
    'reject',
    'withdraw-offer',
    'confirm-conditions-met',
    'mark-conditions-not-met',
  ];

  app.post<{ Params: { reference: string; action: string } }>(
    '/provider/applications/:reference/:action',
    makeDecisions,
    async (request, reply) => {
      const scope = providerOf(request);
      const reference = request.params.reference;
      const a = REF.test(reference) ? await providerApplication(db, scope, reference) : undefined;
      if (!a) return reply.callNotFound();
      const action = request.params.action;
      const refuse = (text: string, href: string) => renderView(request, reply, a, { text, href });

      if (action === 'propose-school' || action === 'record-school') {
        if (!isOpen(a.status))
          return refuse('You can only match a placement school to an open application', '#placement');
        let school: Parameters<typeof proposePlacementSchool>[2]['school'];
        if (action === 'propose-school') {
          const form = parseForm(proposeForm, request.body);
          const partner = form.ok ? await activePartnerSchool(db, scope, a.providerId!, form.data.schoolId) : undefined;
          if (!partner) return refuse('Choose one of your partner schools', '#placement');
          school = { schoolId: partner.id };
        } else {
          // The school the candidate arranged, or the one they work in, checked like any partner school.
          const p = a.answers['placement'] ?? {};
          const c = a.answers['current-school'] ?? {};
          const where: Record<string, string | undefined> =
            p['preference'] === 'arranged'
              ? { name: p['school-name'], town: p['school-town'], country: p['school-country'] }
              : { name: c['school-name'], town: c['school-town'], country: c['school-country'] };
          const record = checkSchool((field) => where[field] ?? '').row;
          if (!record) {
            return refuse(
              'We cannot find the town of this school: add it as a partner school with its coordinates instead',
              '#placement',
            );
          }
          school = { record };
        }
        const result = await proposePlacementSchool(db, scope, {
          application: a,
          school,
          serviceUrl: config.serviceUrl,
        });
        if (!result.ok) return refuse(result.message, '#placement');
        return reply.redirect(`/provider/applications/${a.reference}`, 303);
      }

      if (!PROVIDER_EVENTS.includes(action as ApplicationEvent)) return reply.callNotFound();
      const event = action as ApplicationEvent;
      const set: Record<string, string> = {};
      const personalisation: Record<string, string> = {};
      let detail: unknown;
      if (event === 'make-offer') {
        const form = parseForm(offerForm, request.body);
        if (!form.ok) return renderView(request, reply, a, form.errors[0]);
        const conditions = [
          ...form.data.conditions.map((c) => STANDARD_CONDITIONS[c as keyof typeof STANDARD_CONDITIONS]),
          ...(form.data.otherCondition ? [form.data.otherCondition] : []),
        ];
        set['offer_conditions'] = JSON.stringify(conditions.map((c) => ({ text: c, met: false })));
        personalisation['conditions'] = conditions.length ? conditions.map((c) => `* ${c}`).join('\n') : 'None';
        detail = { conditions };
      } else if (event === 'reject') {
        const form = parseForm(rejectForm, request.body);
        if (!form.ok) return renderView(request, reply, a, form.errors[0]);
        const { reasons, feedback } = form.data;
        set['rejection'] = JSON.stringify({ reasons, feedback });
        personalisation['reasons'] = reasons
          .map((r) => `* ${REJECTION_REASONS[r as keyof typeof REJECTION_REASONS]}`)
          .join('\n');
        personalisation['feedback'] = feedback;
        detail = { reasons };
      } else if (event === 'confirm-conditions-met' && a.offerConditions) {
        set['offer_conditions'] = JSON.stringify(a.offerConditions.map((c) => ({ ...c, met: true })));
      }
      const result = await changeState(db, scope, {
        applicationId: a.id,
        event,
        set,
        detail,
        serviceUrl: config.serviceUrl,
        personalisation,
      });
      if (!result.ok) return refuse(result.message, '#actions');
      return reply.redirect(`/provider/applications/${a.reference}`, 303);
    },
  );
}
