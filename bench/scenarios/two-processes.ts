import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import {
  incompleteSections,
  sectionById,
  validateSection,
  type Answers,
} from '../../src/features/applications/sections.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { SESSION_COOKIE } from '../../src/platform/session.ts';
import { LAGOS_CANDIDATE } from '../../test/helpers/applications.ts';
import { IQTS_PATH, workDir, type BenchContext } from '../lib/context.ts';
import { freePort, startAndWait } from '../lib/processes.ts';
import { contender, type ScenarioResult } from '../lib/report.ts';
import { startService } from '../lib/service.ts';
import { median } from '../lib/stats.ts';
import { runWrk } from '../lib/wrk.ts';

/**
 * Scenario 9: what users see when the service outgrows one process. Two service processes
 * share one PostgreSQL database behind nginx (a local load balancer, round robin, kept-alive
 * upstream connections), against one process alone: the content page (wrk) and real
 * application submits over HTTP (session cookie, CSRF token, the candidate's complete
 * draft: the whole route, state machine, audit row and emails).
 */
const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'bench_two';
const SECRET = randomBytes(32).toString('hex');
const CONCURRENCY = 20;

/** A complete application (the test suite's Lagos candidate), stored as the task list stores it. */
function storedAnswers(): Answers {
  const answers: Answers = {};
  for (const [id, typed] of Object.entries(LAGOS_CANDIDATE)) {
    const result = validateSection(sectionById(id)!, typed);
    if (result.errors.length) throw new Error(`bench: ${id}: ${result.errors[0]!.message}`);
    answers[id] = result.values;
  }
  if (incompleteSections(answers).length) throw new Error('bench: the sample application is not complete');
  return answers;
}

const serviceEnv = () => ({
  SESSION_SECRET: SECRET,
  DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`,
});

async function startBalancer(ports: number[]) {
  const port = await freePort();
  const conf = join(workDir, 'nginx-balancer.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(workDir, 'nginx-balancer.pid')};
error_log ${join(workDir, 'nginx-balancer-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${workDir}; proxy_temp_path ${workDir}; fastcgi_temp_path ${workDir}; uwsgi_temp_path ${workDir}; scgi_temp_path ${workDir};
  upstream iqts { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://iqts;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_buffering off;
    }
  }
}
`,
  );
  const nginx = execFileSync('sh', ['-c', 'command -v nginx || echo /usr/sbin/nginx'], { encoding: 'utf8' }).trim();
  const running = await startAndWait(nginx, ['-c', conf, '-p', workDir], {
    url: `http://127.0.0.1:${port}${IQTS_PATH}`,
  });
  return { ...running, url: `http://127.0.0.1:${port}` };
}

/** n candidates signed in, each with a complete draft to the sample provider: their cookies and CSRF tokens. */
async function candidates(pool: pg.Pool, providerId: number, n: number, round: string) {
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + 3_600_000).toISOString();
  const out: { cookie: string; csrf: string }[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = Math.min(500, n - i);
    const users = await pool.query<{ id: number }>(
      `insert into users (email, name, role, is_sample, created_at)
       select 'bench-two-' || $1::text || '-' || g || '@example.com', null, 'candidate', 1, $2
       from generate_series($3::int, $4::int) g returning id`,
      [round, now, i, i + batch - 1],
    );
    const ids = users.rows.map((r) => r.id);
    await pool.query(
      `insert into applications (reference, candidate_id, provider_id, status, answers, created_at, updated_at)
       select 'B' || $1::text || lpad(u::text, 9, '0'), u, $2, 'draft', $3, $4, $4 from unnest($5::int[]) u`,
      [round, providerId, JSON.stringify(storedAnswers()), now, ids],
    );
    const sessions = ids.map((userId) => {
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      out.push({ cookie: `${SESSION_COOKIE}=${token}`, csrf });
      return [createHmac('sha256', SECRET).update(token).digest('hex'), JSON.stringify({ csrf, userId })];
    });
    await pool.query(
      `insert into sessions (id, data, expires_at, created_at, updated_at)
       select s[1], s[2], $1, $2, $2 from (select array[a, b] s from unnest($3::text[], $4::text[]) as t(a, b)) x`,
      [expires, now, sessions.map((s) => s[0]), sessions.map((s) => s[1])],
    );
  }
  return out;
}

/** Every candidate submits once, 20 at a time; submits per second. Each must reach their submitted application. */
async function submitAll(url: string, people: { cookie: string; csrf: string }[]): Promise<number> {
  let next = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < people.length) {
        const person = people[next++]!;
        const res = await fetch(`${url}/application/submit`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: person.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: `_csrf=${encodeURIComponent(person.csrf)}`,
        });
        await res.arrayBuffer();
        if (res.status !== 303 || !/\?submitted=1$/.test(res.headers.get('location') ?? '')) refused++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (refused) throw new Error(`bench: ${refused} of ${people.length} submits did not reach a submitted application`);
  return people.length / seconds;
}

export async function twoProcesses(ctx: BenchContext): Promise<ScenarioResult> {
  const n = ctx.quick ? 100 : 2000;
  const handle = await connectDatabase(POSTGRES_URL, { schema: SCHEMA });
  await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(handle.db);
  await sql`create schema ${sql.id(SCHEMA)}`.execute(handle.db);
  await migrateToLatest(handle);
  await loadReferenceProviders(handle.db);
  await seedSampleData(handle.db, 0);
  const provider = await handle.db
    .selectFrom('providers')
    .select('id')
    .where('slug', '=', 'sample-provider-worldwide-online')
    .executeTakeFirstOrThrow();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, options: `-c search_path=${SCHEMA}` });

  const running: { stop(): Promise<void> }[] = [];
  const page = { one: [] as number[], two: [] as number[] };
  const submits = { one: [] as number[], two: [] as number[] };
  try {
    const a = await startService({ env: serviceEnv() });
    running.push(a);
    const b = await startService({ env: serviceEnv() });
    running.push(b);
    const balancer = await startBalancer([a.port, b.port]);
    running.push(balancer);
    for (let r = 1; r <= ctx.rounds; r++) {
      for (const [setting, url] of [
        ['one', a.url],
        ['two', balancer.url],
      ] as const) {
        const wrk = runWrk(url + IQTS_PATH, { connections: ctx.connections, seconds: ctx.seconds });
        page[setting].push(wrk.requestsPerSecond);
        const people = await candidates(pool, provider.id, n, `${r}${setting[1]}`);
        submits[setting].push(await submitAll(url, people));
        console.log(
          `  round ${r}: ${setting === 'one' ? 'one process' : 'two processes behind nginx'}: page ${Math.round(wrk.requestsPerSecond)} req/s, ${Math.round(submits[setting].at(-1)!)} submits/s`,
        );
      }
    }
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    await pool.end();
    await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(handle.db);
    await handle.close();
  }
  const pageGain = median(page.two) / median(page.one);
  const submitGain = median(submits.two) / median(submits.one);
  return {
    id: 'two-processes',
    title: `9. Two service processes on one PostgreSQL database behind nginx, against one process (${ctx.connections} connections for the page; ${CONCURRENCY} candidates submitting at once, ${n} a round)`,
    higherIsBetter: true,
    contenders: [
      contender('content page: one process', 'req/s', page.one),
      contender('content page: two processes behind nginx', 'req/s', page.two),
      contender('submits over HTTP: one process', 'submits/s', submits.one),
      contender('submits over HTTP: two processes behind nginx', 'submits/s', submits.two),
    ],
    goals: [
      { label: 'content page: two ÷ one', value: pageGain, goal: '(reported)', met: true },
      { label: 'submits: two ÷ one', value: submitGain, goal: '(reported)', met: true },
    ],
    notes: [
      'The machine has 2 cores shared by both service processes, nginx, PostgreSQL and the load generators, so two processes cannot double anything here; the figures show what a second process costs or gains on the same machine.',
    ],
  };
}
