#!/usr/bin/env node
// Prepares a fresh machine: npm packages, built assets and code, and (for tests) Debian's
// Chromium. Uses only Node's own modules so it runs before `npm install`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const newest = (dir) => {
  if (!existsSync(dir)) return 0;
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : mtime(join(dir, e.name)),
    ),
  );
};

// 1. npm packages: install when missing or when the lock file changed since the last install.
const installed = join(root, 'node_modules/.package-lock.json');
if (!existsSync(installed) || mtime(join(root, 'package-lock.json')) > mtime(installed)) {
  console.log('setup: installing npm packages (the SQLite driver compiles from source: about a minute)…');
  run('npm ci --no-audit --no-fund');
}

// 2. Debian's Chromium for the browser tests (never a downloaded browser).
if (forTests && !existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  if (process.getuid?.() === 0) {
    console.log('setup: installing Debian chromium for the browser tests…');
    run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
  } else {
    console.error(
      'setup: the browser tests need Debian chromium at /usr/bin/chromium: run `sudo apt-get install -y chromium`',
    );
    process.exit(1);
  }
}

// 2b. pdftoppm (Debian's poppler-utils): the certificate test renders the PDF to read its QR code.
const has = (command) => {
  try {
    execSync(`which ${command}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
if (forTests && !has('pdftoppm')) {
  if (process.getuid?.() === 0) {
    console.log('setup: installing Debian poppler-utils for the certificate test…');
    run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils');
  } else {
    console.error('setup: the certificate test needs pdftoppm: run `sudo apt-get install -y poppler-utils`');
    process.exit(1);
  }
}

// 3. pg_dump and pg_restore for `npm run db:backup` and `db:restore` on PostgreSQL (and their tests).
const usesPostgres = forTests || /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '');
if (usesPostgres && !has('pg_dump')) {
  if (process.getuid?.() === 0) {
    console.log('setup: installing Debian postgresql-client for database backups…');
    run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client');
  } else {
    console.warn('setup: PostgreSQL backups need pg_dump: run `sudo apt-get install -y postgresql-client`');
  }
}

// 4. Front-end assets, rebuilt when their sources or packages are newer than the build.
const manifest = join(root, 'dist/assets/manifest.json');
if (
  mtime(manifest) <
  Math.max(newest(join(root, 'assets')), mtime(installed), mtime(join(root, 'scripts/build-assets.ts')))
) {
  run('npm run --silent build:assets');
}

// 4b. Responsive variants of content images (AVIF, WebP), made once per image with sharp.
if (
  mtime(join(root, 'dist/content-images/manifest.json')) < Math.max(newest(join(root, 'content')), mtime(installed))
) {
  run('npm run --silent content:images');
}

// 5. The server code (and its launcher) and the static export, for `npm start` and `npm run
//    content:build` (tests run the TypeScript directly), each bundled into one file.
if (!forTests) {
  const built = Math.min(
    ...['dist/service.mjs', 'dist/service.cjs', 'dist/content-build.mjs'].map((file) => mtime(join(root, file))),
  );
  const sources = Math.max(newest(join(root, 'src')), mtime(installed), mtime(join(root, 'scripts/build-service.ts')));
  if (built < sources) run('npm run --silent build:service');
}
