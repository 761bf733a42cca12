import type pg from 'pg';
import { sql } from 'kysely';

/**
 * Prepared statements for the hot paths on PostgreSQL. A query that ends with `PREPARED`
 * (`.modifyEnd(PREPARED)`) is parsed and planned once on each pooled connection and then
 * only bound and run: the submit's statements spend more time being parsed and planned
 * than being run. Only marked queries are named, so the server keeps a small, fixed set
 * per connection; SQLite reads the mark as a comment (its statements are prepared once
 * already, see `preparedOnce`).
 */
export const PREPARED = sql.raw('/* prepared */');
const MARK = '/* prepared */';

/** Statement names by SQL text; beyond this many texts a query runs unnamed. */
const MOST_NAMES = 500;
const names = new Map<string, string>();

function nameFor(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MOST_NAMES) {
    name = `iqts_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

/** The pool as Kysely's PostgreSQL driver uses it, its clients naming marked queries. */
export function namingPool(pool: pg.Pool): pg.Pool {
  const wrapped = new WeakMap<pg.PoolClient, pg.PoolClient>();
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    let w = wrapped.get(client);
    if (!w) {
      const query = client.query.bind(client) as Query;
      w = Object.create(client, {
        query: {
          value: (text: string, values?: unknown[]) => {
            const name = values?.length && text.endsWith(MARK) ? nameFor(text) : undefined;
            return name ? client.query({ name, text, values }) : query(text, values);
          },
        },
        release: { value: (err?: Error | boolean) => client.release(err) },
      }) as pg.PoolClient;
      wrapped.set(client, w);
    }
    return w;
  };
  return Object.create(pool, {
    connect: { value: async () => wrap(await pool.connect()) },
    end: { value: () => pool.end() },
  }) as pg.Pool;
}
