import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { govukDate } from '../../shared/dates.ts';
import { addDays, weekStart } from '../../shared/local-dates.ts';
import { findPlaces } from '../../shared/places/places.ts';
import { schoolMatchKey } from '../placement-schools/import.ts';
import { candidateScope, mentorScope, providerScope, type ProviderScope } from '../../shared/scope.ts';
import { changeState, chooseProvider, draftFor } from '../applications/repository.ts';
import type { DayEntry, DayKind } from './day-log.ts';
import {
  addObservation,
  addReflection,
  addReview,
  changeTraineeState,
  inviteMentor,
  logDays,
  providerTrainee,
  reviewWeek,
  startTraining,
  type MentorRole,
} from './repository.ts';
import { criteriaFor, type CriteriaVersionId } from './requirements.ts';
import { STANDARD_IDS, type Judgement, type Standard } from './standards.ts';

/**
 * Sample trainees at every stage of training, for trying the training pages locally
 * (`npm run seed:sample`). Everything is generated and labelled sample: the people are
 * "Sample …" at @example.com (is_sample), the schools are "Sample Training School …" at
 * real towns, and the provider is the first sample provider. Dates are relative to today,
 * so the record stays realistic whenever it is seeded (the pilot-era trainee must have
 * started before 7 April 2025, so that course alone has fixed dates).
 *
 * Every step goes through the same repository functions as the pages, each at the moment
 * it would have happened (the `now` of each call), so the audit trail, the emails and the
 * trainees' summaries are what the service itself would have written.
 *
 * Idempotent: a sample trainee whose record exists is left alone, so a second run adds
 * nothing. (A run stopped half-way leaves a partial record: remove the sample data with
 * `npm run seed:sample -- --remove` and seed again.)
 */

export const SAMPLE_TRAINING_SCHOOLS = [
  { name: 'Sample Training School Dubai', town: 'Dubai', country: 'AE' },
  { name: 'Sample Training School Lagos', town: 'Lagos', country: 'NG' },
  { name: 'Sample Training School Auckland', town: 'Auckland', country: 'NZ' },
] as const;

export const SAMPLE_MENTORS: readonly { email: string; name: string; role: MentorRole; school: number }[] = [
  { email: 'sample.mentor1@example.com', name: 'Sample Mentor 1', role: 'lead', school: 0 },
  { email: 'sample.mentor2@example.com', name: 'Sample Mentor 2', role: 'general', school: 1 },
  { email: 'sample.mentor3@example.com', name: 'Sample Mentor 3', role: 'general', school: 2 },
];

/** A week of the plan: which weekdays (0 Monday … 4 Friday) were in school, and what the mentor did. */
interface WeekPlan {
  week: number;
  days: { weekday: number; half?: boolean }[];
  mentor: 'confirm' | 'query' | 'none';
}

interface SampleTrainee {
  email: string;
  name: string;
  /** What this sample shows, for the seed's output. */
  stage: string;
  mentor: number;
  /** The course start (a Monday), from this week's Monday. */
  start: (thisMonday: string) => string;
  weeksLong: number;
  studyMode: 'full-time' | 'part-time';
  daysPerWeek: number;
  weeks: (start: string, thisMonday: string) => WeekPlan[];
  observations?: number[];
  reflections?: number[];
  interimReview?: number;
  finalReview?: number;
  deferAt?: number;
  withdrawAt?: number;
  recommendAt?: number;
  /** The placement ends on the Friday of this many weeks in (default: with the course). */
  placementWeeks?: number;
}

const FULL_WEEK = [0, 1, 2, 3, 4].map((weekday) => ({ weekday }));
const weeksBetween = (from: number, to: number, plan: (week: number) => Omit<WeekPlan, 'week'>): WeekPlan[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => ({ week: from + i, ...plan(from + i) }));

export const SAMPLE_TRAINEES: readonly SampleTrainee[] = [
  {
    email: 'sample.trainee1@example.com',
    name: 'Sample Trainee Just Started',
    stage: 'in training, started this week, no days logged',
    mentor: 0,
    start: (monday) => monday,
    weeksLong: 39,
    studyMode: 'full-time',
    daysPerWeek: 5,
    weeks: () => [],
  },
  {
    email: 'sample.trainee2@example.com',
    name: 'Sample Trainee Mid-way',
    stage: 'in training for 12 weeks: confirmed, queried and awaiting days, observations, an interim review',
    mentor: 1,
    start: (monday) => addDays(monday, -12 * 7),
    weeksLong: 39,
    studyMode: 'full-time',
    daysPerWeek: 5,
    weeks: () => [
      // Week 7 had a bank holiday on the Friday.
      ...weeksBetween(0, 10, (w) => ({ days: w === 6 ? FULL_WEEK.slice(0, 4) : FULL_WEEK, mentor: 'confirm' })),
      { week: 10, days: FULL_WEEK, mentor: 'query' },
      { week: 11, days: [...FULL_WEEK.slice(0, 4), { weekday: 4, half: true }], mentor: 'none' },
    ],
    observations: [3, 8],
    reflections: [4],
    interimReview: 10,
  },
  {
    email: 'sample.trainee3@example.com',
    name: 'Sample Trainee Final Review',
    stage: 'final review: all standards met, 24 weeks confirmed',
    mentor: 0,
    start: (monday) => addDays(monday, -26 * 7),
    weeksLong: 39,
    studyMode: 'full-time',
    daysPerWeek: 5,
    // 25 weeks in school; in week 4 the Friday was a half day, so that week does not count: 24 weeks.
    // The final assessment is in the last week, after the mentor confirmed the week before.
    weeks: () =>
      weeksBetween(0, 25, (w) => ({
        days: w === 3 ? [...FULL_WEEK.slice(0, 4), { weekday: 4, half: true }] : FULL_WEEK,
        mentor: 'confirm',
      })),
    observations: [4, 12, 20],
    reflections: [6, 18],
    interimReview: 12,
    finalReview: 25,
    placementWeeks: 26,
  },
  {
    email: 'sample.trainee7@example.com',
    name: 'Sample Trainee Recommended',
    stage: 'recommended for the award after 26 weeks confirmed and a passed final assessment',
    mentor: 1,
    start: (monday) => addDays(monday, -30 * 7),
    weeksLong: 39,
    studyMode: 'full-time',
    daysPerWeek: 5,
    weeks: () => weeksBetween(0, 26, () => ({ days: FULL_WEEK, mentor: 'confirm' })),
    observations: [5, 14, 22],
    reflections: [10],
    interimReview: 13,
    finalReview: 27,
    recommendAt: 27,
    placementWeeks: 28,
  },
  {
    email: 'sample.trainee4@example.com',
    name: 'Sample Trainee Deferred',
    stage: 'deferred after 6 weeks in school',
    mentor: 2,
    start: (monday) => addDays(monday, -10 * 7),
    weeksLong: 39,
    studyMode: 'full-time',
    daysPerWeek: 5,
    weeks: () => weeksBetween(0, 6, () => ({ days: FULL_WEEK, mentor: 'confirm' })),
    observations: [4],
    deferAt: 7,
  },
  {
    email: 'sample.trainee5@example.com',
    name: 'Sample Trainee Withdrawn',
    stage: 'withdrawn after 3 weeks in school',
    mentor: 1,
    start: (monday) => addDays(monday, -9 * 7),
    weeksLong: 39,
    studyMode: 'full-time',
    daysPerWeek: 5,
    weeks: () => weeksBetween(0, 3, () => ({ days: FULL_WEEK, mentor: 'confirm' })),
    withdrawAt: 4,
  },
  {
    email: 'sample.trainee6@example.com',
    name: 'Sample Trainee Pilot Era',
    stage: 'pilot-era criteria (120 days), part-time 3 days a week: 114 days confirmed, 6 awaiting the mentor',
    mentor: 2,
    // A Monday before 7 April 2025: the pilot-era criteria stay with the course.
    start: () => '2025-03-03',
    weeksLong: 104,
    studyMode: 'part-time',
    daysPerWeek: 3,
    // The latest 40 weeks before this one, Tuesday to Thursday: 38 confirmed, the last 2 awaiting the mentor.
    weeks: (start, monday) => {
      const last = Math.min(103, Math.floor((Date.parse(monday) - Date.parse(start)) / (7 * 86_400_000)) - 1);
      return weeksBetween(Math.max(0, last - 39), last + 1, (w) => ({
        days: [1, 2, 3].map((weekday) => ({ weekday })),
        mentor: w > last - 2 ? 'none' : 'confirm',
      }));
    },
    observations: [],
    interimReview: undefined,
  },
];

/** A recruited sample candidate with no training record yet: for starting training through the pages. */
export const SAMPLE_RECRUITED = { email: 'sample.recruited@example.com', name: 'Sample Candidate Recruited' };

const KINDS: DayKind[] = ['teaching', 'teaching', 'observing', 'intensive-training', 'other-school-based'];
const at = (date: string, time: string) => new Date(`${date}T${time}Z`);
const earliest = (a: Date, b: Date) => (a < b ? a : b);

const judgements = (level: (s: Standard, i: number) => Judgement): Record<Standard, Judgement> =>
  Object.fromEntries(STANDARD_IDS.map((s, i) => [s, level(s, i)])) as Record<Standard, Judgement>;

function answersFor(name: string, country: string): Record<string, Record<string, string>> {
  const [given, ...family] = name.split(' ');
  return {
    'personal-details': {
      'given-name': given!,
      'family-name': family.join(' '),
      'date-of-birth-day': '14',
      'date-of-birth-month': '6',
      'date-of-birth-year': '1992',
    },
    'contact-details': { phone: '+44 20 7946 0000' },
    'where-you-live': { country, town: 'Sample town' },
    nationality: { nationality: country },
    degree: { status: 'awarded', subject: 'Mathematics', grade: 'Sample grade', country, comparability: 'yes' },
    maths: { qualification: 'Sample mathematics qualification', grade: 'Sample grade', country, comparability: 'yes' },
    english: { evidence: 'education-in-english', details: 'Sample data: degree taught in English' },
    'teaching-experience': { experience: 'Sample data: generated for trying the service.' },
    'current-school': { 'works-in-school': 'no' },
    course: { phase: 'secondary', subject: 'Mathematics' },
    placement: { preference: 'match' },
    'personal-statement': { statement: 'Sample data: generated for trying the service, not written by a person.' },
  };
}

async function sampleUser(db: Kysely<Database>, email: string, name: string, role: string, now: Date) {
  await db
    .insertInto('users')
    .values({ email, name, role, is_sample: 1, created_at: now.toISOString(), last_signed_in_at: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}

/**
 * Carries a sample candidate's application to "recruited" through the application state
 * machine, each step when it would have happened; an application part-way is carried on.
 */
async function recruit(
  db: Kysely<Database>,
  provider: { id: number; decisions: ProviderScope; serviceUrl: string },
  candidate: { userId: number; name: string; country: string },
  recruitedBy: Date,
): Promise<number> {
  const scope = candidateScope(candidate.userId);
  const day = 86_400_000;
  const when = (daysBefore: number) => new Date(recruitedBy.getTime() - daysBefore * day);
  const latest = () =>
    db
      .selectFrom('applications')
      .select(['id', 'status'])
      .where('candidate_id', '=', candidate.userId)
      .orderBy('id', 'desc')
      .executeTakeFirst();
  let app = await latest();
  if (!app) {
    const draft = await draftFor(db, scope, answersFor(candidate.name, candidate.country), when(90));
    await chooseProvider(db, scope, draft.id, provider.id, when(90));
    app = await latest();
  }
  const step = async (
    who: 'candidate' | 'provider',
    event: Parameters<typeof changeState>[2]['event'],
    daysBefore: number,
    set: Parameters<typeof changeState>[2]['set'] = {},
  ) => {
    const result = await changeState(
      db,
      who === 'candidate' ? scope : provider.decisions,
      {
        applicationId: app!.id,
        event,
        set,
        serviceUrl: provider.serviceUrl,
        ...(event === 'make-offer' ? { personalisation: { conditions: 'Placement school confirmed' } } : {}),
      },
      when(daysBefore),
    );
    if (!result.ok) throw new Error(`sample data: ${candidate.name}: ${event}: ${result.message}`);
    app = { id: app!.id, status: result.application.status };
  };
  const conditions = [{ text: 'Placement school confirmed', met: false }];
  if (app!.status === 'draft')
    await step('candidate', 'submit', 80, {
      provider_id: provider.id,
      submitted_at: when(80).toISOString(),
      candidate_name: candidate.name,
      country: candidate.country,
      phase: 'secondary',
    });
  if (app!.status === 'awaiting-decision')
    await step('provider', 'make-offer', 60, { offer_conditions: JSON.stringify(conditions) });
  if (app!.status === 'offer') await step('candidate', 'accept-offer', 55);
  if (app!.status === 'conditions-pending')
    await step('provider', 'confirm-conditions-met', 20, {
      offer_conditions: JSON.stringify(conditions.map((c) => ({ ...c, met: true }))),
    });
  if (app!.status !== 'recruited')
    throw new Error(`sample data: ${candidate.name}'s application is '${app!.status}', not recruited`);
  return app!.id;
}

/** The sample training schools (partners of the provider) and their mentors, added once. */
async function schoolsAndMentors(
  db: Kysely<Database>,
  providerId: number,
  manager: ProviderScope,
  now: Date,
  serviceUrl: string,
) {
  const mentorIds: number[] = [];
  const schoolIds: number[] = [];
  for (const s of SAMPLE_TRAINING_SCHOOLS) {
    const place = findPlaces(`${s.town}, ${s.country}`, 1)[0];
    if (!place) throw new Error(`sample data: no place ${s.town}, ${s.country}`);
    const key = schoolMatchKey(s.name, s.country, s.town);
    await db
      .insertInto('placement_schools')
      .values({
        name: s.name,
        town: s.town,
        country: s.country,
        lat: place.lat,
        lon: place.lon,
        phases: JSON.stringify(['primary', 'secondary']),
        languages: JSON.stringify(['English']),
        verified: 1,
        match_key: key,
        is_sample: 1,
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('match_key').doNothing())
      .execute();
    const school = await db
      .selectFrom('placement_schools')
      .select('id')
      .where('match_key', '=', key)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('partnerships')
      .values({
        provider_id: providerId,
        school_id: school.id,
        status: 'active',
        started_on: now.toISOString().slice(0, 10),
        ended_on: null,
        is_sample: 1,
      })
      .onConflict((oc) => oc.columns(['provider_id', 'school_id']).doNothing())
      .execute();
    schoolIds.push(school.id);
  }
  for (const m of SAMPLE_MENTORS) {
    const existing = await db
      .selectFrom('mentors as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('m.id')
      .where('u.email', '=', m.email)
      .where('m.provider_id', '=', providerId)
      .where('m.school_id', '=', schoolIds[m.school]!)
      .executeTakeFirst();
    if (existing) {
      mentorIds.push(existing.id);
      continue;
    }
    const invited = await inviteMentor(
      db,
      manager,
      {
        providerId,
        schoolId: schoolIds[m.school]!,
        name: m.name,
        email: m.email,
        role: m.role,
        trainedOn: '2024-06-14',
      },
      serviceUrl,
      now,
    );
    if (!invited.ok) throw new Error(`sample data: mentor ${m.email}: ${invited.message}`);
    // The invitation makes an ordinary mentor account: label it sample, like every sample row.
    await db.updateTable('users').set({ is_sample: 1 }).where('email', '=', m.email).execute();
    await db.updateTable('mentors').set({ is_sample: 1 }).where('id', '=', invited.value).execute();
    mentorIds.push(invited.value);
  }
  return mentorIds;
}

async function mentorUserId(db: Kysely<Database>, mentorId: number) {
  return (await db.selectFrom('mentors').select('user_id').where('id', '=', mentorId).executeTakeFirstOrThrow())
    .user_id;
}

/** One sample trainee's whole course so far, step by step at the time each happened. */
async function seedTrainee(
  db: Kysely<Database>,
  t: SampleTrainee,
  ctx: {
    providerId: number;
    decisions: ProviderScope;
    manager: ProviderScope;
    mentorIds: number[];
    now: Date;
    serviceUrl: string;
  },
) {
  const thisMonday = weekStart(ctx.now.toISOString().slice(0, 10));
  const start = t.start(thisMonday);
  const end = addDays(start, t.weeksLong * 7 - 3);
  const mentorId = ctx.mentorIds[t.mentor]!;
  const country = SAMPLE_TRAINING_SCHOOLS[SAMPLE_MENTORS[t.mentor]!.school]!.country;
  const userId = await sampleUser(db, t.email, t.name, 'candidate', at(addDays(start, -100), '09:00:00'));
  const applicationId = await recruit(
    db,
    { id: ctx.providerId, decisions: ctx.decisions, serviceUrl: ctx.serviceUrl },
    { userId, name: t.name, country },
    at(addDays(start, -14), '10:00:00'),
  );
  const criteria: CriteriaVersionId = criteriaFor(start);
  const started = await startTraining(
    db,
    ctx.manager,
    {
      applicationId,
      startDate: start,
      expectedEndDate: end,
      studyMode: t.studyMode,
      daysPerWeek: t.daysPerWeek,
      ageRange: '11 to 16',
      subjects: ['Mathematics'],
      trainingCountry: country,
      criteriaVersion: criteria,
      placement: {
        mentorId,
        startDate: start,
        endDate: t.placementWeeks ? addDays(start, t.placementWeeks * 7 - 3) : end,
      },
      isSample: true,
    },
    ctx.serviceUrl,
    earliest(at(addDays(start, -10), '10:00:00'), ctx.now),
  );
  if (!started.ok) throw new Error(`sample data: ${t.name}: ${started.message}`);
  const traineeId = started.value;
  const placement = await db
    .selectFrom('placements')
    .select('id')
    .where('trainee_id', '=', traineeId)
    .executeTakeFirstOrThrow();
  const trainee = candidateScope(userId);
  const mentor = mentorScope(await mentorUserId(db, mentorId));
  const weekOf = (w: number) => addDays(start, w * 7);
  const current = async () => {
    const found = await providerTrainee(db, ctx.manager, traineeId);
    if (!found) throw new Error(`sample data: ${t.name}: the trainee is not found`);
    return found;
  };
  const fail = (what: string, r: { ok: boolean; message?: string }) => {
    if (!r.ok) throw new Error(`sample data: ${t.name}: ${what}: ${r.message}`);
  };

  // Events in the order they happened: each week's days, then what happened at the end of the week.
  const plan = t.weeks(start, thisMonday);
  const lastWeek = Math.max(
    ...plan.map((p) => p.week),
    ...[
      t.interimReview,
      t.finalReview,
      t.deferAt,
      t.withdrawAt,
      t.recommendAt,
      ...(t.observations ?? []),
      ...(t.reflections ?? []),
    ].filter((w): w is number => w !== undefined),
    -1,
  );
  for (let w = 0; w <= lastWeek; w++) {
    const monday = weekOf(w);
    if (t.deferAt === w) {
      fail(
        'defer',
        await changeTraineeState(
          db,
          ctx.manager,
          {
            trainee: await current(),
            event: 'defer',
            detail: { date: monday, reason: 'Health reasons: expects to return next term' },
            personalisation: { date: govukDate(monday), reason: 'Health reasons: expects to return next term' },
            serviceUrl: ctx.serviceUrl,
          },
          at(monday, '09:00:00'),
        ),
      );
      break;
    }
    if (t.withdrawAt === w) {
      fail(
        'withdraw',
        await changeTraineeState(
          db,
          ctx.manager,
          {
            trainee: await current(),
            event: 'withdraw',
            detail: { date: monday, reasons: ['personal-reasons'] },
            personalisation: { date: govukDate(monday), reasons: 'Personal reasons' },
            serviceUrl: ctx.serviceUrl,
          },
          at(monday, '09:00:00'),
        ),
      );
      break;
    }
    const week = plan.find((p) => p.week === w);
    const friday = addDays(monday, 4);
    if (week) {
      const entries: DayEntry[] = week.days.map((d, i) => ({
        date: addDays(monday, d.weekday),
        portion: d.half ? 'half' : 'full',
        kind: KINDS[(w + i) % KINDS.length]!,
        note: i === 0 && w % 4 === 0 ? `Sample note: week ${w + 1}` : '',
      }));
      fail(
        `log week ${w + 1}`,
        await logDays(db, trainee, { placementId: placement.id, entries }, at(friday, '15:00:00')),
      );
      if (week.mentor !== 'none')
        fail(
          `${week.mentor} week ${w + 1}`,
          await reviewWeek(
            db,
            mentor,
            {
              traineeId,
              week: monday,
              action: week.mentor,
              reason:
                week.mentor === 'query'
                  ? 'Sample query: the school was closed for exams on Wednesday and Thursday. Please check these dates.'
                  : '',
              serviceUrl: ctx.serviceUrl,
            },
            earliest(at(addDays(monday, 7), '09:00:00'), ctx.now),
          ),
        );
    }
    if (t.observations?.includes(w))
      fail(
        `observation in week ${w + 1}`,
        await addObservation(
          db,
          mentor,
          {
            traineeId,
            date: addDays(monday, 2),
            className: `Sample class ${8 + (w % 4)}B`,
            ageGroup: '11 to 14',
            // Judgements grow over the course.
            judgements: Object.fromEntries(
              STANDARD_IDS.filter((_, i) => (i + w) % 3 !== 0).map((s) => [
                s,
                w >= 16 ? 'meeting' : w >= 6 ? 'working-towards' : 'not-yet',
              ]),
            ),
            strengths: 'Sample strengths: clear explanations and well-paced questioning.',
            targets: 'Sample targets: check understanding of every group before moving on.',
          },
          at(addDays(monday, 2), '14:00:00'),
        ),
      );
    if (t.reflections?.includes(w))
      fail(
        `reflection in week ${w + 1}`,
        await addReflection(
          db,
          trainee,
          {
            date: addDays(monday, 3),
            standards: ['ts4', 'ts5'],
            text: 'Sample reflection: what went well in this week’s lessons and what I will change next week.',
          },
          at(addDays(monday, 3), '18:00:00'),
        ),
      );
    for (const [kind, reviewWeekNo] of [
      ['interim', t.interimReview],
      ['final', t.finalReview],
    ] as const) {
      if (reviewWeekNo !== w) continue;
      // The final assessment comes after the last week in school is confirmed.
      const date = kind === 'final' ? addDays(monday, 2) : friday;
      fail(
        `${kind} review`,
        await addReview(
          db,
          ctx.manager,
          {
            traineeId,
            kind,
            date,
            judgements: judgements((_, i) =>
              kind === 'final' ? 'meeting' : i % 3 === 0 ? 'meeting' : 'working-towards',
            ),
            outcome: kind === 'final' ? 'passed' : 'on-track',
            comments:
              kind === 'final'
                ? 'Sample final assessment: every standard met; 24 weeks confirmed in school.'
                : 'Sample interim review: on track; targets agreed with the mentor.',
          },
          earliest(at(date, '16:00:00'), ctx.now),
        ),
      );
    }
    if (t.recommendAt === w)
      fail(
        'recommend',
        await changeTraineeState(
          db,
          ctx.manager,
          {
            trainee: await current(),
            event: 'recommend',
            detail: { date: addDays(weekOf(t.finalReview ?? w), 2) },
            personalisation: { outcomeDate: govukDate(addDays(weekOf(t.finalReview ?? w), 2)) },
            serviceUrl: ctx.serviceUrl,
          },
          earliest(at(addDays(monday, 3), '10:00:00'), ctx.now),
        ),
      );
  }
  return traineeId;
}

/**
 * The sample mentors, sample trainees at every stage, and one recruited sample candidate
 * ready to start training, all at the first sample provider. Returns the trainees added.
 */
export async function seedSampleTrainees(
  db: Kysely<Database>,
  providerId: number,
  serviceUrl: string,
  now = new Date(),
): Promise<{ trainees: number; mentors: number }> {
  const provider = await db
    .selectFrom('provider_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.provider_id', '=', providerId)
    .where('u.is_sample', '=', 1)
    .where('m.can_manage_trainees', '=', 1)
    .where('m.can_make_decisions', '=', 1)
    .orderBy('u.id')
    .executeTakeFirst();
  if (!provider) throw new Error('sample data: the sample provider has no sample user who manages trainees');
  const manager = providerScope(provider.id, 'manage-trainees', [providerId]);
  const decisions = providerScope(provider.id, 'make-decisions', [providerId]);
  const mentorsBefore = await db.selectFrom('mentors').select('id').where('is_sample', '=', 1).execute();
  // Mentors are invited before the earliest course starts.
  const pilotStart = SAMPLE_TRAINEES.map((t) => t.start(weekStart(now.toISOString().slice(0, 10)))).sort()[0]!;
  const mentorIds = await schoolsAndMentors(
    db,
    providerId,
    manager,
    earliest(at(addDays(pilotStart, -30), '09:00:00'), now),
    serviceUrl,
  );
  let added = 0;
  for (const t of SAMPLE_TRAINEES) {
    const has = await db
      .selectFrom('trainees as t')
      .innerJoin('users as u', 'u.id', 't.candidate_id')
      .select('t.id')
      .where('u.email', '=', t.email)
      .executeTakeFirst();
    if (has) continue;
    await seedTrainee(db, t, { providerId, decisions, manager, mentorIds, now, serviceUrl });
    added++;
  }
  const recruitedUser = await sampleUser(db, SAMPLE_RECRUITED.email, SAMPLE_RECRUITED.name, 'candidate', now);
  await recruit(
    db,
    { id: providerId, decisions, serviceUrl },
    { userId: recruitedUser, name: SAMPLE_RECRUITED.name, country: 'AE' },
    earliest(at(addDays(now.toISOString().slice(0, 10), -3), '10:00:00'), now),
  );
  const mentorsAfter = await db.selectFrom('mentors').select('id').where('is_sample', '=', 1).execute();
  return { trainees: added, mentors: mentorsAfter.length - mentorsBefore.length };
}
