import { candidateScope } from '../../src/shared/scope.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase, openSqlite, type DatabaseHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { changeState } from '../../src/features/applications/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { renderEmail } from '../../src/notifications/templates.ts';
import { workDir, type BenchContext } from '../lib/context.ts';
import { contender, type ScenarioResult } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

/**
 * Scenario 6: application submissions per second with 20 candidates submitting at once,
 * with the durability we ship (SQLite WAL + synchronous=FULL; PostgreSQL), through the
 * service's own state change (state machine, audit row, the provider's decision deadline,
 * two outbox emails, one transaction) — against the same rows written by the raw driver in
 * a transaction.
 */
const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = 20;
const ANSWERS = JSON.stringify({
  'personal-details': { 'given-name': 'Sample', 'family-name': 'Candidate' },
  course: { phase: 'secondary' },
});

async function drafts(handle: DatabaseHandle, n: number, providerId: number, round: string): Promise<number[]> {
  const now = new Date().toISOString();
  const ids: number[] = [];
  for (let i = 0; i < n; i += 250) {
    const batch = Math.min(250, n - i);
    const users = await handle.db
      .insertInto('users')
      .values(
        Array.from({ length: batch }, (_, j) => ({
          email: `bench-${round}-${i + j}@example.com`,
          name: null,
          role: 'candidate',
          is_sample: 1,
          created_at: now,
          last_signed_in_at: null,
        })),
      )
      .returning('id')
      .execute();
    const apps = await handle.db
      .insertInto('applications')
      .values(
        users.map((u, j) => ({
          reference: `IQTS-${round}${String(i + j).padStart(7 - round.length, '0')}`.slice(0, 12),
          candidate_id: u.id,
          provider_id: providerId,
          status: 'draft',
          answers: ANSWERS,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning('id')
      .execute();
    apps.forEach((a, j) => draftCandidate.set(a.id, users[j]!.id));
    ids.push(...apps.map((a) => a.id));
  }
  return ids;
}

/** Whose draft each application is: the submit acts for that candidate. */
const draftCandidate = new Map<number, number>();

/** Runs `work` over the ids with 20 in flight at once; returns submits per second. */
async function concurrently(ids: number[], work: (id: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await work(ids[next++]!);
    }),
  );
  return ids.length / ((performance.now() - started) / 1000);
}

const outboxRow = (
  to: string,
  template: 'application-submitted-candidate' | 'application-submitted-provider',
  now: string,
) => {
  const p = {
    candidateName: 'Sample Candidate',
    providerName: 'Sample Provider',
    reference: 'IQTS-0000000',
    serviceUrl: 'http://localhost:3000',
  };
  const { subject, body } = renderEmail(template, p);
  return [to, template, subject, body, JSON.stringify(p), 'pending', now, now] as const;
};

/** The provider's decision deadline the submit opens (the service works out its date; the raw writes fixed ones). */
const deadlineRow = (now: string) =>
  ['provider-decision', '2026-1', 'Europe/London', '2027-01-12', '2027-01-12T23:59:59.999Z', now, now] as const;

export async function applicationSubmit(ctx: BenchContext): Promise<ScenarioResult> {
  const n = ctx.quick ? 200 : 2000;
  const engines: ('sqlite' | 'postgres')[] = ['sqlite'];
  const notes: string[] = [];
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    engines.push('postgres');
  } catch {
    notes.push(`PostgreSQL at ${POSTGRES_URL} was not reachable: SQLite only.`);
  } finally {
    await client.end().catch(() => undefined);
  }

  const results: ReturnType<typeof contender>[] = [];
  const goals: ScenarioResult['goals'] = [];
  for (const engine of engines) {
    const file = join(workDir, 'submit.sqlite');
    if (engine === 'sqlite') for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    const schema = 'bench_submit';
    const handle = await connectDatabase(
      engine === 'sqlite' ? `sqlite:${file}` : POSTGRES_URL,
      engine === 'postgres' ? { schema, poolSize: CONCURRENCY } : {},
    );
    if (engine === 'postgres') {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
      await sql`create schema ${sql.id(schema)}`.execute(handle.db);
    }
    await migrateToLatest(handle);
    await loadReferenceProviders(handle.db);
    await seedSampleData(handle.db, 0);
    const provider = await handle.db
      .selectFrom('providers')
      .select('id')
      .where('slug', '=', 'sample-provider-worldwide-online')
      .executeTakeFirstOrThrow();
    const raw = engine === 'sqlite' ? openSqlite(file) : undefined;
    const pool =
      engine === 'postgres'
        ? new pg.Pool({ connectionString: POSTGRES_URL, max: CONCURRENCY, options: `-c search_path=${schema}` })
        : undefined;

    const service: number[] = [];
    const direct: number[] = [];
    try {
      for (let r = 1; r <= ctx.rounds; r++) {
        const a = await drafts(handle, n, provider.id, `S${r}`);
        service.push(
          await concurrently(a, async (id) => {
            const result = await changeState(handle.db, candidateScope(draftCandidate.get(id)!), {
              applicationId: id,
              event: 'submit',
              set: {
                submitted_at: new Date().toISOString(),
                candidate_name: 'Sample Candidate',
                country: 'NG',
                phase: 'secondary',
              },
              serviceUrl: 'http://localhost:3000',
            });
            if (!result.ok) throw new Error(result.message);
          }),
        );
        const b = await drafts(handle, n, provider.id, `R${r}`);
        if (raw) {
          const update = raw.prepare(
            "update applications set status = 'awaiting-decision', submitted_at = ?, candidate_name = ?, country = ?, phase = ?, updated_at = ? where id = ? and status = 'draft'",
          );
          const audit = raw.prepare(
            "insert into audit_events (actor_user_id, provider_id, application_id, action, from_state, to_state, detail, created_at) values (1, ?, ?, 'submit', 'draft', 'awaiting-decision', null, ?)",
          );
          const email = raw.prepare(
            'insert into outbox (to_email, template, subject, body, personalisation, status, next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
          );
          const deadline = raw.prepare(
            'insert into deadlines (application_id, kind, policy_version, zone, last_day, due_at, opened_at, reminders_sent, next_reminder_at) values (?, ?, ?, ?, ?, ?, ?, 0, ?)',
          );
          const submit = raw.transaction((id: number) => {
            const now = new Date().toISOString();
            update.run(now, 'Sample Candidate', 'NG', 'secondary', now, id);
            audit.run(provider.id, id, now);
            deadline.run(id, ...deadlineRow(now));
            email.run(...outboxRow('candidate@example.com', 'application-submitted-candidate', now));
            email.run(...outboxRow('provider@example.com', 'application-submitted-provider', now));
          });
          direct.push(await concurrently(b, async (id) => void submit(id)));
        } else {
          direct.push(
            await concurrently(b, async (id) => {
              const c = await pool!.connect();
              try {
                const now = new Date().toISOString();
                await c.query('begin');
                await c.query(
                  "update applications set status = 'awaiting-decision', submitted_at = $1, candidate_name = $2, country = $3, phase = $4, updated_at = $1 where id = $5 and status = 'draft'",
                  [now, 'Sample Candidate', 'NG', 'secondary', id],
                );
                await c.query(
                  "insert into audit_events (actor_user_id, provider_id, application_id, action, from_state, to_state, detail, created_at) values (1, $1, $2, 'submit', 'draft', 'awaiting-decision', null, $3)",
                  [provider.id, id, now],
                );
                await c.query(
                  'insert into deadlines (application_id, kind, policy_version, zone, last_day, due_at, opened_at, reminders_sent, next_reminder_at) values ($1, $2, $3, $4, $5, $6, $7, 0, $8)',
                  [id, ...deadlineRow(now)],
                );
                for (const row of [
                  outboxRow('candidate@example.com', 'application-submitted-candidate', now),
                  outboxRow('provider@example.com', 'application-submitted-provider', now),
                ]) {
                  await c.query(
                    'insert into outbox (to_email, template, subject, body, personalisation, status, next_attempt_at, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
                    [...row],
                  );
                }
                await c.query('commit');
              } finally {
                c.release();
              }
            }),
          );
        }
        console.log(
          `  round ${r}: ${engine}: service ${Math.round(service.at(-1)!)} submits/s, raw ${Math.round(direct.at(-1)!)} submits/s`,
        );
      }
    } finally {
      raw?.close();
      await pool?.end();
      if (engine === 'postgres') await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
      await handle.close();
    }
    results.push(
      contender(`${engine}: the service's submit (state machine, audit, deadline, 2 emails)`, 'submits/s', service),
    );
    results.push(
      contender(
        `${engine}: raw ${engine === 'sqlite' ? 'better-sqlite3' : 'pg'} writes of the same rows`,
        'submits/s',
        direct,
      ),
    );
    const ratio = median(service) / median(direct);
    goals.push({ label: `${engine}: service ÷ raw`, value: ratio, goal: '≥ 0.5', met: ratio >= 0.5 });
  }
  return {
    id: 'application-submit',
    title: `6. Application submission, ${CONCURRENCY} candidates at once, ${n} a round (submits per second)`,
    higherIsBetter: true,
    contenders: results,
    goals,
    notes,
  };
}
