import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { candidateOf } from '../../platform/auth.ts';
import { renderPage } from '../../platform/render.ts';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { certificatePdf, verifyUrl } from './certificate.ts';
import { ownAward } from './repository.ts';

/** The teacher's award: what they hold, the certificate, and what to do next. */
export function registerAwardCandidateRoutes(app: FastifyInstance, db: Kysely<Database>, config: Config): void {
  app.get('/award', async (request, reply) => {
    const award = await ownAward(db, candidateOf(request));
    if (!award) return reply.callNotFound();
    return renderPage(reply, 'award/views/award.njk', {
      pageTitle: award.revokedAt ? 'Your iQTS award has been revoked' : 'Your iQTS and QTS',
      currentPath: '/award',
      award,
      valid: award.revokedAt === null,
      revokedOn: govukDate(award.revokedAt),
      rows: [
        ['Teacher reference number (TRN)', award.trn],
        ['International qualified teacher status (iQTS)', `Awarded, from ${govukDate(award.outcomeDate)}`],
        ['Qualified teacher status (QTS)', `Held from ${govukDate(award.outcomeDate)}`],
        ['Route', award.route],
        ['Training provider', award.providerName],
        ['Training country', countryName(award.trainingCountry)],
        ['Age range', award.ageRange],
        ['Subjects', award.subjects.join(', ')],
      ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
      verifyUrl: verifyUrl(config.serviceUrl, award.verifyCode),
    });
  });

  app.get('/award/certificate.pdf', async (request, reply) => {
    const award = await ownAward(db, candidateOf(request));
    if (!award || award.revokedAt) return reply.callNotFound();
    const pdf = await certificatePdf(award, config.serviceUrl);
    return reply
      .type('application/pdf')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `inline; filename="iqts-certificate-${award.trn}.pdf"`)
      .send(Buffer.from(pdf));
  });
}
