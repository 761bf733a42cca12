import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { csrfToken } from '../../platform/csrf.ts';
import { noErrors, parseForm, type FormErrors } from '../../platform/forms.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { dateIds, dateParts, isoDate, withDates } from '../training/forms.ts';
import { countRequest } from '../../db/rate-limits.ts';
import { awardByCode, checkRecord, type Award } from './repository.ts';
import { VERIFY_CODE_PATTERN } from './trn.ts';

/**
 * The public check of a teacher's record, outside any sign-in: a TRN and date of birth give
 * the name and QTS facts, and nothing else. Every miss reads the same, whichever field was
 * wrong; each request does the same work (one count, one indexed look-up). Requests are
 * limited per IP address in the database, so every process shares the limit.
 */
const checkForm = z.object({
  trn: z
    .string({ error: 'Enter the teacher reference number (TRN)' })
    .trim()
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Enter the teacher reference number (TRN)')
        .regex(/^\d{7}$/, 'The teacher reference number (TRN) must be 7 digits, like 1234567'),
    ),
  dateOfBirth: isoDate('the date of birth'),
});

/** What the check and the verification page show: the facts of QTS, no more. */
export function publicFacts(award: Award) {
  return {
    name: award.name,
    valid: award.revokedAt === null,
    since: govukDate(award.outcomeDate),
    route: award.route,
    country: countryName(award.trainingCountry),
  };
}

export function registerAwardPublicRoutes(
  app: FastifyInstance,
  db: Kysely<Database>,
  limit: { requests: number; windowSeconds: number },
): void {
  function renderCheck(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: FormErrors; values?: Record<string, unknown>; award?: Award | null } = {},
  ) {
    const errors = state.errors ?? noErrors;
    const values = state.values ?? {};
    const searched = state.award !== undefined;
    return renderPage(
      reply.code(errors.errors.length ? 400 : 200).header('cache-control', 'no-store'),
      'award/views/check.njk',
      {
        pageTitle: `${errors.errors.length ? 'Error: ' : ''}Check a teacher’s record`,
        csrfToken: csrfToken(request),
        errors: errors.errors,
        fieldErrors: errors.fieldErrors,
        trn: typeof values['trn'] === 'string' ? values['trn'].slice(0, 20) : '',
        dates: dateParts(values, ['dateOfBirth']),
        searched,
        record: state.award ? publicFacts(state.award) : null,
        noindex: true,
      },
    );
  }

  async function limited(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const { allowed, retryAfter } = await countRequest(db, `check:${request.ip}`, limit.requests, limit.windowSeconds);
    if (allowed) return false;
    const minutes = Math.max(1, Math.ceil(retryAfter / 60));
    renderPage(
      reply.code(429).header('retry-after', String(retryAfter)).header('cache-control', 'no-store'),
      'error.njk',
      {
        pageTitle: 'Too many checks',
        heading: 'You have checked too many records',
        paragraphs: [
          `To protect teachers’ records, you can make ${limit.requests} checks in ${limit.windowSeconds / 60} minutes.`,
          `Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`,
        ],
        noindex: true,
      },
    );
    return true;
  }

  app.get('/check-a-teachers-record', (request, reply) => renderCheck(request, reply));

  app.post('/check-a-teachers-record', async (request, reply) => {
    if (await limited(request, reply)) return reply;
    const body = withDates(request.body, ['dateOfBirth']);
    const form = parseForm(checkForm, body, { ...dateIds('dateOfBirth'), trn: 'trn' });
    // The same look-up whatever was typed, so a response's time says nothing about the record.
    const award = await checkRecord(
      db,
      form.ok ? form.data.trn : '0000000',
      form.ok ? form.data.dateOfBirth : '0000-00-00',
    );
    if (!form.ok) return renderCheck(request, reply, { errors: form, values: body });
    return renderCheck(request, reply, { values: body, award: award ?? null });
  });

  app.get<{ Params: { code: string } }>('/verify/:code', async (request, reply) => {
    if (await limited(request, reply)) return reply;
    const code = VERIFY_CODE_PATTERN.test(request.params.code) ? request.params.code : '';
    const award = await awardByCode(db, code);
    return renderPage(reply.code(award ? 200 : 404).header('cache-control', 'no-store'), 'award/views/verify.njk', {
      pageTitle: award ? 'Verify a certificate' : 'Certificate not found',
      record: award ? publicFacts(award) : null,
      noindex: true,
    });
  });
}
