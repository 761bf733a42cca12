import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';

/**
 * CommonMark with typographic quotes and dashes, tables, autolinks, heading ids and
 * GOV.UK typography classes. Raw HTML is not trusted: it is shown as text (and linted).
 */
export interface RenderEnv {
  /** Ids already used on the page: heading ids are unique across the page and its partials. */
  usedIds: Set<string>;
  /** Internal links found while rendering, for the lint. */
  links?: { href: string; line: number }[];
  /** Raw HTML found while rendering, for the lint. */
  rawHtml?: { line: number }[];
  /** h1 headings found (the page title is the only h1). */
  h1Lines?: number[];
}

/** Lowercase, spaces to `-`, other punctuation dropped. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}_-]/gu, '')
    .replace(/-+/g, '-');
}

/** A unique id for the page: duplicates get `-1`, `-2`, … */
export function uniqueId(text: string, used: Set<string>): string {
  const base = slugify(text) || 'section';
  let id = base;
  for (let n = 1; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

const blockClasses: Record<string, string> = {
  paragraph_open: 'govuk-body',
  bullet_list_open: 'govuk-list govuk-list--bullet',
  ordered_list_open: 'govuk-list govuk-list--number',
  table_open: 'govuk-table',
  thead_open: 'govuk-table__head',
  tbody_open: 'govuk-table__body',
  tr_open: 'govuk-table__row',
  th_open: 'govuk-table__header',
  td_open: 'govuk-table__cell',
  hr: 'govuk-section-break govuk-section-break--l govuk-section-break--visible',
  blockquote_open: 'govuk-inset-text',
};
const headingClasses: Record<string, string> = { h1: 'govuk-heading-xl', h2: 'govuk-heading-l', h3: 'govuk-heading-m' };

function inlineText(token: Token | undefined): string {
  return (token?.children ?? [])
    .filter((t) => t.type === 'text' || t.type === 'code_inline')
    .map((t) => t.content)
    .join('');
}

export function createMarkdown(): MarkdownIt {
  const md = markdownIt('default', { html: false, linkify: true, typographer: true });
  // Curly quotes and dashes yes; symbol replacements no: "grade 4 (C)" must not become "grade 4 ©".
  md.disable('replacements');
  md.core.ruler.after('inline', 'dashes', (state) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      for (const token of block.children) {
        if (token.type !== 'text') continue;
        token.content = token.content
          .replace(/(^|[^-])---(?=[^-]|$)/gm, '$1\u2014')
          .replace(/(^|\s)--(?=\s|$)/gm, '$1\u2013')
          .replace(/(^|[^-\s])--(?=[^-\s]|$)/gm, '$1\u2013');
      }
    }
  });
  // Detect raw HTML for the lint with a second parser that recognises it.
  const detector = markdownIt('default', { html: true });
  md.core.ruler.push('govuk', (state) => {
    const env = state.env as unknown as RenderEnv;
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const line = (token.map?.[0] ?? 0) + 1;
      const cls = blockClasses[token.type];
      if (cls) token.attrJoin('class', cls);
      if (token.type === 'heading_open') {
        token.attrJoin('class', headingClasses[token.tag] ?? 'govuk-heading-s');
        token.attrSet('id', uniqueId(inlineText(tokens[i + 1]), env.usedIds));
        if (token.tag === 'h1') env.h1Lines?.push(line);
      }
      if (token.type === 'inline') {
        for (const child of token.children ?? []) {
          if (child.type === 'link_open') {
            child.attrJoin('class', 'govuk-link');
            const href = String(child.attrGet('href') ?? '');
            if (href.startsWith('/')) env.links?.push({ href, line });
          }
        }
      }
    }
    if (env.rawHtml) {
      for (const t of detector.parse(state.src, {})) {
        const html = t.type === 'html_block' || (t.children ?? []).some((c) => c.type === 'html_inline');
        if (html) env.rawHtml.push({ line: (t.map?.[0] ?? 0) + 1 });
      }
    }
  });
  return md;
}
