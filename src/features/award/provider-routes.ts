import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { parseId, providerOf } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { dateIds, dateParts, isoDate, withDates } from '../training/forms.ts';
import { providerTrainee, type Trainee } from '../training/repository.ts';
import { TRAINEE_STATES } from '../training/state-machine.ts';
import { BULK_COLUMNS, checkBulkCsv, MAX_BULK_ROWS } from './bulk.ts';
import { recordReady } from './guards.ts';
import { guardsFor, providerAward, recommend, recommendMany } from './repository.ts';

/**
 * The provider recommends trainees for iQTS: one at a time, on a page that lists every
 * guard and whether it holds, or many from a CSV. Needs "recommend for award".
 */
const permission = { config: { permission: 'recommend-for-award' as const } };
const recommendForm = z.object({ outcomeDate: isoDate('the outcome date') });
const bulkForm = z.object({
  csv: z
    .string({ error: 'Paste the CSV' })
    .trim()
    .min(1, 'Paste the CSV')
    .max(64_000, 'The CSV must be 64,000 characters or fewer'),
});

export function registerAwardProviderRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  async function loadTrainee(request: FastifyRequest<{ Params: { traineeId: string } }>) {
    const id = parseId(request.params.traineeId);
    return id === undefined ? undefined : providerTrainee(db, providerOf(request), id);
  }

  async function renderRecommend(
    request: FastifyRequest,
    reply: FastifyReply,
    trainee: Trainee,
    form: { errors: FormErrors; values: Record<string, unknown> } | null = null,
  ) {
    const { record } = await guardsFor(db, trainee, undefined);
    const finalReview = record.reviews.filter((r) => r.kind === 'final' && r.outcome === 'passed').at(-1);
    // The outcome date offered: the one typed, else the day the final assessment passed.
    const typed = form?.values['outcomeDate'];
    const outcomeDate = typeof typed === 'string' && typed !== 'invalid' && typed !== '' ? typed : finalReview?.date;
    const checked = (await guardsFor(db, trainee, outcomeDate)).guards;
    const values = form?.values ?? (outcomeDate ? dateValues(outcomeDate) : {});
    const errors = form?.errors ?? noErrors;
    return renderPage(reply.code(errors.errors.length ? 400 : 200), 'award/views/recommend.njk', {
      pageTitle: `${errors.errors.length ? 'Error: ' : ''}Recommend ${trainee.name} for iQTS`,
      currentPath: '/provider/trainees',
      backLink: { href: `/provider/trainees/${trainee.id}`, text: 'Back to the trainee' },
      csrfToken: csrfToken(request),
      errors: errors.errors,
      fieldErrors: errors.fieldErrors,
      trainee,
      inTraining: trainee.state === 'in-training',
      stateText: TRAINEE_STATES[trainee.state].toLowerCase(),
      guards: checked.map((g) => ({
        ...g,
        tag: g.holds ? { text: 'Met', classes: 'govuk-tag--green' } : { text: 'Not met', classes: 'govuk-tag--red' },
      })),
      // The outcome date comes with the form itself: the button shows once the record meets the rest.
      allHold: trainee.state === 'in-training' && recordReady(checked),
      dates: dateParts(values, ['outcomeDate']),
    });
  }

  const dateValues = (iso: string) => ({
    'outcomeDate-day': String(Number(iso.slice(8, 10))),
    'outcomeDate-month': String(Number(iso.slice(5, 7))),
    'outcomeDate-year': iso.slice(0, 4),
  });

  app.get<{ Params: { traineeId: string } }>(
    '/provider/trainees/:traineeId/recommend',
    permission,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      if (!trainee) return reply.callNotFound();
      return renderRecommend(request, reply, trainee);
    },
  );

  app.post<{ Params: { traineeId: string } }>(
    '/provider/trainees/:traineeId/recommend',
    permission,
    async (request, reply) => {
      const trainee = await loadTrainee(request);
      if (!trainee) return reply.callNotFound();
      const body = withDates(request.body, ['outcomeDate']);
      const form = parseForm(recommendForm, body, dateIds('outcomeDate'));
      if (!form.ok) return renderRecommend(request, reply, trainee, { errors: form, values: body });
      const result = await recommend(db, providerOf(request), trainee, form.data.outcomeDate, config.serviceUrl);
      if (!result.ok)
        return renderRecommend(request, reply, trainee, {
          errors: fieldError('outcomeDate', result.message, 'outcomeDate-day'),
          values: body,
        });
      return reply.redirect(`/provider/trainees/${trainee.id}`, 303);
    },
  );

  app.get<{ Params: { traineeId: string } }>('/provider/trainees/:traineeId/award', async (request, reply) => {
    const id = parseId(request.params.traineeId);
    const award = id === undefined ? undefined : await providerAward(db, providerOf(request), id);
    if (!award) return reply.callNotFound();
    return renderPage(reply, 'award/views/provider-award.njk', {
      pageTitle: `${award.name} – iQTS award`,
      currentPath: '/provider/trainees',
      backLink: { href: `/provider/trainees/${award.traineeId}`, text: 'Back to the trainee' },
      award,
      rows: [
        ['Teacher reference number (TRN)', award.trn],
        ['QTS held from', govukDate(award.outcomeDate)],
        ['Route', award.route],
        ['Training country', countryName(award.trainingCountry)],
        ['Age range', award.ageRange],
        ['Subjects', award.subjects.join(', ')],
        ['Awarded on', govukDate(award.awardedAt)],
        ...(award.revokedAt ? [['Revoked on', `${govukDate(award.revokedAt)}: ${award.revokeReason}`]] : []),
      ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
    });
  });

  function renderBulk(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: FormErrors; csv?: string; problems?: { line: number; message: string }[]; done?: number } = {},
  ) {
    const problems = state.problems ?? [];
    const errors =
      state.errors ??
      (problems.length
        ? fieldError(
            'csv',
            `There are problems on ${problems.length === 1 ? '1 line' : `${problems.length} lines`}: nothing has been recommended`,
          )
        : noErrors);
    return renderPage(reply.code(errors.errors.length ? 400 : 200), 'award/views/recommend-many.njk', {
      pageTitle: `${errors.errors.length ? 'Error: ' : ''}Recommend trainees for iQTS from a CSV`,
      currentPath: '/provider/trainees',
      backLink: { href: '/provider/trainees', text: 'Back to trainees' },
      csrfToken: csrfToken(request),
      errors: errors.errors,
      fieldErrors: errors.fieldErrors,
      csv: state.csv ?? '',
      columns: BULK_COLUMNS.join(','),
      maxRows: MAX_BULK_ROWS,
      problemRows: problems.map((p) => [{ text: String(p.line) }, { text: p.message }]),
      done: state.done,
    });
  }

  app.get('/provider/trainees/recommend-many', permission, (request, reply) => renderBulk(request, reply));

  app.post('/provider/trainees/recommend-many', permission, async (request, reply) => {
    const form = parseForm(bulkForm, request.body);
    if (!form.ok) return renderBulk(request, reply, { errors: form });
    const checked = checkBulkCsv(form.data.csv);
    if (checked.problems.length) return renderBulk(request, reply, { csv: form.data.csv, problems: checked.problems });
    const result = await recommendMany(db, providerOf(request), checked.rows, config.serviceUrl);
    if (!result.ok) return renderBulk(request, reply, { csv: form.data.csv, problems: result.problems });
    return renderBulk(request, reply, { done: result.count });
  });
}
