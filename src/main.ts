import cluster, { type Worker } from 'node:cluster';
import { pino, type Logger } from 'pino';
import { buildApp } from './app.ts';
import { listeningAddress, loadConfig, type Config } from './config.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { withStartupLock } from './db/startup-lock.ts';
import { startRetentionJob } from './jobs/retention.ts';
import { startDeadlinesJob } from './features/deadlines/job.ts';
import { startTallyFolding } from './features/oversight/tallies.ts';
import { loadReferenceProviders } from './features/providers/reference-data.ts';
import { compiledCode } from './platform/compiled-code.ts';
import { transportFromConfig } from './notifications/transports.ts';
import { startOutboxWorker } from './notifications/worker.ts';

const connect = (config: Config) =>
  connectDatabase(config.databaseUrl, config.databaseSchema ? { schema: config.databaseSchema } : {});

/** Migrations, then reference data on first start (and any provider added to data/providers.yaml since). */
async function prepareDatabase(database: DatabaseHandle): Promise<void> {
  await withStartupLock(database, async () => {
    await migrateToLatest(database);
    await loadReferenceProviders(database.db);
  });
}

/**
 * Start: config → database → migrate → listen; graceful shutdown on SIGTERM/SIGINT.
 *
 * WEB_CONCURRENCY=N (PostgreSQL) runs N worker processes sharing the port (node:cluster):
 * this process prepares the database once, starts the workers, starts a new one when one
 * dies, and passes SIGTERM/SIGINT on to them. Sessions, sign-in limits, the outbox and
 * scheduled jobs live in the database, so any worker can answer any request. On SQLite the
 * service runs one process: one writer is SQLite's design, and it serves reads at scale.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // A worker: the primary has prepared the database.
  if (cluster.isWorker) return serve(config, { prepare: false });
  const log = pino({ level: config.logLevel });
  if (config.webConcurrency > 1 && !config.databaseUrl.startsWith('sqlite:')) {
    const database = await connect(config);
    try {
      await prepareDatabase(database);
    } finally {
      await database.close();
    }
    return supervise(config, log);
  }
  if (config.webConcurrency > 1)
    log.warn(
      { webConcurrency: config.webConcurrency },
      'WEB_CONCURRENCY is ignored on SQLite: one process is the supported setup; use PostgreSQL for several',
    );
  return serve(config, { prepare: true });
}

/** The primary process with WEB_CONCURRENCY > 1: keeps N workers running until told to stop. */
function supervise(config: Config, log: Logger): void {
  let stopping = false;
  const live = new Set<Worker>();
  const recentDeaths: number[] = [];
  const fork = () => live.add(cluster.fork());
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (live.size === 0) {
        log.info('all workers stopped');
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    recentDeaths.push(now);
    while (recentDeaths.length && recentDeaths[0]! < now - 60_000) recentDeaths.shift();
    // A worker that keeps dying at start would otherwise be restarted for ever.
    if (recentDeaths.length > config.webConcurrency * 3) {
      log.error({ pid: worker.process.pid, code, signal }, 'workers keep stopping: giving up');
      for (const other of live) other.process.kill('SIGTERM');
      process.exit(1);
    }
    log.warn({ pid: worker.process.pid, code, signal }, 'worker stopped unexpectedly: starting another');
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: live.size }, 'shutting down workers');
    if (live.size === 0) process.exit(0);
    for (const worker of live) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  log.info({ workers: config.webConcurrency }, 'starting worker processes');
  for (let i = 0; i < config.webConcurrency; i++) fork();
}

/** One process serving requests: this one alone, or one of the cluster's workers. */
async function serve(config: Config, options: { prepare: boolean }): Promise<void> {
  const database = await connect(config);
  if (options.prepare) await prepareDatabase(database);
  const app = await buildApp({ config, database, renderContent: 'background' });
  // Expired sessions and codes, delivered emails and abandoned drafts are deleted on a schedule.
  const retention = startRetentionJob({
    db: database.db,
    policy: config.retention,
    intervalMinutes: config.retention.intervalMinutes,
    logger: app.log,
  });
  // Deadline reminders and "by default" steps: every process looks; row claims make each happen once.
  const deadlines = startDeadlinesJob({
    db: database.db,
    serviceUrl: config.serviceUrl,
    intervalMs: config.deadlinesIntervalSeconds * 1000,
    logger: app.log,
  });

  // The national figures' application counts: changes appended by triggers are folded in each minute.
  const tallies = startTallyFolding({ db: database.db, logger: app.log });

  // Emails written by state changes are delivered from the outbox, retried until they go.
  const transport = transportFromConfig(config.email, (entry, message) => app.log.info(entry, message));
  const outbox = startOutboxWorker({ db: database.db, transport, logger: app.log });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await retention.stop();
    await deadlines.stop();
    await tallies.stop();
    await outbox.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  // The port listened on: the one asked for, or the one given when PORT=0.
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const rendering = performance.now();
  const code = compiledCode();
  void app.contentSite.renderInBackground().then(() => {
    const errors = app.contentSite.problems.filter((p) => p.severity === 'error');
    for (const problem of errors)
      app.log.warn({ file: problem.file, line: problem.line }, `content: ${problem.message}`);
    app.log.info(
      { pages: app.contentSite.rendered, ms: Math.round(performance.now() - rendering) },
      'content pages rendered',
    );
    // By now the code a start and a page need is compiled: kept, the next start skips compiling it.
    if (code?.save()) app.log.info('compiled code saved for the next start');
  });
  app.log.info(
    {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      dialect: database.dialect,
      ...(code ? { code: code.state } : {}),
      ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}),
    },
    'iQTS service ready',
  );
  if (config.devTools && !cluster.isWorker) {
    // PORT=0 listens on a port chosen now; otherwise links use the configured public address.
    const base = config.port === 0 ? listeningAddress(config.host, port) : config.serviceUrl;
    app.log.info(
      `Development tools are on. Candidates: sign in at ${base}/sign-in with any address and read the code at ` +
        `${base}/dev/outbox. Provider staff and DfE admins: ${base}/provider/sign-in; to get one, press ` +
        `"Load sample data" at ${base}/dev/users and sign in as a sample user there, or run ` +
        `npm run users:add-admin -- you@example.org`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
