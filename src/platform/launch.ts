/**
 * What `npm start` and `npm run serve` run (dist/service.mjs): it runs the bundled service
 * (dist/service.cjs, beside it) with the code V8 compiled on an earlier start.
 *
 * Why: compiling the 5 MB bundle, and each function the first time it runs, was about a sixth
 * of the time from process start to the first page. Node 20 keeps no compiled code between
 * starts (Node 22's module.enableCompileCache does, for ES modules too); node:vm does, for a
 * script: its code cache. Once the service has started and rendered its content pages, the
 * code compiled so far is written to a file named after the bundle's digest, so a cache made
 * for other code is never read. V8 refuses a cache made by another Node.js version or with
 * other flags, or a damaged one: the bundle is then compiled from its source, as without a
 * cache, and the cache written again. A folder the service cannot write to only means every
 * start compiles.
 *
 * Built by scripts/build-service.ts, which replaces BUNDLE_DIGEST with the bundle's digest.
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { COMPILED_CODE, type CompiledCode } from './compiled-code.ts';

declare const BUNDLE_DIGEST: string;

const folder = dirname(fileURLToPath(import.meta.url));
const bundle = join(folder, 'service.cjs');
const cacheName = (digest: string) => `service.${digest}.v8cache`;
const cacheFile = join(folder, cacheName(BUNDLE_DIGEST));

/** The bundle as a script, from the saved code when there is a cache V8 accepts. The cache's bytes are let go. */
function compile(): { script: Script; state: CompiledCode['state'] } {
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cacheFile);
  } catch {
    // None yet: this start compiles and writes one.
  }
  // The same wrapper Node.js gives a CommonJS module, on the first line: line numbers in stack traces hold.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`,
    { filename: bundle, ...(cached ? { cachedData: cached } : {}) },
  );
  return { script, state: !cached ? 'compiled' : script.cachedDataRejected ? 'cache refused' : 'from cache' };
}

const { script, state } = compile();
let saved = state === 'from cache';
const compiledCode: CompiledCode = {
  state,
  save: () => {
    if (saved) return false;
    saved = true;
    // Written beside, then renamed: a reader (another worker starting) never sees half a file.
    const partial = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
      for (const name of readdirSync(folder))
        if (/^service\.[0-9a-f]+\.v8cache$/.test(name) && name !== cacheName(BUNDLE_DIGEST))
          rmSync(join(folder, name), { force: true });
      return true;
    } catch {
      rmSync(partial, { force: true });
      return false;
    }
  },
};
(globalThis as Record<symbol, unknown>)[COMPILED_CODE] = compiledCode;

const module = new Module(bundle);
module.filename = bundle;
const run = script.runInThisContext() as (...args: unknown[]) => void;
run.call(module.exports, module.exports, createRequire(bundle), module, bundle, folder);
