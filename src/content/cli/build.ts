/**
 * npm run content:build -- [--content DIR] [--out DIR] — renders every page of a content
 * tree to static HTML with its assets, for a CDN or a preview. Reports each page that
 * fails, with the reason, and exits 1 if any did.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContentTree } from '../load.ts';
import { primaryNavigation, renderSite } from '../render.ts';
import { loadConfig } from '../../config.ts';
import { loadManifest } from '../../platform/assets.ts';
import { fromRoot } from '../../shared/paths.ts';
import { createViews } from '../../platform/views.ts';
import { sitemapXml } from '../site.ts';
import { atomFeed, blogPosts, FEED_PATH } from '../blog.ts';
import { listedReferenceProviders } from '../../features/providers/reference-data.ts';

const { values } = parseArgs({
  options: {
    content: { type: 'string', default: 'content' },
    out: { type: 'string', default: 'dist/site' },
    // The same public address as the service: SERVICE_URL, or where it would listen.
    'public-url': { type: 'string', default: loadConfig().serviceUrl },
  },
  allowPositionals: true,
});
const contentDir = resolve(values.content!);
const outDir = resolve(values.out!);
const started = performance.now();

try {
  const tree = loadContentTree(contentDir);
  const views = createViews({
    assets: loadManifest(),
    govukBrand: process.env['GOVUK_BRAND'] === 'true',
    primaryNavigation: primaryNavigation(tree),
    serviceUrl: values['public-url']!.replace(/\/+$/, ''),
  });
  // The running service reads providers from its database; the export, from the reference file that fills it.
  const site = renderSite(tree, views, { providers: listedReferenceProviders() });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const page of site.pages) {
    const file = page.path === '/' ? join(outDir, 'index.html') : join(outDir, page.path, 'index.html');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, page.html);
  }
  cpSync(fromRoot('dist/assets'), join(outDir, 'assets'), { recursive: true });
  for (const file of site.images.flatMap((image) => image.files)) {
    mkdirSync(dirname(join(outDir, file.urlPath)), { recursive: true });
    cpSync(file.file, join(outDir, file.urlPath));
  }
  writeFileSync(join(outDir, 'sitemap.xml'), sitemapXml(site.pages, values['public-url']!.replace(/\/+$/, '')));
  const posts = blogPosts(tree);
  if (posts.length > 0) {
    const title = tree.pages.get('/blog')?.frontMatter.title || 'Blog';
    writeFileSync(join(outDir, FEED_PATH), atomFeed(posts, values['public-url']!.replace(/\/+$/, ''), title));
  }
  const failed = new Set(site.problems.filter((p) => p.severity === 'error').map((p) => p.file));
  for (const problem of site.problems.filter((p) => p.severity === 'error'))
    console.log(`${values.content}/${problem.file}:${problem.line}: ${problem.message}`);
  const ms = Math.round(performance.now() - started);
  console.log(
    `content build: ${site.pages.length} pages written to ${values.out} in ${ms} ms; ${failed.size} file${failed.size === 1 ? '' : 's'} with errors`,
  );
  process.exit(failed.size > 0 ? 1 : 0);
} catch (error) {
  console.error(`content build: ${(error as Error).message}`);
  process.exit(1);
}
