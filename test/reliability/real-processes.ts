import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import * as cheerio from 'cheerio';
import { fromRoot } from '../../src/shared/paths.ts';

/**
 * Real processes for the reliability tests: the service (`node --import tsx src/main.ts`)
 * and the database scripts, each with its own environment, spoken to over real HTTP.
 */

const quietEnv = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const base: NodeJS.ProcessEnv = { ...process.env };
  // Settings of the test runner itself must not leak into the service under test.
  for (const key of ['DATABASE_URL', 'DATABASE_SCHEMA', 'PORT', 'WEB_CONCURRENCY', 'NODE_OPTIONS', 'VITEST'])
    delete base[key];
  return { ...base, ...env };
};

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script under scripts/ to its end (at most two minutes). */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('scripts', script), ...args], {
      cwd: fromRoot(),
      env: quietEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Waits (up to two minutes) until the log has `count` lines that match. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, count?: number): Promise<Record<string, unknown>[]>;
}

/**
 * Starts the service as its own process on a free loopback port and waits until it
 * says it is ready (its log line carries the port it listens on). `bundle`: run that
 * bundled file (what `npm run serve` runs) instead of the TypeScript.
 */
export function startService(
  env: Record<string, string>,
  options: { readyLines?: number; bundle?: string } = {},
): Promise<ServiceProcess> {
  const readyLines = options.readyLines ?? 1;
  const args = options.bundle ? [options.bundle] : ['--import', 'tsx', fromRoot('src/main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: fromRoot(),
    env: quietEnv({ NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    let ready = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start within 2 minutes:\n${stderr.slice(-2000)}`));
    }, 120_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(entry);
        if (entry['msg'] === 'iQTS service ready' && ++ready === readyLines) {
          clearTimeout(timer);
          const port = Number(new URL(String(entry['url'])).port);
          resolve({
            child,
            port,
            logs,
            exited,
            stop: async (signal = 'SIGTERM') => {
              if (child.exitCode === null && child.signalCode === null) child.kill(signal);
              await exited;
            },
            waitForLog: async (match, count = 1) => {
              const deadline = Date.now() + 120_000;
              for (;;) {
                const found = logs.filter(match);
                if (found.length >= count) return found;
                if (Date.now() > deadline)
                  throw new Error(`the log did not show what was awaited:\n${stderr.slice(-2000)}`);
                await new Promise((resolve) => setTimeout(resolve, 100));
              }
            },
          });
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the service ended before it was ready (${code ?? signal}):\n${stderr.slice(-2000)}`));
    });
  });
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request to a service on 127.0.0.1, optionally from another loopback address
 * (each is its own IP address to the service).
 */
export function httpRequest(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  options: { cookie?: string; form?: Record<string, string>; localAddress?: string; timeoutMs?: number } = {},
): Promise<HttpResponse> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: {
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(body
            ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A browser over real HTTP: keeps the session cookie, reads CSRF tokens, may switch between processes. */
export class HttpBrowser {
  cookie = '';
  constructor(
    public port: number,
    private readonly localAddress?: string,
  ) {}

  private async send(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<HttpResponse> {
    const response = await httpRequest(this.port, method, path, {
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(form ? { form } : {}),
      ...(this.localAddress ? { localAddress: this.localAddress } : {}),
    });
    const set = response.headers['set-cookie'];
    const first = Array.isArray(set) ? set[0] : set;
    if (first) this.cookie = first.split(';')[0] ?? '';
    return response;
  }

  get(path: string): Promise<HttpResponse> {
    return this.send('GET', path);
  }

  async csrf(path: string): Promise<string> {
    const page = await this.get(path);
    const token = cheerio.load(page.body)('input[name="_csrf"]').attr('value');
    if (!token) throw new Error(`no CSRF token on ${path} (${page.status})`);
    return token;
  }

  post(path: string, form: Record<string, string>, csrf: string): Promise<HttpResponse> {
    return this.send('POST', path, { ...form, _csrf: csrf });
  }
}
