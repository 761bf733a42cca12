import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
  for (let r = 1; r <= ctx.rounds; r++) {
    const out = join(workDir, 'export-ours-out');
    const started = performance.now();
    execFileSync(process.execPath, [fromRoot('dist/src/content/cli/build.js'), '--content', oursIn, '--out', out], {
      cwd: fromRoot('.'),
      stdio: 'pipe',
    });
    ours.push(performance.now() - started);
    const e = await buildEleventy(elevIn, join(workDir, 'export-eleventy-out'));
    eleventy.push(e.ms);
    console.log(
      `  round ${r}: iQTS content:build ${Math.round(ours.at(-1)!)} ms, Eleventy ${Math.round(e.ms)} ms (${e.pages} pages)`,
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
    ],
    goals: [{ label: 'Eleventy time ÷ iQTS time', value: ratio, goal: '≥ 3', met: ratio >= 3 }],
  };
}
