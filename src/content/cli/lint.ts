/**
 * npm run content:lint [DIR] — checks a content tree: front matter, partials, promos,
 * variables, internal links, navigation, images, mojibake. Exits 1 on any error.
 */
import { resolve } from 'node:path';
import { SERVICE_PATHS } from '../../service-paths.ts';
import { createViews } from '../../platform/views.ts';
import { formatProblem, lintContent } from '../lint.ts';

const dir = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'content';
const root = resolve(dir);
const views = createViews({
  assets: {
    css: '',
    cssGovuk: '',
    js: '',
    jsPlaceAutocomplete: '',
    cssPlaceAutocomplete: '',
    govukAssetBase: '',
    favicon: '',
  },
  govukBrand: false,
  primaryNavigation: [],
});

try {
  const report = lintContent(root, { servicePaths: SERVICE_PATHS, views, useGit: true });
  for (const problem of report.problems) console.log(formatProblem(problem, dir));
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  console.log(
    `content lint: ${report.pages} pages, ${report.partials} partials: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  process.exit(errors > 0 ? 1 : 0);
} catch (error) {
  console.error(`content lint: ${(error as Error).message}`);
  process.exit(1);
}
