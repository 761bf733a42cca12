/**
 * The peers the service is measured against (bare Fastify, the GOV.UK Prototype Kit,
 * Eleventy with the x-govuk plugin), installed in bench/peers, and the generated content
 * trees the static-export and cold-start scenarios build.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { peersDir, workDir } from './context.ts';
import { startAndWait } from './processes.ts';

export interface Peer {
  /** The URL to load. */
  url: string;
  readyMs: number;
  stop(): Promise<void>;
}

/** Bare Fastify 5 answering GET / with the bytes of htmlFile, read once, from memory. */
export async function startBareFastify(port: number, htmlFile: string): Promise<Peer> {
  const url = `http://127.0.0.1:${port}/`;
  const running = await startAndWait(process.execPath, [join(peersDir, 'bare-fastify.mjs'), String(port), htmlFile], {
    url,
    cwd: peersDir,
  });
  return { url, readyMs: running.readyMs, stop: running.stop };
}

/** Node's own http server answering GET with the bytes of htmlFile and the headers in headersFile (JSON). */
export async function startBareNodeHttp(
  port: number,
  htmlFile: string,
  headersFile: string,
  runtime: { env?: Record<string, string>; flags?: string[] } = {},
): Promise<Peer> {
  const url = `http://127.0.0.1:${port}/`;
  const running = await startAndWait(
    process.execPath,
    [...(runtime.flags ?? []), join(peersDir, 'bare-node-http.mjs'), String(port), htmlFile, headersFile],
    { url, cwd: peersDir, ...(runtime.env ? { env: runtime.env } : {}) },
  );
  return { url, readyMs: running.readyMs, stop: running.stop };
}

/**
 * The GOV.UK Prototype Kit in production mode, password off, with one view (the kit's
 * govuk-frontend layout around the page's <main> inner HTML, rendered per request as the
 * kit does). The project in bench/peers/prototype-kit is copied to bench/work and given
 * bench/peers/node_modules, where the kit expects its project's node_modules.
 */
export async function startPrototypeKit(port: number, mainHtmlFile: string): Promise<Peer> {
  const project = join(workDir, 'prototype-kit');
  rmSync(project, { recursive: true, force: true });
  cpSync(join(peersDir, 'prototype-kit'), project, { recursive: true });
  symlinkSync(join(peersDir, 'node_modules'), join(project, 'node_modules'), 'dir');
  mkdirSync(join(project, 'app/views/includes'), { recursive: true });
  copyFileSync(mainHtmlFile, join(project, 'app/views/includes/iqts-main.html'));
  const url = `http://127.0.0.1:${port}/`;
  const running = await startAndWait(
    process.execPath,
    [join(project, 'node_modules/govuk-prototype-kit/bin/cli'), 'serve'],
    {
      url,
      cwd: project,
      // The kit's own settings: USE_AUTH turns off its password in production, and USE_HTTPS
      // its redirect to https (nothing terminates TLS in front of it here). USE_AUTO_STORE_DATA
      // off: a content page stores no answers, and with it on every visitor without a cookie
      // gets a session file, each new one written after reading all the others, so the kit
      // slows down the longer it runs and its figure would depend on the length of the run.
      env: {
        NODE_ENV: 'production',
        USE_AUTH: 'false',
        USE_HTTPS: 'false',
        USE_AUTO_STORE_DATA: 'false',
        PORT: String(port),
      },
      // It compiles its Sass before it listens.
      timeoutMs: 120_000,
    },
  );
  return { url, readyMs: running.readyMs, stop: running.stop };
}

// ---------------------------------------------------------------------------------------
// Generated pages: the same text in the service's content format and as Eleventy Markdown.

/** The values the generated pages use, as the service's values.yaml has them. */
const VALUES: Record<string, { value: string; source: string }> = {
  fees_iQTS_low: { value: '£7,950', source: 'Public iQTS page on the Get Into Teaching site (fees range)' },
  fees_iQTS_high: { value: '£9,950', source: 'Public iQTS page on the Get Into Teaching site (fees range)' },
};

/** Pages go under this folder of the tree, so they never clash with a real tree's files. */
const FOLDER = 'generated';

const SUBJECTS = [
  'maths',
  'physics',
  'chemistry',
  'biology',
  'computing',
  'English',
  'geography',
  'history',
  'modern languages',
  'primary',
];
const PLACES = [
  'Spain',
  'India',
  'Nigeria',
  'the United Arab Emirates',
  'Brazil',
  'Japan',
  'Kenya',
  'Canada',
  'Malaysia',
  'Poland',
  'Ghana',
  'Mexico',
];

interface Step {
  title: string;
  /** Partial name within the page's folder. */
  name: string;
  markdown: string;
}

interface GeneratedPage {
  /** `page-0001`. */
  slug: string;
  title: string;
  description: string;
  keywords: string[];
  date: string;
  related: { text: string; href: string }[];
  body: string;
  steps: Step[];
  after: string;
}

const pad = (i: number) => String(i).padStart(4, '0');
const pageSlug = (i: number) => `page-${pad(i)}`;
const pagePath = (i: number) => `/${FOLDER}/${pageSlug(i)}`;

/** Page i of n (1-based): a guide to training for iQTS in one subject and one country. */
function generatedPage(i: number, n: number): GeneratedPage {
  const subject = SUBJECTS[i % SUBJECTS.length]!;
  const place = PLACES[i % PLACES.length]!;
  const next = (i % n) + 1;
  const previous = ((i + n - 2) % n) + 1;
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((i % 28) + 1).padStart(2, '0');
  const body = `## Who this guide is for

This guide is for people who live in ${place} and want to teach ${subject}. International qualified teacher status (iQTS) is a teaching qualification backed by England's Department for Education. You train where you live, with a placement school near you, and you do not need to visit the UK.

When you complete iQTS you are awarded English qualified teacher status (QTS) as well, so you can teach ${subject} in schools in England if you move there later.

## What the training involves

You spend most of your training in a placement school, teaching ${subject} classes with support from a mentor. Your training provider teaches you the theory online or in person, and assesses you against the iQTS Teachers' Standards.

* at least 1 academic year of training, full-time or part-time
* regular observations and feedback from your mentor
* academic study of how pupils learn ${subject}

Fees are set by each provider and have ranged from $fees_iQTS_low$ to $fees_iQTS_high$.

## Before you start

Read the steps below, then [check your eligibility](/eligibility). You can also read [guide ${next}](${pagePath(next)}) about training for another subject.

## Train to teach ${subject} with iQTS, step by step
`;
  const steps: Step[] = [
    {
      title: 'Check you can train',
      name: 'check-you-can-train',
      markdown: `To train for iQTS to teach ${subject}, you need:

* a bachelor's degree, from the UK or from another country
* maths at the standard of a GCSE at grade 4 or above
* an English language test score of 6.5 or higher, or some of your education in English

You must live outside England. You can apply whether you are a UK citizen or not.

[Check your eligibility](/eligibility) to find out if you meet the entry requirements.
`,
    },
    {
      title: 'Find out about fees',
      name: 'find-out-about-fees',
      markdown: `Each training provider sets its own fees for iQTS. Fees have ranged from $fees_iQTS_low$ to $fees_iQTS_high$.

There are no loans or bursaries for iQTS, so you will need to pay the fees yourself or find other funding, for example from the school you work in.

### Paying in instalments

Many providers let you pay in instalments. Ask your chosen provider how you can pay.
`,
    },
    {
      title: 'Find a provider and a placement school',
      name: 'find-a-provider',
      markdown: `English teacher training providers deliver iQTS in partnership with placement schools around the world.

Some providers already work with schools in ${place} and can match you to one. Others ask you to find your own placement school. If you already work in a school, your provider may accept it as your placement.

[Find a training provider](/providers) that takes trainees where you live, and [search for placement schools near you](/placement-schools).
`,
    },
    {
      title: 'Apply and start your training',
      name: 'apply-and-start',
      markdown: `Apply to your chosen provider on its website. Most providers interview you online and may ask you to teach a short ${subject} lesson.

### After you are offered a place

Your provider tells you what to do before your course starts, such as checks on your qualifications and a criminal records check from ${place}.
`,
    },
  ];
  const after = `## Get help

If you have questions about a course, contact your chosen training provider. You can also read [guide ${previous}](${pagePath(previous)}).
`;
  return {
    slug: pageSlug(i),
    title: `Train to teach ${subject} in ${place} with iQTS (guide ${i})`,
    description: `How to train to teach ${subject} with iQTS while you live in ${place}, what it costs ($fees_iQTS_low$ to $fees_iQTS_high$) and how to apply.`,
    keywords: ['iQTS', subject, place],
    date: `2024-${month}-${day}`,
    related: [
      { text: `Guide ${next}`, href: pagePath(next) },
      { text: 'Check your eligibility', href: '/eligibility' },
    ],
    body,
    steps,
    after,
  };
}

const PROMO = `### Find out more about qualified teacher status

iQTS leads to the automatic award of English qualified teacher status. [Find a training provider](/providers) to start.
`;

const yamlString = (s: string) => JSON.stringify(s);

/** Adds to the tree's values.yaml the values the generated pages use, when it lacks them. */
function ensureValues(dir: string): void {
  const file = join(dir, 'values.yaml');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const have = (existing ? parseYaml(existing, { schema: 'core' }) : null) as Record<string, unknown> | null;
  const missing = Object.entries(VALUES).filter(([name]) => !have || !Object.hasOwn(have, name));
  if (missing.length === 0) return;
  const lines = missing
    .map(([name, v]) => `${name}:\n  value: ${yamlString(v.value)}\n  source: ${yamlString(v.source)}\n`)
    .join('');
  const head =
    existing === ''
      ? '# Values for $name$ placeholders in content, each with where the fact comes from.\n'
      : existing.endsWith('\n')
        ? existing
        : existing + '\n';
  writeFileSync(file, head + lines);
}

/**
 * Writes n pages in the service's content format under DIR/generated/: front matter with a
 * numbered accordion whose steps are partials, a content-after-accordion partial, a shared
 * promo, related content, $variables$ from values.yaml, and a body of a few sections.
 * DIR may be empty or a copy of a real content tree.
 */
export function generateSeedFormatTree(dir: string, n: number): void {
  const root = join(dir, FOLDER);
  mkdirSync(root, { recursive: true });
  ensureValues(dir);
  writeFileSync(join(root, '_promo.md'), PROMO);
  for (let i = 1; i <= n; i++) {
    const page = generatedPage(i, n);
    const ref = (name: string) => `content/${FOLDER}/${page.slug}/${name}`;
    const frontMatter = [
      '---',
      `title: ${yamlString(page.title)}`,
      `description: ${yamlString(page.description)}`,
      'related_content:',
      ...page.related.map((r) => `  ${yamlString(r.text)}: ${yamlString(r.href)}`),
      'promo_content:',
      `  - content/${FOLDER}/promo`,
      `date: "${page.date}"`,
      'keywords:',
      ...page.keywords.map((k) => `  - ${yamlString(k)}`),
      'accordion:',
      '  numbered: true',
      '  content_after_accordion:',
      `    partial: ${ref('after-accordion')}`,
      '  steps:',
      ...page.steps.flatMap((s) => [`    ${yamlString(s.title)}:`, `      partial: ${ref(s.name)}`]),
      '---',
      '',
    ].join('\n');
    writeFileSync(join(root, `${page.slug}.md`), frontMatter + page.body);
    const partials = join(root, page.slug);
    mkdirSync(partials, { recursive: true });
    for (const step of page.steps) writeFileSync(join(partials, `_${step.name}.md`), step.markdown);
    writeFileSync(join(partials, '_after-accordion.md'), page.after);
  }
}

const fillValues = (text: string) =>
  text.replace(/\$([A-Za-z][A-Za-z0-9_]*)\$/g, (whole, name: string) => VALUES[name]?.value ?? whole);

/**
 * The same n pages as an Eleventy project using @x-govuk/govuk-eleventy-plugin's page
 * layout. Eleventy has no partials or accordion: each step is a numbered heading followed
 * by its text (headings inside a step one level down), then the after-accordion text and
 * the promo. Values are written in.
 */
export function generateEleventyTree(dir: string, n: number): void {
  const root = join(dir, FOLDER);
  mkdirSync(root, { recursive: true });
  copyFileSync(join(peersDir, 'eleventy/eleventy.config.cjs'), join(dir, 'eleventy.config.cjs'));
  if (!existsSync(join(dir, 'node_modules')))
    symlinkSync(join(peersDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const demote = (md: string) => md.replace(/^(#{2,5}) /gm, '#$1 ');
  for (let i = 1; i <= n; i++) {
    const page = generatedPage(i, n);
    const frontMatter = [
      '---',
      'layout: page',
      `title: ${yamlString(page.title)}`,
      `description: ${yamlString(fillValues(page.description))}`,
      `date: "${page.date}"`,
      'keywords:',
      ...page.keywords.map((k) => `  - ${yamlString(k)}`),
      'related:',
      '  items:',
      ...page.related.flatMap((r) => [`    - text: ${yamlString(r.text)}`, `      href: ${yamlString(r.href)}`]),
      '---',
      '',
    ].join('\n');
    const steps = page.steps.map((s, index) => `### ${index + 1}. ${s.title}\n\n${demote(s.markdown)}`).join('\n');
    writeFileSync(
      join(root, `${page.slug}.md`),
      frontMatter + fillValues([page.body, steps, page.after, PROMO].join('\n')),
    );
  }
}

function countHtml(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? countHtml(join(dir, e.name)) : e.name.endsWith('.html') ? 1 : 0),
    0,
  );
}

/** A full Eleventy build of the project in inputDir into outputDir, timed as a whole process. */
export async function buildEleventy(inputDir: string, outputDir: string): Promise<{ ms: number; pages: number }> {
  rmSync(outputDir, { recursive: true, force: true });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(peersDir, 'node_modules/@11ty/eleventy/cmd.js'),
      '--config=eleventy.config.cjs',
      '--input=.',
      `--output=${outputDir}`,
      '--quiet',
    ],
    {
      cwd: inputDir,
      env: { ...process.env, ELEVENTY_OUTPUT_DIR: outputDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`eleventy exited with ${code}:\n${output.slice(-2000)}`);
  return { ms, pages: countHtml(outputDir) };
}
