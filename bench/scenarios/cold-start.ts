import { cpSync, readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fromRoot } from '../../src/shared/paths.ts';
import { IQTS_PATH, workDir, type BenchContext } from '../lib/context.ts';
import { generateSeedFormatTree } from '../lib/peers.ts';
import { rssMb } from '../lib/processes.ts';
import { contender, type ScenarioResult } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { startService } from '../lib/service.ts';
import { runWrk } from '../lib/wrk.ts';

/** The code caches the service's launcher writes beside the bundle (src/platform/launch.ts). */
const codeCaches = () => readdirSync(fromRoot('dist')).filter((name) => name.endsWith('.v8cache'));

/**
 * Scenario 4: process start to first 200 on the iQTS page with 1,000 extra content pages;
 * memory at idle and after load. Each round starts the service twice: first with no code
 * cache (the first start after a build compiles the bundle, then saves its compiled code),
 * then as every later start does, from that cache.
 */
export async function coldStart(ctx: BenchContext): Promise<ScenarioResult> {
  const dir = join(workDir, 'cold-start-content');
  rmSync(dir, { recursive: true, force: true });
  cpSync(fromRoot('content'), dir, { recursive: true });
  generateSeedFormatTree(dir, 1000);

  const compiling: number[] = [];
  const ready: number[] = [];
  const idle: number[] = [];
  const loaded: number[] = [];
  for (let r = 1; r <= ctx.rounds; r++) {
    for (const name of codeCaches()) rmSync(fromRoot('dist', name));
    const first = await startService({ contentDir: dir });
    try {
      compiling.push(first.readyMs);
      // The cache is written once the content pages are rendered.
      for (let waited = 0; codeCaches().length === 0 && waited < 60_000; waited += 100) await sleep(100);
      if (codeCaches().length === 0) throw new Error('the service saved no code cache within a minute of starting');
    } finally {
      await first.stop();
    }
    const service = await startService({ contentDir: dir });
    try {
      ready.push(service.readyMs);
      await sleep(1000);
      idle.push(rssMb(service.child.pid!));
      runWrk(service.url + IQTS_PATH, {
        connections: ctx.connections,
        seconds: ctx.quick ? 1 : 5,
        headers: { 'accept-encoding': 'gzip, br' },
      });
      loaded.push(rssMb(service.child.pid!));
      console.log(
        `  round ${r}: first 200 after ${Math.round(first.readyMs)} ms compiling, ${Math.round(service.readyMs)} ms from the code cache; RSS ${Math.round(idle.at(-1)!)} MB idle, ${Math.round(loaded.at(-1)!)} MB after load`,
      );
    } finally {
      await service.stop();
    }
  }
  return {
    id: 'cold-start',
    title: '4. Cold start with 1,000 extra content pages',
    higherIsBetter: false,
    contenders: [
      contender('start to first 200 on the iQTS page, code from the cache (every start after the first)', 'ms', ready),
      contender('start to first 200, first start after a build (compiles, then saves the cache)', 'ms', compiling),
      contender('RSS at idle', 'MB', idle),
      contender('RSS after the load run', 'MB', loaded),
    ],
    goals: [
      { label: 'start to first 200 (ms)', value: median(ready), goal: '< 1,500', met: median(ready) < 1500 },
      { label: 'RSS after load (MB)', value: median(loaded), goal: '< 200', met: median(loaded) < 200 },
    ],
  };
}
