import type { Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database } from '../../db/schema.ts';

/**
 * When a decision takes an application past the interview stage (an offer, a rejection, a
 * withdrawal), interviews still being arranged, and agreed ones still to come, are cancelled
 * in the same transaction; an interview that has happened stays as it was.
 */
export async function closeInterviewsOf(
  trx: Transaction<Database>,
  input: {
    applicationId: number;
    providerId: number | null;
    /** null: the service itself (a deadline passed). */
    actorUserId: number | null;
    side: 'candidate' | 'provider' | 'system';
    state: string;
  },
  now: Date,
): Promise<void> {
  const stamp = now.toISOString();
  const open = await trx
    .selectFrom('interviews')
    .select(['id', 'status', 'starts_at'])
    .where('application_id', '=', input.applicationId)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['proposed', 'other-times-requested']),
        eb.and([eb('status', '=', 'agreed'), eb('starts_at', '>', stamp)]),
      ]),
    )
    .execute();
  for (const interview of open) {
    await trx
      .updateTable('interviews')
      .set((eb) => ({
        status: 'cancelled',
        cancelled_by: input.side,
        reason: `The application is no longer at the interview stage (${input.state})`,
        version: eb('version', '+', 1),
        updated_at: stamp,
      }))
      .where('id', '=', interview.id)
      .where('status', '=', interview.status)
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: input.actorUserId,
        providerId: input.providerId,
        applicationId: input.applicationId,
        action: 'interview-cancel',
        detail: { interviewId: interview.id, reason: 'application-decided', state: input.state },
      },
      now,
    );
  }
}
