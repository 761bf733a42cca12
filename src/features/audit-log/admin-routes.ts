import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { auditActions, auditLog, type AuditLogRow } from '../../audit/repository.ts';
import type { Database } from '../../db/schema.ts';
import { adminOf } from '../../platform/auth.ts';
import { renderPage } from '../../platform/render.ts';
import { csvCell } from '../../shared/csv.ts';
import { govukDateTime } from '../../shared/dates.ts';
import { pageCount, pagination } from '../../shared/pagination.ts';
import { allProviders } from '../providers/repository.ts';
import { filterQuery, parseAuditFilters } from './filters.ts';

/**
 * DfE admins: the audit trail, read only. Filters (provider, who made the change, record,
 * action, dates) live in the URL so a view can be shared; newest first, a page at a time;
 * the same rows as a CSV file. Nothing here writes.
 */
const PAGE_SIZE = 50;
type Raw = Record<string, unknown>;

const CSV_HEAD = [
  'id',
  'time (UTC)',
  'actor user id',
  'actor email',
  'provider id',
  'provider',
  'application id',
  'application reference',
  'trainee id',
  'action',
  'from',
  'to',
  'detail',
];

const csvLine = (r: AuditLogRow) =>
  [
    r.id,
    r.createdAt,
    r.actorUserId,
    r.actorEmail,
    r.providerId,
    r.providerName,
    r.applicationId,
    r.reference,
    r.traineeId,
    r.action,
    r.fromState,
    r.toState,
    r.detail,
  ]
    .map(csvCell)
    .join(',');

export function registerAuditLogRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/admin/audit', async (request, reply) => {
    const { filters, page, problems, values } = parseAuditFilters(request.query as Raw);
    const scope = adminOf(request);
    const { total, rows } = problems.errors.length
      ? { total: 0, rows: [] }
      : await auditLog(db, scope, filters, { number: page, size: PAGE_SIZE });
    const [providers, actions] = await Promise.all([allProviders(db), auditActions(db, scope)]);
    return renderPage(reply.code(problems.errors.length ? 400 : 200), 'audit-log/views/audit-log.njk', {
      pageTitle: 'Audit log',
      currentPath: '/admin',
      breadcrumbs: [{ text: 'DfE admin', href: '/admin' }],
      ...problems,
      values,
      total,
      rows: rows.map((r) => ({
        ...r,
        when: govukDateTime(r.createdAt),
        change: r.fromState || r.toState ? `${r.fromState ?? '–'} to ${r.toState ?? '–'}` : '',
        recordHref: r.reference ? `/admin/audit${filterQuery({ reference: r.reference })}` : undefined,
        traineeHref: r.traineeId ? `/admin/audit${filterQuery({ traineeId: String(r.traineeId) })}` : undefined,
        actorHref: r.actorUserId ? `/admin/users/${r.actorUserId}` : undefined,
      })),
      providerItems: [
        { value: '', text: 'All providers' },
        ...providers
          .slice()
          .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
          .map((p) => ({ value: String(p.id), text: p.name, selected: String(p.id) === values['providerId'] })),
      ],
      actionItems: [
        { value: '', text: 'All actions' },
        ...actions.map((a) => ({ value: a, text: a, selected: a === values['action'] })),
      ],
      pagination:
        total > 0
          ? pagination(page, pageCount(total, PAGE_SIZE), (n) => `/admin/audit${filterQuery(values, n)}`)
          : null,
      csvHref: `/admin/audit.csv${filterQuery(values)}`,
      firstRow: total ? (page - 1) * PAGE_SIZE + 1 : 0,
      lastRow: (page - 1) * PAGE_SIZE + rows.length,
    });
  });

  app.get('/admin/audit.csv', async (request, reply) => {
    const { filters, problems } = parseAuditFilters(request.query as Raw);
    if (problems.errors.length)
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(problems.errors.map((e) => e.text).join('\n'));
    const { rows } = await auditLog(db, adminOf(request), filters, null);
    const lines = [CSV_HEAD.join(','), ...rows.map(csvLine)];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="iqts-audit-log.csv"')
      .header('cache-control', 'no-store')
      .send(lines.join('\r\n') + '\r\n');
  });
}
