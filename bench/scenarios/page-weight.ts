import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as cheerio from 'cheerio';
import { fromRoot } from '../../src/shared/paths.ts';
import { IQTS_PATH } from '../lib/context.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { startService } from '../lib/service.ts';

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;
const br = (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n: number) => n / 1024;

/** Scenario 2: bytes a first view of the iQTS page loads, against govuk-frontend's own compiled CSS and JS. */
export async function pageWeight(): Promise<ScenarioResult> {
  const ours = await startService();
  try {
    const get = async (path: string, encoding?: string) => {
      const res = await fetch(ours.url + path, { headers: encoding ? { 'accept-encoding': encoding } : {} });
      return { body: Buffer.from(await res.arrayBuffer()), encoding: res.headers.get('content-encoding') };
    };
    const html = (await get(IQTS_PATH)).body;
    const $ = cheerio.load(html.toString());
    const css = $('link[rel="stylesheet"]')
      .map((_, el) => $(el).attr('href'))
      .get();
    const js = $('script[src]')
      .map((_, el) => $(el).attr('src'))
      .get();
    const files = [{ kind: 'HTML', body: html }];
    for (const href of css) files.push({ kind: 'CSS', body: (await get(href)).body });
    for (const src of js) files.push({ kind: 'JS', body: (await get(src)).body });
    // Fonts: the default deployment uses a system font stack, so none load; count any the CSS would fetch.
    const fontUrls = files
      .filter((f) => f.kind === 'CSS')
      .flatMap((f) => [...f.body.toString().matchAll(/url\(([^)]+\.woff2)\)/g)].map((m) => m[1]!.replace(/["']/g, '')));
    for (const url of new Set(fontUrls)) files.push({ kind: 'font', body: (await get(url)).body });

    const total = (f: (b: Buffer) => number) => files.reduce((sum, file) => sum + f(file.body), 0);
    const govuk = fromRoot('node_modules/govuk-frontend/dist/govuk');
    const floorFiles = [
      readFileSync(`${govuk}/govuk-frontend.min.css`),
      readFileSync(`${govuk}/govuk-frontend.min.js`),
    ];
    const floor = (f: (b: Buffer) => number) => floorFiles.reduce((sum, b) => sum + f(b), 0);
    const served = (await get(IQTS_PATH, 'br')).encoding;

    const oursBr = kb(total(br));
    const floorBr = kb(floor(br));
    const byKind = (kind: string, f: (b: Buffer) => number) =>
      kb(files.filter((x) => x.kind === kind).reduce((s, x) => s + f(x.body), 0));
    const one = (n: number) => ({ min: n, median: n, max: n, runs: [n] });
    return {
      id: 'page-weight',
      title: '2. Page weight of the iQTS page at first view (KB)',
      higherIsBetter: false,
      contenders: [
        {
          name: 'iQTS page: HTML + CSS + JS + fonts, brotli',
          unit: 'KB',
          summary: one(oursBr),
          extra: {
            'HTML br': byKind('HTML', br),
            'CSS br': byKind('CSS', br),
            'JS br': byKind('JS', br),
            fonts: byKind('font', (b) => b.length),
            raw: kb(total((b) => b.length)),
            gzip: kb(total(gz)),
          },
        },
        {
          name: 'govuk-frontend.min.css + .min.js, brotli (the floor)',
          unit: 'KB',
          summary: one(floorBr),
          extra: { raw: kb(floor((b) => b.length)), gzip: kb(floor(gz)) },
        },
      ],
      goals: [
        { label: 'iQTS − floor, brotli (KB)', value: oursBr - floorBr, goal: '≤ 10', met: oursBr - floorBr <= 10 },
      ],
      notes: [
        `The page is served with content-encoding: ${served ?? 'none'} to a browser that accepts br. The hero image is not counted (it is content, not CSS/JS/fonts).`,
      ],
    };
  } finally {
    await ours.stop();
  }
}
