import { cpSync, rmSync } from 'node:fs';
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

/**
 * Scenario 4: process start to first 200 on the iQTS page with 1,000 extra content pages;
 * memory at idle and after load.
 */
export async function coldStart(ctx: BenchContext): Promise<ScenarioResult> {
  const dir = join(workDir, 'cold-start-content');
  rmSync(dir, { recursive: true, force: true });
  cpSync(fromRoot('content'), dir, { recursive: true });
  generateSeedFormatTree(dir, 1000);

  const ready: number[] = [];
  const idle: number[] = [];
  const loaded: number[] = [];
  for (let r = 1; r <= ctx.rounds; r++) {
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
        `  round ${r}: first 200 after ${Math.round(service.readyMs)} ms; RSS ${Math.round(idle.at(-1)!)} MB idle, ${Math.round(loaded.at(-1)!)} MB after load`,
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
      contender('start to first 200 on the iQTS page', 'ms', ready),
      contender('RSS at idle', 'MB', idle),
      contender('RSS after the load run', 'MB', loaded),
    ],
    goals: [
      { label: 'start to first 200 (ms)', value: median(ready), goal: '< 1,500', met: median(ready) < 1500 },
      { label: 'RSS after load (MB)', value: median(loaded), goal: '< 200', met: median(loaded) < 200 },
    ],
  };
}
