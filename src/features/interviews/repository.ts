import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database, InterviewTable } from '../../db/schema.ts';
import { enqueueEmails, type EmailAttachment, type OutboxEmail } from '../../notifications/outbox.ts';
import { scopeProviderIds, type CandidateScope, type ProviderScope } from '../../shared/scope.ts';
import { ENGLAND, safeZone } from '../../shared/zoned-time.ts';
import { zoneChoice } from '../accounts/time-zone.ts';
import { changeState, type Application } from '../applications/repository.ts';
import type { Answers } from '../applications/sections.ts';
import { calendarAttachment, type CalendarInterview } from './calendar.ts';
import {
  durationText,
  forCandidate,
  forProvider,
  mayTake,
  type InterviewStatus,
  type InterviewStep,
  type Side,
} from './rules.ts';

/**
 * Interviews in the database: the only module that reads or writes `interviews` and
 * `interview_slots`. Every read and write is scoped through the application: a candidate
 * reaches only interviews of their own applications, a provider user only those of their
 * providers' applications, so anyone else's interview is simply not found. Every step is one
 * transaction with its audit row and its emails, and applies only while the interview is
 * still as the acting page showed it (its status and version), so of 50 concurrent picks one wins.
 */
export interface Interview {
  id: number;
  applicationId: number;
  providerId: number;
  status: InterviewStatus;
  version: number;
  zone: string;
  durationMinutes: number;
  mode: 'online' | 'in-person';
  location: string;
  notes: string | null;
  startsAt: Date | null;
  candidateMessage: string | null;
  reason: string | null;
  cancelledBy: Side | null;
  slots: { id: number; startsAt: Date }[];
  createdAt: string;
}

/** The interview with what the pages need of its application and the people in it. */
export interface InterviewView extends Interview {
  reference: string;
  applicationStatus: string;
  candidateName: string;
  providerName: string;
  /** The zone the candidate reads times in. */
  candidateZone: string;
}

export interface InterviewDetails {
  zone: string;
  durationMinutes: number;
  mode: 'online' | 'in-person';
  location: string;
  notes: string;
}

type Db = Kysely<Database> | Transaction<Database>;

function fromRow(r: Selectable<InterviewTable>, slots: { id: number; starts_at: string }[]): Interview {
  return {
    id: r.id,
    applicationId: r.application_id,
    providerId: r.provider_id,
    status: r.status as InterviewStatus,
    version: r.version,
    zone: r.zone,
    durationMinutes: r.duration_minutes,
    mode: r.mode === 'online' ? 'online' : 'in-person',
    location: r.location,
    notes: r.notes,
    startsAt: r.starts_at ? new Date(r.starts_at) : null,
    candidateMessage: r.candidate_message,
    reason: r.reason,
    cancelledBy: r.cancelled_by === 'candidate' || r.cancelled_by === 'provider' ? r.cancelled_by : null,
    slots: slots.map((s) => ({ id: s.id, startsAt: new Date(s.starts_at) })),
    createdAt: r.created_at,
  };
}

/** The zone the candidate of an application reads times in: chosen, else from where they live, else England's. */
export const candidateZoneOf = (timeZone: string | null, answers: string | Answers): string =>
  zoneChoice(
    { role: 'candidate', timeZone },
    (typeof answers === 'string' ? (JSON.parse(answers) as Answers) : answers)['where-you-live'],
  ).zone;

type Scope = CandidateScope | ProviderScope;

/** Interviews of one application the scope reaches, newest first, with the application's people. */
async function scopedInterviews(
  db: Db,
  scope: Scope,
  where: { reference: string; interviewId?: number },
): Promise<InterviewView[]> {
  let q = db
    .selectFrom('interviews as i')
    .innerJoin('applications as a', 'a.id', 'i.application_id')
    .innerJoin('users as c', 'c.id', 'a.candidate_id')
    .innerJoin('providers as p', 'p.id', 'i.provider_id')
    .selectAll('i')
    .select([
      'a.reference',
      'a.status as application_status',
      'a.candidate_name',
      'a.answers',
      'c.time_zone as candidate_time_zone',
      'p.name as provider_name',
    ])
    .where('a.reference', '=', where.reference)
    // The interview's provider is the application's: checked here as well as on writing.
    .whereRef('i.provider_id', '=', 'a.provider_id');
  q =
    scope.kind === 'candidate'
      ? q.where('a.candidate_id', '=', scope.candidateId)
      : q.where('a.provider_id', 'in', scopeProviderIds(scope));
  if (where.interviewId !== undefined) q = q.where('i.id', '=', where.interviewId);
  const rows = await q.orderBy('i.id', 'desc').execute();
  if (rows.length === 0) return [];
  const slots = await db
    .selectFrom('interview_slots')
    .select(['id', 'interview_id', 'starts_at'])
    .where(
      'interview_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('starts_at')
    .execute();
  return rows.map((r) => ({
    ...fromRow(
      r,
      slots.filter((s) => s.interview_id === r.id),
    ),
    reference: r.reference,
    applicationStatus: r.application_status,
    candidateName: r.candidate_name ?? 'Candidate',
    providerName: r.provider_name,
    candidateZone: candidateZoneOf(r.candidate_time_zone, r.answers),
  }));
}

export const interviewsOf = (db: Db, scope: Scope, reference: string): Promise<InterviewView[]> =>
  scopedInterviews(db, scope, { reference });

export async function interviewOf(
  db: Db,
  scope: Scope,
  reference: string,
  interviewId: number,
): Promise<InterviewView | undefined> {
  return (await scopedInterviews(db, scope, { reference, interviewId }))[0];
}

/** Who at the provider is told: its decision makers (each in their own zone) and its contact address. */
async function providerPeople(db: Db, providerId: number): Promise<{ email: string; zone: string }[]> {
  const [staff, provider] = await Promise.all([
    db
      .selectFrom('provider_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.email', 'u.time_zone'])
      .where('m.provider_id', '=', providerId)
      .where('m.can_make_decisions', '=', 1)
      .execute(),
    db.selectFrom('providers').select('contact_email').where('id', '=', providerId).executeTakeFirst(),
  ]);
  const people = staff.map((s) => ({ email: s.email, zone: safeZone(s.time_zone ?? undefined, ENGLAND) }));
  const contact = provider?.contact_email;
  if (contact && !people.some((p) => p.email === contact)) people.push({ email: contact, zone: ENGLAND });
  return people;
}

async function candidateEmail(db: Db, applicationId: number): Promise<string> {
  const row = await db
    .selectFrom('applications as a')
    .innerJoin('users as u', 'u.id', 'a.candidate_id')
    .select('u.email')
    .where('a.id', '=', applicationId)
    .executeTakeFirstOrThrow();
  return row.email;
}

/** "Online: https://…" or "In person at: 1 High Street, Sheffield" */
export const whereText = (i: Pick<Interview, 'mode' | 'location'>): string =>
  i.mode === 'online' ? `Online: ${i.location}` : `In person at: ${i.location}`;

const base = (serviceUrl: string) => serviceUrl.replace(/\/+$/, '');
const hostOf = (serviceUrl: string) => {
  try {
    return new URL(serviceUrl).host || 'iqts';
  } catch {
    return 'iqts';
  }
};

/** The calendar file for one side of an interview with a time: confirmed, or cancelled. */
export function calendarFor(
  i: InterviewView | (Interview & { reference: string; candidateName: string; providerName: string }),
  side: Side,
  serviceUrl: string,
): CalendarInterview | undefined {
  if (!i.startsAt) return undefined;
  const page =
    side === 'candidate'
      ? `${base(serviceUrl)}/applications/${i.reference}/interviews/${i.id}`
      : `${base(serviceUrl)}/provider/applications/${i.reference}/interviews/${i.id}`;
  return {
    id: i.id,
    version: i.version,
    startsAt: i.startsAt,
    durationMinutes: i.durationMinutes,
    title:
      side === 'candidate'
        ? `iQTS interview with ${i.providerName}`
        : `iQTS interview: ${i.candidateName} (${i.reference})`,
    description: [`Application ${i.reference}.`, whereText(i), i.notes ?? '', `Details: ${page}`]
      .filter(Boolean)
      .join('\n'),
    location: i.location,
    url: page,
    cancelled: i.status === 'cancelled',
    serviceHost: hostOf(serviceUrl),
  };
}

export type StepResult = { ok: true; interviewId: number } | { ok: false; message: string; notFound?: boolean };

const STALE = 'The interview changed while you were looking at it. Check it and try again';
const ONE_LIVE = 'This application already has an interview being arranged. Change or cancel that one instead';

class Refused extends Error {
  constructor(readonly result: StepResult & { ok: false }) {
    super(result.message);
  }
}

const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
};

/** The lines of a proposal's times, as the candidate reads them. */
const timesFor = (instants: Date[], zone: string) => instants.map((t) => `* ${forCandidate(t, zone)}`).join('\n');

/**
 * Invites the candidate to an interview at one of the times given: the application's
 * "invite to interview" step, with the interview and its times written in the same transaction.
 */
export async function proposeInterview(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: { application: Application; details: InterviewDetails; instants: Date[]; serviceUrl: string },
  now = new Date(),
): Promise<StepResult> {
  let interviewId = 0;
  try {
    const result = await changeState(
      db,
      scope,
      {
        applicationId: input.application.id,
        event: 'invite-to-interview',
        serviceUrl: input.serviceUrl,
        within: async (trx, row) => {
          const live = await trx
            .selectFrom('interviews')
            .select('id')
            .where('application_id', '=', row.id)
            .where('status', '!=', 'cancelled')
            .executeTakeFirst();
          if (live) throw new Refused({ ok: false, message: ONE_LIVE });
          const stamp = now.toISOString();
          const d = input.details;
          const inserted = await trx
            .insertInto('interviews')
            .values({
              application_id: row.id,
              provider_id: row.provider_id!,
              status: 'proposed',
              version: 1,
              zone: d.zone,
              duration_minutes: d.durationMinutes,
              mode: d.mode,
              location: d.location,
              notes: d.notes || null,
              starts_at: null,
              candidate_message: null,
              reason: null,
              cancelled_by: null,
              created_by_user_id: scope.userId,
              created_at: stamp,
              updated_at: stamp,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          interviewId = inserted.id;
          await trx
            .insertInto('interview_slots')
            .values(input.instants.map((t) => ({ interview_id: interviewId, starts_at: t.toISOString() })))
            .execute();
          const candidate = await trx
            .selectFrom('users')
            .select('time_zone')
            .where('id', '=', row.candidate_id)
            .executeTakeFirstOrThrow();
          const zone = candidateZoneOf(candidate.time_zone, row.answers);
          return {
            set: {},
            personalisation: {
              interviewId: String(interviewId),
              times: timesFor(input.instants, zone),
              duration: durationText(d.durationMinutes),
              where: whereText(d),
              ...(d.notes ? { notes: d.notes } : {}),
            },
            detail: { interviewId, zone: d.zone, slots: input.instants.map((t) => t.toISOString()) },
          };
        },
      },
      now,
    );
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, interviewId };
  } catch (error) {
    if (error instanceof Refused) return error.result;
    if (isUniqueViolation(error)) return { ok: false, message: ONE_LIVE };
    throw error;
  }
}

interface StepContext {
  trx: Transaction<Database>;
  interview: InterviewView;
  stamp: string;
  /** The conditional update: applies only while the interview is as the page showed it. */
  update: (set: Partial<Omit<InterviewTable, 'id' | 'version'>>) => Promise<number>;
}

/**
 * One step on an interview: found through the scope, checked against the rules, applied by a
 * conditional update (status and version as the acting page showed them), audited and emailed.
 */
async function interviewStep(
  db: Kysely<Database>,
  scope: Scope,
  target: { reference: string; interviewId: number; version: number },
  step: InterviewStep,
  work: (ctx: StepContext) => Promise<{ audit: unknown; emails: OutboxEmail[] }>,
  now: Date,
): Promise<StepResult> {
  try {
    return await db.transaction().execute(async (trx): Promise<StepResult> => {
      const interview = await interviewOf(trx, scope, target.reference, target.interviewId);
      if (!interview) return { ok: false, message: 'Interview not found', notFound: true };
      const allowed = mayTake(step, scope.kind, interview.status);
      if (!allowed.ok) return allowed;
      if (interview.applicationStatus !== 'interviewing')
        return { ok: false, message: 'This application is no longer at the interview stage' };
      if (interview.version !== target.version) return { ok: false, message: STALE };
      const stamp = now.toISOString();
      const update = async (set: Partial<Omit<InterviewTable, 'id' | 'version'>>) => {
        const result = await trx
          .updateTable('interviews')
          .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: stamp }))
          .where('id', '=', interview.id)
          .where('status', '=', interview.status)
          .where('version', '=', interview.version)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      };
      const done = await work({ trx, interview, stamp, update });
      await recordAudit(
        trx,
        {
          actorUserId: scope.userId,
          providerId: interview.providerId,
          applicationId: interview.applicationId,
          action: `interview-${step}`,
          detail: done.audit,
        },
        now,
      );
      await enqueueEmails(trx, done.emails, now);
      return { ok: true, interviewId: interview.id };
    });
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
}

/** The interview as it is after a step, for its calendar file. */
const after = (i: InterviewView, changes: Partial<Interview>): InterviewView => ({
  ...i,
  ...changes,
  version: i.version + 1,
});

const personalisationOf = (i: InterviewView, serviceUrl: string) => ({
  candidateName: i.candidateName,
  providerName: i.providerName,
  reference: i.reference,
  serviceUrl,
  interviewId: String(i.id),
});

const attach = (calendar: CalendarInterview | undefined): { attachments?: EmailAttachment[] } =>
  calendar ? { attachments: [calendarAttachment(calendar)] } : {};

/** The candidate chooses one of the offered times. */
export async function chooseTime(
  db: Kysely<Database>,
  scope: CandidateScope,
  input: { reference: string; interviewId: number; version: number; slotId: number; serviceUrl: string },
  now = new Date(),
): Promise<StepResult> {
  return interviewStep(
    db,
    scope,
    input,
    'choose',
    async ({ trx, interview, update }) => {
      const slot = interview.slots.find((s) => s.id === input.slotId);
      if (!slot) throw new Refused({ ok: false, message: 'Choose one of the times offered' });
      if (slot.startsAt.getTime() <= now.getTime())
        throw new Refused({
          ok: false,
          message: 'That time has passed. Choose another time or ask for other times',
        });
      const changed = await update({ status: 'agreed', starts_at: slot.startsAt.toISOString() });
      if (changed !== 1) throw new Refused({ ok: false, message: STALE });
      const agreed = after(interview, { status: 'agreed', startsAt: slot.startsAt });
      const p = personalisationOf(interview, input.serviceUrl);
      const shared = { duration: durationText(interview.durationMinutes), where: whereText(interview) };
      const staff = await providerPeople(trx, interview.providerId);
      return {
        audit: { interviewId: interview.id, startsAt: slot.startsAt.toISOString() },
        emails: [
          {
            to: await candidateEmail(trx, interview.applicationId),
            template: 'interview-agreed-candidate',
            personalisation: {
              ...p,
              ...shared,
              when: forCandidate(slot.startsAt, interview.candidateZone),
              ...(interview.notes ? { notes: interview.notes } : {}),
            },
            ...attach(calendarFor(agreed, 'candidate', input.serviceUrl)),
          },
          ...staff.map((person): OutboxEmail => ({
            to: person.email,
            template: 'interview-agreed-provider',
            personalisation: {
              ...p,
              ...shared,
              when: forProvider(slot.startsAt, person.zone, interview.candidateZone),
            },
            ...attach(calendarFor(agreed, 'provider', input.serviceUrl)),
          })),
        ],
      };
    },
    now,
  );
}

/** The candidate asks for other times: instead of the ones offered, or to rearrange an agreed interview. */
export async function askForOtherTimes(
  db: Kysely<Database>,
  scope: CandidateScope,
  input: { reference: string; interviewId: number; version: number; message: string; serviceUrl: string },
  now = new Date(),
): Promise<StepResult> {
  return interviewStep(
    db,
    scope,
    input,
    'ask-other-times',
    async ({ trx, interview, update }) => {
      const changed = await update({
        status: 'other-times-requested',
        starts_at: null,
        candidate_message: input.message,
      });
      if (changed !== 1) throw new Refused({ ok: false, message: STALE });
      // An agreed interview leaves the calendars: the file cancels the one sent before.
      const was = interview.startsAt;
      const removed = was
        ? calendarFor(after(interview, { status: 'cancelled' }), 'provider', input.serviceUrl)
        : undefined;
      const staff = await providerPeople(trx, interview.providerId);
      return {
        audit: { interviewId: interview.id, rearranged: was?.toISOString() ?? null },
        emails: staff.map((person): OutboxEmail => ({
          to: person.email,
          template: 'interview-other-times-provider',
          personalisation: {
            ...personalisationOf(interview, input.serviceUrl),
            message: input.message,
            ...(was ? { when: forProvider(was, person.zone, interview.candidateZone) } : {}),
          },
          ...attach(removed),
        })),
      };
    },
    now,
  );
}

/** The provider proposes new times: after the candidate asked, or to rearrange (a reason is then required). */
export async function proposeNewTimes(
  db: Kysely<Database>,
  scope: ProviderScope,
  input: {
    reference: string;
    interviewId: number;
    version: number;
    details: InterviewDetails;
    instants: Date[];
    reason: string;
    serviceUrl: string;
  },
  now = new Date(),
): Promise<StepResult> {
  return interviewStep(
    db,
    scope,
    input,
    'new-times',
    async ({ trx, interview, update }) => {
      if (interview.status === 'agreed' && !input.reason)
        throw new Refused({ ok: false, message: 'Enter why you are rearranging the interview' });
      const d = input.details;
      const changed = await update({
        status: 'proposed',
        starts_at: null,
        zone: d.zone,
        duration_minutes: d.durationMinutes,
        mode: d.mode,
        location: d.location,
        notes: d.notes || null,
        reason: input.reason || null,
      });
      if (changed !== 1) throw new Refused({ ok: false, message: STALE });
      await trx.deleteFrom('interview_slots').where('interview_id', '=', interview.id).execute();
      await trx
        .insertInto('interview_slots')
        .values(input.instants.map((t) => ({ interview_id: interview.id, starts_at: t.toISOString() })))
        .execute();
      const was = interview.startsAt;
      const removed = was
        ? calendarFor(after(interview, { status: 'cancelled' }), 'candidate', input.serviceUrl)
        : undefined;
      return {
        audit: {
          interviewId: interview.id,
          zone: d.zone,
          slots: input.instants.map((t) => t.toISOString()),
          rearranged: was?.toISOString() ?? null,
        },
        emails: [
          {
            to: await candidateEmail(trx, interview.applicationId),
            template: 'interview-new-times',
            personalisation: {
              ...personalisationOf(interview, input.serviceUrl),
              times: timesFor(input.instants, interview.candidateZone),
              duration: durationText(d.durationMinutes),
              where: whereText(d),
              ...(d.notes ? { notes: d.notes } : {}),
              ...(input.reason ? { reason: input.reason } : {}),
            },
            ...attach(removed),
          },
        ],
      };
    },
    now,
  );
}

/** Either side cancels, with a reason; both are told, and an agreed time leaves both calendars. */
export async function cancelInterview(
  db: Kysely<Database>,
  scope: Scope,
  input: { reference: string; interviewId: number; version: number; reason: string; serviceUrl: string },
  now = new Date(),
): Promise<StepResult> {
  return interviewStep(
    db,
    scope,
    input,
    'cancel',
    async ({ trx, interview, update }) => {
      const changed = await update({ status: 'cancelled', reason: input.reason, cancelled_by: scope.kind });
      if (changed !== 1) throw new Refused({ ok: false, message: STALE });
      const cancelled = after(interview, { status: 'cancelled', cancelledBy: scope.kind });
      const p = personalisationOf(interview, input.serviceUrl);
      const when = interview.startsAt;
      const staff = await providerPeople(trx, interview.providerId);
      return {
        audit: { interviewId: interview.id, reason: input.reason, startsAt: when?.toISOString() ?? null },
        emails: [
          {
            to: await candidateEmail(trx, interview.applicationId),
            template: 'interview-cancelled-candidate',
            personalisation: {
              ...p,
              cancelledBy: scope.kind === 'candidate' ? 'you' : interview.providerName,
              reason: input.reason,
              ...(when ? { when: forCandidate(when, interview.candidateZone) } : {}),
            },
            ...attach(calendarFor(cancelled, 'candidate', input.serviceUrl)),
          },
          ...staff.map((person): OutboxEmail => ({
            to: person.email,
            template: 'interview-cancelled-provider',
            personalisation: {
              ...p,
              cancelledBy: scope.kind === 'candidate' ? 'the candidate' : interview.providerName,
              reason: input.reason,
              ...(when ? { when: forProvider(when, person.zone, interview.candidateZone) } : {}),
            },
            ...attach(calendarFor(cancelled, 'provider', input.serviceUrl)),
          })),
        ],
      };
    },
    now,
  );
}
