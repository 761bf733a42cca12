import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { addDays, weekStart } from '../../shared/local-dates.ts';
import { adminScope, candidateScope, providerScope } from '../../shared/scope.ts';
import { changeState, chooseProvider, draftFor, providerApplication } from '../applications/repository.ts';
import { proposeInterview } from '../interviews/repository.ts';
import type { ApplicationEvent } from '../applications/state-machine.ts';
import { awardTrainee } from '../award/repository.ts';
import { random, SAMPLE_PROVIDERS } from '../placement-schools/sample.ts';
import { cohortOf } from '../training/repository.ts';
import { criteriaFor } from '../training/requirements.ts';

/**
 * Sample data for the national figures, so that `npm run seed:sample` fills every chart:
 * sample applicants at the sample providers, submitted over the past year and carried by the
 * application state machine to every outcome (decisions a known number of days later), and
 * a past cohort of sample trainees awarded iQTS by the sample DfE admin over several months.
 * Every person is a generated "Sample …" at example.com; added once.
 */
export const SAMPLE_APPLICANTS = 48;
const PAST_COHORT = 6;
const DAY = 86_400_000;

/** Where each sample provider's applicants live (within its sample coverage). */
const COUNTRIES_BY_PROVIDER: Record<string, string[]> = {
  'sample-provider-worldwide-online': ['NG', 'IN', 'KE', 'ZA', 'BR', 'NG'],
  'sample-provider-worldwide-except': ['GH', 'PK', 'MY', 'GH'],
  'sample-provider-dubai-campus': ['AE'],
};

/** The steps after submission for each outcome: who acts, and what. */
const PATHS: { weight: number; steps: ['candidate' | 'provider', ApplicationEvent][] }[] = [
  { weight: 8, steps: [] },
  { weight: 5, steps: [['provider', 'invite-to-interview']] },
  { weight: 8, steps: [['provider', 'reject']] },
  {
    weight: 4,
    steps: [
      ['provider', 'invite-to-interview'],
      ['provider', 'reject'],
    ],
  },
  { weight: 5, steps: [['provider', 'make-offer']] },
  {
    weight: 5,
    steps: [
      ['provider', 'make-offer'],
      ['candidate', 'decline-offer'],
    ],
  },
  {
    weight: 2,
    steps: [
      ['provider', 'make-offer'],
      ['provider', 'withdraw-offer'],
    ],
  },
  {
    weight: 5,
    steps: [
      ['provider', 'make-offer'],
      ['candidate', 'accept-offer'],
    ],
  },
  {
    weight: 2,
    steps: [
      ['provider', 'make-offer'],
      ['candidate', 'accept-offer'],
      ['provider', 'mark-conditions-not-met'],
    ],
  },
  { weight: 4, steps: [['candidate', 'withdraw']] },
];

function sampleAnswers(name: string, country: string) {
  const [given, ...family] = name.split(' ');
  return {
    'personal-details': {
      'given-name': given!,
      'family-name': family.join(' '),
      'date-of-birth-day': '3',
      'date-of-birth-month': '4',
      'date-of-birth-year': '1991',
    },
    'where-you-live': { country, town: 'Sample town' },
    course: { phase: 'secondary', subject: 'Mathematics' },
    'personal-statement': { statement: 'Sample data: generated for trying the service, not written by a person.' },
  };
}

async function sampleUser(db: Kysely<Database>, email: string, name: string, now: Date): Promise<number> {
  await db
    .insertInto('users')
    .values({ email, name, role: 'candidate', is_sample: 1, created_at: now.toISOString(), last_signed_in_at: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}

/** Adds the sample applicants and the awarded past cohort, once. Returns how many applications and awards it added. */
export async function seedSampleFigures(
  db: Kysely<Database>,
  serviceUrl: string,
  now = new Date(),
): Promise<{ applications: number; awards: number }> {
  const already = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'sample.applicant1@example.com')
    .executeTakeFirst();
  if (already) return { applications: 0, awards: 0 };
  const providers = await db
    .selectFrom('providers')
    .select(['id', 'slug'])
    .where(
      'slug',
      'in',
      SAMPLE_PROVIDERS.map((p) => p.slug),
    )
    .execute();
  const deciders = await db
    .selectFrom('provider_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.provider_id', 'u.id'])
    .where('u.is_sample', '=', 1)
    .where('m.can_make_decisions', '=', 1)
    .execute();
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'sample.admin@example.com')
    .executeTakeFirst();
  const usable = providers.filter((p) => deciders.some((d) => d.provider_id === p.id) && COUNTRIES_BY_PROVIDER[p.slug]);
  if (usable.length === 0 || !admin) return { applications: 0, awards: 0 };

  const rand = random(20261130);
  const totalWeight = PATHS.reduce((a, p) => a + p.weight, 0);
  const pickPath = () => {
    let x = rand() * totalWeight;
    for (const p of PATHS) if ((x -= p.weight) < 0) return p;
    return PATHS[0]!;
  };

  /** One applicant: a draft, submitted at `submitted`, then each step a few days to weeks apart. */
  const apply = async (
    i: number,
    submitted: Date,
    steps: ['candidate' | 'provider', ApplicationEvent][],
    firstWait: number,
  ) => {
    const provider = usable[i % usable.length]!;
    const countries = COUNTRIES_BY_PROVIDER[provider.slug]!;
    const country = countries[Math.floor(rand() * countries.length)]!;
    const name = `Sample Applicant ${i + 1}`;
    const userId = await sampleUser(db, `sample.applicant${i + 1}@example.com`, name, submitted);
    const candidate = candidateScope(userId);
    const decider = deciders.find((d) => d.provider_id === provider.id)!;
    const decisions = providerScope(decider.id, 'make-decisions', [provider.id]);
    const draft = await draftFor(db, candidate, sampleAnswers(name, country), new Date(submitted.getTime() - 7 * DAY));
    await chooseProvider(db, candidate, draft.id, provider.id, new Date(submitted.getTime() - 7 * DAY));
    const all: ['candidate' | 'provider', ApplicationEvent][] = [['candidate', 'submit'], ...steps];
    let at = submitted;
    for (const [k, [who, event]] of all.entries()) {
      if (k === 1) at = new Date(submitted.getTime() + firstWait * DAY + 3_600_000);
      else if (k > 1) at = new Date(at.getTime() + (2 + Math.floor(rand() * 12)) * DAY);
      if (at > now) break;
      if (event === 'invite-to-interview') {
        // An invitation proposes a time: one a week after it was sent, online.
        const application = (await providerApplication(db, decisions, draft.reference))!;
        const invited = await proposeInterview(
          db,
          decisions,
          {
            application,
            details: {
              zone: 'Europe/London',
              durationMinutes: 45,
              mode: 'online',
              location: 'https://example.com/sample-interview',
              notes: 'Sample data: generated.',
            },
            instants: [new Date(at.getTime() + 7 * DAY)],
            serviceUrl,
          },
          at,
        );
        if (!invited.ok) throw new Error(`sample data: ${name}: ${event}: ${invited.message}`);
        continue;
      }
      const result = await changeState(
        db,
        who === 'candidate' ? candidate : decisions,
        {
          applicationId: draft.id,
          event,
          set:
            event === 'submit'
              ? {
                  provider_id: provider.id,
                  submitted_at: at.toISOString(),
                  candidate_name: name,
                  country,
                  phase: 'secondary',
                }
              : event === 'make-offer'
                ? { offer_conditions: JSON.stringify([{ text: 'Placement school confirmed', met: false }]) }
                : event === 'reject'
                  ? { rejection: JSON.stringify({ reasons: ['course-full'], feedback: 'Sample data: generated.' }) }
                  : {},
          serviceUrl,
          ...(event === 'make-offer' ? { personalisation: { conditions: 'Placement school confirmed' } } : {}),
          ...(event === 'reject'
            ? { personalisation: { reasons: '* Course full', feedback: 'Sample data: generated.' } }
            : {}),
        },
        at,
      );
      if (!result.ok) throw new Error(`sample data: ${name}: ${event}: ${result.message}`);
    }
    return { applicationId: draft.id, providerId: provider.id, country, userId, name };
  };

  let applications = 0;
  for (let i = 0; i < SAMPLE_APPLICANTS; i++) {
    // Spread over the past year, more of them recent; the undecided are the most recent.
    const path = pickPath();
    const daysAgo = path.steps.length === 0 ? 3 + Math.floor(rand() * 25) : 20 + Math.floor(rand() * 340);
    const firstWait = 1 + Math.floor(rand() * Math.min(45, daysAgo - 5));
    await apply(i, new Date(now.getTime() - daysAgo * DAY), path.steps, firstWait);
    applications++;
  }

  // A past cohort: recruited, trained, recommended and awarded over several months.
  const thisWeek = weekStart(now.toISOString().slice(0, 10));
  let awards = 0;
  for (let k = 0; k < PAST_COHORT; k++) {
    const i = SAMPLE_APPLICANTS + k;
    const start = addDays(thisWeek, -7 * (52 + 4 * k));
    const submitted = new Date(`${addDays(start, -120)}T10:00:00.000Z`);
    const app = await apply(
      i,
      submitted,
      [
        ['provider', 'make-offer'],
        ['candidate', 'accept-offer'],
        ['provider', 'confirm-conditions-met'],
      ],
      5 + k * 3,
    );
    const end = addDays(start, 7 * 39 - 3);
    const stamp = new Date(`${start}T09:00:00.000Z`).toISOString();
    const trainee = await db
      .insertInto('trainees')
      .values({
        application_id: app.applicationId,
        provider_id: app.providerId,
        candidate_id: app.userId,
        name: app.name,
        state: 'recommended',
        start_date: start,
        expected_end_date: end,
        study_mode: 'full-time',
        days_per_week: 5,
        age_range: '11 to 16',
        subjects: JSON.stringify(['Mathematics']),
        training_country: app.country,
        criteria_version: criteriaFor(start),
        cohort: cohortOf(start),
        state_detail: JSON.stringify({ date: end }),
        is_sample: 1,
        updated_at: stamp,
        created_at: stamp,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const awardedAt = new Date(`${addDays(end, 10 + 7 * k)}T11:00:00.000Z`);
    if (awardedAt > now) continue;
    const result = await awardTrainee(db, adminScope(admin.id), trainee.id, serviceUrl, awardedAt);
    if (!result.ok) throw new Error(`sample data: award to ${app.name}: ${result.message}`);
    awards++;
  }
  return { applications, awards };
}
