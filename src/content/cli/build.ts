/**
 * npm run content:build -- [--content DIR] [--out DIR] [--threads N] — renders every page of a
 * content tree to static HTML with its assets, for a CDN or a preview. Reports each page that
 * fails, with the reason, and exits 1 if any did. The output folder is written over in place: a
 * file whose bytes are the same is left alone, and what the export no longer holds is removed.
 *
 * A large tree on a machine with more than two idle cores is rendered on each: this thread and
 * worker threads (running this same file) each render and write one share of the pages. A small
 * tree, a 2-core or a busy machine renders here alone, where workers would cost more than they
 * save. `--threads N` sets the threads; `--reference` renders on one thread with each page's
 * whole template (no layout rendered once), the rendering the faster ones must equal byte for byte.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ExportFolder } from '../export-folder.ts';
import { loadContentTree, type ContentTree } from '../load.ts';
import { primaryNavigation, renderSite, type Problem, type RenderedSite, type SiteShare } from '../render.ts';
import { loadConfig } from '../../config.ts';
import { loadManifest } from '../../platform/assets.ts';
import { fromRoot } from '../../shared/paths.ts';
import { createViews } from '../../platform/views.ts';
import { sitemapXml, type SitemapEntry } from '../site.ts';
import { atomFeed, blogPosts, FEED_PATH } from '../blog.ts';
import { listedReferenceProviders } from '../../features/providers/reference-data.ts';
import type { ContentData } from '../components.ts';

/** Below this many pages, one thread: a worker's start-up (loading the modules again) outweighs its share. */
const SMALL_TREE = 200;

/**
 * Render threads for a large tree: every idle core, but never on two cores or fewer. A worker
 * costs the start-up again (about 0.7 s of CPU: the modules, the tree, the templates), and on
 * a 2-core machine two threads were slower than one in every bench run (1,000 pages: 3,157
 * against 2,335 ms, and 3,459 against 2,469 ms). On a machine already busy (its load average
 * at or above its cores) a second thread only competes with the first, so the export stays on one.
 */
function defaultThreads(pages: number): number {
  const cores = availableParallelism();
  if (pages < SMALL_TREE || cores <= 2) return 1;
  const idle = Math.floor(cores - loadavg()[0]!);
  return Math.max(1, Math.min(cores, idle));
}

interface ShareJob {
  contentDir: string;
  outDir: string;
  publicUrl: string;
  share: SiteShare;
  wholePages: boolean;
}

/** What a share sends back: no HTML (it is written already), only what the sitemap and the report need. */
interface ShareResult {
  pages: (SitemapEntry & { place: number })[];
  problems: (Problem & { place: number })[];
}

/** Renders one share of the site and writes its pages; `tree` is passed when this thread has loaded it already. */
function renderShare(
  job: ShareJob,
  loaded?: ContentTree,
  folder = new ExportFolder(job.outDir, { listing: false }),
): { site: RenderedSite; result: ShareResult } {
  const tree = loaded ?? loadContentTree(job.contentDir);
  const views = createViews({
    assets: loadManifest(),
    govukBrand: process.env['GOVUK_BRAND'] === 'true',
    primaryNavigation: primaryNavigation(tree),
    serviceUrl: job.publicUrl,
  });
  // The running service reads providers from its database; the export, from the reference file that fills it
  // (read only if a page shows them: parsing it is a good part of a small export's time).
  let providers: ContentData['providers'] | undefined;
  const data: ContentData = {
    get providers() {
      return (providers ??= listedReferenceProviders());
    },
  };
  // A static site has no search: the pages' plain text and sections are not made.
  // Each page is written as soon as it is rendered, and its HTML let go.
  const site = renderSite(tree, views, data, {
    ...job,
    searchText: false,
    onPage: (page) => folder.write(pageFile(job.outDir, page.path), page.html),
  });
  return {
    site,
    result: {
      pages: site.pages.map((p, i) => ({
        path: p.path,
        ...(p.date ? { date: p.date } : {}),
        noindex: p.noindex,
        place: site.places.pages[i]!,
      })),
      problems: site.problems.map((p, i) => ({ ...p, place: site.places.problems[i]! })),
    },
  };
}

const pageFile = (outDir: string, path: string) =>
  path === '/' ? join(outDir, 'index.html') : join(outDir, path, 'index.html');

/** Every file under a folder. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Starts a worker thread on this file for one share. */
function shareOnWorker(job: ShareJob): Promise<ShareResult> {
  return new Promise((done, fail) => {
    const url = new URL(import.meta.url);
    // Run from source (npm run content:build, the tests), the worker registers tsx before loading this file.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true, workerData: job },
        )
      : new Worker(url, { workerData: job });
    worker.once('message', done);
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`a render thread stopped (exit code ${code})`)));
  });
}

/** Shares back in the whole site's order: the same pages, sitemap and report as one thread gives. */
const inSiteOrder = <T extends { place: number }>(items: T[]): T[] =>
  items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => a.item.place - b.item.place || a.i - b.i)
    .map((x) => x.item);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      content: { type: 'string', default: 'content' },
      out: { type: 'string', default: 'dist/site' },
      // The same public address as the service: SERVICE_URL, or where it would listen.
      'public-url': { type: 'string', default: loadConfig().serviceUrl },
      // Render threads; by default every core for a large tree, one for a small one.
      threads: { type: 'string' },
      // The reference rendering: one thread, each page rendered whole by its template, as the service serves it.
      reference: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const contentDir = resolve(values.content!);
  const outDir = resolve(values.out!);
  const publicUrl = values['public-url']!.replace(/\/+$/, '');
  const started = performance.now();

  try {
    const tree = loadContentTree(contentDir);
    const threads = values.reference
      ? 1
      : values.threads
        ? Math.max(1, Math.floor(Number(values.threads)) || 1)
        : defaultThreads(tree.pages.size);
    // Written over in place; what the last export left and this one does not write goes at the end.
    const folder = new ExportFolder(outDir);
    const job = (index: number): ShareJob => ({
      contentDir,
      outDir,
      publicUrl,
      share: { index, count: threads },
      wholePages: values.reference!,
    });
    const workers = Array.from({ length: threads - 1 }, (_, i) => shareOnWorker(job(i + 1)));
    // Settled now, so a worker's failure is reported once, after this thread's share.
    const settled = Promise.allSettled(workers);
    const own = renderShare(job(0), tree, folder);
    const shares = [own.result];
    for (const outcome of await settled) {
      if (outcome.status === 'rejected') throw outcome.reason;
      shares.push(outcome.value);
    }
    const pages = inSiteOrder(shares.flatMap((s) => s.pages));
    const problems = inSiteOrder(shares.flatMap((s) => s.problems));

    const written = pages.map((page) => pageFile(outDir, page.path));
    const copy = (from: string, to: string) => {
      folder.copy(from, to);
      written.push(to);
    };
    const write = (to: string, data: string) => {
      folder.write(to, data);
      written.push(to);
    };
    const assets = fromRoot('dist/assets');
    for (const file of filesUnder(assets)) copy(file, join(outDir, 'assets', relative(assets, file)));
    for (const file of own.site.images.flatMap((image) => image.files)) copy(file.file, join(outDir, file.urlPath));
    write(join(outDir, 'sitemap.xml'), sitemapXml(pages, publicUrl));
    const posts = blogPosts(tree);
    if (posts.length > 0) {
      const title = tree.pages.get('/blog')?.frontMatter.title || 'Blog';
      write(join(outDir, FEED_PATH), atomFeed(posts, publicUrl, title));
    }
    folder.removeRest(written);
    const errors = problems.filter((p) => p.severity === 'error');
    const failed = new Set(errors.map((p) => p.file));
    for (const problem of errors) console.log(`${values.content}/${problem.file}:${problem.line}: ${problem.message}`);
    const ms = Math.round(performance.now() - started);
    console.log(
      `content build: ${pages.length} pages written to ${values.out} in ${ms} ms on ${threads} thread${threads === 1 ? '' : 's'}; ${failed.size} file${failed.size === 1 ? '' : 's'} with errors`,
    );
    process.exit(failed.size > 0 ? 1 : 0);
  } catch (error) {
    console.error(`content build: ${(error as Error).message}`);
    process.exit(1);
  }
}

if (isMainThread) void main();
else {
  // A worker: render its share, send back what the main thread needs, and end.
  parentPort!.postMessage(renderShare(workerData as ShareJob).result);
}
