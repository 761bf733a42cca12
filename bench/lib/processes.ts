import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Running {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Processes started here run in their own process groups, so they would outlive the bench
 * if it crashed or were interrupted: whatever is still running when it exits is killed.
 */
const live = new Set<ChildProcess>();
let cleanupInstalled = false;
function trackUntilExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once('exit', () => {
    for (const c of live) stopGroup(c, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
}

/** Starts a process and waits until `url` answers 200 (or fails after timeoutMs). */
export async function startAndWait(
  command: string,
  args: string[],
  options: { url: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<Running & { readyMs: number }> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackUntilExit(child);
  let output = '';
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  // Only the end of the output is kept, for error messages.
  const keep = (d: Buffer) => (output = (output + String(d)).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (spawnError) throw new Error(`${command} could not start: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${command} exited with ${child.exitCode ?? child.signalCode}:\n${output.slice(-2000)}`);
    try {
      const res = await fetch(options.url, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`${command} did not answer ${options.url} in time:\n${output.slice(-2000)}`);
    }
    await sleep(5);
  }
  const readyMs = performance.now() - started;
  return { child, readyMs, stop: () => stopProcess(child) };
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  stopGroup(child);
  const timer = setTimeout(() => stopGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
