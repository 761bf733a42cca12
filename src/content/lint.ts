import { execFileSync } from 'node:child_process';
import type nunjucks from 'nunjucks';
import { loadContentTree, parentPath, type ContentTree } from './load.ts';
import { createMarkdown } from './markdown.ts';
import { findMojibake } from './mojibake.ts';
import { fillVariables } from './variables.ts';
import { buildPageModel, contentImages, type ModelContext, type Problem } from './render.ts';

export interface LintOptions {
  /** Paths the service answers besides content pages (e.g. /search, /eligibility). */
  servicePaths: string[];
  views: nunjucks.Environment;
  /** Last change date per file (relative to the root), e.g. from git; omitted → not checked. */
  lastChanged?: Map<string, string>;
}

export interface LintReport {
  problems: Problem[];
  pages: number;
  partials: number;
}

const DATED_PHRASE =
  /\b(?:courses? )?(?:starting (?:in|from) |from |in |by |until )(?:(?:January|February|March|April|May|June|July|August|September|October|November|December) )?(?:19|20)\d\d\b/i;

export function isServicePath(href: string, servicePaths: string[]): boolean {
  return servicePaths.some((p) => href === p || href.startsWith(`${p}/`));
}

export function lintTree(tree: ContentTree, options: LintOptions): LintReport {
  const problems: Problem[] = tree.problems.map((p) => ({ severity: 'error' as const, ...p }));
  const images = contentImages(tree);
  const ctx: ModelContext = {
    tree,
    md: createMarkdown(),
    views: options.views,
    images: new Map(images.map((i) => [i.key, i])),
  };

  for (const page of tree.pages.values()) {
    for (const p of page.frontMatterProblems) {
      const message = /^title:/.test(p.message) ? 'page has no title' : p.message;
      problems.push({ severity: 'error', file: page.file, line: p.line, message });
    }
    for (const w of page.frontMatterWarnings) problems.push({ severity: 'warning', file: page.file, ...w });
    const model = buildPageModel(ctx, page);
    problems.push(...model.problems);
    for (const link of model.env.links ?? []) {
      const href = (link.href.split('#')[0] ?? '').split('?')[0] ?? '';
      const target = href.length > 1 ? href.replace(/\/$/, '') : href;
      if (!tree.pages.has(target) && !isServicePath(target, options.servicePaths)) {
        const file = (link as { file?: string }).file ?? page.file;
        problems.push({
          severity: 'error',
          file,
          line: link.line,
          message: `internal link ${link.href} is not a page`,
        });
      }
    }
    const date = page.frontMatter.date;
    const changed = options.lastChanged?.get(page.file);
    if (date && changed && date < changed) {
      problems.push({
        severity: 'warning',
        file: page.file,
        line: lineOfText(page.source, 'date:'),
        message: `date ${date} is older than the file's last change (${changed}): update it if the content changed`,
      });
    }
  }

  // Duplicate navigation numbers among siblings make menu order arbitrary.
  const seen = new Map<string, string>();
  for (const page of tree.pages.values()) {
    const n = page.frontMatter.navigation;
    if (typeof n !== 'number' || page.path === '/') continue;
    const key = `${parentPath(page.path)}|${n}`;
    const other = seen.get(key);
    if (other)
      problems.push({
        severity: 'error',
        file: page.file,
        line: lineOfText(page.source, 'navigation:'),
        message: `navigation ${n} is also used by sibling ${other}`,
      });
    else seen.set(key, page.file);
  }

  const files = [
    ...[...tree.pages.values()].map((p) => ({ file: p.file, source: p.source })),
    ...[...tree.partials.values()].map((p) => ({ file: p.file, source: p.source })),
  ];
  for (const { file, source } of files) {
    const lines = source.split('\n');
    let blankRun = 0;
    lines.forEach((line, i) => {
      for (const m of findMojibake(line)) {
        problems.push({
          severity: 'error',
          file,
          line: i + 1,
          message: `mojibake at column ${m.column}: "${m.found}" is "${m.intended}" read as Windows-1252`,
        });
      }
      if (/[ \t]+\r?$/.test(line))
        problems.push({ severity: 'warning', file, line: i + 1, message: 'trailing whitespace' });
      blankRun = line.trim() === '' ? blankRun + 1 : 0;
      if (blankRun === 2)
        problems.push({ severity: 'warning', file, line: i + 1, message: 'several blank lines in a row' });
      // Checked after variables are filled: a year kept in values.yaml is still a dated phrase.
      const dated = DATED_PHRASE.exec(line.includes('$') ? fillVariables(line, tree.values).text : line);
      if (dated)
        problems.push({
          severity: 'warning',
          file,
          line: i + 1,
          message: `dated phrase "${dated[0]}": check it is still true`,
        });
    });
  }

  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { problems, pages: tree.pages.size, partials: tree.partials.size };
}

export function lintContent(
  root: string,
  options: Omit<LintOptions, 'lastChanged'> & { useGit?: boolean },
): LintReport {
  const tree = loadContentTree(root);
  return lintTree(tree, { ...options, ...(options.useGit ? { lastChanged: gitLastChanged(root) } : {}) });
}

function lineOfText(source: string, needle: string): number {
  const i = source.split('\n').findIndex((l) => l.startsWith(needle));
  return i === -1 ? 1 : i + 1;
}

/** The last commit date of every file under root, from one `git log`; empty outside a git checkout. */
export function gitLastChanged(root: string): Map<string, string> {
  const map = new Map<string, string>();
  try {
    const prefix = execFileSync('git', ['rev-parse', '--show-prefix'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const out = execFileSync('git', ['log', '--format=%x00%cs', '--name-only', '--', '.'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    let date = '';
    for (const line of out.split('\n')) {
      if (line.startsWith('\0')) date = line.slice(1);
      else if (line && line.startsWith(prefix)) {
        const rel = line.slice(prefix.length);
        if (!map.has(rel)) map.set(rel, date);
      }
    }
  } catch {
    // not a git checkout: the date rule is skipped
  }
  return map;
}

export function formatProblem(p: Problem, root: string): string {
  return `${root.replace(/\/$/, '')}/${p.file}:${p.line}: ${p.severity}: ${p.message}`;
}
