import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { parseId } from '../../platform/auth.ts';
import { countryName } from '../../shared/format.ts';
import { pageCount } from '../../shared/pagination.ts';
import { providerScope, type ProviderScope } from '../../shared/scope.ts';
import {
  listTrainees,
  providerTrainee,
  traineeRecord,
  type TraineeFilters,
  type TraineeRecord,
} from '../training/repository.ts';
import type { Progress } from '../training/requirements.ts';
import { isTraineeState, TRAINEE_STATES } from '../training/state-machine.ts';
import { authenticateToken, type ApiCaller } from './repository.ts';
import { bearerToken } from './tokens.ts';

/**
 * The trainees API for providers' own systems: a provider's trainees, one trainee, their
 * placement days and where they are on the way to the award. Every request carries one of
 * the provider's API tokens (`Authorization: Bearer …`) and reads with that provider's
 * scope only: another provider's trainee is 404, exactly like a missing one. Read only.
 */
export const TRAINEES_PAGE_SIZE = 25;

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller & { scope: ProviderScope };
  }
}

const MESSAGES = {
  missing: 'Send an API token in the Authorization header: Bearer, a space, then the token',
  malformed: 'The Authorization header does not hold an API token: send Bearer, a space, then the token',
  refused: 'The API token is not valid: it may have been revoked. Ask a user who can manage users for a new one',
};

function unauthorised(reply: FastifyReply, problem: keyof typeof MESSAGES) {
  const error = problem === 'missing' ? '' : ', error="invalid_token"';
  return reply
    .code(401)
    .header('www-authenticate', `Bearer realm="iQTS API"${error}`)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({ error: { status: 401, title: 'Unauthorised', detail: MESSAGES[problem] } });
}

/** The token's provider, as a read scope. The API acts as the token: its id is what to audit. */
const callerOf = (request: FastifyRequest) => {
  if (!request.apiCaller) throw new Error('trainees API called outside its token check');
  return request.apiCaller;
};

type Raw = Record<string, unknown>;
const FILTERS = ['state', 'country', 'school', 'mentor', 'behind', 'page'] as const;
const id = (message: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,9}$/, message)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, message);
const listQuery = z.object({
  state: z
    .string()
    .refine(isTraineeState, `Send one of: ${Object.keys(TRAINEE_STATES).join(', ')}`)
    .optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Send an ISO 3166-1 alpha-2 country code, like NG')
    .optional(),
  school: id('Send a placement school id').optional(),
  mentor: id('Send a mentor id').optional(),
  behind: z.literal('yes', 'Send yes, or leave behind out').optional(),
  page: z
    .string()
    .regex(/^[1-9]\d{0,4}$/, 'Send a page number from 1 to 99999')
    .transform(Number)
    .optional(),
});

function parseList(raw: Raw): { filters: TraineeFilters } | { errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!(FILTERS as readonly string[]).includes(key))
      errors.push({ field: key, message: `Unknown parameter: send only ${FILTERS.join(', ')}` });
    else if (typeof value !== 'string') errors.push({ field: key, message: 'Send this parameter once' });
  }
  if (errors.length) return { errors };
  const parsed = listQuery.safeParse(raw);
  if (!parsed.success)
    return { errors: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'query'), message: i.message })) };
  const d = parsed.data;
  const filters: TraineeFilters = { page: d.page ?? 1 };
  if (d.state && isTraineeState(d.state)) filters.state = d.state;
  if (d.country) filters.country = d.country;
  if (d.school !== undefined) filters.schoolId = d.school;
  if (d.mentor !== undefined) filters.mentorId = d.mentor;
  if (d.behind) filters.behind = true;
  return { filters };
}

const progressJson = (p: Progress) => ({
  unit: p.unit,
  required: p.required,
  achieved: p.achieved,
  met: p.met,
  metOn: p.metOn,
  awaitingDays: p.awaitingDays,
  queriedDays: p.queriedDays,
  projectedCompletion: p.projectedCompletion,
  behind: p.behind,
});

const traineeJson = (r: TraineeRecord) => ({
  id: r.trainee.id,
  name: r.trainee.name,
  sample: r.trainee.isSample,
  state: r.trainee.state,
  stateLabel: (TRAINEE_STATES as Record<string, string>)[r.trainee.state] ?? r.trainee.state,
  stateDate: r.trainee.stateDetail?.date ?? null,
  startDate: r.trainee.startDate,
  expectedEndDate: r.trainee.expectedEndDate,
  studyMode: r.trainee.studyMode,
  daysPerWeek: r.trainee.daysPerWeek,
  ageRange: r.trainee.ageRange,
  subjects: r.trainee.subjects,
  trainingCountry: r.trainee.trainingCountry,
  trainingCountryName: countryName(r.trainee.trainingCountry),
  criteriaVersion: r.trainee.criteriaVersion,
  cohort: r.trainee.cohort,
  updatedAt: r.trainee.updatedAt,
  placements: r.placements.map((p) => ({
    id: p.id,
    schoolId: p.schoolId,
    schoolName: p.schoolName,
    mentorId: p.mentorId,
    mentorName: p.mentorName,
    startDate: p.startDate,
    endDate: p.endDate,
    timeZone: p.timeZone,
  })),
  progress: progressJson(r.progress),
});

export function registerTraineeApiRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  // Every route in this context needs a live token; nothing else is read before it is checked.
  app.addHook('onRequest', async (request, reply) => {
    const found = bearerToken(request.headers.authorization);
    if ('problem' in found) return unauthorised(reply, found.problem);
    const caller = await authenticateToken(db, found.token);
    if (!caller) return unauthorised(reply, 'refused');
    request.apiCaller = {
      ...caller,
      // Reads only: the scope's user is the token's maker; the token id identifies the caller.
      scope: providerScope(caller.createdByUserId ?? 0, 'view', [caller.providerId]),
    };
    reply.header('cache-control', 'no-store').header('vary', 'authorization');
  });

  app.get('/api/v1/trainees', async (request, reply) => {
    const parsed = parseList(request.query as Raw);
    if ('errors' in parsed) return reply.code(400).send({ errors: parsed.errors });
    const { filters } = parsed;
    const { total, rows } = await listTrainees(db, callerOf(request).scope, filters, TRAINEES_PAGE_SIZE);
    return {
      total,
      page: filters.page,
      pages: pageCount(total, TRAINEES_PAGE_SIZE),
      pageSize: TRAINEES_PAGE_SIZE,
      trainees: rows.map((t) => ({
        id: t.id,
        name: t.name,
        state: t.state,
        stateLabel: (TRAINEE_STATES as Record<string, string>)[t.state] ?? t.state,
        trainingCountry: t.trainingCountry,
        startDate: t.startDate,
        expectedEndDate: t.expectedEndDate,
        criteriaVersion: t.criteriaVersion,
        progress: { unit: t.unit, required: t.required, achieved: t.achieved, behind: t.behind },
      })),
    };
  });

  type Params = { Params: { traineeId: string } };
  /** The trainee, when the token's provider trains them; undefined (→ 404) for anyone else's or none. */
  const findTrainee = async (request: FastifyRequest<Params>) => {
    const traineeId = parseId(request.params.traineeId);
    const trainee = traineeId ? await providerTrainee(db, callerOf(request).scope, traineeId) : undefined;
    return trainee && traineeRecord(db, trainee);
  };

  app.get<Params>('/api/v1/trainees/:traineeId', async (request, reply) => {
    const record = await findTrainee(request);
    if (!record) return reply.callNotFound();
    return traineeJson(record);
  });

  app.get<Params>('/api/v1/trainees/:traineeId/placement-days', async (request, reply) => {
    const record = await findTrainee(request);
    if (!record) return reply.callNotFound();
    return {
      traineeId: record.trainee.id,
      days: record.days.map((d) => ({
        id: d.id,
        placementId: d.placementId,
        date: d.date,
        halves: d.halves,
        kind: d.kind,
        note: d.note,
        status: d.status,
        queryReason: d.queryReason,
      })),
      progress: progressJson(record.progress),
    };
  });

  app.get<Params>('/api/v1/trainees/:traineeId/recommendation', async (request, reply) => {
    const record = await findTrainee(request);
    if (!record) return reply.callNotFound();
    const { trainee, progress } = record;
    return {
      traineeId: trainee.id,
      state: trainee.state,
      stateLabel: (TRAINEE_STATES as Record<string, string>)[trainee.state] ?? trainee.state,
      // Recommended, whatever the DfE has decided since (awarded, or awarded then revoked).
      recommendedForAward: ['recommended', 'awarded', 'revoked'].includes(trainee.state),
      stateDate: trainee.stateDetail?.date ?? null,
      timeInSchool: { met: progress.met, metOn: progress.metOn, queriedDays: progress.queriedDays },
    };
  });
}
