import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import { IQTS_PATH, workDir, type BenchContext } from '../lib/context.ts';
import { startBareFastify, startBareNodeHttp, startPrototypeKit } from '../lib/peers.ts';
import { freePort, startAndWait } from '../lib/processes.ts';
import { contender, type ScenarioResult } from '../lib/report.ts';
import { serveCommand, startService } from '../lib/service.ts';
import { median } from '../lib/stats.ts';
import { runWrk } from '../lib/wrk.ts';

async function startNginx(file: string) {
  const port = await freePort();
  const conf = join(workDir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(workDir, 'nginx.pid')};
error_log ${join(workDir, 'nginx-error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${workDir}; proxy_temp_path ${workDir}; fastcgi_temp_path ${workDir}; uwsgi_temp_path ${workDir}; scgi_temp_path ${workDir};
  server {
    listen 127.0.0.1:${port};
    root ${workDir};
    location / { default_type "text/html; charset=utf-8"; try_files /${file} =404; }
  }
}
`,
  );
  const nginx = execFileSync('sh', ['-c', 'command -v nginx || echo /usr/sbin/nginx'], { encoding: 'utf8' }).trim();
  const running = await startAndWait(nginx, ['-c', conf, '-p', workDir], { url: `http://127.0.0.1:${port}/` });
  return { ...running, url: `http://127.0.0.1:${port}/` };
}

/** Scenario 1: the iQTS content page against nginx, bare Fastify, bare node:http and the GOV.UK Prototype Kit. */
export async function contentPage(ctx: BenchContext): Promise<ScenarioResult> {
  // Everything started is stopped at the end, also when a later start fails.
  const running: { stop(): Promise<void> }[] = [];
  const started = async <T extends { stop(): Promise<void> }>(p: Promise<T>): Promise<T> => {
    const r = await p;
    running.push(r);
    return r;
  };
  const stopAll = () => Promise.all(running.map((r) => r.stop()));
  let ours, nginx, bare, node, nodeAlike, kit;
  try {
    ours = await started(startService());
    const response = await fetch(ours.url + IQTS_PATH, { headers: { 'accept-encoding': 'identity' } });
    const html = await response.text();
    writeFileSync(join(workDir, 'iqts.html'), html);
    // The service's own response headers, for the bare node:http peer (its length it counts itself).
    const skip = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
    const sent: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!skip.has(name)) sent[name] = value;
    });
    writeFileSync(join(workDir, 'iqts-headers.json'), JSON.stringify(sent));
    writeFileSync(join(workDir, 'iqts-main.html'), cheerio.load(html)('main').html() ?? '');
    nginx = await started(startNginx('iqts.html'));
    bare = await started(startBareFastify(await freePort(), join(workDir, 'iqts.html')));
    node = await started(
      startBareNodeHttp(await freePort(), join(workDir, 'iqts.html'), join(workDir, 'iqts-headers.json')),
    );
    // The same peer with the Node.js settings `npm run serve` uses (a 2 MB young-generation
    // semi-space for memory, two malloc arenas): what the server code costs, settings alike.
    nodeAlike = await started(
      startBareNodeHttp(
        await freePort(),
        join(workDir, 'iqts.html'),
        join(workDir, 'iqts-headers.json'),
        serveCommand(),
      ),
    );
    kit = await started(startPrototypeKit(await freePort(), join(workDir, 'iqts-main.html')));
  } catch (error) {
    await stopAll();
    throw error;
  }

  const contenders: { name: string; url: string; headers?: Record<string, string> }[] = [
    { name: 'iQTS service', url: ours.url + IQTS_PATH },
    {
      name: 'iQTS service, Accept-Encoding: gzip, br',
      url: ours.url + IQTS_PATH,
      headers: { 'accept-encoding': 'gzip, br' },
    },
    { name: 'nginx, 1 worker, same bytes', url: nginx.url },
    { name: 'bare Fastify, same bytes from memory', url: bare.url },
    { name: 'bare node:http, same bytes and headers from memory', url: node.url },
    { name: 'bare node:http, as above, with the service’s Node.js settings', url: nodeAlike.url },
    { name: 'GOV.UK Prototype Kit, same page', url: kit.url },
  ];
  const runs = new Map(
    contenders.map((c) => [c.name, { rps: [] as number[], p50: [] as number[], p99: [] as number[] }]),
  );
  try {
    for (let r = 1; r <= ctx.rounds; r++) {
      for (const c of contenders) {
        const result = runWrk(c.url, {
          connections: ctx.connections,
          seconds: ctx.seconds,
          ...(c.headers ? { headers: c.headers } : {}),
        });
        const run = runs.get(c.name)!;
        run.rps.push(result.requestsPerSecond);
        run.p50.push(result.p50);
        run.p99.push(result.p99);
        console.log(`  round ${r}: ${c.name}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.p99} ms`);
      }
    }
  } finally {
    await stopAll();
  }

  const med = (name: string) => median(runs.get(name)!.rps);
  const oursRps = med('iQTS service');
  const p99 = median(runs.get('iQTS service')!.p99);
  const ratio = (peer: string) => oursRps / med(peer);
  return {
    id: 'content-page',
    title: `1. The iQTS content page, ${ctx.connections} connections, ${ctx.seconds} s a round (requests per second)`,
    higherIsBetter: true,
    contenders: contenders.map((c) =>
      contender(c.name, 'req/s', runs.get(c.name)!.rps, {
        'p50 ms': runs.get(c.name)!.p50,
        'p99 ms': runs.get(c.name)!.p99,
      }),
    ),
    goals: [
      {
        label: 'iQTS ÷ bare Fastify',
        value: ratio('bare Fastify, same bytes from memory'),
        goal: '≥ 0.85',
        met: ratio('bare Fastify, same bytes from memory') >= 0.85,
      },
      {
        label: 'iQTS ÷ bare node:http (same headers)',
        value: ratio('bare node:http, same bytes and headers from memory'),
        goal: '≥ 0.85',
        met: ratio('bare node:http, same bytes and headers from memory') >= 0.85,
      },
      {
        label: 'iQTS ÷ nginx',
        value: ratio('nginx, 1 worker, same bytes'),
        goal: '≥ 0.30',
        met: ratio('nginx, 1 worker, same bytes') >= 0.3,
      },
      {
        label: 'iQTS ÷ Prototype Kit',
        value: ratio('GOV.UK Prototype Kit, same page'),
        goal: '≥ 10',
        met: ratio('GOV.UK Prototype Kit, same page') >= 10,
      },
      { label: 'iQTS p99 latency (ms)', value: p99, goal: '< 20', met: p99 < 20 },
    ],
    notes: [
      `Against bare node:http run with the service’s own Node.js settings (\`${[...Object.entries(serveCommand().env).map(([k, v]) => `${k}=${v}`), ...serveCommand().flags].join(' ')}\`, from \`npm run serve\`), the iQTS service makes ${ratio('bare node:http, as above, with the service’s Node.js settings').toFixed(2)} of its requests per second. Those settings keep the service under 200 MB (scenario 4); the two node:http rows differ only in them, and the spread of each row over its rounds is how much this machine moves from one run to the next.`,
      'The Prototype Kit runs in production mode with USE_AUTH=false, USE_HTTPS=false and USE_AUTO_STORE_DATA=false. With its default USE_AUTO_STORE_DATA=true every request without a cookie writes a session file after reading all the others, so it slows down the longer it runs (tens of req/s after a few seconds here).',
    ],
  };
}
