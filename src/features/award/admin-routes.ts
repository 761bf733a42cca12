import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { adminOf, parseId } from '../../platform/auth.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { fieldError, noErrors, parseForm, requiredText, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { escapeHtml } from '../../shared/html.ts';
import { adminTrainee, type Trainee } from '../training/repository.ts';
import { TRAINEE_STATES } from '../training/state-machine.ts';
import {
  awardOfTrainee,
  awardTrainee,
  guardsFor,
  recentAwards,
  recommendations,
  returnToProvider,
  revokeAward,
} from './repository.ts';

/** The DfE's side: the queue of recommendations; award, return to the provider, revoke. */
const reasonForm = z.object({
  reason: requiredText({ missing: 'Enter the reason', tooLong: 'The reason must be 1,000 characters or fewer' }, 1000),
});

export function registerAwardAdminRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  app.get('/admin/awards', async (request, reply) => {
    const scope = adminOf(request);
    const [queue, awarded] = await Promise.all([recommendations(db, scope), recentAwards(db, scope)]);
    return renderPage(reply, 'award/views/admin-queue.njk', {
      pageTitle: 'Recommendations for iQTS',
      currentPath: '/admin',
      queue: queue.map((r) => [
        { html: `<a class="govuk-link" href="/admin/awards/${r.traineeId}">${escapeHtml(r.name)}</a>` },
        { text: r.providerName },
        { text: countryName(r.trainingCountry) },
        { text: govukDate(r.outcomeDate) },
        { text: govukDate(r.recommendedAt) },
      ]),
      awarded: awarded.map((a) => [
        { html: `<a class="govuk-link" href="/admin/awards/${a.traineeId}">${escapeHtml(a.name)}</a>` },
        { text: a.trn },
        { text: a.providerName },
        { text: govukDate(a.outcomeDate) },
        { text: a.revokedAt ? `Revoked on ${govukDate(a.revokedAt)}` : 'Holds QTS' },
      ]),
    });
  });

  async function load(request: FastifyRequest<{ Params: { traineeId: string } }>) {
    const id = parseId(request.params.traineeId);
    return id === undefined ? undefined : adminTrainee(db, adminOf(request), id);
  }

  async function renderOne(
    request: FastifyRequest,
    reply: FastifyReply,
    trainee: Trainee,
    problem: { form: 'return' | 'revoke' | 'award'; errors: FormErrors; values: Record<string, unknown> } | null = null,
  ) {
    const award = await awardOfTrainee(db, adminOf(request), trainee.id);
    const outcomeDate = award?.outcomeDate ?? trainee.stateDetail?.date;
    const { guards } = await guardsFor(db, trainee, outcomeDate);
    const errors = problem?.errors ?? noErrors;
    return renderPage(reply.code(errors.errors.length ? 400 : 200), 'award/views/admin-trainee.njk', {
      pageTitle: `${errors.errors.length ? 'Error: ' : ''}${trainee.name} – iQTS`,
      currentPath: '/admin',
      backLink: { href: '/admin/awards', text: 'Back to recommendations' },
      csrfToken: csrfToken(request),
      errors: errors.errors,
      fieldErrors: errors.fieldErrors,
      problemForm: problem?.form,
      values: problem?.values ?? {},
      trainee,
      state: TRAINEE_STATES[trainee.state],
      award,
      verifyUrl: award ? `${config.serviceUrl.replace(/\/+$/, '')}/verify/${award.verifyCode}` : undefined,
      details: [
        ['Status', TRAINEE_STATES[trainee.state]],
        ['Provider', trainee.providerName],
        ['Training country', countryName(trainee.trainingCountry)],
        ['Age range', trainee.ageRange],
        ['Subjects', trainee.subjects.join(', ')],
        ['Outcome date', govukDate(outcomeDate) || 'Not given'],
        ...(award
          ? [
              ['Teacher reference number (TRN)', award.trn],
              ['Awarded on', govukDate(award.awardedAt)],
              ...(award.revokedAt ? [['Revoked on', `${govukDate(award.revokedAt)}: ${award.revokeReason}`]] : []),
            ]
          : []),
      ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
      guards: guards.map((g) => ({ ...g, tag: g.holds ? 'Met' : 'Not met' })),
    });
  }

  app.get<{ Params: { traineeId: string } }>('/admin/awards/:traineeId', async (request, reply) => {
    const trainee = await load(request);
    if (!trainee) return reply.callNotFound();
    return renderOne(request, reply, trainee);
  });

  app.post<{ Params: { traineeId: string } }>('/admin/awards/:traineeId/award', async (request, reply) => {
    const trainee = await load(request);
    if (!trainee) return reply.callNotFound();
    const result = await awardTrainee(db, adminOf(request), trainee.id, config.serviceUrl);
    if (!result.ok)
      return renderOne(request, reply, trainee, {
        form: 'award',
        errors: fieldError('award', result.message),
        values: {},
      });
    return reply.redirect(`/admin/awards/${trainee.id}`, 303);
  });

  for (const action of ['return', 'revoke'] as const)
    app.post<{ Params: { traineeId: string } }>(`/admin/awards/:traineeId/${action}`, async (request, reply) => {
      const trainee = await load(request);
      if (!trainee) return reply.callNotFound();
      const form = parseForm(reasonForm, request.body, { reason: `${action}-reason` });
      if (!form.ok) return renderOne(request, reply, trainee, { form: action, errors: form, values: form.values });
      const change = action === 'return' ? returnToProvider : revokeAward;
      const result = await change(db, adminOf(request), trainee, form.data.reason, config.serviceUrl);
      if (!result.ok)
        return renderOne(request, reply, trainee, {
          form: action,
          errors: fieldError('reason', result.message, `${action}-reason`),
          values: form.values,
        });
      return reply.redirect(action === 'return' ? '/admin/awards' : `/admin/awards/${trainee.id}`, 303);
    });
}
