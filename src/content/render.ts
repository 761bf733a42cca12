import { escapeHtml } from '../shared/html.ts';
import { govukDate } from '../shared/dates.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { MarkdownIt } from 'markdown-it';
import type nunjucks from 'nunjucks';
import type { NavigationItem } from '../platform/views.ts';
import { partialFile, parentPath, resolveBacklink, type ContentPage, type ContentTree } from './load.ts';
import { createMarkdown, newRenderEnv, uniqueId, type RenderEnv } from './markdown.ts';
import {
  componentProblems,
  declaredComponentsWithClashes,
  emptyContentData,
  insertComponents,
  markComponents,
  renderComponent,
  usesServiceData,
  type ContentData,
} from './components.ts';
import { checkRawHtml, sanitizeContentHtml } from './raw-html.ts';
import { pictureHtml, readVariantManifest, VARIANTS_DIR, type VariantManifest } from './images.ts';
import {
  blogListPages,
  blogPosts,
  isPost,
  similarPosts,
  tagPath,
  type BlogListPage,
  type PostSummary,
} from './blog.ts';
import { fillVariables } from './variables.ts';
import {
  DEFAULT_HERO_COLOUR,
  DEFAULT_TITLE_COLOUR,
  HERO_COLOURS,
  isHeroColour,
  isHeroLink,
  type HeroColour,
} from './hero.ts';

export interface Problem {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  message: string;
}

export interface ContentImage {
  key: string;
  urlPath: string;
  file: string;
  alt: string;
  width?: number;
  height?: number;
  /** AVIF and WebP srcsets, when the variants have been built. */
  sources: { type: string; srcset: string }[];
  /** Every file served for the image: the original and its variants. */
  files: { urlPath: string; file: string }[];
}

export interface RenderedPage {
  path: string;
  title: string;
  description: string;
  keywords: string[];
  /** Plain text of the body and its partials, for site search. */
  text: string;
  /** The page's sections (its h2 sections and accordion steps), each found by site search on its own. */
  sections: PageSection[];
  /** The page shows the service's data: re-render it when the data changes. */
  usesData: boolean;
  date?: string;
  noindex: boolean;
  html: string;
}

/** A page's date as people read it: the service's one formatter. */
export function formatDate(iso: string): string {
  return govukDate(iso);
}

/** Images in the register whose files exist, with hashed URLs to serve them (and their variants) under. */
export function contentImages(
  tree: ContentTree,
  dir = VARIANTS_DIR,
  manifest: VariantManifest = readVariantManifest(dir),
): ContentImage[] {
  return Object.entries(tree.images).flatMap(([key, entry]) => {
    const file = join(tree.root, key);
    if (!existsSync(file)) return [];
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
    const urlPath = `/assets/content/${hash}/${basename(key)}`;
    const built = manifest[hash];
    const files = [{ urlPath, file }];
    const sources: ContentImage['sources'] = [];
    if (built) {
      for (const format of ['avif', 'webp'] as const) {
        const variants = built.variants[format].filter((v) => existsSync(join(dir, v.file)));
        if (variants.length === 0) continue;
        for (const v of variants) files.push({ urlPath: `/assets/content/${hash}/${v.file}`, file: join(dir, v.file) });
        sources.push({
          type: `image/${format}`,
          srcset: variants.map((v) => `/assets/content/${hash}/${v.file} ${v.width}w`).join(', '),
        });
      }
    }
    return [
      {
        key,
        urlPath,
        file,
        alt: entry.alt,
        ...(built ? { width: built.width, height: built.height } : {}),
        sources,
        files,
      },
    ];
  });
}

/** Pages with one path segment and a navigation number, in number order (ties keep file order). */
export function primaryNavigation(tree: ContentTree): NavigationItem[] {
  return [...tree.pages.values()]
    .filter((p) => p.path !== '/' && p.path.split('/').length === 2 && typeof p.frontMatter.navigation === 'number')
    .sort((a, b) => a.frontMatter.navigation! - b.frontMatter.navigation! || a.order - b.order)
    .map((p) => ({
      href: p.frontMatter.navigation_path ?? p.path,
      text: p.frontMatter.navigation_title ?? p.frontMatter.title,
    }));
}

/** Child pages shown as cards on a category page. */
export function cardsFor(tree: ContentTree, page: ContentPage) {
  const prefix = page.path === '/' ? '/' : `${page.path}/`;
  return [...tree.pages.values()]
    .filter(
      (p) =>
        p.path !== page.path &&
        p.path.startsWith(prefix) &&
        parentPath(p.path) === page.path &&
        typeof p.frontMatter.navigation === 'number',
    )
    .sort((a, b) => a.frontMatter.navigation! - b.frontMatter.navigation! || a.order - b.order)
    .map((p) => ({
      href: p.frontMatter.navigation_path ?? p.path,
      title: p.frontMatter.navigation_title ?? p.frontMatter.title,
      description: p.frontMatter.navigation_description ?? p.frontMatter.description ?? '',
    }));
}

const stripTags = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

export interface PageSection {
  /** The id a link to the section ends with (`#find-out-about-fees`); for a step, opening the link opens the step. */
  id: string;
  title: string;
  text: string;
}

/** The h2 sections of rendered HTML: each heading with an id and the text up to the next h2. */
export function h2Sections(html: string): PageSection[] {
  const sections: PageSection[] = [];
  const heading = /<h2\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/h2>/g;
  const found = [...html.matchAll(heading)];
  found.forEach((m, i) => {
    const end = found[i + 1]?.index ?? html.length;
    const text = stripTags(html.slice(m.index + m[0].length, end));
    if (text) sections.push({ id: m[1]!, title: stripTags(m[2]!), text });
  });
  return sections;
}

export interface PageModel {
  page: ContentPage;
  pageTitle: string;
  /** The h1: `heading` when given, else the title. */
  heading: string;
  /** `<meta name="robots" content="noindex">`, and left out of search and the sitemap. */
  noindex: boolean;
  description: string;
  currentPath: string;
  /** The page's own path, for its canonical link (the layout adds the service's address). */
  canonicalPath: string;
  breadcrumbs: { text: string; href: string }[];
  backLink: { href: string; text: string } | null;
  /** With `image`: the hero header (title, subtitle, paragraph, button, picture); without, a plain h1. */
  hero: {
    src: string;
    alt: string;
    html: string;
    subtitle: string | null;
    paragraphHtml: string;
    /** On a dark hero the button is GOV.UK's inverse button. */
    button: { text: string; href: string; inverse: boolean } | null;
    /** Classes for the colours: names from the allow-list, never free text (no inline styles). */
    classes: string;
    titleClasses: string;
  } | null;
  bodyHtml: string;
  accordion: {
    id: string;
    numbered: boolean;
    items: { heading: { html: string }; content: { html: string }; stepId: string; slug: string }[];
  } | null;
  afterAccordionHtml: string;
  promos: string[];
  relatedContent: { text: string; href: string }[];
  cards: ReturnType<typeof cardsFor>;
  lastUpdated: string | null;
  /** A blog post's own parts. */
  post: {
    date: string;
    author: string | null;
    subtitle: string | null;
    tags: { text: string; href: string }[];
    closingHtml: string;
    similar: { title: string; href: string; date: string; description: string }[];
  } | null;
  text: string;
  sections: PageSection[];
  /** The page shows the service's data (a data component): re-render it when the data changes. */
  usesData: boolean;
  problems: Problem[];
  env: RenderEnv;
}

export interface ModelContext {
  tree: ContentTree;
  md: MarkdownIt;
  views: nunjucks.Environment;
  images: Map<string, ContentImage>;
  /** The service's data that data components (provider_list) show. */
  data?: ContentData;
  /** The blog's posts, newest first (for similar posts). */
  posts?: PostSummary[];
  /** Development only: show editors, in the page, what could not be rendered (a Ruby partial). */
  devNotices?: boolean;
  /** false: leave out the plain text and sections site search reads (the static export has no search). */
  searchText?: boolean;
  /** The static export's layouts rendered once, by their layout values (see pageInShell). */
  shells?: Map<string, string[] | null>;
}

/** Everything a content page shows, with the problems found on the way (the lint reports them). */
export function buildPageModel(ctx: ModelContext, page: ContentPage): PageModel {
  const { tree, md } = ctx;
  const fm = page.frontMatter;
  const problems: Problem[] = [];
  const env: RenderEnv = newRenderEnv(['main-content', 'steps', 'related-content', 'similar-posts'], tree.glossary);
  const texts: string[] = [];
  const plain = ctx.searchText === false ? () => '' : stripTags;
  const { components, clashes } = declaredComponentsWithClashes(fm as Record<string, unknown>);
  for (const name of clashes)
    problems.push({
      severity: 'error',
      file: page.file,
      line: lineOf(page, `${name}:`),
      message: `component "${name}" is declared twice: names are shared by every kind of component`,
    });
  for (const component of components.values())
    for (const p of componentProblems(component))
      problems.push({ ...p, file: page.file, line: lineOf(page, `${component.name}:`) });
  const placed = new Set<string>();
  let usesData = false;
  for (const name of components.keys()) {
    if (Object.hasOwn(tree.values, name))
      problems.push({
        severity: 'error',
        file: page.file,
        line: lineOf(page, `${name}:`),
        message: `component "${name}" has the same name as a variable in values.yaml: rename one`,
      });
  }
  /** An image from the register with its file and alt text, or a problem at this line. */
  const registeredImage = (key: string, line: number): ContentImage | null => {
    const image = ctx.images.get(key);
    const registered = tree.images[key];
    const problem = !registered
      ? `image ${key} is not in images.yaml (it needs alt text)`
      : !image
        ? `image file ${key} does not exist`
        : !registered.alt.trim()
          ? `image ${key} has no alt text in images.yaml`
          : null;
    if (problem) {
      problems.push({ severity: 'error', file: page.file, line, message: problem });
      return null;
    }
    return image!;
  };
  for (const component of components.values()) {
    if (component.kind !== 'images') continue;
    const path = (component.args as { path?: unknown } | null)?.path;
    if (typeof path === 'string') registeredImage(path, lineOf(page, path));
  }

  const renderedComponent = (name: string): string => {
    const component = components.get(name)!;
    if (component.kind === 'images') {
      const path = (component.args as { path?: unknown } | null)?.path;
      const image = typeof path === 'string' ? ctx.images.get(path) : undefined;
      if (!image || !image.alt.trim()) return '';
      // Images in the body are below the fold: lazy.
      return `<figure class="app-figure">${pictureHtml(
        {
          src: image.urlPath,
          alt: image.alt,
          ...(image.width ? { width: image.width, height: image.height! } : {}),
          sources: image.sources,
        },
        { lazy: true, sizes: '(min-width: 641px) 640px, 100vw' },
      )}</figure>\n`;
    }
    if (usesServiceData(component)) usesData = true;
    return renderComponent(component, ctx.data ?? emptyContentData, (text) => {
      const before = env.rawHtml!.length;
      const html = md.renderInline(fillVariables(text, tree.values).text, env as unknown as Record<string, unknown>);
      const raws = env.rawHtml!.splice(before);
      if (raws.length === 0) return html;
      for (const raw of raws)
        for (const finding of checkRawHtml(raw.content))
          problems.push({
            severity: 'error',
            file: page.file,
            line: lineOf(page, `${name}:`),
            message: finding.message,
          });
      return sanitizeContentHtml(html);
    });
  };

  const renderMarkdown = (source: string, file: string, firstLine: number): string => {
    // Placeholders, in order: 1. declared components become markers; 2. values.yaml variables
    // are filled; 3. Markdown runs; 4. each marker becomes its component's HTML.
    const marked = markComponents(source, components);
    for (const use of marked.used) {
      placed.add(use.name);
      if (!use.alone)
        problems.push({
          severity: 'error',
          file,
          line: firstLine + use.line,
          message: `component $${use.name}$ must be on a line of its own`,
        });
    }
    const filled = fillVariables(marked.text, tree.values);
    for (const name of filled.unknown) {
      const line = source.split('\n').findIndex((l) => l.includes(`$${name}$`));
      problems.push({
        severity: 'error',
        file,
        line: firstLine + Math.max(line, 0),
        message: `undefined variable $${name}$`,
      });
    }
    const linksBefore = env.links!.length;
    const htmlBefore = env.rawHtml!.length;
    const h1Before = env.h1Lines!.length;
    let rendered = md.render(filled.text, env as unknown as Record<string, unknown>);
    const raws = env.rawHtml!.slice(htmlBefore);
    // Only a fragment with raw HTML in it pays for the sanitiser.
    if (raws.length > 0) rendered = sanitizeContentHtml(rendered);
    const html = insertComponents(rendered, renderedComponent);
    for (const link of env.links!.slice(linksBefore)) link.line += firstLine - 1;
    for (const raw of raws) {
      for (const finding of checkRawHtml(raw.content)) {
        problems.push({
          severity: 'error',
          file,
          line: raw.line + finding.lineOffset + firstLine - 1,
          message: finding.message,
        });
      }
    }
    for (const line of env.h1Lines!.slice(h1Before)) {
      problems.push({
        severity: 'error',
        file,
        line: line + firstLine - 1,
        message: 'more than one h1: the page title is the h1, so start body headings at ##',
      });
    }
    texts.push(plain(html));
    // Links found in this fragment are attributed to this file for the lint.
    for (const link of env.links!.slice(linksBefore)) (link as { file?: string }).file = file;
    return html;
  };

  const renderPartial = (ref: string, key: string): string => {
    const partial = tree.partials.get(ref);
    if (!partial) {
      const expected = partialFile(ref).md;
      const erb = expected.replace(/\.md$/, '.html.erb');
      if (existsSync(join(tree.root, erb))) {
        problems.push({
          severity: 'error',
          file: page.file,
          line: lineOf(page, ref),
          message: `${key} ${ref} is a Ruby partial (${erb}), which cannot run here: the page renders without it; write it as ${expected} or use a component`,
        });
        return ctx.devNotices
          ? `<div class="govuk-warning-text app-dev-notice"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>Development only: the Ruby partial ${escapeHtml(erb)} cannot run here, so it is left out. Write it as ${escapeHtml(expected)}.</strong></div>\n`
          : '';
      }
      problems.push({
        severity: 'error',
        file: page.file,
        line: lineOf(page, ref),
        message: `missing partial for ${key}: ${ref} (expected file ${expected})`,
      });
      return '';
    }
    if (partial.kind === 'njk') {
      try {
        const html = ctx.views.renderString(partial.source, {});
        texts.push(plain(html));
        return html;
      } catch (error) {
        problems.push({
          severity: 'error',
          file: partial.file,
          line: 1,
          message: `partial could not be rendered: ${(error as Error).message}`,
        });
        return '';
      }
    }
    return renderMarkdown(partial.source, partial.file, 1);
  };

  const bodyHtml = renderMarkdown(page.body, page.file, page.bodyLine);

  const stepSections: PageSection[] = [];
  let accordion: PageModel['accordion'] = null;
  let afterAccordionHtml = '';
  if (fm.accordion) {
    const numbered = fm.accordion.numbered === true;
    const items = Object.entries(fm.accordion.steps ?? {}).map(([title, step], index) => {
      const slug = uniqueId(title, env.markdownItAnchor.slugs);
      const stepId = `step-${index + 1}`;
      env.markdownItAnchor.slugs[stepId] = true;
      const content = renderPartial(step.partial, `step "${title}"`);
      stepSections.push({ id: slug, title, text: plain(content) });
      const number = numbered ? `<span class="app-step-number">${index + 1}.</span> ` : '';
      return {
        heading: { html: number + escapeHtml(title) },
        // Anchors inside the section: a link to either id opens the step (beforematch, or app.js).
        content: { html: `<span id="${stepId}"></span><span id="${slug}"></span>${content}` },
        stepId,
        slug,
      };
    });
    accordion = { id: 'steps', numbered, items };
    if (fm.accordion.content_after_accordion) {
      afterAccordionHtml = renderPartial(fm.accordion.content_after_accordion.partial, 'content after the accordion');
    }
  }

  const promos = (fm.promo_content ?? []).map((ref) => renderPartial(ref, 'promo')).filter((html) => html !== '');

  const relatedContent = Object.entries(fm.related_content ?? {}).map(([text, href]) => ({ text, href }));
  for (const { href } of relatedContent) {
    if (href.startsWith('/')) env.links!.push(Object.assign({ href, line: lineOf(page, href) }, { file: page.file }));
  }

  if (fm.navigation_path)
    env.links!.push(
      Object.assign({ href: fm.navigation_path, line: lineOf(page, 'navigation_path:') }, { file: page.file }),
    );

  // GOV.UK breadcrumbs: each page up the URL path, labelled by its heading or title.
  const breadcrumbs: { text: string; href: string }[] = [];
  const skipped: string[] = [];
  for (let p = parentPath(page.path); p !== null; p = parentPath(p)) {
    const parent = tree.pages.get(p);
    if (parent)
      breadcrumbs.unshift({
        text: p === '/' ? 'Home' : (parent.frontMatter.heading ?? parent.frontMatter.title),
        href: p,
      });
    else if (p === '/') breadcrumbs.unshift({ text: 'Home', href: '/' });
    else skipped.push(p);
  }
  if (skipped.length && !fm.backlink)
    problems.push({
      severity: 'warning',
      file: page.file,
      line: 1,
      message: `no page at ${skipped.reverse().join(', ')}: the breadcrumbs skip ${skipped.length === 1 ? 'it' : 'them'}`,
    });

  let backLink: PageModel['backLink'] = null;
  if (fm.backlink) {
    const target = resolveBacklink(page.path, fm.backlink);
    const parent = tree.pages.get(target);
    if (!parent)
      problems.push({
        severity: 'error',
        file: page.file,
        line: lineOf(page, 'backlink'),
        message: `backlink "${fm.backlink}" resolves to ${target}, which is not a page`,
      });
    else backLink = { href: target, text: 'Back' };
  }

  let hero: PageModel['hero'] = null;
  // The hero header's keys: read only with `image` (as the original); a button needs both halves.
  const heroKeys = [
    'subtitle_link',
    'subtitle_button',
    'title_paragraph',
    'title_bg_color',
    'hero_bg_color',
    'hero_blend_content',
  ] as const;
  if (!fm.image)
    for (const key of heroKeys)
      if (fm[key] !== undefined)
        problems.push({
          severity: 'warning',
          file: page.file,
          line: lineOf(page, `${key}:`),
          message: `${key} is part of the hero header, shown only on a page with an image: it is not shown here`,
        });
  if (fm.subtitle_button !== undefined && fm.subtitle_link === undefined)
    problems.push({
      severity: 'error',
      file: page.file,
      line: lineOf(page, 'subtitle_button:'),
      message: 'subtitle_button needs a subtitle_link for the button to go to',
    });
  if (fm.subtitle_link !== undefined && fm.subtitle_button === undefined)
    problems.push({
      severity: 'error',
      file: page.file,
      line: lineOf(page, 'subtitle_link:'),
      message: 'subtitle_link needs a subtitle_button: the text of the button that links there',
    });
  if (fm.image && fm.subtitle_link?.startsWith('/') && isHeroLink(fm.subtitle_link))
    env.links!.push(
      Object.assign({ href: fm.subtitle_link, line: lineOf(page, 'subtitle_link:') }, { file: page.file }),
    );
  if (fm.image) {
    const image = registeredImage(fm.image, lineOf(page, 'image'));
    if (image) {
      const colour = (name: string | undefined, fallback: HeroColour): HeroColour =>
        name !== undefined && isHeroColour(name) ? name : fallback;
      const titleColour = colour(fm.title_bg_color, DEFAULT_TITLE_COLOUR);
      const heroColour = colour(fm.hero_bg_color, DEFAULT_HERO_COLOUR);
      /** Variables filled in a hero text; an unknown one is an error, as in the body. */
      const filled = (key: 'subtitle' | 'title_paragraph', text: string): string => {
        const result = fillVariables(text, tree.values);
        for (const name of result.unknown)
          problems.push({
            severity: 'error',
            file: page.file,
            line: lineOf(page, `${key}:`),
            message: `undefined variable $${name}$`,
          });
        return result.text;
      };
      let paragraphHtml = '';
      if (fm.title_paragraph) {
        const before = env.rawHtml!.length;
        const linksBefore = env.links!.length;
        paragraphHtml = md.renderInline(
          filled('title_paragraph', fm.title_paragraph),
          env as unknown as Record<string, unknown>,
        );
        const line = lineOf(page, 'title_paragraph:');
        for (const link of env.links!.slice(linksBefore)) Object.assign(link, { line, file: page.file });
        const raws = env.rawHtml!.splice(before);
        for (const raw of raws)
          for (const finding of checkRawHtml(raw.content))
            problems.push({ severity: 'error', file: page.file, line, message: finding.message });
        if (raws.length > 0) paragraphHtml = sanitizeContentHtml(paragraphHtml);
        texts.push(plain(paragraphHtml));
      }
      const subtitle = fm.subtitle ? filled('subtitle', fm.subtitle) : null;
      hero = {
        src: image.urlPath,
        alt: image.alt,
        html: pictureHtml(
          {
            src: image.urlPath,
            alt: image.alt,
            width: image.width ?? 1200,
            height: image.height ?? 500,
            sources: image.sources,
          },
          { lazy: false, sizes: '(min-width: 641px) 50vw, 100vw', className: 'app-hero__picture' },
        ),
        subtitle,
        paragraphHtml,
        button:
          // Front matter that failed the schema still renders: never a link the lint refused.
          fm.subtitle_link && fm.subtitle_button && isHeroLink(fm.subtitle_link)
            ? {
                text: fm.subtitle_button,
                href: fm.subtitle_link,
                inverse: HERO_COLOURS[heroColour].text === 'light',
              }
            : null,
        classes: [
          'app-hero',
          `app-hero--${heroColour}`,
          `app-hero--text-${HERO_COLOURS[heroColour].text}`,
          ...(fm.hero_blend_content ? ['app-hero--blend'] : []),
        ].join(' '),
        titleClasses: `app-hero__title app-hero__title--${titleColour} app-hero--text-${HERO_COLOURS[titleColour].text}`,
      };
    }
  }

  for (const name of components.keys()) {
    if (!placed.has(name))
      problems.push({
        severity: 'warning',
        file: page.file,
        line: lineOf(page, `${name}:`),
        message: `component "${name}" is declared but $${name}$ is used nowhere on the page`,
      });
  }

  let post: PageModel['post'] = null;
  if (isPost(page)) {
    if (!fm.date)
      problems.push({
        severity: 'error',
        file: page.file,
        line: 1,
        message: 'a blog post needs a date ("2021-08-26"): posts are listed newest first',
      });
    for (const tag of fm.tags ?? []) {
      if (tree.tags && !tree.tags.includes(tag))
        problems.push({
          severity: 'error',
          file: page.file,
          line: lineOf(page, tag),
          message: `tag "${tag}" is not in tags.yaml: add it there first, or use one that is`,
        });
    }
    if (fm.tags?.length && !tree.tags)
      problems.push({
        severity: 'error',
        file: page.file,
        line: lineOf(page, 'tags:'),
        message: 'tags need a tags.yaml listing the tags posts may use',
      });
    const closingHtml = fm.closing_paragraph
      ? renderPartial(`content/blog/closing-paragraphs/${fm.closing_paragraph}`, 'closing_paragraph')
      : '';
    post = {
      date: fm.date ? formatDate(fm.date) : '',
      author: fm.author ?? null,
      subtitle: fm.subtitle ?? null,
      tags: (fm.tags ?? []).map((t) => ({ text: t, href: tagPath(t) })),
      closingHtml,
      similar: similarPosts(ctx.posts ?? [], page.path).map((p) => ({
        title: p.title,
        href: p.path,
        date: formatDate(p.date),
        description: p.description,
      })),
    };
  } else {
    for (const key of ['author', 'subtitle', 'tags', 'closing_paragraph'] as const)
      if (fm[key] !== undefined && !(key === 'subtitle' && fm.image))
        problems.push({
          severity: 'warning',
          file: page.file,
          line: lineOf(page, `${key}:`),
          message:
            key === 'subtitle'
              ? 'subtitle is shown on blog posts (pages under /blog/) and in a hero header (a page with an image): it is not shown here'
              : `${key} is for blog posts (pages under /blog/): it is not shown here`,
        });
  }

  const description = fm.description ? fillVariables(fm.description, tree.values).text.trim() : '';
  return {
    page,
    pageTitle: fm.title,
    heading: fm.heading ?? fm.title,
    noindex: fm.noindex === true,
    description,
    currentPath: page.path,
    canonicalPath: page.path,
    breadcrumbs,
    backLink,
    hero,
    bodyHtml,
    accordion,
    afterAccordionHtml,
    promos,
    relatedContent,
    cards: cardsFor(tree, page),
    lastUpdated: fm.date && !post ? formatDate(fm.date) : null,
    post,
    text: texts.join(' '),
    sections: ctx.searchText === false ? [] : [...h2Sections(bodyHtml), ...stepSections],
    usesData,
    problems,
    env,
  };
}

/** The file line where a front-matter value or key first appears. */
function lineOf(page: ContentPage, needle: string): number {
  const index = page.source.split('\n').findIndex((l) => l.includes(needle));
  return index === -1 ? 1 : index + 1;
}

export interface RenderedSite {
  pages: RenderedPage[];
  problems: Problem[];
  images: ContentImage[];
  /** Each page's and each problem's place in the whole site's order, to merge shares back into it. */
  places: { pages: number[]; problems: number[] };
}

/** What rendering one page needs: built once for a tree. */
export function renderContext(
  tree: ContentTree,
  views: nunjucks.Environment,
  data: ContentData = emptyContentData,
  devNotices = false,
): ModelContext & { imageList: ContentImage[] } {
  const imageList = contentImages(tree);
  const posts = blogPosts(tree);
  return {
    tree,
    md: createMarkdown(),
    views,
    images: new Map(imageList.map((i) => [i.key, i])),
    imageList,
    data,
    posts,
    devNotices,
  };
}

/** The pages a tree serves: those whose front matter can at least name them. */
export const servablePages = (tree: ContentTree): ContentPage[] =>
  [...tree.pages.values()].filter((p) => p.frontMatterOk || !!p.frontMatter.title);

/** Renders one page; a page that cannot be rendered gives a problem instead. */
export function renderPage(ctx: ModelContext, page: ContentPage): { page?: RenderedPage; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!page.frontMatterOk)
    for (const p of page.frontMatterProblems)
      problems.push({ severity: 'error', file: page.file, line: p.line, message: p.message });
  try {
    const model = buildPageModel(ctx, page);
    problems.push(...model.problems);
    const html = ctx.shells ? pageInShell(ctx, model, ctx.shells) : ctx.views.render('content/page.njk', model);
    return {
      page: {
        path: page.path,
        title: model.pageTitle,
        description: model.description,
        keywords: page.frontMatter.keywords ?? [],
        text: model.text,
        sections: model.sections,
        usesData: model.usesData,
        ...(page.frontMatter.date ? { date: page.frontMatter.date } : {}),
        noindex: page.frontMatter.noindex === true,
        html,
      },
      problems,
    };
  } catch (error) {
    problems.push({
      severity: 'error',
      file: page.file,
      line: 1,
      message: `page could not be rendered: ${(error as Error).message}`,
    });
    return { problems };
  }
}

// Markers for a page's own values in a layout rendered once: a private-use character, which no page's text has.
const SHELL_TITLE = '\uE000title\uE000';
const SHELL_DESCRIPTION = '\uE000description\uE000';
const SHELL_CANONICAL = '\uE000canonical\uE000';
const SHELL_BODY = '\uE000body\uE000';
const SHELL_MARKERS = /(\uE000(?:title|description|canonical|body)\uE000)/;
/** The views' own autoescape (nunjucks lib.escape), for the values spliced into a layout. */
const VIEW_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '&#92;',
};
const escapeLikeViews = (value: unknown) => String(value).replace(/[&"'<>\\]/g, (ch) => VIEW_ESCAPES[ch]!);

/**
 * A content page as content/page.njk renders it, the same bytes, but with the layout around it
 * rendered once for all the pages that share its layout values (robots, navigation state,
 * breadcrumbs, back link, whether there is a description): the page's title, description,
 * canonical path and body are spliced into it. The layout is most of a page's template time.
 */
function pageInShell(ctx: ModelContext, model: PageModel, shells: Map<string, string[] | null>): string {
  const { views } = ctx;
  const serviceName = String(views.getGlobal('serviceName'));
  const navItems = views.getFilter('navItems') as (items: unknown, current: string) => unknown;
  // A title equal to the service's name changes the <title> itself: such a page is rendered whole.
  if (String(model.pageTitle) === serviceName) return views.render('content/page.njk', model);
  const key = JSON.stringify([
    model.noindex,
    !!model.description,
    !!model.canonicalPath,
    navItems(views.getGlobal('primaryNavigation'), model.currentPath),
    model.breadcrumbs,
    model.backLink,
  ]);
  if (!shells.has(key)) {
    const html = views.render('content/page-shell.njk', {
      ...model,
      pageTitle: SHELL_TITLE,
      description: model.description ? SHELL_DESCRIPTION : model.description,
      canonicalPath: model.canonicalPath ? SHELL_CANONICAL : model.canonicalPath,
      shellBody: SHELL_BODY,
    });
    const parts = html.split(SHELL_MARKERS);
    // Only a layout with its body marked exactly once can be spliced; any other renders whole.
    shells.set(key, parts.filter((p) => p === SHELL_BODY).length === 1 ? parts : null);
  }
  const shell = shells.get(key);
  if (!shell) return views.render('content/page.njk', model);
  const values: Record<string, string> = {
    [SHELL_TITLE]: escapeLikeViews(model.pageTitle),
    [SHELL_DESCRIPTION]: escapeLikeViews(model.description),
    [SHELL_CANONICAL]: escapeLikeViews(model.canonicalPath),
    [SHELL_BODY]: views.render('content/page-body.njk', model),
  };
  return shell.map((part, i) => (i % 2 === 1 ? values[part]! : part)).join('');
}

/** The blog's generated index and tag pages (none without posts); `blog.md`, if there is one, names the index. */
export function blogLists(ctx: ModelContext): BlogListPage[] {
  const index = ctx.tree.pages.get('/blog');
  return blogListPages(ctx.posts ?? [], index?.frontMatter.title || 'Blog');
}

/** Renders a generated blog list page (the index or a tag, one page of ten). */
export function renderBlogList(ctx: ModelContext, list: BlogListPage): RenderedPage {
  const index = ctx.tree.pages.get('/blog');
  const intro = index && list.path === '/blog' ? buildPageModel(ctx, index) : null;
  const breadcrumbs = [{ text: 'Home', href: '/' }];
  if (list.path !== '/blog') breadcrumbs.push({ text: index?.frontMatter.title || 'Blog', href: '/blog' });
  const description = list.tag ? `Blog posts tagged ${list.tag}.` : (intro?.description ?? 'Blog posts, newest first.');
  const html = ctx.views.render('content/blog-list.njk', {
    pageTitle: list.title,
    heading: list.heading,
    description,
    currentPath: list.path,
    breadcrumbs,
    introHtml: intro?.bodyHtml ?? '',
    posts: list.posts.map((p) => ({
      ...p,
      dateText: formatDate(p.date),
      tagLinks: p.tags.map((t) => ({ text: t, href: tagPath(t) })),
    })),
    pagination: list.pagination,
    feedPath: '/blog/feed.xml',
    noindex: list.path !== '/blog',
  });
  return {
    path: list.path,
    title: list.title,
    description,
    keywords: [],
    text: '',
    sections: [],
    usesData: false,
    // Lists of posts are not search results: the posts themselves are.
    noindex: list.path !== '/blog',
    html,
  };
}

/**
 * One thread's share of a site rendered on several: the pages whose place in the site's
 * order, counted from 0, leaves `index` when divided by `count`.
 */
export interface SiteShare {
  index: number;
  count: number;
}

/** Renders every page of a tree (or one share of them) to complete HTML. A failing page is reported, never thrown. */
export function renderSite(
  tree: ContentTree,
  views: nunjucks.Environment,
  data: ContentData = emptyContentData,
  options: {
    share?: SiteShare;
    wholePages?: boolean;
    searchText?: boolean;
    /**
     * Called with each page as soon as it is rendered (the export writes it then). Its HTML is
     * then handed over, not kept in `pages`: a thousand pages' strings held to the end made
     * every young-generation collection copy them again.
     */
    onPage?: (page: RenderedPage) => void;
  } = {},
): RenderedSite {
  const share = options.share ?? { index: 0, count: 1 };
  // The export renders each distinct layout once, unless asked to render every page whole (the reference).
  const ctx = {
    ...renderContext(tree, views, data),
    ...(options.searchText === false ? { searchText: false } : {}),
    ...(options.wholePages ? {} : { shells: new Map<string, string[] | null>() }),
  };
  const pages: RenderedPage[] = [];
  const problems: Problem[] = [];
  const places: RenderedSite['places'] = { pages: [], problems: [] };
  let place = -1;
  const mine = () => ++place % share.count === share.index;
  const onPage = options.onPage;
  const keep = (page: RenderedPage) => {
    if (!onPage) return void pages.push(page);
    onPage(page);
    pages.push({ ...page, html: '' });
  };
  const placed = () => {
    while (places.pages.length < pages.length) places.pages.push(place);
    while (places.problems.length < problems.length) places.problems.push(place);
  };
  for (const list of blogLists(ctx)) {
    if (!mine()) continue;
    keep(renderBlogList(ctx, list));
    placed();
  }
  for (const page of tree.pages.values()) {
    if (page.path === '/blog' && (ctx.posts?.length ?? 0) > 0) continue; // the generated index shows it
    if (!mine()) continue;
    if (!page.frontMatterOk && !page.frontMatter.title) {
      for (const p of page.frontMatterProblems)
        problems.push({ severity: 'error', file: page.file, line: p.line, message: p.message });
      placed();
      continue;
    }
    const result = renderPage(ctx, page);
    problems.push(...result.problems);
    if (result.page) keep(result.page);
    placed();
  }
  return { pages, problems, images: ctx.imageList, places };
}
