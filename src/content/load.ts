import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseFrontMatter, splitFrontMatter, type FrontMatter, type FrontMatterProblem } from './front-matter.ts';
import { loadValues, type Values } from './variables.ts';

export interface ContentPage {
  /** URL path: `content/a/b.md` → `/a/b`, `content/index.md` → `/`. */
  path: string;
  /** File path relative to the content root, e.g. `non-uk-teachers/international-qualified-teacher-status.md`. */
  file: string;
  source: string;
  frontMatter: FrontMatter;
  frontMatterOk: boolean;
  frontMatterProblems: FrontMatterProblem[];
  /** Read leniently, with a lint warning each. */
  frontMatterWarnings: FrontMatterProblem[];
  yaml: string | null;
  body: string;
  bodyLine: number;
  /** Order of loading, so equal navigation numbers keep file order. */
  order: number;
}

export interface ContentPartial {
  /** The reference used in front matter: `content/a/b` for `a/_b.md`. */
  ref: string;
  file: string;
  kind: 'md' | 'njk';
  source: string;
}

export interface ImageEntry {
  alt: string;
  source: string;
}

export interface ContentTree {
  root: string;
  pages: Map<string, ContentPage>;
  partials: Map<string, ContentPartial>;
  values: Values;
  images: Record<string, ImageEntry>;
  /** Abbreviations expanded with `<abbr title>` in running text: `DfE` → "Department for Education". */
  glossary: Record<string, string>;
  /** Blog tags a post may use (`content/tags.yaml`); null when the file is absent. */
  tags: string[] | null;
  /** Problems with the tree's own files (values.yaml, images.yaml). */
  problems: { file: string; line: number; message: string }[];
}

function walk(dir: string): string[] {
  // The directory's own entry types: no stat of every file (a link is followed, as before).
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = join(dir, entry.name);
      const isDirectory = entry.isSymbolicLink() ? statSync(full).isDirectory() : entry.isDirectory();
      return isDirectory ? walk(full) : [full];
    });
}

export function pathForFile(file: string): string {
  const noExt = file.replace(/\.md$/, '').split(sep).join('/');
  if (noExt === 'index') return '/';
  return '/' + noExt.replace(/\/index$/, '');
}

export function partialFile(ref: string): { md: string; njk: string } {
  const rel = ref.replace(/^content\//, '');
  const at = rel.lastIndexOf('/');
  const dir = at === -1 ? '' : rel.slice(0, at + 1);
  const name = rel.slice(at + 1);
  return { md: `${dir}_${name}.md`, njk: `${dir}_${name}.njk` };
}

const glossarySchema = z.record(
  z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N}.&-]*$/u, 'an abbreviation is letters and digits'),
  z.string().trim().min(1, 'every abbreviation needs its expansion'),
);

const imagesSchema = z.record(z.string(), z.strictObject({ alt: z.string(), source: z.string().min(1) }));

/** Loads every page and partial under the content root. Never throws for a bad file: problems are recorded. */
/** A partial's text is read when first needed: a large site starts without reading them all. */
function lazyPartial(partial: Omit<ContentPartial, 'source'>, full: string): ContentPartial {
  let source: string | undefined;
  return Object.defineProperty(partial, 'source', {
    enumerable: true,
    get: () => (source ??= readFileSync(full, 'utf8')),
  }) as ContentPartial;
}

export function loadContentTree(root: string): ContentTree {
  if (!existsSync(root)) throw new Error(`Content folder not found: ${root}`);
  const pages = new Map<string, ContentPage>();
  const partials = new Map<string, ContentPartial>();
  const problems: ContentTree['problems'] = [];
  let order = 0;
  for (const full of walk(root)) {
    const file = relative(root, full).split(sep).join('/');
    const base = file.slice(file.lastIndexOf('/') + 1);
    const isMd = file.endsWith('.md');
    const isNjk = file.endsWith('.njk');
    if (!isMd && !isNjk) continue;
    if (base.startsWith('_')) {
      const ref = 'content/' + file.replace(/(^|\/)_([^/]+)\.(md|njk)$/, '$1$2');
      partials.set(ref, lazyPartial({ ref, file, kind: isMd ? 'md' : 'njk' }, full));
      continue;
    }
    const source = readFileSync(full, 'utf8');
    if (!isMd) continue;
    const split = splitFrontMatter(source);
    const parsed = split.yaml === null ? null : parseFrontMatter(split.yaml);
    const frontMatterProblems =
      parsed === null
        ? [{ line: 1, message: 'page has no front matter (it needs at least a title)' }]
        : parsed.ok
          ? []
          : parsed.problems;
    const data = (parsed?.data ?? {}) as FrontMatter;
    const path = pathForFile(file);
    pages.set(path, {
      path,
      file,
      source,
      frontMatter: { ...data, title: typeof data.title === 'string' ? data.title : '' },
      frontMatterOk: parsed?.ok ?? false,
      frontMatterProblems,
      frontMatterWarnings: parsed?.warnings ?? [],
      yaml: split.yaml,
      body: split.body,
      bodyLine: split.bodyLine,
      order: order++,
    });
  }
  const { values, error } = loadValues(root);
  if (error) problems.push({ file: 'values.yaml', line: 1, message: error });
  let images: Record<string, ImageEntry> = {};
  const imagesFile = join(root, 'images.yaml');
  if (existsSync(imagesFile)) {
    const parsed = imagesSchema.safeParse(parseYaml(readFileSync(imagesFile, 'utf8'), { schema: 'core' }) ?? {});
    if (parsed.success) images = parsed.data;
    else
      problems.push({
        file: 'images.yaml',
        line: 1,
        message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
  }
  let glossary: Record<string, string> = {};
  const glossaryFile = join(root, 'glossary.yaml');
  if (existsSync(glossaryFile)) {
    const parsed = glossarySchema.safeParse(parseYaml(readFileSync(glossaryFile, 'utf8'), { schema: 'core' }) ?? {});
    if (parsed.success) glossary = parsed.data;
    else
      problems.push({
        file: 'glossary.yaml',
        line: 1,
        message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
  }
  let tags: string[] | null = null;
  const tagsFile = join(root, 'tags.yaml');
  if (existsSync(tagsFile)) {
    const parsed = z
      .array(z.string().trim().min(1))
      .safeParse(parseYaml(readFileSync(tagsFile, 'utf8'), { schema: 'core' }) ?? []);
    if (parsed.success) tags = parsed.data;
    else problems.push({ file: 'tags.yaml', line: 1, message: 'tags.yaml must be a list of tags' });
  }
  return { root, pages, partials, values, images, glossary, tags, problems };
}

/** Resolves a page's `backlink` (relative, e.g. `../`) to a URL path. */
export function resolveBacklink(pagePath: string, backlink: string): string {
  if (backlink.startsWith('/')) return backlink;
  // Pages read as folders: "../" from /a/b is /a.
  const url = new URL(backlink, `http://x${pagePath.replace(/\/$/, '')}/`);
  const path = url.pathname.replace(/\/$/, '');
  return path === '' ? '/' : path;
}

/** Parent page path for breadcrumbs: `/a/b` → `/a`; `/a` → `/`. */
export function parentPath(path: string): string | null {
  if (path === '/') return null;
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}
