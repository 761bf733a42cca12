import { RADII, SORTS } from '../providers/finder-query.ts';
import { APPROACHES, DELIVERY, PHASES, STUDY_MODES } from '../providers/model.ts';

/** OpenAPI 3.1 description of /api/v1, built from the same value lists the API checks against. */
export function openApiDocument() {
  const str = (description: string, values?: readonly string[]) => ({
    in: 'query',
    required: false,
    description,
    schema: { type: 'string', ...(values ? { enum: values } : {}) },
  });
  const errors = {
    description: 'A parameter is not valid. Each error names the parameter and says what to send.',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            errors: {
              type: 'array',
              items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
            },
            choices: {
              type: 'array',
              description: 'When a place name matches more than one place',
              items: {
                type: 'object',
                properties: { id: { type: 'integer' }, name: { type: 'string' }, country: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
  const place = [
    {
      name: 'near',
      ...str(
        'A town or city name; accents and case do not matter. Add ", CC" (ISO 3166-1 alpha-2) to choose a country.',
      ),
    },
    {
      name: 'place',
      in: 'query',
      required: false,
      description: 'A place id from /api/v1/places or from choices',
      schema: { type: 'integer' },
    },
  ];
  const page = {
    name: 'page',
    in: 'query',
    required: false,
    description: '1-based page of 20 results',
    schema: { type: 'integer', minimum: 1 },
  };
  const list = (items: object) => ({
    type: ['array', 'null'],
    description: 'null when the provider has not said',
    items,
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Get international qualified teacher status (iQTS) API',
      version: '1.0.0',
      description:
        'Approved iQTS training providers and their partner placement schools. Unknown values are null: the provider has not said.',
    },
    paths: {
      '/api/v1/providers': {
        get: {
          summary: 'Approved providers that take trainees where the candidate lives, with filters',
          parameters: [
            { name: 'country', ...str('Where the candidate lives: ISO 3166-1 alpha-2 code') },
            ...place,
            { name: 'phase', ...str('Age group', Object.keys(PHASES)) },
            { name: 'subject', ...str('Subject name') },
            { name: 'approach', ...str('Placement school approach', Object.keys(APPROACHES)) },
            { name: 'delivery', ...str('How the course is taught', Object.keys(DELIVERY)) },
            { name: 'mode', ...str('Study mode', Object.keys(STUDY_MODES)) },
            {
              name: 'maxFee',
              in: 'query',
              required: false,
              description: 'Maximum fee in whole pounds',
              schema: { type: 'integer', minimum: 0, maximum: 100000 },
            },
            { name: 'confirmed', ...str('yes: only providers that have stated values matching every filter', ['yes']) },
            { name: 'sort', ...str('Order of results; nearest needs a place', Object.keys(SORTS)) },
            page,
          ],
          responses: {
            '200': {
              description: 'Matching providers',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      total: { type: 'integer' },
                      known: {
                        type: 'integer',
                        description: 'Of the total, providers known to take trainees where the candidate lives',
                      },
                      notSaid: {
                        type: 'integer',
                        description: 'Of the total, providers that have not said whether they take trainees there',
                      },
                      page: { type: 'integer' },
                      pages: { type: 'integer' },
                      providers: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            slug: { type: 'string' },
                            name: { type: 'string' },
                            sample: { type: 'boolean', description: 'Generated sample data, not a real provider' },
                            website: { type: ['string', 'null'] },
                            coverage: {
                              type: 'object',
                              description:
                                'Where the provider takes trainees; includesYou is yes, no or unknown for the given place',
                            },
                            placementApproaches: list({ type: 'string', enum: Object.keys(APPROACHES) }),
                            phases: list({ type: 'string', enum: Object.keys(PHASES) }),
                            subjects: list({ type: 'string' }),
                            delivery: list({ type: 'string', enum: Object.keys(DELIVERY) }),
                            studyModes: list({ type: 'string', enum: Object.keys(STUDY_MODES) }),
                            feeMinPence: { type: ['integer', 'null'] },
                            feeMaxPence: { type: ['integer', 'null'] },
                            startMonths: list({ type: 'integer', minimum: 1, maximum: 12 }),
                            publicFacts: {
                              type: 'object',
                              description:
                                'What the provider’s own public pages say, each fact with its words (text), its address (source) and the date or intake the page shows (asOf, null when undated). The fields above are what the provider has told us; filters and sorts use them first, then these.',
                              additionalProperties: {
                                type: 'object',
                                properties: {
                                  text: { type: 'string' },
                                  source: { type: 'string', format: 'uri' },
                                  asOf: { type: ['string', 'null'] },
                                },
                                required: ['text', 'source', 'asOf'],
                              },
                            },
                            nearestPartnerSchoolKm: { type: ['number', 'null'] },
                            notStated: {
                              type: 'array',
                              items: { type: 'string' },
                              description: 'Filters the provider has not stated a value for',
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            '400': errors,
          },
        },
      },
      '/api/v1/placement-schools': {
        get: {
          summary: 'Partner schools of approved providers near a place, nearest first',
          parameters: [
            ...place,
            {
              name: 'radius',
              in: 'query',
              required: false,
              description: 'Kilometres (default 50)',
              schema: { type: 'integer', enum: [...RADII] },
            },
            page,
          ],
          responses: {
            '200': {
              description: 'Schools within the radius',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      place: { type: 'object' },
                      radiusKm: { type: 'integer' },
                      total: { type: 'integer' },
                      page: { type: 'integer' },
                      pages: { type: 'integer' },
                      schools: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            id: { type: 'integer' },
                            name: { type: 'string' },
                            sample: { type: 'boolean' },
                            town: { type: 'string' },
                            country: { type: 'string' },
                            distanceKm: { type: 'number' },
                            verified: { type: 'boolean' },
                            providers: {
                              type: 'array',
                              items: {
                                type: 'object',
                                properties: { slug: { type: 'string' }, name: { type: 'string' } },
                              },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            '400': errors,
          },
        },
      },
      '/api/v1/places': {
        get: {
          summary: 'Town and city suggestions for a typed prefix (GeoNames cities of 1,000 people or more)',
          parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 100 } }],
          responses: { '200': { description: 'Up to 10 places, largest first' }, '400': errors },
        },
      },
    },
  };
}
