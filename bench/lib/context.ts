import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../src/shared/paths.ts';

export const benchDir = fromRoot('bench');
export const workDir = join(benchDir, 'work');
export const peersDir = join(benchDir, 'peers');
export const IQTS_PATH = '/non-uk-teachers/international-qualified-teacher-status';

export interface BenchContext {
  quick: boolean;
  rounds: number;
  /** Seconds per load-test round. */
  seconds: number;
  connections: number;
}

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Installs the load generator, nginx and the peers when missing, or says exactly what is missing. */
export function ensureTools(): void {
  const missing = ['wrk', 'nginx'].filter((c) => !has(c) && !existsSync(`/usr/sbin/${c}`));
  if (missing.length) {
    if (process.getuid?.() !== 0) {
      console.error(
        `bench: missing ${missing.join(', ')}: install with \`sudo apt-get install -y ${missing.join(' ')}\``,
      );
      process.exit(1);
    }
    console.log(`bench: installing ${missing.join(', ')} from Debian…`);
    execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, {
      stdio: 'inherit',
    });
  }
  if (!existsSync(join(peersDir, 'node_modules'))) {
    console.log('bench: installing the peers into bench/peers (not dependencies of the service)…');
    execSync('npm install --no-audit --no-fund', { cwd: peersDir, stdio: 'inherit' });
  }
  mkdirSync(workDir, { recursive: true });
}

/** Builds the service as it ships (assets and compiled code). */
export function buildService(): void {
  try {
    execSync('node scripts/setup.mjs', { cwd: fromRoot('.'), stdio: 'inherit' });
  } catch {
    console.error('bench: the service did not build (errors above): nothing was measured');
    process.exit(1);
  }
}
