import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { StaticBody, chooseEncoding, pickBody } from './compression.ts';
import { fromRoot } from '../shared/paths.ts';

export interface AssetManifest {
  css: string;
  cssGovuk: string;
  js: string;
  /** Only on pages with a place look-up. */
  jsPlaceAutocomplete: string;
  cssPlaceAutocomplete: string;
  govukAssetBase: string;
  /** The service's own favicon, for deployments without the GOV.UK brand. */
  favicon: string;
}

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.avif': 'image/avif',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
const compressible = new Set(['.css', '.js', '.json', '.svg', '.ico']);

export function loadManifest(dir = fromRoot('dist/assets')): AssetManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`Assets are not built (${file} is missing): run npm run build:assets`);
  return JSON.parse(readFileSync(file, 'utf8')) as AssetManifest;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

export interface ExtraAsset {
  urlPath: string;
  body: Buffer;
}

/**
 * Serves every built asset from memory. Names carry a content hash or a version, so they
 * are cached for a year and marked immutable.
 */
export function registerAssets(app: FastifyInstance, extra: ExtraAsset[] = [], dir = fromRoot('dist/assets')): void {
  const files = new Map<string, { body: StaticBody; type: string; compress: boolean }>();
  for (const file of walk(dir)) {
    const ext = extname(file);
    if (file.endsWith('manifest.json') && relative(dir, file) === 'manifest.json') continue;
    files.set('/assets/' + relative(dir, file).split('\\').join('/'), {
      body: new StaticBody(readFileSync(file)),
      type: types[ext] ?? 'application/octet-stream',
      compress: compressible.has(ext),
    });
  }
  for (const asset of extra) {
    const ext = extname(asset.urlPath);
    files.set(asset.urlPath, {
      body: new StaticBody(asset.body),
      type: types[ext] ?? 'application/octet-stream',
      compress: false,
    });
  }
  app.get('/assets/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const file = files.get(path);
    if (!file) return reply.callNotFound();
    const encoding = file.compress ? chooseEncoding(request.headers['accept-encoding']) : 'identity';
    reply
      .header('content-type', file.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff');
    if (file.compress) reply.header('vary', 'accept-encoding');
    if (encoding !== 'identity') reply.header('content-encoding', encoding);
    return reply.send(pickBody(file.body, encoding));
  });
}
