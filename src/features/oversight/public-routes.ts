import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { hasSampleData } from '../placement-schools/sample.ts';
import { nationalFigures, type Figures } from './figures.ts';
import { NO_FILTERS } from './filters.ts';
import { figureSections, madeAtText, statisticsCsv, tableHead, tableRows } from './view-model.ts';

/** How long the open statistics are reused: anyone may ask, so a burst of requests reads the database once. */
const REFRESH_MS = 5 * 60_000;

/**
 * The open statistics: the national figures for anyone, no sign-in, small numbers withheld,
 * with the time they were made, as a page and as CSV. Made at most once per five minutes
 * per process (the page says when).
 */
export function registerOversightPublicRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  let made: { at: number; figures: Promise<{ figures: Figures; sample: boolean }> } | null = null;
  const current = () => {
    if (!made || Date.now() - made.at > REFRESH_MS) {
      const figures = Promise.all([nationalFigures(db, NO_FILTERS), hasSampleData(db)]).then(([f, sample]) => ({
        figures: f,
        sample,
      }));
      made = { at: Date.now(), figures };
      // A failed read is not kept: the next request tries again.
      figures.catch(() => {
        made = null;
      });
    }
    return made.figures;
  };

  app.get('/statistics', async (_request, reply) => {
    const { figures, sample } = await current();
    const sections = figureSections(figures, 'public');
    return reply
      .header('cache-control', 'public, max-age=300')
      .type('text/html; charset=utf-8')
      .send(
        app.views.render('oversight/views/statistics.njk', {
          pageTitle: 'iQTS statistics',
          currentPath: '/statistics',
          canonicalPath: '/statistics',
          description:
            'National statistics for international qualified teacher status (iQTS): applications, decisions, trainees and awards.',
          sample,
          madeAt: madeAtText(figures.madeAt),
          sections: sections.map((s) => ({ ...s, head: tableHead(s.table), rows: tableRows(s.table) })),
        }),
      );
  });

  app.get('/statistics.csv', async (_request, reply) => {
    const { figures } = await current();
    const csv = statisticsCsv(figureSections(figures, 'public'), figures.madeAt);
    return reply
      .header('cache-control', 'public, max-age=300')
      .header('content-disposition', `attachment; filename="iqts-statistics-${figures.madeAt.slice(0, 10)}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });
}
