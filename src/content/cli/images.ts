/**
 * npm run content:images [-- --content DIR] — makes the AVIF and WebP variants of every image
 * in the content's images.yaml (dist/content-images), skipping those already made.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImageVariants } from '../images.ts';
import { loadContentTree } from '../load.ts';

const { values } = parseArgs({ options: { content: { type: 'string', default: 'content' } } });
const started = performance.now();
try {
  const { manifest, made } = await buildImageVariants(loadContentTree(resolve(values.content!)));
  const ms = Math.round(performance.now() - started);
  console.log(`content images: ${Object.keys(manifest).length} images known, ${made} variant files made in ${ms} ms`);
} catch (error) {
  console.error(`content images: ${(error as Error).message}`);
  process.exit(1);
}
