import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { startRetentionJob } from './jobs/retention.ts';
import { loadReferenceProviders } from './features/providers/reference-data.ts';
import { transportFromConfig } from './notifications/transports.ts';
import { startOutboxWorker } from './notifications/worker.ts';

/** Start: config → database → migrate → listen; graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await connectDatabase(
    config.databaseUrl,
    config.databaseSchema ? { schema: config.databaseSchema } : {},
  );
  await migrateToLatest(database);
  // Reference data on first start (and any provider added to data/providers.yaml since).
  await loadReferenceProviders(database.db);
  const app = await buildApp({ config, database, renderContent: 'background' });
  // Expired sessions and codes, delivered emails and abandoned drafts are deleted on a schedule.
  const retention = startRetentionJob({
    db: database.db,
    policy: config.retention,
    intervalMinutes: config.retention.intervalMinutes,
    logger: app.log,
  });

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
  void app.contentSite.renderInBackground().then(() => {
    const errors = app.contentSite.problems.filter((p) => p.severity === 'error');
    for (const problem of errors)
      app.log.warn({ file: problem.file, line: problem.line }, `content: ${problem.message}`);
    app.log.info(
      { pages: app.contentSite.rendered, ms: Math.round(performance.now() - rendering) },
      'content pages rendered',
    );
  });
  app.log.info(
    {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      dialect: database.dialect,
    },
    'iQTS service ready',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
