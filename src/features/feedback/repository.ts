import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export interface Feedback {
  pagePath: string;
  useful: boolean;
  comment: string | null;
}

export async function saveFeedback(db: Kysely<Database>, feedback: Feedback, now = new Date()): Promise<void> {
  await db
    .insertInto('content_feedback')
    .values({
      page_path: feedback.pagePath,
      useful: feedback.useful ? 1 : 0,
      comment: feedback.comment,
      created_at: now.toISOString(),
    })
    .execute();
}

export async function countFeedback(
  db: Kysely<Database>,
  pagePath: string,
): Promise<{ useful: number; notUseful: number }> {
  const rows = await db
    .selectFrom('content_feedback')
    .select(['useful', (eb) => eb.fn.countAll<number>().as('n')])
    .where('page_path', '=', pagePath)
    .groupBy('useful')
    .execute();
  const count = (u: number) => Number(rows.find((r) => Number(r.useful) === u)?.n ?? 0);
  return { useful: count(1), notUseful: count(0) };
}
