import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { adminOf } from '../../platform/auth.ts';
import { renderPage } from '../../platform/render.ts';
import { countryOptions } from '../../shared/format.ts';
import { hasSampleData } from '../placement-schools/sample.ts';
import { dateParts } from '../training/forms.ts';
import { nationalFigures } from './figures.ts';
import { cohortOptions, filterQuery, parseFilters } from './filters.ts';
import { adviserSections, figureSections, filterSummary, madeAtText, tableHead, tableRows } from './view-model.ts';
import { adviserFigures } from '../advisers/repository.ts';
import { providerNames } from '../providers/repository.ts';
import type { AdminScope } from '../../shared/scope.ts';
import { dashboardMap } from './world-map.ts';

export const DASHBOARD_VIEW = 'oversight/views/dashboard.njk';

/**
 * Everything the dashboard page shows for a query string: 400 with the GOV.UK error summary
 * for a bad filter, else the figures. Apart from the route, so the bench measures the same work.
 */
export async function dashboardView(
  db: Kysely<Database>,
  scope: AdminScope,
  query: unknown,
  now = new Date(),
): Promise<{ status: 200 | 400; context: Record<string, unknown> }> {
  const providers = await providerNames(db);
  const parsed = parseFilters(query, new Set(providers.map((p) => p.id)), now);
  const base = {
    pageTitle: 'National dashboard',
    currentPath: '/admin',
    values: parsed.values,
    dates: dateParts(parsed.values, ['from', 'to']),
    providerItems: [
      { value: '', text: 'All providers' },
      ...providers.map((p) => ({
        value: String(p.id),
        text: p.name,
        selected: parsed.values['provider'] === String(p.id),
      })),
    ],
    countryItems: [
      { value: '', text: 'All countries' },
      ...countryOptions().map((c) => ({ ...c, selected: parsed.values['country']?.toUpperCase() === c.value })),
    ],
    cohortItems: [
      { value: '', text: 'All cohorts' },
      ...cohortOptions(now).map((c) => ({ value: c, text: c, selected: parsed.values['cohort'] === c })),
    ],
  };
  if (!parsed.ok)
    return {
      status: 400,
      context: { ...base, errors: parsed.errors, fieldErrors: parsed.fieldErrors, sections: [] },
    };
  const [figures, sample, advisers] = await Promise.all([
    nationalFigures(db, parsed.filters, now),
    hasSampleData(db),
    adviserFigures(db, scope),
  ]);
  const names = new Map(providers.map((p) => [p.id, p.name]));
  const view = filterQuery(figures.filters);
  const countryMap = dashboardMap({
    trainees: new Map(figures.trainees.byCountry.map((c) => [c.country, c.trainees])),
    schools: new Map(figures.trainees.byCountry.map((c) => [c.country, c.schools])),
    show: (query as Record<string, unknown> | null)?.['map'],
    hrefFor: (kind) => `/admin/dashboard${view}${view ? '&' : '?'}map=${kind}#by-country`,
  });
  return {
    status: 200,
    context: {
      ...base,
      errors: [],
      fieldErrors: {},
      sample,
      madeAt: madeAtText(figures.madeAt),
      applied: filterSummary(figures.filters, (id) => names.get(id)),
      shareLink: `/admin/dashboard${view}`,
      countryMap,
      // The advisers' figures are national: the filters above do not narrow them.
      sections: [...figureSections(figures, 'admin'), ...adviserSections(advisers)].map((s) => ({
        ...s,
        head: tableHead(s.table),
        rows: tableRows(s.table),
      })),
    },
  };
}

/**
 * The DfE's national dashboard: every figure with the filters in the address (so a view can
 * be shared as a link), each chart followed by its table. A GET form: works without JavaScript.
 */
export function registerOversightAdminRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/admin/dashboard', async (request, reply) => {
    const { status, context } = await dashboardView(db, adminOf(request), request.query);
    return renderPage(reply.code(status).header('cache-control', 'no-store'), DASHBOARD_VIEW, context);
  });
}
