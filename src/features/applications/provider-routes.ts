import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { formBody } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { requireRole, type User } from '../accounts/users.ts';
import { findPlaces } from '../places/places.ts';
import { addPartnerSchool, checkSchool, type SchoolRow } from '../placement-schools/import.ts';
import { countryName, countryOptions, km } from '../providers/finder.ts';
import { PHASES } from '../providers/model.ts';
import { schoolsNear } from '../providers/repository.ts';
import { applicationHistory, audit, changeState, fromRow, type Application } from './repository.ts';
import { displayValue, fieldsShown, sectionsFor } from './sections.ts';
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
const str = (raw: Raw, key: string): string => {
  const v = raw[key];
  return typeof v === 'string' ? v.trim().slice(0, 100) : '';
};

export interface ListFilters {
  status?: string;
  country?: string;
  phase?: string;
  q?: string;
  sort: 'newest' | 'oldest';
  page: number;
}

export function parseListFilters(raw: Raw): { filters: ListFilters; errors: { text: string; href: string }[] } {
  const errors: { text: string; href: string }[] = [];
  const filters: ListFilters = { sort: 'newest', page: 1 };
  const status = str(raw, 'status');
  if (status && isState(status) && status !== 'draft') filters.status = status;
  else if (status) errors.push({ text: 'Select a status from the list', href: '#status' });
  const country = str(raw, 'country');
  if (/^[A-Z]{2}$/.test(country)) filters.country = country;
  else if (country) errors.push({ text: 'Select a country from the list', href: '#country' });
  const phase = str(raw, 'phase');
  if (phase === 'primary' || phase === 'secondary') filters.phase = phase;
  else if (phase) errors.push({ text: 'Select an age group from the list', href: '#phase' });
  const q = str(raw, 'q');
  if (q) filters.q = q;
  const sort = str(raw, 'sort');
  if (sort === 'oldest') filters.sort = 'oldest';
  else if (sort && sort !== 'newest') errors.push({ text: 'Select how to sort from the list', href: '#sort' });
  const page = str(raw, 'page');
  if (/^\d{1,5}$/.test(page) && Number(page) >= 1) filters.page = Number(page);
  else if (page) errors.push({ text: 'Page must be a number, 1 or more', href: '#page' });
  return { filters, errors };
}

/** Applications of the user's providers only: the scope is part of every query. */
function scoped(db: Kysely<Database>, providerIds: number[]) {
  return db
    .selectFrom('applications')
    .where('provider_id', 'in', providerIds.length ? providerIds : [-1])
    .where('status', '!=', 'draft');
}

export async function listApplications(
  db: Kysely<Database>,
  providerIds: number[],
  f: ListFilters,
  limit: number | null,
) {
  let q = scoped(db, providerIds);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.country) q = q.where('country', '=', f.country);
  if (f.phase) q = q.where('phase', '=', f.phase);
  if (f.q)
    q = q.where((eb) =>
      eb.or([
        eb('candidate_name', 'like', `%${f.q!.replace(/[%_\\]/g, '')}%`),
        eb('reference', '=', f.q!.toUpperCase()),
      ]),
    );
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let rows = q
    .selectAll()
    .orderBy('submitted_at', f.sort === 'newest' ? 'desc' : 'asc')
    .orderBy('id', 'desc');
  if (limit !== null) rows = rows.limit(limit).offset((f.page - 1) * limit);
  return { total, applications: (await rows.execute()).map(fromRow) };
}

export async function providerApplication(
  db: Kysely<Database>,
  providerIds: number[],
  reference: string,
): Promise<Application | undefined> {
  if (!REF.test(reference)) return undefined;
  const row = await scoped(db, providerIds).selectAll().where('reference', '=', reference).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

const csvCell = (v: unknown): string => {
  let s = v === null || v === undefined ? '' : String(v);
  // A cell starting with = + - @ would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
  const providerUser = (request: FastifyRequest, reply: FastifyReply) => requireRole(request, reply, db, ['provider']);
  const ids = (user: User) => user.memberships.map((m) => m.providerId);
  const mayDecide = (user: User, providerId: number | null) =>
    user.memberships.some((m) => m.providerId === providerId && m.canMakeDecisions);

  app.get('/provider', async (request, reply) => {
    const user = await providerUser(request, reply);
    if (!user) return reply;
    const raw = request.query as Raw;
    const { filters, errors } = parseListFilters(raw);
    const { total, applications } = errors.length
      ? { total: 0, applications: [] }
      : await listApplications(db, ids(user), filters, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
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
      ],
      total,
      rows: applications.map((a) => [
        { html: `<a class="govuk-link" href="/provider/applications/${a.reference}">${a.reference}</a>` },
        { text: a.candidateName ?? '' },
        { text: a.country ? countryName(a.country) : '' },
        { text: a.phase ? PHASES[a.phase as keyof typeof PHASES] : '' },
        { text: STATES[a.status] },
        { text: a.submittedAt?.slice(0, 10) ?? '' },
      ]),
      pagination:
        pages > 1
          ? {
              ...(filters.page > 1
                ? { previous: { href: `/provider${query(raw, { page: String(filters.page - 1) })}` } }
                : {}),
              ...(filters.page < pages
                ? { next: { href: `/provider${query(raw, { page: String(filters.page + 1) })}` } }
                : {}),
              items: Array.from({ length: pages }, (_, i) => ({
                number: i + 1,
                href: `/provider${query(raw, { page: String(i + 1) })}`,
                current: i + 1 === filters.page,
              })),
            }
          : null,
      csvHref: `/provider/applications.csv${query(raw)}`,
    });
  });

  app.get('/provider/applications.csv', async (request, reply) => {
    const user = await providerUser(request, reply);
    if (!user) return reply;
    const { filters, errors } = parseListFilters(request.query as Raw);
    if (errors.length)
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send(errors.map((e) => e.text).join('\n'));
    const { applications } = await listApplications(db, ids(user), filters, null);
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
    user: User,
    a: Application,
    problem?: { text: string; href: string },
  ) {
    const history = await applicationHistory(db, a.id);
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
    const school = a.placementSchoolId
      ? await db
          .selectFrom('placement_schools')
          .select(['id', 'name', 'town', 'country', 'verified'])
          .where('id', '=', a.placementSchoolId)
          .executeTakeFirst()
      : undefined;
    const canDecide = mayDecide(user, a.providerId);
    return renderPage(reply.code(problem ? 400 : 200), 'applications/views/provider-application.njk', {
      pageTitle: `${a.candidateName ?? 'Application'} – ${a.reference}`,
      currentPath: '/provider',
      csrfToken: csrfToken(request),
      backLink: { href: '/provider', text: 'Back to applications' },
      a,
      status: STATES[a.status],
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
    const user = await providerUser(request, reply);
    if (!user) return reply;
    const a = await providerApplication(db, ids(user), request.params.reference);
    if (!a) return reply.callNotFound();
    return renderView(request, reply, user, a);
  });

  const PROVIDER_EVENTS: ApplicationEvent[] = [
    'invite-to-interview',
    'make-offer',
    'reject',
    'withdraw-offer',
    'confirm-conditions-met',
    'mark-conditions-not-met',
  ];

  app.post<{ Params: { reference: string; action: string } }>(
    '/provider/applications/:reference/:action',
    async (request, reply) => {
      const user = await providerUser(request, reply);
      if (!user) return reply;
      const a = await providerApplication(db, ids(user), request.params.reference);
      if (!a) return reply.callNotFound();
      const action = request.params.action;
      const body = formBody(request.body);
      if (!mayDecide(user, a.providerId))
        return renderView(request, reply, user, a, {
          text: 'You do not have permission to make decisions for this provider',
          href: '#actions',
        });
      const list = (v: unknown) =>
        (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
      const text = (key: string, max: number) =>
        typeof body[key] === 'string' ? (body[key] as string).trim().slice(0, max + 1) : '';

      if (action === 'propose-school' || action === 'record-school') {
        if (!isOpen(a.status))
          return renderView(request, reply, user, a, {
            text: 'You can only match a placement school to an open application',
            href: '#placement',
          });
        let record: Omit<SchoolRow, 'line'> | undefined;
        let partnerId: number | undefined;
        if (action === 'propose-school') {
          const id = Number(body['schoolId']);
          const partner = Number.isInteger(id)
            ? await db
                .selectFrom('partnerships')
                .select('school_id')
                .where('school_id', '=', id)
                .where('provider_id', '=', a.providerId!)
                .where('status', '=', 'active')
                .executeTakeFirst()
            : undefined;
          if (!partner)
            return renderView(request, reply, user, a, {
              text: 'Choose one of your partner schools',
              href: '#placement',
            });
          partnerId = partner.school_id;
        } else {
          // The school the candidate arranged, or the one they work in, checked like any partner school.
          const p = a.answers['placement'] ?? {};
          const c = a.answers['current-school'] ?? {};
          const school: Record<string, string | undefined> =
            p['preference'] === 'arranged'
              ? { name: p['school-name'], town: p['school-town'], country: p['school-country'] }
              : { name: c['school-name'], town: c['school-town'], country: c['school-country'] };
          record = checkSchool((field) => school[field] ?? '').row;
          if (!record)
            return renderView(request, reply, user, a, {
              text: 'We cannot find the town of this school: add it as a partner school with its coordinates instead',
              href: '#placement',
            });
        }
        await db.transaction().execute(async (trx) => {
          let schoolId = partnerId!;
          if (record) {
            // Recorded from the candidate's answers: a new partner school, not yet verified.
            schoolId = await addPartnerSchool(trx, a.providerId!, record, false);
            await audit(trx, {
              actorUserId: user.id,
              providerId: a.providerId,
              applicationId: a.id,
              action: 'record-placement-school',
              detail: { schoolId },
            });
          }
          await trx
            .updateTable('applications')
            .set({ placement_school_id: schoolId, updated_at: new Date().toISOString() })
            .where('id', '=', a.id)
            .where('provider_id', 'in', ids(user))
            .execute();
          await audit(trx, {
            actorUserId: user.id,
            providerId: a.providerId,
            applicationId: a.id,
            action: 'propose-placement-school',
            detail: { schoolId },
          });
        });
        return reply.redirect(`/provider/applications/${a.reference}`, 303);
      }

      if (!PROVIDER_EVENTS.includes(action as ApplicationEvent)) return reply.callNotFound();
      const event = action as ApplicationEvent;
      const set: Record<string, string> = {};
      const personalisation: Record<string, string> = {};
      let detail: unknown;
      if (event === 'make-offer') {
        const chosen = list(body['conditions']).filter((c) => Object.hasOwn(STANDARD_CONDITIONS, c));
        if (list(body['conditions']).length !== chosen.length)
          return renderView(request, reply, user, a, { text: 'Select conditions from the list', href: '#conditions' });
        const other = text('otherCondition', 300);
        if (other.length > 300)
          return renderView(request, reply, user, a, {
            text: 'Other condition must be 300 characters or fewer',
            href: '#otherCondition',
          });
        const conditions = [
          ...chosen.map((c) => STANDARD_CONDITIONS[c as keyof typeof STANDARD_CONDITIONS]),
          ...(other ? [other] : []),
        ];
        set['offer_conditions'] = JSON.stringify(conditions.map((c) => ({ text: c, met: false })));
        personalisation['conditions'] = conditions.length ? conditions.map((c) => `* ${c}`).join('\n') : 'None';
        detail = { conditions };
      } else if (event === 'reject') {
        const reasons = list(body['reasons']);
        if (reasons.length === 0 || !reasons.every((r) => Object.hasOwn(REJECTION_REASONS, r)))
          return renderView(request, reply, user, a, {
            text: 'Select at least one reason from the list',
            href: '#reasons',
          });
        const feedback = text('feedback', 2000);
        if (!feedback)
          return renderView(request, reply, user, a, { text: 'Enter feedback for the candidate', href: '#feedback' });
        if (feedback.length > 2000)
          return renderView(request, reply, user, a, {
            text: 'Feedback must be 2,000 characters or fewer',
            href: '#feedback',
          });
        set['rejection'] = JSON.stringify({ reasons, feedback });
        personalisation['reasons'] = reasons
          .map((r) => `* ${REJECTION_REASONS[r as keyof typeof REJECTION_REASONS]}`)
          .join('\n');
        personalisation['feedback'] = feedback;
        detail = { reasons };
      } else if (event === 'confirm-conditions-met' && a.offerConditions) {
        set['offer_conditions'] = JSON.stringify(a.offerConditions.map((c) => ({ ...c, met: true })));
      }
      const result = await changeState(db, {
        applicationId: a.id,
        event,
        actor: 'provider',
        actorUserId: user.id,
        providerIds: ids(user),
        set,
        detail,
        serviceUrl: config.publicUrl,
        personalisation,
      });
      if (!result.ok) return renderView(request, reply, user, a, { text: result.message, href: '#actions' });
      return reply.redirect(`/provider/applications/${a.reference}`, 303);
    },
  );
}
