import { RADII, SORTS } from '../providers/finder-query.ts';
import { APPROACHES, DELIVERY, PHASES, STUDY_MODES } from '../providers/model.ts';
import { DAY_KINDS, DAY_STATUSES } from '../training/day-log.ts';
import { TRAINEE_STATES } from '../training/state-machine.ts';
import { TRAINEES_PAGE_SIZE } from './trainee-routes.ts';

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
  const trainees = traineePaths(page, errors);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Get international qualified teacher status (iQTS) API',
      version: '1.0.0',
      description:
        'Approved iQTS training providers and their partner placement schools. Unknown values are null: the provider has not said. A provider’s own systems read its trainees under /api/v1/trainees with one of the provider’s API tokens.',
    },
    components: {
      securitySchemes: {
        providerToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API token made by a provider user who can manage users, at /provider/{providerId}/api-tokens. It starts iqts_api_ and reads only that provider’s trainees.',
        },
      },
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
      ...trainees,
    },
  };
}

/** The trainees API: token-only, each answer scoped to the token's provider. */
function traineePaths(page: object, errors: object) {
  const security = [{ providerToken: [] }];
  const problem = (description: string) => ({
    description,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { status: { type: 'integer' }, title: { type: 'string' }, detail: { type: 'string' } },
            },
          },
        },
      },
    },
  });
  const unauthorised = {
    ...problem('No token, not a token, or a token that has been revoked. The WWW-Authenticate header says Bearer.'),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' } } },
  };
  const notFound = problem('No such trainee, or another provider’s trainee: the two cannot be told apart');
  const json = (description: string, schema: object) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const traineeId = {
    name: 'traineeId',
    in: 'path',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
  };
  const state = {
    type: 'string',
    description: `The trainee’s state, as the service has it (today: ${Object.keys(TRAINEE_STATES).join(', ')}; the award adds more).`,
  };
  const date = { type: 'string', format: 'date' };
  const nullableDate = { type: ['string', 'null'], format: 'date' };
  const progress = {
    type: 'object',
    description: 'Time in school against the trainee’s criteria version: only confirmed days count',
    properties: {
      unit: { type: 'string', enum: ['days', 'weeks'] },
      required: { type: 'integer' },
      achieved: { type: 'number' },
      met: { type: 'boolean' },
      metOn: nullableDate,
      awaitingDays: { type: 'integer', description: 'Days logged, awaiting the mentor' },
      queriedDays: { type: 'integer', description: 'Days the mentor has queried' },
      projectedCompletion: nullableDate,
      behind: { type: 'boolean', description: 'At the pace so far, not met by the expected end date' },
    },
  };
  const query = (name: string, description: string, schema: object) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  return {
    '/api/v1/trainees': {
      get: {
        summary: 'The provider’s trainees, by name, with the same filters as the provider’s trainees list',
        security,
        parameters: [
          query('state', 'Only trainees in this state', { type: 'string', enum: Object.keys(TRAINEE_STATES) }),
          query('country', 'Training country: ISO 3166-1 alpha-2 code', { type: 'string', pattern: '^[A-Z]{2}$' }),
          query('school', 'Only trainees with a placement at this placement school id', { type: 'integer' }),
          query('mentor', 'Only trainees with a placement with this mentor id', { type: 'integer' }),
          query('behind', 'yes: only trainees in training who are behind', { type: 'string', enum: ['yes'] }),
          {
            ...page,
            description: `1-based page of ${TRAINEES_PAGE_SIZE} trainees; a page after the last is empty`,
            schema: { type: 'integer', minimum: 1, maximum: 99999 },
          },
        ],
        responses: {
          '200': json('The trainees on this page', {
            type: 'object',
            properties: {
              total: { type: 'integer' },
              page: { type: 'integer' },
              pages: { type: 'integer' },
              pageSize: { type: 'integer' },
              trainees: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    name: { type: 'string' },
                    state,
                    stateLabel: { type: 'string' },
                    trainingCountry: { type: 'string' },
                    startDate: date,
                    expectedEndDate: date,
                    criteriaVersion: { type: 'string' },
                    progress: {
                      type: 'object',
                      properties: {
                        unit: { type: 'string', enum: ['days', 'weeks'] },
                        required: { type: 'integer' },
                        achieved: { type: 'number' },
                        behind: { type: 'boolean' },
                      },
                    },
                  },
                },
              },
            },
          }),
          '400': { ...errors, description: 'A parameter is not valid, unknown or sent twice' },
          '401': unauthorised,
        },
      },
    },
    '/api/v1/trainees/{traineeId}': {
      get: {
        summary: 'One of the provider’s trainees: their course, placements and time in school',
        security,
        parameters: [traineeId],
        responses: {
          '200': json('The trainee', {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              name: { type: 'string' },
              sample: { type: 'boolean', description: 'Generated sample data, not a real person' },
              state,
              stateLabel: { type: 'string' },
              stateDate: { ...nullableDate, description: 'The date the provider gave for the latest state change' },
              startDate: date,
              expectedEndDate: date,
              studyMode: { type: 'string' },
              daysPerWeek: { type: 'integer' },
              ageRange: { type: 'string' },
              subjects: { type: 'array', items: { type: 'string' } },
              trainingCountry: { type: 'string' },
              trainingCountryName: { type: 'string' },
              criteriaVersion: { type: 'string' },
              cohort: { type: 'string' },
              updatedAt: { type: 'string', format: 'date-time' },
              placements: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    schoolId: { type: 'integer' },
                    schoolName: { type: 'string' },
                    mentorId: { type: 'integer' },
                    mentorName: { type: 'string' },
                    startDate: date,
                    endDate: date,
                    timeZone: { type: 'string', description: 'IANA time zone of the school' },
                  },
                },
              },
              progress,
            },
          }),
          '401': unauthorised,
          '404': notFound,
        },
      },
    },
    '/api/v1/trainees/{traineeId}/placement-days': {
      get: {
        summary: 'The trainee’s placement-day log, oldest first',
        security,
        parameters: [traineeId],
        responses: {
          '200': json('The days', {
            type: 'object',
            properties: {
              traineeId: { type: 'integer' },
              days: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    placementId: { type: 'integer' },
                    date,
                    halves: { type: 'integer', enum: [1, 2], description: '2: a full day; 1: a half day' },
                    kind: { type: 'string', enum: Object.keys(DAY_KINDS) },
                    note: { type: ['string', 'null'] },
                    status: { type: 'string', enum: Object.keys(DAY_STATUSES) },
                    queryReason: { type: ['string', 'null'] },
                  },
                },
              },
              progress,
            },
          }),
          '401': unauthorised,
          '404': notFound,
        },
      },
    },
    '/api/v1/trainees/{traineeId}/recommendation': {
      get: {
        summary: 'Where the trainee is on the way to the award: their state and the time in school',
        security,
        parameters: [traineeId],
        responses: {
          '200': json('The recommendation status', {
            type: 'object',
            properties: {
              traineeId: { type: 'integer' },
              state,
              stateLabel: { type: 'string' },
              recommendedForAward: { type: 'boolean' },
              stateDate: nullableDate,
              timeInSchool: {
                type: 'object',
                properties: { met: { type: 'boolean' }, metOn: nullableDate, queriedDays: { type: 'integer' } },
              },
            },
          }),
          '401': unauthorised,
          '404': notFound,
        },
      },
    },
  };
}
