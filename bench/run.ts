/**
 * npm run bench [-- --quick] [-- --only id,id] [-- --no-build]: the service measured against
 * the physical limit and the tools a team would reach for instead. Contenders alternate in each
 * round. Writes bench/results/latest.json and latest.md. The load generator, nginx and the peers
 * are installed only when a chosen scenario uses them; --no-build skips the build (the service
 * as it stands, e.g. `npx tsx bench/run.ts --no-build --only placement-search`).
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { benchDir, buildService, ensureTools, workDir, type BenchContext } from './lib/context.ts';
import { machineFacts, writeResults, type ScenarioResult } from './lib/report.ts';
import { applicationSubmit } from './scenarios/application-submit.ts';
import { coldStart } from './scenarios/cold-start.ts';
import { contentPage } from './scenarios/content-page.ts';
import { dashboard } from './scenarios/dashboard.ts';
import { pageWeight } from './scenarios/page-weight.ts';
import { placementSearch } from './scenarios/placement-search.ts';
import { staticExport } from './scenarios/static-export.ts';
import { publicCheck } from './scenarios/public-check.ts';
import { trainingProgress } from './scenarios/training-progress.ts';
import { twoProcesses } from './scenarios/two-processes.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    results: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const ctx: BenchContext = { quick, rounds: 3, seconds: quick ? 1 : 10, connections: 50 };

/** `tools`: the scenario uses the load generator, nginx or the peers. */
const scenarios: { id: string; tools: boolean; run: (ctx: BenchContext) => Promise<ScenarioResult> }[] = [
  { id: 'content-page', tools: true, run: contentPage },
  { id: 'page-weight', tools: false, run: pageWeight },
  { id: 'static-export', tools: true, run: staticExport },
  { id: 'cold-start', tools: true, run: coldStart },
  { id: 'placement-search', tools: false, run: placementSearch },
  { id: 'application-submit', tools: false, run: applicationSubmit },
  { id: 'training-progress', tools: false, run: trainingProgress },
  { id: 'public-check', tools: true, run: publicCheck },
  { id: 'two-processes', tools: true, run: twoProcesses },
  { id: 'dashboard', tools: false, run: dashboard },
];
const only = values.only?.split(',');
const chosen = scenarios.filter((s) => !only || only.includes(s.id));

if (chosen.some((s) => s.tools)) ensureTools();
else mkdirSync(workDir, { recursive: true });
if (!values['no-build']) buildService();
const started = performance.now();
const results: ScenarioResult[] = [];
for (const scenario of chosen) {
  console.log(`bench: ${scenario.id}…`);
  results.push(await scenario.run(ctx));
}
const md = writeResults(values.results ?? `${benchDir}/results`, {
  date: new Date().toISOString(),
  quick,
  machine: machineFacts(),
  scenarios: results,
});
console.log('\n' + md);
console.log(
  `bench: done in ${Math.round((performance.now() - started) / 1000)} s; results in ${values.results ?? 'bench/results'}/latest.md`,
);
