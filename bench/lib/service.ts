import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../src/shared/paths.ts';
import { workDir, IQTS_PATH } from './context.ts';
import { freePort, startAndWait } from './processes.ts';

/** What `npm run serve` starts the service with: its environment settings and Node.js flags. */
export function serveCommand(): { env: Record<string, string>; flags: string[] } {
  const words = (
    JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { scripts: { serve: string } }
  ).scripts.serve.split(/\s+/);
  return {
    env: Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split('=', 2) as [string, string])),
    flags: words.filter((w) => w.startsWith('--')),
  };
}

/** Starts the built service as `npm run serve` does, in production mode on a fresh SQLite file. */
export async function startService(options: { contentDir?: string; env?: Record<string, string> } = {}) {
  const port = await freePort();
  const db = join(workDir, `bench-${port}.sqlite`);
  rmSync(db, { force: true });
  const serve = serveCommand();
  const running = await startAndWait(process.execPath, [...serve.flags, fromRoot('dist/service.mjs')], {
    url: `http://127.0.0.1:${port}${IQTS_PATH}`,
    cwd: fromRoot('.'),
    env: {
      ...serve.env,
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${db}`,
      ...(options.contentDir ? { CONTENT_DIR: options.contentDir } : {}),
      ...options.env,
    },
  });
  return {
    ...running,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await running.stop();
      for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
    },
  };
}
