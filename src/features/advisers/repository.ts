import { createEvent } from 'ics';
import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database } from '../../db/schema.ts';
import { enqueueEmail } from '../../notifications/outbox.ts';
import type { AdminScope, AdviserScope, CandidateScope } from '../../shared/scope.ts';
import { ENGLAND, momentInZone, safeZone } from '../../shared/zoned-time.ts';
import { accountFor } from '../accounts/repository.ts';
import type { Outcome, SignUpAnswers } from './questions.ts';
import { BOOKING_DAYS, generateSlots, slotKey, type Slot, type WeeklyHours } from './slots.ts';

/**
 * Advisers, their hours, candidates' requests, callbacks and call notes: the only module
 * that reads or writes the adviser tables. An adviser reads their own candidates and the
 * shared queue of requests nobody has taken; another adviser's candidate is not found.
 * A slot is booked once: the database's unique index over booked callbacks decides.
 */
type Db = Kysely<Database>;
type Trx = Transaction<Database>;

export type Result<T = void> = { ok: true; value: T } | { ok: false; field: string; message: string };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const refuse = (field: string, message: string): Result<never> => ({ ok: false, field, message });

// ---------------------------------------------------------------- DfE admins add advisers

export async function addAdviser(
  db: Db,
  scope: AdminScope,
  input: { email: string; name: string; serviceUrl: string },
  now = new Date(),
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await trx.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst();
    const user = await accountFor(trx, { email: input.email, name: input.name, role: 'adviser' }, now);
    if (user.role !== 'adviser') {
      return refuse('email', 'This email address belongs to another kind of account: use another address');
    }
    if (before) return refuse('email', 'This person is already an adviser');
    // Advisers work in UK hours: they read times in London time.
    await trx.updateTable('users').set({ time_zone: ENGLAND }).where('id', '=', user.id).execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'add-adviser',
        detail: { userId: user.id },
      },
      now,
    );
    await enqueueEmail(
      trx,
      {
        to: input.email,
        template: 'adviser-added',
        personalisation: { name: input.name, serviceUrl: input.serviceUrl },
      },
      now,
    );
    return ok(undefined);
  });
}

export async function allAdvisers(db: Db, _scope: AdminScope | AdviserScope) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('role', '=', 'adviser')
    .orderBy('name')
    .orderBy('email')
    .execute();
}

// ---------------------------------------------------------------- advisers' hours

export async function adviserHours(db: Db, scope: AdviserScope) {
  const hours = await db
    .selectFrom('adviser_availability')
    .select(['id', 'weekday', 'start_time', 'end_time', 'slot_minutes'])
    .where('adviser_id', '=', scope.userId)
    .orderBy('weekday')
    .orderBy('start_time')
    .execute();
  const daysOff = await db
    .selectFrom('adviser_days_off')
    .select(['id', 'date'])
    .where('adviser_id', '=', scope.userId)
    .orderBy('date')
    .execute();
  return { hours, daysOff };
}

export async function addHours(
  db: Db,
  scope: AdviserScope,
  input: { weekday: number; startTime: string; endTime: string; slotMinutes: number },
  now = new Date(),
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const existing = await trx
      .selectFrom('adviser_availability')
      .select(['start_time', 'end_time'])
      .where('adviser_id', '=', scope.userId)
      .where('weekday', '=', input.weekday)
      .execute();
    if (existing.some((h) => h.start_time < input.endTime && input.startTime < h.end_time)) {
      return refuse('startTime', 'These hours overlap hours you already have on that day');
    }
    await trx
      .insertInto('adviser_availability')
      .values({
        adviser_id: scope.userId,
        weekday: input.weekday,
        start_time: input.startTime,
        end_time: input.endTime,
        slot_minutes: input.slotMinutes,
        created_at: now.toISOString(),
      })
      .execute();
    await recordAudit(
      trx,
      { actorUserId: scope.userId, providerId: null, applicationId: null, action: 'adviser-add-hours', detail: input },
      now,
    );
    return ok(undefined);
  });
}

export async function removeHours(db: Db, scope: AdviserScope, id: number, now = new Date()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('adviser_availability')
      .where('id', '=', id)
      .where('adviser_id', '=', scope.userId)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) return false;
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-remove-hours',
        detail: { id },
      },
      now,
    );
    return true;
  });
}

export async function addDayOff(db: Db, scope: AdviserScope, date: string, now = new Date()): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const added = await trx
      .insertInto('adviser_days_off')
      .values({ adviser_id: scope.userId, date, created_at: now.toISOString() })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!added) return refuse('day', 'You already have this day off');
    await recordAudit(
      trx,
      { actorUserId: scope.userId, providerId: null, applicationId: null, action: 'adviser-day-off', detail: { date } },
      now,
    );
    return ok(undefined);
  });
}

// ---------------------------------------------------------------- slots

/** Free slots from now, of every adviser (or one), with nothing booked in them. */
export async function freeSlots(db: Db, options: { now?: Date; adviserId?: number } = {}): Promise<Slot[]> {
  const now = options.now ?? new Date();
  let hoursQuery = db
    .selectFrom('adviser_availability as a')
    .innerJoin('users as u', 'u.id', 'a.adviser_id')
    .select(['a.adviser_id', 'a.weekday', 'a.start_time', 'a.end_time', 'a.slot_minutes'])
    .where('u.role', '=', 'adviser');
  if (options.adviserId !== undefined) hoursQuery = hoursQuery.where('a.adviser_id', '=', options.adviserId);
  const rows = await hoursQuery.execute();
  if (rows.length === 0) return [];
  const until = new Date(now.getTime() + (BOOKING_DAYS + 2) * 86_400_000).toISOString();
  const daysOff = await db.selectFrom('adviser_days_off').select(['adviser_id', 'date']).execute();
  const booked = await db
    .selectFrom('adviser_callbacks')
    .select(['adviser_id', 'starts_at'])
    .where('status', '=', 'booked')
    .where('starts_at', '>=', now.toISOString())
    .where('starts_at', '<=', until)
    .execute();
  const hours: WeeklyHours[] = rows.map((r) => ({
    adviserId: r.adviser_id,
    weekday: r.weekday,
    startTime: r.start_time,
    endTime: r.end_time,
    slotMinutes: r.slot_minutes,
  }));
  return generateSlots({
    hours,
    daysOff: daysOff.map((d) => ({ adviserId: d.adviser_id, date: d.date })),
    booked: new Set(booked.map((b) => slotKey(b.adviser_id, new Date(b.starts_at)))),
    now,
  });
}

// ---------------------------------------------------------------- candidates

export type AdviserRequest = NonNullable<Awaited<ReturnType<typeof candidateRequest>>>;

export async function candidateRequest(db: Db, scope: CandidateScope) {
  return db
    .selectFrom('adviser_requests as r')
    .leftJoin('users as a', 'a.id', 'r.adviser_id')
    .selectAll('r')
    .select(['a.name as adviser_name', 'a.email as adviser_email'])
    .where('r.candidate_id', '=', scope.candidateId)
    .executeTakeFirst();
}

/** The candidate's booked call, if any. */
export async function nextCall(db: Db, requestId: number) {
  return db
    .selectFrom('adviser_callbacks as c')
    .innerJoin('users as u', 'u.id', 'c.adviser_id')
    .select(['c.id', 'c.starts_at', 'c.ends_at', 'c.adviser_id', 'u.name as adviser_name'])
    .where('c.request_id', '=', requestId)
    .where('c.status', '=', 'booked')
    .executeTakeFirst();
}

/** Asks for an adviser, or updates the request already made (one per candidate). */
export async function submitRequest(
  db: Db,
  scope: CandidateScope,
  input: {
    answers: Required<Pick<SignUpAnswers, 'name' | 'country' | 'timeZone' | 'phone' | 'stage' | 'ageGroup'>> &
      SignUpAnswers;
    email: string;
    eligibility: Record<string, string> | null;
  },
  now = new Date(),
): Promise<number> {
  const a = input.answers;
  const stamp = now.toISOString();
  const values = {
    name: a.name,
    email: input.email,
    country: a.country,
    time_zone: a.timeZone,
    phone: a.phone,
    stage: a.stage,
    age_group: a.ageGroup,
    subject: a.subject ?? '',
    degree_status: a.degreeStatus ?? 'have-degree',
    help_with: JSON.stringify(a.helpWith ?? []),
    help_detail: a.helpDetail || null,
    contact_consent: 1,
    share_consent: a.shareConsent === 'yes' ? 1 : 0,
    eligibility: a.shareConsent === 'yes' && input.eligibility ? JSON.stringify(input.eligibility) : null,
    updated_at: stamp,
  };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('adviser_requests')
      .values({ ...values, candidate_id: scope.candidateId, created_at: stamp })
      .onConflict((oc) => oc.column('candidate_id').doUpdateSet(values))
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('users')
      .set({ name: a.name, time_zone: a.timeZone })
      .where('id', '=', scope.userId)
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-request',
        detail: { requestId: row.id, stage: a.stage, country: a.country, shareConsent: values.share_consent },
      },
      now,
    );
    return row.id;
  });
}

/** The candidate changes whether their adviser may see their eligibility answers and application. */
export async function setSharing(
  db: Db,
  scope: CandidateScope,
  share: boolean,
  eligibility: Record<string, string> | null,
  now = new Date(),
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('adviser_requests')
      .set({
        share_consent: share ? 1 : 0,
        // Withdrawing consent removes the copy; giving it keeps the answers already shared or takes new ones.
        eligibility: share ? (eligibility ? JSON.stringify(eligibility) : sql<string | null>`eligibility`) : null,
        updated_at: now.toISOString(),
      })
      .where('candidate_id', '=', scope.candidateId)
      .returning('id')
      .executeTakeFirst();
    if (!changed) return false;
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: share ? 'adviser-sharing-given' : 'adviser-sharing-withdrawn',
        detail: { requestId: changed.id },
      },
      now,
    );
    return true;
  });
}

/** Email contact only: no call. Cancels a booked one. */
export async function chooseEmailOnly(db: Db, scope: CandidateScope, now = new Date()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const request = await trx
      .updateTable('adviser_requests')
      .set({ contact_by: 'email', updated_at: now.toISOString() })
      .where('candidate_id', '=', scope.candidateId)
      .returning('id')
      .executeTakeFirst();
    if (!request) return false;
    await trx
      .updateTable('adviser_callbacks')
      .set({ status: 'cancelled', updated_at: now.toISOString() })
      .where('request_id', '=', request.id)
      .where('status', '=', 'booked')
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-email-only',
        detail: { requestId: request.id },
      },
      now,
    );
    return true;
  });
}

class SlotTaken extends Error {}

export type BookingResult = { ok: true; callbackId: number } | { ok: false; reason: 'taken' | 'no-request' };

/** The calendar file for a call: a UTC start, so every calendar shows it in its own zone. */
export function callCalendar(call: { id: number; starts_at: string; ends_at: string }, serviceUrl: string): string {
  const start = Date.parse(call.starts_at);
  const minutes = Math.round((Date.parse(call.ends_at) - start) / 60_000);
  const made = createEvent({
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes },
    title: 'Call with your iQTS teacher training adviser',
    description: `Your adviser will phone you. To move or cancel the call: ${serviceUrl.replace(/\/+$/, '')}/advisers/your-adviser`,
    uid: `adviser-call-${call.id}@iqts`,
    productId: 'iqts/advisers',
  });
  if (made.error || !made.value) throw made.error ?? new Error('calendar file not made');
  return made.value;
}

/**
 * Books a slot for the candidate's request, moving any call already booked. The insert
 * does nothing when the slot was booked first (the unique index over booked callbacks),
 * and then the move is undone: exactly one of any number of concurrent bookings wins.
 */
export async function bookCallback(
  db: Db,
  scope: CandidateScope,
  slot: { adviserId: number; start: Date; slotMinutes: number },
  serviceUrl: string,
  now = new Date(),
): Promise<BookingResult> {
  const stamp = now.toISOString();
  try {
    return await db.transaction().execute(async (trx): Promise<BookingResult> => {
      const request = await trx
        .selectFrom('adviser_requests')
        .select(['id', 'email', 'name', 'time_zone'])
        .where('candidate_id', '=', scope.candidateId)
        .executeTakeFirst();
      if (!request) return { ok: false, reason: 'no-request' };
      const moved = await trx
        .updateTable('adviser_callbacks')
        .set({ status: 'moved', updated_at: stamp })
        .where('request_id', '=', request.id)
        .where('status', '=', 'booked')
        .returning('id')
        .execute();
      const ends = new Date(slot.start.getTime() + slot.slotMinutes * 60_000);
      const added = await trx
        .insertInto('adviser_callbacks')
        .values({
          request_id: request.id,
          adviser_id: slot.adviserId,
          starts_at: slot.start.toISOString(),
          ends_at: ends.toISOString(),
          status: 'booked',
          created_at: stamp,
          updated_at: stamp,
        })
        .onConflict((oc) => oc.doNothing())
        .returning(['id', 'starts_at', 'ends_at'])
        .executeTakeFirst();
      if (!added) throw new SlotTaken();
      await trx
        .updateTable('adviser_requests')
        .set({ contact_by: 'call', updated_at: stamp })
        .where('id', '=', request.id)
        .execute();
      await recordAudit(
        trx,
        {
          actorUserId: scope.userId,
          providerId: null,
          applicationId: null,
          action: moved.length ? 'adviser-call-moved' : 'adviser-call-booked',
          detail: { requestId: request.id, callbackId: added.id, startsAt: added.starts_at },
        },
        now,
      );
      const zone = safeZone(request.time_zone);
      const calendarPath = `/advisers/your-adviser/call.ics`;
      await enqueueEmail(
        trx,
        {
          to: request.email,
          template: 'adviser-call-booked',
          personalisation: {
            name: request.name,
            when: momentInZone(zone, slot.start),
            whenUk: momentInZone(ENGLAND, slot.start),
            calendarUrl: `${serviceUrl.replace(/\/+$/, '')}${calendarPath}`,
            serviceUrl,
          },
          attachments: [
            { filename: 'adviser-call.ics', contentType: 'text/calendar', content: callCalendar(added, serviceUrl) },
          ],
        },
        now,
      );
      return { ok: true, callbackId: added.id };
    });
  } catch (error) {
    if (error instanceof SlotTaken) return { ok: false, reason: 'taken' };
    // PostgreSQL: a concurrent booking of the same slot committed between our check and insert.
    if ((error as { code?: string }).code === '23505') return { ok: false, reason: 'taken' };
    throw error;
  }
}

export async function cancelCallback(db: Db, scope: CandidateScope, serviceUrl: string, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const call = await trx
      .updateTable('adviser_callbacks')
      .set({ status: 'cancelled', updated_at: now.toISOString() })
      .where('status', '=', 'booked')
      .where('request_id', '=', (eb) =>
        eb.selectFrom('adviser_requests').select('id').where('candidate_id', '=', scope.candidateId),
      )
      .returning(['id', 'request_id', 'starts_at'])
      .executeTakeFirst();
    if (!call) return false;
    const request = await trx
      .selectFrom('adviser_requests')
      .select(['email', 'name', 'time_zone'])
      .where('id', '=', call.request_id)
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-call-cancelled',
        detail: { requestId: call.request_id, callbackId: call.id },
      },
      now,
    );
    await enqueueEmail(
      trx,
      {
        to: request.email,
        template: 'adviser-call-cancelled',
        personalisation: {
          name: request.name,
          when: momentInZone(safeZone(request.time_zone), new Date(call.starts_at)),
          serviceUrl,
        },
      },
      now,
    );
    return true;
  });
}

/** The candidate's application status, for their adviser when they consent. */
async function applicationStatus(db: Db | Trx, candidateId: number) {
  return db
    .selectFrom('applications as a')
    .innerJoin('providers as p', 'p.id', 'a.provider_id')
    .select(['a.reference', 'a.status', 'p.name as provider_name'])
    .where('a.candidate_id', '=', candidateId)
    .orderBy('a.id', 'desc')
    .execute();
}

// ---------------------------------------------------------------- advisers' queue and candidates

export interface QueueFilters {
  country?: string;
  zone?: string;
  stage?: string;
}
export const QUEUE_PAGE_SIZE = 20;

/** Requests nobody has taken yet, oldest first: the shared queue. */
export async function queue(db: Db, _scope: AdviserScope, filters: QueueFilters, page: number) {
  let q = db.selectFrom('adviser_requests as r').where('r.adviser_id', 'is', null);
  if (filters.country) q = q.where('r.country', '=', filters.country);
  if (filters.zone) q = q.where('r.time_zone', '=', filters.zone);
  if (filters.stage) q = q.where('r.stage', '=', filters.stage);
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .leftJoin('adviser_callbacks as c', (join) => join.onRef('c.request_id', '=', 'r.id').on('c.status', '=', 'booked'))
    .select([
      'r.id',
      'r.name',
      'r.country',
      'r.time_zone',
      'r.stage',
      'r.contact_by',
      'r.created_at',
      'c.starts_at as call_at',
    ])
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(QUEUE_PAGE_SIZE)
    .offset((page - 1) * QUEUE_PAGE_SIZE)
    .execute();
  return { rows, total };
}

/** The filters' choices: the countries and zones with requests in the queue. */
export async function queueChoices(db: Db, _scope: AdviserScope) {
  const rows = await db
    .selectFrom('adviser_requests')
    .select(['country', 'time_zone'])
    .where('adviser_id', 'is', null)
    .distinct()
    .execute();
  return {
    countries: [...new Set(rows.map((r) => r.country))].sort(),
    zones: [...new Set(rows.map((r) => r.time_zone))].sort(),
  };
}

/** This adviser's candidates, with each one's next call and follow-up date. */
export async function myCandidates(db: Db, scope: AdviserScope) {
  return db
    .selectFrom('adviser_requests as r')
    .leftJoin('adviser_callbacks as c', (join) => join.onRef('c.request_id', '=', 'r.id').on('c.status', '=', 'booked'))
    .select([
      'r.id',
      'r.name',
      'r.country',
      'r.time_zone',
      'r.stage',
      'r.outcome',
      'r.follow_up_on',
      'c.starts_at as call_at',
    ])
    .where('r.adviser_id', '=', scope.userId)
    .orderBy('r.follow_up_on')
    .orderBy('r.id')
    .execute();
}

/**
 * One request as an adviser may see it: in the queue, or theirs. Another adviser's
 * candidate is undefined, exactly like a missing one. Notes, shared answers and the
 * application status come only with their own candidates (the last two with consent).
 */
export async function requestForAdviser(db: Db, scope: AdviserScope, id: number) {
  const request = await db
    .selectFrom('adviser_requests as r')
    .leftJoin('users as a', 'a.id', 'r.adviser_id')
    .selectAll('r')
    .select(['a.name as adviser_name'])
    .where('r.id', '=', id)
    .where((eb) => eb.or([eb('r.adviser_id', 'is', null), eb('r.adviser_id', '=', scope.userId)]))
    .executeTakeFirst();
  if (!request) return undefined;
  const mine = request.adviser_id === scope.userId;
  const call = await db
    .selectFrom('adviser_callbacks as c')
    .innerJoin('users as u', 'u.id', 'c.adviser_id')
    .select(['c.id', 'c.starts_at', 'c.ends_at', 'c.adviser_id', 'u.name as adviser_name'])
    .where('c.request_id', '=', id)
    .where('c.status', '=', 'booked')
    .executeTakeFirst();
  const notes = mine
    ? await db
        .selectFrom('adviser_notes as n')
        .innerJoin('users as u', 'u.id', 'n.adviser_id')
        .select(['n.id', 'n.outcome', 'n.note', 'n.follow_up_on', 'n.created_at', 'u.name as adviser_name'])
        .where('n.request_id', '=', id)
        .orderBy('n.id', 'desc')
        .execute()
    : [];
  const shared = mine && request.share_consent === 1;
  return {
    request: { ...request, eligibility: shared ? request.eligibility : null },
    mine,
    call,
    notes,
    applications: shared ? await applicationStatus(db, request.candidate_id) : null,
  };
}

/** Moves a request's booked call into another adviser's diary, unless they have a call at that time. */
async function moveCallTo(trx: Trx, requestId: number, adviserId: number, stamp: string) {
  await trx
    .updateTable('adviser_callbacks')
    .set({ adviser_id: adviserId, updated_at: stamp })
    .where('request_id', '=', requestId)
    .where('status', '=', 'booked')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('adviser_callbacks as other')
            .select('other.id')
            .where('other.adviser_id', '=', adviserId)
            .where('other.status', '=', 'booked')
            .whereRef('other.starts_at', '=', 'adviser_callbacks.starts_at'),
        ),
      ),
    )
    .execute();
}

/** Takes a request from the queue: once, whoever else tries at the same moment. */
export async function takeRequest(
  db: Db,
  scope: AdviserScope,
  id: number,
  now = new Date(),
): Promise<Result | 'not-found'> {
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result | 'not-found'> => {
    const taken = await trx
      .updateTable('adviser_requests')
      .set({ adviser_id: scope.userId, taken_at: stamp, updated_at: stamp })
      .where('id', '=', id)
      .where('adviser_id', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!taken) {
      const mine = await trx
        .selectFrom('adviser_requests')
        .select('adviser_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!mine || (mine.adviser_id !== null && mine.adviser_id !== scope.userId)) return 'not-found';
      return refuse('take', 'You have already taken this candidate');
    }
    await moveCallTo(trx, id, scope.userId, stamp);
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-take',
        detail: { requestId: id },
      },
      now,
    );
    return ok(undefined);
  });
}

/** Records a call (or an attempt): a note, the outcome and when to follow up. The booked call is kept or missed. */
export async function recordCall(
  db: Db,
  scope: AdviserScope,
  id: number,
  input: { outcome: Outcome; note: string; followUpOn: string | null },
  now = new Date(),
): Promise<Result | 'not-found'> {
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result | 'not-found'> => {
    const request = await trx
      .updateTable('adviser_requests')
      .set((eb) => ({
        outcome: input.outcome,
        follow_up_on: input.followUpOn,
        // Time to first contact counts from the first call that reached the candidate.
        first_contact_at:
          input.outcome === 'no-answer'
            ? eb.ref('first_contact_at')
            : eb.fn.coalesce('first_contact_at', eb.val(stamp)),
        updated_at: stamp,
      }))
      .where('id', '=', id)
      .where('adviser_id', '=', scope.userId)
      .returning('id')
      .executeTakeFirst();
    if (!request) return 'not-found';
    await trx
      .insertInto('adviser_notes')
      .values({
        request_id: id,
        adviser_id: scope.userId,
        outcome: input.outcome,
        note: input.note,
        follow_up_on: input.followUpOn,
        created_at: stamp,
      })
      .execute();
    // A booked call whose time has come is now kept, or missed when nobody answered.
    await trx
      .updateTable('adviser_callbacks')
      .set({ status: input.outcome === 'no-answer' ? 'missed' : 'kept', updated_at: stamp })
      .where('request_id', '=', id)
      .where('status', '=', 'booked')
      .where('starts_at', '<=', new Date(now.getTime() + 60 * 60_000).toISOString())
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-record-call',
        detail: { requestId: id, outcome: input.outcome, followUpOn: input.followUpOn },
      },
      now,
    );
    return ok(undefined);
  });
}

/** Hands a candidate over to a colleague, with their booked call when the colleague is free then. */
export async function handOver(
  db: Db,
  scope: AdviserScope,
  id: number,
  colleagueId: number,
  now = new Date(),
): Promise<Result | 'not-found'> {
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx): Promise<Result | 'not-found'> => {
    const mine = await trx
      .selectFrom('adviser_requests')
      .select('id')
      .where('id', '=', id)
      .where('adviser_id', '=', scope.userId)
      .executeTakeFirst();
    if (!mine) return 'not-found';
    const colleague = await trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', colleagueId)
      .where('role', '=', 'adviser')
      .where('id', '!=', scope.userId)
      .executeTakeFirst();
    if (!colleague) return refuse('colleagueId', 'Select a colleague to hand over to');
    await trx
      .updateTable('adviser_requests')
      .set({ adviser_id: colleagueId, updated_at: stamp })
      .where('id', '=', id)
      .where('adviser_id', '=', scope.userId)
      .execute();
    await moveCallTo(trx, id, colleagueId, stamp);
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId: null,
        applicationId: null,
        action: 'adviser-hand-over',
        detail: { requestId: id, to: colleagueId },
      },
      now,
    );
    return ok(undefined);
  });
}

// ---------------------------------------------------------------- figures for oversight

export interface AdviserFigures {
  /** Requests made, by the candidate's country and the month (UTC) they asked: "2027-03". */
  requestsByCountryMonth: { country: string; month: string; requests: number }[];
  /** From a request to the first call that reached the candidate, in hours. */
  timeToFirstContact: { contacted: number; waiting: number; medianHours: number | null; meanHours: number | null };
  /** Callbacks by what became of them. */
  callbacks: { booked: number; kept: number; missed: number; cancelled: number; moved: number };
}

/** Figures for the DfE oversight dashboard. */
export async function adviserFigures(db: Db, _scope: AdminScope): Promise<AdviserFigures> {
  const requests = await db
    .selectFrom('adviser_requests')
    .select(['country', 'created_at', 'first_contact_at'])
    .execute();
  const byKey = new Map<string, { country: string; month: string; requests: number }>();
  const hours: number[] = [];
  let waiting = 0;
  for (const r of requests) {
    const month = r.created_at.slice(0, 7);
    const key = `${r.country}|${month}`;
    const entry = byKey.get(key) ?? { country: r.country, month, requests: 0 };
    entry.requests++;
    byKey.set(key, entry);
    if (r.first_contact_at) hours.push((Date.parse(r.first_contact_at) - Date.parse(r.created_at)) / 3_600_000);
    else waiting++;
  }
  hours.sort((a, b) => a - b);
  const median =
    hours.length === 0
      ? null
      : hours.length % 2
        ? hours[(hours.length - 1) / 2]!
        : (hours[hours.length / 2 - 1]! + hours[hours.length / 2]!) / 2;
  const calls = await db
    .selectFrom('adviser_callbacks')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const count = (status: string) => Number(calls.find((c) => c.status === status)?.n ?? 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requestsByCountryMonth: [...byKey.values()].sort(
      (a, b) => a.month.localeCompare(b.month) || a.country.localeCompare(b.country),
    ),
    timeToFirstContact: {
      contacted: hours.length,
      waiting,
      medianHours: median === null ? null : round(median),
      meanHours: hours.length ? round(hours.reduce((s, h) => s + h, 0) / hours.length) : null,
    },
    callbacks: {
      booked: count('booked'),
      kept: count('kept'),
      missed: count('missed'),
      cancelled: count('cancelled'),
      moved: count('moved'),
    },
  };
}

/** Whether someone holds a booked call with this adviser at this time. */
export async function slotBooked(db: Db, adviserId: number, start: Date): Promise<boolean> {
  const row = await db
    .selectFrom('adviser_callbacks')
    .select('id')
    .where('adviser_id', '=', adviserId)
    .where('starts_at', '=', start.toISOString())
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return row !== undefined;
}
