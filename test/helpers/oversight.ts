import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';

/**
 * Known data for the national figures, written straight to the tables so every number is
 * chosen: applications in several statuses and months with decisions at known intervals,
 * trainees in several states, countries and cohorts with placements, and awards (one
 * revoked). Two sample providers: A (Nigeria) and B (United Arab Emirates).
 */
export interface KnownFigures {
  providerA: number;
  providerB: number;
  emails: { admin: string; candidate: string; trainee: string; mentor: string; provider: string };
}

const STAMP = '2026-01-01T09:00:00.000Z';

/** Submitted at day `d` of a month, decided `days` later. */
const at = (month: string, d: number) => `${month}-${String(d).padStart(2, '0')}T10:00:00.000Z`;
const later = (iso: string, days: number) => new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();

export const APPLICATIONS: {
  provider: 'A' | 'B';
  country: string;
  status: string;
  month: string;
  days: number | null;
}[] = [
  { provider: 'A', country: 'NG', status: 'awaiting-decision', month: '2026-01', days: null },
  { provider: 'A', country: 'NG', status: 'awaiting-decision', month: '2026-01', days: null },
  { provider: 'A', country: 'NG', status: 'awaiting-decision', month: '2026-01', days: null },
  { provider: 'A', country: 'NG', status: 'rejected', month: '2026-02', days: 1 },
  { provider: 'A', country: 'NG', status: 'rejected', month: '2026-02', days: 3 },
  { provider: 'A', country: 'NG', status: 'offer', month: '2026-02', days: 10 },
  { provider: 'A', country: 'NG', status: 'recruited', month: '2026-03', days: 2 },
  { provider: 'A', country: 'NG', status: 'recruited', month: '2026-03', days: 4 },
  { provider: 'A', country: 'NG', status: 'recruited', month: '2026-03', days: 20 },
  { provider: 'A', country: 'NG', status: 'recruited', month: '2026-03', days: 40 },
  { provider: 'A', country: 'NG', status: 'declined', month: '2026-03', days: 5 },
  { provider: 'B', country: 'AE', status: 'conditions-pending', month: '2026-03', days: 7 },
  { provider: 'B', country: 'AE', status: 'conditions-pending', month: '2026-03', days: 8 },
  { provider: 'B', country: 'AE', status: 'withdrawn', month: '2026-04', days: null },
  { provider: 'B', country: 'AE', status: 'interviewing', month: '2026-04', days: null },
];

/** Trainees: on the recruited (A) and conditions-pending (B) applications, in order. */
const TRAINEES = [
  // Met the 24 weeks.
  {
    provider: 'A',
    country: 'NG',
    state: 'in-training',
    cohort: '2025 to 2026',
    criteria: '2025-04',
    start: '2025-09-01',
    end: '2026-06-30',
    halves: 240,
    weeks: 24,
  },
  // No confirmed time yet: behind.
  {
    provider: 'A',
    country: 'NG',
    state: 'in-training',
    cohort: '2025 to 2026',
    criteria: '2025-04',
    start: '2025-09-08',
    end: '2026-07-31',
    halves: 0,
    weeks: 0,
  },
  {
    provider: 'A',
    country: 'NG',
    state: 'awarded',
    cohort: '2025 to 2026',
    criteria: '2025-04',
    start: '2025-09-01',
    end: '2026-06-30',
    halves: 250,
    weeks: 25,
  },
  {
    provider: 'A',
    country: 'NG',
    state: 'revoked',
    cohort: '2025 to 2026',
    criteria: '2025-04',
    start: '2025-09-01',
    end: '2026-06-30',
    halves: 250,
    weeks: 25,
  },
  // Pilot criteria, 100 of 120 days, expected end passed: behind, 75% to 99%.
  {
    provider: 'B',
    country: 'AE',
    state: 'in-training',
    cohort: '2024 to 2025',
    criteria: 'pilot',
    start: '2024-09-02',
    end: '2025-06-30',
    halves: 200,
    weeks: 20,
  },
  {
    provider: 'B',
    country: 'AE',
    state: 'deferred',
    cohort: '2024 to 2025',
    criteria: 'pilot',
    start: '2024-09-02',
    end: '2025-06-30',
    halves: 20,
    weeks: 2,
  },
] as const;

export async function seedKnownFigures(db: Kysely<Database>): Promise<KnownFigures> {
  await seedSampleData(db, 0);
  const slug = async (s: string) =>
    (await db.selectFrom('providers').select('id').where('slug', '=', s).executeTakeFirstOrThrow()).id;
  const providerA = await slug('sample-provider-worldwide-online');
  const providerB = await slug('sample-provider-dubai-campus');
  const providerOf = (p: 'A' | 'B') => (p === 'A' ? providerA : providerB);
  const user = async (email: string, role: string) =>
    (
      await db
        .insertInto('users')
        .values({ email, name: email.split('@')[0]!, role, is_sample: 1, created_at: STAMP, last_signed_in_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  const applicationIds: number[] = [];
  const candidateIds: number[] = [];
  for (const [i, a] of APPLICATIONS.entries()) {
    const candidate = await user(`figures.candidate${i + 1}@example.com`, 'candidate');
    const submitted = at(a.month, 2 + i);
    const row = await db
      .insertInto('applications')
      .values({
        reference: `IQTS-F${String(i + 1).padStart(6, '0')}`,
        candidate_id: candidate,
        provider_id: providerOf(a.provider),
        status: a.status,
        answers: '{}',
        candidate_name: `Figures Candidate ${i + 1}`,
        country: a.country,
        phase: 'secondary',
        submitted_at: submitted,
        decided_at: a.days === null ? null : later(submitted, a.days),
        decision_days: a.days,
        updated_at: submitted,
        created_at: submitted,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    applicationIds.push(row.id);
    candidateIds.push(candidate);
  }
  // A draft: never counted.
  const drafter = await user('figures.draft@example.com', 'candidate');
  await db
    .insertInto('applications')
    .values({
      reference: 'IQTS-FDRAFT',
      candidate_id: drafter,
      provider_id: providerA,
      status: 'draft',
      answers: '{}',
      candidate_name: null,
      country: 'NG',
      phase: null,
      submitted_at: null,
      updated_at: STAMP,
      created_at: STAMP,
    })
    .execute();

  // Schools, a mentor, and trainees on the recruited and conditions-pending applications.
  const school = async (name: string, country: string) =>
    (
      await db
        .insertInto('placement_schools')
        .values({
          name,
          country,
          town: 'Town',
          lat: 0,
          lon: 0,
          phases: null,
          languages: null,
          match_key: name.toLowerCase(),
          is_sample: 1,
          created_at: STAMP,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const schoolsA = [await school('Figures School Lagos', 'NG'), await school('Figures School Abuja', 'NG')];
  const schoolB = await school('Figures School Dubai', 'AE');
  const mentorUser = await user('figures.mentor@example.com', 'mentor');
  const mentor = async (providerId: number, schoolId: number) =>
    (
      await db
        .insertInto('mentors')
        .values({
          user_id: mentorUser,
          provider_id: providerId,
          school_id: schoolId,
          name: 'Figures Mentor',
          mentor_role: 'general',
          trained_on: '2025-01-01',
          is_sample: 1,
          created_at: STAMP,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const mentorsA = [await mentor(providerA, schoolsA[0]!), await mentor(providerA, schoolsA[1]!)];
  const mentorB = await mentor(providerB, schoolB);

  const traineeApps = APPLICATIONS.map((a, i) => ({ a, i })).filter(
    ({ a }) => a.status === 'recruited' || a.status === 'conditions-pending',
  );
  const traineeIds: number[] = [];
  for (const [k, spec] of TRAINEES.entries()) {
    const { i } = traineeApps[k]!;
    const row = await db
      .insertInto('trainees')
      .values({
        application_id: applicationIds[i]!,
        provider_id: providerOf(spec.provider),
        candidate_id: candidateIds[i]!,
        name: `Figures Trainee ${k + 1}`,
        state: spec.state,
        start_date: spec.start,
        expected_end_date: spec.end,
        study_mode: 'full-time',
        days_per_week: 5,
        age_range: '11 to 16',
        subjects: '["Mathematics"]',
        training_country: spec.country,
        criteria_version: spec.criteria,
        cohort: spec.cohort,
        confirmed_halves: spec.halves,
        counted_weeks: spec.weeks,
        state_detail: null,
        is_sample: 1,
        updated_at: STAMP,
        created_at: STAMP,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    traineeIds.push(row.id);
    // A's trainees alternate between its two schools; B's are at its one.
    const schoolId = spec.provider === 'A' ? schoolsA[k % 2]! : schoolB;
    const mentorId = spec.provider === 'A' ? mentorsA[k % 2]! : mentorB;
    await db
      .insertInto('placements')
      .values({
        trainee_id: row.id,
        school_id: schoolId,
        mentor_id: mentorId,
        start_date: spec.start,
        end_date: spec.end,
        time_zone: spec.country === 'AE' ? 'Asia/Dubai' : 'Africa/Lagos',
        created_at: STAMP,
      })
      .execute();
  }

  // Awards: June 2026 (held) and July 2026 (revoked since).
  for (const [k, month, revoked] of [
    [2, '2026-06', false],
    [3, '2026-07', true],
  ] as const) {
    const teacher = await db
      .insertInto('teachers')
      .values({
        trn: String(3_000_000 + k),
        email: `figures.teacher${k}@example.com`,
        date_of_birth: '1990-01-01',
        name: `Figures Trainee ${k + 1}`,
        created_at: STAMP,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('awards')
      .values({
        trainee_id: traineeIds[k]!,
        teacher_id: teacher.id,
        trn: String(3_000_000 + k),
        date_of_birth: '1990-01-01',
        name: `Figures Trainee ${k + 1}`,
        outcome_date: `${month}-10`,
        route: 'International Qualified Teacher Status',
        training_country: 'NG',
        provider_id: providerA,
        provider_name: 'Sample Provider',
        age_range: '11 to 16',
        subjects: '["Mathematics"]',
        verify_code: `figures${k}`,
        awarded_by: null,
        awarded_at: `${month}-15T12:00:00.000Z`,
        revoked_at: revoked ? '2026-08-01T12:00:00.000Z' : null,
        revoke_reason: revoked ? 'Figures test' : null,
      })
      .execute();
  }

  const admin = 'figures.admin@example.org';
  await user(admin, 'admin');
  return {
    providerA,
    providerB,
    emails: {
      admin,
      candidate: 'figures.draft@example.com',
      trainee: 'figures.candidate7@example.com',
      mentor: 'figures.mentor@example.com',
      provider: 'sample.provider1@example.com',
    },
  };
}

/**
 * A candidate of their own and their application, written straight to the tables: for the
 * figures' tests that need many applications in chosen states. `key` makes the email and
 * reference unique within a database.
 */
export async function applicationRow(
  db: Kysely<Database>,
  key: string,
  values: { providerId: number | null; status: string; submittedAt: string | null; decisionDays?: number | null },
): Promise<{ candidateId: number; applicationId: number }> {
  const stamp = '2026-03-01T09:00:00.000Z';
  const name = `Figures Row ${key}`;
  const user = await db
    .insertInto('users')
    .values({
      email: `figures.row.${key}@example.com`,
      name,
      role: 'candidate',
      is_sample: 0,
      created_at: stamp,
      last_signed_in_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('applications')
    .values({
      reference: `IQTS-R${key.toUpperCase()}`,
      candidate_id: user.id,
      provider_id: values.providerId,
      status: values.status,
      answers: '{}',
      candidate_name: name,
      country: 'NG',
      phase: 'secondary',
      submitted_at: values.submittedAt,
      decision_days: values.decisionDays ?? null,
      updated_at: stamp,
      created_at: stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { candidateId: user.id, applicationId: row.id };
}
