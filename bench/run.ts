/**
 * npm run bench [-- --quick] [-- --only id,id]: the service measured against the physical
 * limit and the tools a team would reach for instead. Contenders alternate in each round.
 * Writes bench/results/latest.json and latest.md.
 */
import { parseArgs } from 'node:util';
import { benchDir, buildService, ensureTools, type BenchContext } from './lib/context.ts';
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

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, results: { type: 'string' } },
});
const quick = values.quick === true;
const ctx: BenchContext = { quick, rounds: 3, seconds: quick ? 1 : 10, connections: 50 };

const scenarios: { id: string; run: (ctx: BenchContext) => Promise<ScenarioResult> }[] = [
  { id: 'content-page', run: contentPage },
  { id: 'page-weight', run: pageWeight },
  { id: 'static-export', run: staticExport },
  { id: 'cold-start', run: coldStart },
  { id: 'placement-search', run: placementSearch },
  { id: 'application-submit', run: applicationSubmit },
  { id: 'training-progress', run: trainingProgress },
  { id: 'public-check', run: publicCheck },
  { id: 'dashboard', run: dashboard },
];
const only = values.only?.split(',');

ensureTools();
buildService();
const started = performance.now();
const results: ScenarioResult[] = [];
for (const scenario of scenarios.filter((s) => !only || only.includes(s.id))) {
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
