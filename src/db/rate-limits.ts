import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Counts one request against a bucket (an IP address) in the current window and says
 * whether it is within the limit. One upsert: the count lives in the database, so every
 * process sharing it shares the limit.
 */
export async function countRequest(
  db: Kysely<Database>,
  bucket: string,
  limit: number,
  windowSeconds: number,
  now = new Date(),
): Promise<{ allowed: boolean; retryAfter: number }> {
  const windowStart = Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;
  const row = await db
    .insertInto('check_rate_limits')
    .values({ bucket, window_start: windowStart, hits: 1 })
    .onConflict((oc) =>
      oc.columns(['bucket', 'window_start']).doUpdateSet((eb) => ({ hits: eb('check_rate_limits.hits', '+', 1) })),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  // A bucket's first request in a window clears its earlier windows, so the table stays small.
  if (Number(row.hits) === 1)
    await db
      .deleteFrom('check_rate_limits')
      .where('bucket', '=', bucket)
      .where('window_start', '<', windowStart)
      .execute();
  return {
    allowed: Number(row.hits) <= limit,
    retryAfter: windowStart + windowSeconds - Math.floor(now.getTime() / 1000),
  };
}
