import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { suggestPlaces, type Place } from '../../shared/places/places.ts';
import { parseProviderQuery, parseSchoolQuery } from '../providers/finder-query.ts';
import { countryName } from '../../shared/format.ts';
import { findProviders, findSchools, placeLabel } from '../providers/finder.ts';
import { openApiDocument } from './openapi.ts';
import { registerTraineeApiRoutes } from './trainee-routes.ts';

type Raw = Record<string, unknown>;

/** A place name that matches several places: the caller sends one of these ids as `place`. */
const ambiguous = (choices: Place[]) => ({
  errors: [{ field: 'near', message: 'More than one place has this name: send place with one of the ids in choices' }],
  choices: choices.map((p) => ({ id: p.id, name: placeLabel(p), country: p.country })),
});

/** The JSON API: the same filters and rules as the finder pages, for providers' own systems. */
export function registerApiRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  const document = JSON.stringify(openApiDocument());
  // The trainees API needs a provider's token: its own context, so the token check covers only it.
  void app.register(async (trainees) => registerTraineeApiRoutes(trainees, db));
  app.get('/api/v1/openapi.json', (_request, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(document),
  );

  app.get('/api/v1/providers', async (request, reply) => {
    const query = parseProviderQuery(request.query as Raw);
    if (query.errors.length) return reply.code(400).send({ errors: query.errors });
    if (query.resolution.choices) return reply.code(400).send(ambiguous(query.resolution.choices));
    const found = await findProviders(db, query);
    return {
      total: found.total,
      known: found.known,
      notSaid: found.notSaid,
      page: query.page,
      pages: found.pages,
      providers: found.results.map((r) => ({
        slug: r.provider.slug,
        name: r.provider.name,
        sample: r.provider.isSample,
        website: r.provider.website,
        coverage: {
          description: r.coverageText,
          ...r.provider.coverage,
          includesYou: r.coverage?.includes ?? null,
          reason: r.coverage?.reason ?? null,
        },
        placementApproaches: r.provider.placementApproaches,
        phases: r.provider.phases,
        subjects: r.provider.subjects,
        delivery: r.provider.delivery,
        studyModes: r.provider.studyModes,
        feeMinPence: r.provider.feeMinPence,
        feeMaxPence: r.provider.feeMaxPence,
        startMonths: r.provider.startMonths,
        publicFacts: r.provider.publicFacts,
        nearestPartnerSchoolKm: r.nearestKm === null ? null : Math.round(r.nearestKm * 10) / 10,
        notStated: r.notStated,
      })),
    };
  });

  app.get('/api/v1/placement-schools', async (request, reply) => {
    const query = parseSchoolQuery(request.query as Raw);
    const place = query.resolution.place;
    if (query.errors.length) return reply.code(400).send({ errors: query.errors });
    if (query.resolution.choices) return reply.code(400).send(ambiguous(query.resolution.choices));
    if (!place) return reply.code(400).send({ errors: [{ field: 'near', message: 'Enter a town or city' }] });
    const found = await findSchools(db, query, place);
    return {
      place: { id: place.id, name: placeLabel(place), lat: place.lat, lon: place.lon },
      radiusKm: query.radiusKm,
      total: found.total,
      page: query.page,
      pages: found.pages,
      schools: found.schools.map((s) => ({
        id: s.id,
        name: s.name,
        sample: s.isSample,
        town: s.town,
        country: s.country,
        countryName: countryName(s.country),
        lat: s.lat,
        lon: s.lon,
        distanceKm: Math.round(s.distanceKm * 10) / 10,
        phases: s.phases,
        languages: s.languages,
        verified: s.verified,
        providers: s.providers.map((p) => ({ slug: p.slug, name: p.name })),
      })),
    };
  });

  // Suggestions for the place look-up as the user types.
  app.get('/api/v1/places', async (request, reply) => {
    const q = (request.query as Raw)['q'];
    if (typeof q !== 'string' || q.length > 100)
      return reply.code(400).send({ errors: [{ field: 'q', message: 'Enter up to 100 characters' }] });
    return reply
      .header('cache-control', 'public, max-age=86400')
      .send({ places: suggestPlaces(q, 10).map((p) => ({ id: p.id, name: placeLabel(p), country: p.country })) });
  });
}
