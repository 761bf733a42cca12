import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { escapeHtml } from '../shared/html.ts';
import { fromRoot } from '../shared/paths.ts';
import type { ContentTree } from './load.ts';

/**
 * Responsive images: `npm run content:images` (part of `npm run build`) makes AVIF and WebP
 * variants of every image in images.yaml, at a few widths, with sharp, once: a file whose
 * variants exist (by content hash) is skipped. Pages then show a <picture>; without the
 * variants (a tree never built) the original image is shown alone.
 */
export const VARIANTS_DIR = fromRoot('dist/content-images');
export const WIDTHS = [320, 640, 960, 1280, 1600];
export const FORMATS = ['avif', 'webp'] as const;

export interface ImageVariants {
  hash: string;
  width: number;
  height: number;
  /** Per format, each width and the variant's file name in the variants folder. */
  variants: Record<(typeof FORMATS)[number], { width: number; file: string }[]>;
}

/** Keyed by the image's content hash: trees that share an image share its variants. */
export type VariantManifest = Record<string, ImageVariants>;

export const contentHash = (body: Buffer): string => createHash('sha256').update(body).digest('hex').slice(0, 12);

/** The variants manifest, or nothing when the images have not been built. */
export function readVariantManifest(dir = VARIANTS_DIR): VariantManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as VariantManifest;
  } catch {
    return {};
  }
}

/** Makes the missing variants of every registered image; returns the manifest and how many files were made. */
export async function buildImageVariants(
  tree: ContentTree,
  dir = VARIANTS_DIR,
): Promise<{ manifest: VariantManifest; made: number }> {
  const { default: sharp } = await import('sharp');
  mkdirSync(dir, { recursive: true });
  const manifest: VariantManifest = readVariantManifest(dir);
  let made = 0;
  for (const key of Object.keys(tree.images)) {
    const source = join(tree.root, key);
    if (!existsSync(source)) continue;
    const body = readFileSync(source);
    const hash = contentHash(body);
    if (manifest[hash]?.variants.avif.every((v) => existsSync(join(dir, v.file)))) continue;
    const meta = await sharp(body).metadata();
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (!width || !height) continue;
    const widths = [...new Set([...WIDTHS.filter((w) => w < width), Math.min(width, WIDTHS.at(-1)!)])];
    const name = basename(key, extname(key));
    const variants = { avif: [], webp: [] } as ImageVariants['variants'];
    for (const format of FORMATS) {
      for (const w of widths) {
        const file = `${hash}-${name}-${w}.${format}`;
        if (!existsSync(join(dir, file))) {
          const resized = sharp(body).resize({ width: w });
          const out = format === 'avif' ? resized.avif({ quality: 50, effort: 4 }) : resized.webp({ quality: 75 });
          writeFileSync(join(dir, file), await out.toBuffer());
          made++;
        }
        variants[format].push({ width: w, file });
      }
    }
    manifest[hash] = { hash, width, height, variants };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { manifest, made };
}

export interface PictureImage {
  /** The original's URL. */
  src: string;
  alt: string;
  width?: number;
  height?: number;
  /** Per format, `url width` pairs for srcset. */
  sources: { type: string; srcset: string }[];
}

/** A <picture>: AVIF, then WebP, then the original; lazy below the fold, eager for a hero. */
export function pictureHtml(
  image: PictureImage,
  options: { lazy: boolean; sizes: string; className?: string },
): string {
  const size = image.width && image.height ? ` width="${image.width}" height="${image.height}"` : '';
  const sources = image.sources
    .map((s) => `<source type="${s.type}" srcset="${escapeHtml(s.srcset)}" sizes="${escapeHtml(options.sizes)}">`)
    .join('');
  const loading = options.lazy ? ' loading="lazy" decoding="async"' : ' fetchpriority="high"';
  const cls = options.className ? ` class="${options.className}"` : '';
  return `<picture${cls}>${sources}<img src="${escapeHtml(image.src)}" alt="${escapeHtml(image.alt)}"${size}${loading}></picture>`;
}
