import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../src/shared/paths.ts';
import { workDir, type BenchContext } from '../lib/context.ts';
import { buildEleventy, generateEleventyTree, generateSeedFormatTree } from '../lib/peers.ts';
import { contender, type ScenarioResult } from '../lib/report.ts';
import { median } from '../lib/stats.ts';

/** Scenario 3: static export of generated seed-format pages against Eleventy with the x-govuk plugin. */
export async function staticExport(ctx: BenchContext): Promise<ScenarioResult> {
  const pages = ctx.quick ? 100 : 1000;
  const oursIn = join(workDir, 'export-ours');
  const elevIn = join(workDir, 'export-eleventy');
  rmSync(oursIn, { recursive: true, force: true });
  rmSync(elevIn, { recursive: true, force: true });
  generateSeedFormatTree(oursIn, pages);
  generateEleventyTree(elevIn, pages);

  const ours: number[] = [];
  const eleventy: number[] = [];
  // The same build forced onto one thread and onto every core, in the same rounds: what the threads give.
  const cores = availableParallelism();
  const oneThread: number[] = [];
  const allThreads: number[] = [];
  // The default build again, into a folder emptied first (not timed): the first export, nothing to leave as it is.
  const emptyFolder: number[] = [];
  const build = (extra: string[]) => {
    const started = performance.now();
    execFileSync(
      process.execPath,
      [fromRoot('dist/content-build.mjs'), '--content', oursIn, '--out', join(workDir, 'export-ours-out'), ...extra],
      { cwd: fromRoot('.'), stdio: 'pipe' },
    );
    return performance.now() - started;
  };
  for (let r = 1; r <= ctx.rounds; r++) {
    ours.push(build([]));
    const e = await buildEleventy(elevIn, join(workDir, 'export-eleventy-out'));
    eleventy.push(e.ms);
    oneThread.push(build(['--threads', '1']));
    allThreads.push(build(['--threads', String(cores)]));
    rmSync(join(workDir, 'export-ours-out'), { recursive: true, force: true });
    emptyFolder.push(build([]));
    console.log(
      `  round ${r}: iQTS content:build ${Math.round(ours.at(-1)!)} ms (1 thread ${Math.round(oneThread.at(-1)!)} ms, ${cores} threads ${Math.round(allThreads.at(-1)!)} ms, into an empty folder ${Math.round(emptyFolder.at(-1)!)} ms), Eleventy ${Math.round(e.ms)} ms (${e.pages} pages)`,
    );
  }
  const ratio = median(eleventy) / median(ours);
  return {
    id: 'static-export',
    title: `3. Static export of ${pages} generated pages (ms, whole process)`,
    higherIsBetter: false,
    contenders: [
      contender('iQTS content:build (accordion, partials, variables)', 'ms', ours),
      contender('Eleventy + @x-govuk/govuk-eleventy-plugin', 'ms', eleventy),
      contender('iQTS content:build --threads 1', 'ms', oneThread),
      contender(`iQTS content:build --threads ${cores}`, 'ms', allThreads),
      contender('iQTS content:build into an empty folder', 'ms', emptyFolder),
    ],
    goals: [{ label: 'Eleventy time ÷ iQTS time', value: ratio, goal: '≥ 3', met: ratio >= 3 }],
    notes: [
      `Each build writes into the folder the one before it left, as a site's builds do: iQTS leaves a file whose bytes are the same, writes the rest and removes what it no longer exports; Eleventy writes every file. Eleventy ÷ iQTS into an empty folder: ${(median(eleventy) / median(emptyFolder)).toFixed(2)}.`,
    ],
  };
}
