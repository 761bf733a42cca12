#!/usr/bin/env node
// CI's check that the benchmark harness still works: `npm run bench -- --quick`, run after
// the tests (alone, so it does not slow them), then its tables are checked for shape.
// No figure is asserted. Outside CI it does nothing: run `npm run bench` yourself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.env.CI !== 'true') {
  console.log('bench smoke run: only in CI (CI=true); run `npm run bench -- --quick` to try it here');
  process.exit(0);
}
const out = mkdtempSync(join(tmpdir(), 'iqts-bench-'));
try {
  execFileSync('npm', ['run', '--silent', 'bench', '--', '--quick', '--results', out], {
    stdio: 'inherit',
    timeout: 600_000,
  });
  const results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  const ids = results.scenarios.map((s) => s.id).join(',');
  const expected =
    'content-page,page-weight,static-export,cold-start,placement-search,application-submit,training-progress,public-check,two-processes,dashboard';
  if (ids !== expected) throw new Error(`bench smoke run: scenarios ${ids}, expected ${expected}`);
  for (const s of results.scenarios) {
    if (s.contenders.length < 2 || s.contenders.some((c) => !Number.isFinite(c.summary.median)))
      throw new Error(`bench smoke run: scenario ${s.id} has no figures`);
  }
  console.log('bench smoke run: every scenario ran and wrote its table');
} finally {
  rmSync(out, { recursive: true, force: true });
}
