import { execFileSync } from 'node:child_process';

export interface WrkResult {
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Every request wrk completed. */
  requests: number;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** Parses `wrk --latency` output. */
export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const p99 = toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  return { requestsPerSecond: rps, p50, p99, errors, non2xx, requests };
}

/** Runs wrk against a loopback URL (the only kind of target a benchmark here may have). */
export function runWrk(
  url: string,
  options: {
    connections: number;
    seconds: number;
    threads?: number;
    headers?: Record<string, string>;
    /** A wrk Lua script (method, body, a request per call); its non-2xx responses are expected. */
    script?: string;
  },
): WrkResult {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to load a non-loopback URL: ${url}`);
  // wrk refuses more threads than connections.
  const threads = Math.min(options.threads ?? 2, options.connections);
  const args = ['-t', String(threads), '-c', String(options.connections), '-d', `${options.seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (options.script) args.push('-s', options.script);
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8', timeout: (options.seconds + 30) * 1000 });
  const result = parseWrk(out);
  if ((result.non2xx > 0 && !options.script) || result.errors > 0)
    console.warn(`  warning: ${url}: ${result.non2xx} non-2xx, ${result.errors} socket errors`);
  return result;
}
