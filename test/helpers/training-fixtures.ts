import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { addPartnerSchool } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { inviteMentor, startTraining } from '../../src/features/training/repository.ts';
import { criteriaFor } from '../../src/features/training/requirements.ts';
import { providerScope, type ProviderScope } from '../../src/shared/scope.ts';

/** The first sample provider and its sample user who manages trainees. */
export async function sampleProvider(db: Kysely<Database>): Promise<{ providerId: number; scope: ProviderScope }> {
  await seedSampleData(db, 0);
  const { id: providerId } = await db
    .selectFrom('providers')
    .select('id')
    .where('slug', '=', 'sample-provider-worldwide-online')
    .executeTakeFirstOrThrow();
  const { id: userId } = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'sample.provider1@example.com')
    .executeTakeFirstOrThrow();
  return { providerId, scope: providerScope(userId, 'manage-trainees', [providerId]) };
}

export interface SchoolAt {
  name: string;
  town: string;
  country: string;
  lat: number;
  lon: number;
}

export const SCHOOLS = {
  dubai: { name: 'Test Dubai School', town: 'Dubai', country: 'AE', lat: 25.2, lon: 55.27 },
  auckland: { name: 'Test Auckland School', town: 'Auckland', country: 'NZ', lat: -36.85, lon: 174.76 },
  honolulu: { name: 'Test Honolulu School', town: 'Honolulu', country: 'US', lat: 21.31, lon: -157.86 },
} satisfies Record<string, SchoolAt>;

let serial = 0;

/**
 * A trainee in training at the provider: a candidate with a recruited application, a
 * mentor at the school, and one placement (through the repository, as a provider would).
 */
export async function makeTrainee(
  db: Kysely<Database>,
  provider: { providerId: number; scope: ProviderScope },
  input: { email: string; name: string; school: SchoolAt; start: string; end: string },
  now = new Date(),
): Promise<{ traineeId: number; placementId: number; schoolId: number }> {
  const n = ++serial;
  const schoolId = await addPartnerSchool(
    db,
    provider.providerId,
    { ...input.school, phases: null, languages: null, verified: true },
    true,
    now,
  );
  const mentor = await inviteMentor(
    db,
    provider.scope,
    {
      providerId: provider.providerId,
      schoolId,
      name: `Mentor ${n}`,
      email: `mentor.${n}.${input.email}`,
      role: 'general',
      trainedOn: '2024-06-01',
    },
    'http://localhost:3000',
    now,
  );
  if (!mentor.ok) throw new Error(mentor.message);
  const stamp = now.toISOString();
  const user = await db
    .insertInto('users')
    .values({ email: input.email, name: input.name, role: 'candidate', created_at: stamp, last_signed_in_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const app = await db
    .insertInto('applications')
    .values({
      reference: `IQTS-T${String(n).padStart(6, '0')}`,
      candidate_id: user.id,
      provider_id: provider.providerId,
      status: 'recruited',
      answers: '{}',
      candidate_name: input.name,
      country: input.school.country,
      phase: 'secondary',
      submitted_at: stamp,
      updated_at: stamp,
      created_at: stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const started = await startTraining(
    db,
    provider.scope,
    {
      applicationId: app.id,
      startDate: input.start,
      expectedEndDate: input.end,
      studyMode: 'full-time',
      daysPerWeek: 5,
      ageRange: '11 to 16',
      subjects: ['Mathematics'],
      trainingCountry: input.school.country,
      criteriaVersion: criteriaFor(input.start),
      placement: { mentorId: mentor.value, startDate: input.start, endDate: input.end },
    },
    'http://localhost:3000',
    now,
  );
  if (!started.ok) throw new Error(started.message);
  const placement = await db
    .selectFrom('placements')
    .select('id')
    .where('trainee_id', '=', started.value)
    .executeTakeFirstOrThrow();
  return { traineeId: started.value, placementId: placement.id, schoolId };
}
