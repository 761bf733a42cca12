import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { adminOf, parseId } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, requiredText, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate, govukDateTime, today } from '../../shared/dates.ts';
import { escapeHtml } from '../../shared/html.ts';
import { pageCount, pagination } from '../../shared/pagination.ts';
import { dateIds, isoDate, withDates } from '../training/forms.ts';
import {
  adminProvider,
  adminProviderList,
  changeApprovalState,
  placesTaken,
  recordProviderApplication,
  setCohortCap,
  type AdminProvider,
} from './approval-repository.ts';
import {
  APPROVAL_STATES,
  APPROVAL_TRANSITIONS,
  approvalEvents,
  approvalTransition,
  isApprovalEvent,
  isApprovalState,
  type ApprovalEvent,
  type ApprovalState,
  type ApprovalTransition,
} from './approval.ts';
import { listedText } from './routes.ts';
import { DEFAULT_COHORT_CAP, MAX_COHORT_CAP, offerCohort } from './cohort-cap.ts';

/**
 * The DfE's pages for providers' approval: the list (by status), recording a provider's
 * application, one provider's state, history and cohort cap, and a confirmation page for
 * each step. After a step the content pages that list providers are rendered again, so
 * the finder and those pages show the change at once.
 */
const PAGE_SIZE = 25;

const listQuery = z.object({
  status: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(Object.keys(APPROVAL_STATES) as [ApprovalState, ...ApprovalState[]], {
        error: 'Choose a status from the list',
      })
      .optional(),
  ),
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/, 'Enter a page number')
    .transform(Number)
    .optional(),
});

const reason = requiredText(
  { missing: 'Enter the reason', tooLong: 'The reason must be 1,000 characters or fewer' },
  1000,
);
const pastDate = (label: string) =>
  isoDate(label).refine(
    (d) => d <= today(),
    `${label[0]!.toUpperCase()}${label.slice(1)} must be today or in the past`,
  );

const stepForm = z.object({
  event: z.enum(APPROVAL_TRANSITIONS.map((t) => t.event) as [ApprovalEvent, ...ApprovalEvent[]], {
    error: 'Choose what to do',
  }),
  expected: z.enum(Object.keys(APPROVAL_STATES) as [ApprovalState, ...ApprovalState[]], {
    error: 'Choose what to do',
  }),
  date: pastDate('the date'),
  reason,
});

const newProviderForm = z.object({
  name: requiredText(
    { missing: 'Enter the provider’s name', tooLong: 'The name must be 200 characters or fewer' },
    200,
  ).refine((n) => /[\p{L}\p{N}]/u.test(n), 'Enter a name with at least one letter or number'),
  website: z
    .string({ error: 'Enter a website address starting https://' })
    .trim()
    .max(500, 'The website address must be 500 characters or fewer')
    .refine((w) => w === '' || /^https:\/\/[^\s/$.?#][^\s]*$/i.test(w), 'Enter a website address starting https://')
    .optional()
    .default(''),
  date: pastDate('the date of the application'),
  reason: requiredText(
    { missing: 'Enter a note about the application', tooLong: 'The note must be 1,000 characters or fewer' },
    1000,
  ),
});

const capForm = z.object({
  cap: z
    .string({ error: 'Enter the number of trainees' })
    .trim()
    .min(1, 'Enter the number of trainees')
    .regex(/^\d{1,7}$/, 'The cohort limit must be a whole number, like 250')
    .transform(Number)
    .refine((n) => n >= 1, 'The cohort limit must be 1 or more')
    .refine((n) => n <= MAX_COHORT_CAP, `The cohort limit must be ${MAX_COHORT_CAP.toLocaleString('en-GB')} or fewer`),
  reason,
});

const todayParts = () => {
  const [year, month, day] = today().split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
};

const datePartsOf = (values: Record<string, unknown>, name: string) => ({
  day: String(values[`${name}-day`] ?? ''),
  month: String(values[`${name}-month`] ?? ''),
  year: String(values[`${name}-year`] ?? ''),
});

const STATUS_TAGS: Record<ApprovalState, string> = {
  applied: 'govuk-tag--blue',
  approved: 'govuk-tag--green',
  suspended: 'govuk-tag--orange',
  'approval-withdrawn': 'govuk-tag--red',
  'no-longer-offering': 'govuk-tag--grey',
};
const statusTag = (s: string) =>
  isApprovalState(s)
    ? `<strong class="govuk-tag ${STATUS_TAGS[s]}">${escapeHtml(APPROVAL_STATES[s])}</strong>`
    : escapeHtml(s);

const DONE: Record<string, string> = {
  ...Object.fromEntries(APPROVAL_TRANSITIONS.map((t) => [t.event, `Recorded: ${APPROVAL_STATES[t.to].toLowerCase()}`])),
  applied: 'The provider’s application is recorded',
  'cohort-cap': 'The cohort limit is changed',
};

/** Warning-style buttons for the steps that stop a provider taking trainees. */
const WARNING_EVENTS: ApprovalEvent[] = ['suspend', 'withdraw-approval', 'end-provision'];

export function registerProviderAdminRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  app.get('/admin/providers', async (request, reply) => {
    const raw = request.query as Record<string, unknown>;
    const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
    const parsed = listQuery.safeParse({ status: first(raw['status']), page: first(raw['page']) });
    const status = parsed.success ? parsed.data.status : undefined;
    const page = parsed.success ? (parsed.data.page ?? 1) : 1;
    const { total, providers, counts } = await adminProviderList(db, adminOf(request), { status, page }, PAGE_SIZE);
    const pages = pageCount(total, PAGE_SIZE);
    const href = (n: number) => {
      const q = new URLSearchParams();
      if (status) q.set('status', status);
      if (n > 1) q.set('page', String(n));
      const s = q.toString();
      return s ? `/admin/providers?${s}` : '/admin/providers';
    };
    const errors = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ text: i.message, href: `#${String(i.path[0] ?? 'status')}` }));
    return renderPage(reply.code(parsed.success ? 200 : 400), 'providers/views/admin-list.njk', {
      pageTitle: status ? `Providers: ${APPROVAL_STATES[status].toLowerCase()}` : 'Providers’ approval',
      currentPath: '/admin',
      errors,
      fieldErrors: Object.fromEntries(errors.map((e) => [e.href.slice(1), e.text])),
      statusItems: [
        { value: '', text: `All statuses (${Object.values(counts).reduce((a, b) => a + b, 0)})` },
        ...Object.entries(APPROVAL_STATES).map(([value, text]) => ({
          value,
          text: `${text} (${counts[value] ?? 0})`,
          selected: value === status,
        })),
      ],
      total,
      statusText: status ? APPROVAL_STATES[status].toLowerCase() : undefined,
      from: (page - 1) * PAGE_SIZE + 1,
      rows: providers.map((p) => [
        {
          html:
            `<a class="govuk-link" href="/admin/providers/${p.id}">${escapeHtml(p.name)}</a>` +
            (p.isSample ? ' <strong class="govuk-tag govuk-tag--grey">Sample</strong>' : ''),
        },
        { html: statusTag(p.status) },
        { text: p.statusChangedOn ? govukDate(p.statusChangedOn) : 'Not recorded' },
        { text: p.cohortCap.toLocaleString('en-GB'), format: 'numeric' },
      ]),
      pagination: pagination(page, pages, href),
      pageBeyondEnd: page > pages,
    });
  });

  // ——— Recording a provider's application ———

  function renderNew(
    request: FastifyRequest,
    reply: FastifyReply,
    problems: FormErrors = noErrors,
    values: Record<string, unknown> = {},
  ) {
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'providers/views/admin-new.njk', {
      pageTitle: 'Record a provider’s application for approval',
      currentPath: '/admin',
      backLink: { href: '/admin/providers', text: 'Back to providers’ approval' },
      csrfToken: csrfToken(request),
      values,
      dateParts: problems.errors.length ? datePartsOf(values, 'date') : todayParts(),
      ...problems,
    });
  }

  app.get('/admin/providers/new', (request, reply) => renderNew(request, reply));

  app.post('/admin/providers/new', async (request, reply) => {
    const form = parseForm(newProviderForm, withDates(request.body, ['date']), dateIds('date'));
    if (!form.ok) return renderNew(request, reply, form, form.values);
    const result = await recordProviderApplication(db, adminOf(request), {
      name: form.data.name,
      website: form.data.website || null,
      date: form.data.date,
      reason: form.data.reason,
    });
    if (!result.ok) return renderNew(request, reply, fieldError(result.field, result.message), form.values);
    return reply.redirect(`/admin/providers/${result.providerId}?done=applied`, 303);
  });

  // ——— One provider ———

  type WithId = FastifyRequest<{ Params: { providerId: string } }>;
  async function load(request: WithId): Promise<AdminProvider | undefined> {
    const id = parseId(request.params.providerId);
    return id === undefined ? undefined : adminProvider(db, adminOf(request), id);
  }

  async function renderProvider(
    request: FastifyRequest,
    reply: FastifyReply,
    found: AdminProvider,
    problem: { errors: FormErrors; values: Record<string, unknown>; code: number } | null = null,
  ) {
    const { provider, cohortCap, history } = found;
    const cohort = offerCohort(today());
    const taken = await placesTaken(db, provider.id, cohort);
    const done = (request.query as Record<string, unknown>)['done'];
    const errors = problem?.errors ?? noErrors;
    return renderPage(reply.code(problem?.code ?? 200), 'providers/views/admin-provider.njk', {
      pageTitle: provider.name,
      currentPath: '/admin',
      backLink: { href: '/admin/providers', text: 'Back to providers’ approval' },
      csrfToken: csrfToken(request),
      provider,
      done: typeof done === 'string' ? DONE[done] : undefined,
      ...errors,
      values: problem?.values ?? {},
      details: [
        { key: { text: 'Status' }, value: { html: statusTag(provider.status) } },
        {
          key: { text: 'Since' },
          value: { text: provider.statusChangedOn ? govukDate(provider.statusChangedOn) : 'Not recorded' },
        },
        {
          key: { text: 'First approved' },
          value: { text: provider.approvedOn ? govukDate(provider.approvedOn) : 'Not recorded' },
        },
        {
          key: { text: 'Cohort limit' },
          value: {
            text:
              `${cohortCap.toLocaleString('en-GB')} trainees` +
              (cohortCap === DEFAULT_COHORT_CAP ? ' (the standard limit)' : ' (with the DfE’s permission)'),
          },
        },
        {
          key: { text: `Places taken, ${cohort} cohort` },
          value: { text: `${taken.toLocaleString('en-GB')} of ${cohortCap.toLocaleString('en-GB')}` },
        },
        { key: { text: 'On DfE’s public list' }, value: { text: listedText(provider.listedPeriods) ?? 'Not listed' } },
        {
          key: { text: 'Public page' },
          value: {
            html: `<a class="govuk-link" href="/providers/${escapeHtml(provider.slug)}">/providers/${escapeHtml(provider.slug)}</a>`,
          },
        },
      ],
      steps: approvalEvents(provider.status).map((t) => ({
        text: t.label,
        href: `/admin/providers/${provider.id}/status?event=${t.event}`,
        warning: WARNING_EVENTS.includes(t.event),
      })),
      cohortNote: `An offer counts towards the cohort of the academic year (1 September to 31 August) in which it is made.`,
      history: history.map((h) => [
        { text: h.date ? govukDate(h.date) : govukDate(h.at) },
        { text: describeAction(h.action, h.from, h.to) },
        { text: h.reason ?? '' },
        { text: h.by ?? 'The service' },
        { text: govukDateTime(h.at) },
      ]),
    });
  }

  app.get<{ Params: { providerId: string } }>('/admin/providers/:providerId', async (request, reply) => {
    const found = await load(request);
    if (!found) return reply.callNotFound();
    return renderProvider(request, reply, found);
  });

  // ——— A step in the provider's approval life: a confirmation page, then the change ———

  function renderStep(
    request: FastifyRequest,
    reply: FastifyReply,
    found: AdminProvider,
    step: ApprovalTransition,
    problems: FormErrors = noErrors,
    values: Record<string, unknown> = {},
  ) {
    const { provider } = found;
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'providers/views/admin-step.njk', {
      pageTitle: `${step.label}: ${provider.name}`,
      currentPath: '/admin',
      backLink: { href: `/admin/providers/${provider.id}`, text: `Back to ${provider.name}` },
      csrfToken: csrfToken(request),
      provider,
      step,
      statusText: APPROVAL_STATES[provider.status],
      toText: APPROVAL_STATES[step.to],
      expected: provider.status,
      warning: WARNING_EVENTS.includes(step.event),
      values,
      dateParts: problems.errors.length ? datePartsOf(values, 'date') : todayParts(),
      ...problems,
    });
  }

  /** A step the provider's state does not allow now: its page says so, with the error summary. */
  const refuse = (request: FastifyRequest, reply: FastifyReply, found: AdminProvider, message: string) =>
    renderProvider(request, reply, found, { errors: fieldError('steps', message), values: {}, code: 409 });

  app.get<{ Params: { providerId: string } }>('/admin/providers/:providerId/status', async (request, reply) => {
    const found = await load(request);
    if (!found) return reply.callNotFound();
    const raw = (request.query as Record<string, unknown>)['event'];
    const event = Array.isArray(raw) ? raw[0] : raw;
    if (typeof event !== 'string' || !isApprovalEvent(event)) return reply.callNotFound();
    const decided = approvalTransition(found.provider.status, event, 'admin');
    if (!decided.ok) return refuse(request, reply, found, decided.message);
    return renderStep(request, reply, found, decided.transition);
  });

  app.post<{ Params: { providerId: string } }>('/admin/providers/:providerId/status', async (request, reply) => {
    const found = await load(request);
    if (!found) return reply.callNotFound();
    const form = parseForm(stepForm, withDates(request.body, ['date']), dateIds('date'));
    if (!form.ok) {
      // The step it was for, when the form says: its page again, with the problems.
      const event = form.values['event'];
      const step =
        typeof event === 'string' && isApprovalEvent(event)
          ? approvalTransition(found.provider.status, event, 'admin')
          : null;
      if (step?.ok) return renderStep(request, reply, found, step.transition, form, form.values);
      return renderProvider(request, reply, found, { errors: form, values: {}, code: 400 });
    }
    const result = await changeApprovalState(db, adminOf(request), {
      providerId: found.provider.id,
      event: form.data.event,
      expected: form.data.expected,
      date: form.data.date,
      reason: form.data.reason,
      serviceUrl: config.serviceUrl,
    });
    if (!result.ok) {
      if ('notFound' in result) return reply.callNotFound();
      return refuse(request, reply, (await load(request)) ?? found, result.message);
    }
    // The finder reads the database on every request; content pages listing providers are rendered again now.
    await app.refreshContentData();
    return reply.redirect(`/admin/providers/${found.provider.id}?done=${form.data.event}`, 303);
  });

  // ——— The cohort cap ———

  app.post<{ Params: { providerId: string } }>('/admin/providers/:providerId/cohort-cap', async (request, reply) => {
    const found = await load(request);
    if (!found) return reply.callNotFound();
    const form = parseForm(capForm, request.body, { cap: 'cap', reason: 'cap-reason' });
    if (!form.ok) return renderProvider(request, reply, found, { errors: form, values: form.values, code: 400 });
    const changed = await setCohortCap(db, adminOf(request), {
      providerId: found.provider.id,
      cap: form.data.cap,
      reason: form.data.reason,
      serviceUrl: config.serviceUrl,
    });
    if (!changed) return reply.callNotFound();
    return reply.redirect(`/admin/providers/${found.provider.id}?done=cohort-cap`, 303);
  });
}

/** A history row in words. */
function describeAction(action: string, from: string | null, to: string | null): string {
  const name = (s: string | null) => (s && isApprovalState(s) ? APPROVAL_STATES[s] : (s ?? ''));
  if (action === 'provider-cohort-cap-changed') return `Cohort limit changed from ${from} to ${to}`;
  if (action === 'provider-application-recorded') return 'Application for approval recorded';
  return from ? `${name(from)} to ${name(to)}` : name(to);
}
