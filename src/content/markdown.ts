import markdownIt, { type MarkdownIt, type StateCore, type Token } from 'markdown-it';
import markdownItAbbr from 'markdown-it-abbr';
import markdownItAnchor from 'markdown-it-anchor';
import markdownItFootnote from 'markdown-it-footnote';

/**
 * CommonMark with typographic quotes and dashes, tables, autolinks, heading ids and
 * GOV.UK typography classes. Raw HTML is read, recorded for the lint and later reduced to a
 * safe subset (raw-html.ts).
 */
export interface RenderEnv {
  /** Ids already used on the page (markdown-it-anchor's record): unique across the page and its partials. */
  markdownItAnchor: { slugs: Record<string, true> };
  /** Abbreviations to expand (`:DfE` → "Department for Education"): the glossary, then the page's own. */
  abbreviations?: Record<string, string>;
  /** Internal links found while rendering, for the lint. */
  links?: { href: string; line: number }[];
  /** Raw HTML found while rendering, for the lint. */
  rawHtml?: { line: number; content: string }[];
  /** h1 headings found (the page title is the only h1). */
  h1Lines?: number[];
}

/**
 * A heading id exactly as kramdown makes one (`basic_generate_id`): leading characters
 * up to the first ASCII letter dropped, then everything but ASCII letters, digits,
 * spaces and hyphens, each space a hyphen, lowercase. From the heading's raw text.
 */
export function slugify(raw: string): string {
  return raw
    .replace(/^[^a-zA-Z]+/, '')
    .replace(/[^a-zA-Z0-9 -]/g, '')
    .replace(/ /g, '-')
    .toLowerCase();
}

/** A unique id for the page, as kramdown: empty → `section`; duplicates get `-1`, `-2`, … */
export function uniqueId(text: string, used: Record<string, true>): string {
  const base = slugify(text) || 'section';
  let id = base;
  for (let n = 1; Object.hasOwn(used, id); n++) id = `${base}-${n}`;
  used[id] = true;
  return id;
}

/** A fresh render environment; `reserved` ids are the layout's own. */
export function newRenderEnv(reserved: string[] = [], abbreviations: Record<string, string> = {}): RenderEnv {
  const slugs: Record<string, true> = Object.create(null) as Record<string, true>;
  for (const id of reserved) slugs[id] = true;
  const env: RenderEnv = { markdownItAnchor: { slugs }, links: [], rawHtml: [], h1Lines: [] };
  // Only when there are some: markdown-it-abbr with an empty list would match the empty string for ever.
  const entries = Object.entries(abbreviations);
  if (entries.length > 0) env.abbreviations = Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v]));
  return env;
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

/** kramdown's `## Heading {#custom-id}`: the id is taken as written, the braces removed. */
const CUSTOM_ID = /\s*\{#([A-Za-z][\w:.-]*)\}\s*$/;

/** Headings' raw text, in order, for the kramdown slug (markdown-it-anchor sees only the rendered text). */
function headingRawTexts(state: StateCore): void {
  const raws: string[] = [];
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type !== 'heading_open') continue;
    const inline = tokens[i + 1]!;
    const custom = CUSTOM_ID.exec(inline.content);
    if (custom) {
      tokens[i]!.attrSet('id', custom[1]!);
      const last = inline.children?.findLast((t) => t.type === 'text');
      if (last) last.content = last.content.replace(CUSTOM_ID, '');
      continue;
    }
    raws.push(inline.content);
  }
  (state.env as { headingRaw?: string[] }).headingRaw = raws;
}

export function createMarkdown(): MarkdownIt {
  const md = markdownIt('default', { html: true, linkify: true, typographer: true });
  // Curly quotes and dashes yes; symbol replacements no: "grade 4 (C)" must not become "grade 4 ©".
  md.disable('replacements');
  md.use(markdownItFootnote);
  md.use(markdownItAbbr);
  footnotesAsKramdown(md);
  md.core.ruler.after('inline', 'dashes', (state) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      for (const token of block.children) {
        if (token.type !== 'text') continue;
        token.content = token.content
          .replace(/(^|[^-])---(?=[^-]|$)/gm, '$1\u2014')
          .replace(/(^|\s)--(?=\s|$)/gm, '$1\u2013')
          .replace(/(^|[^-\s])--(?=[^-\s]|$)/gm, '$1\u2013')
          .replace(/\.\.\./g, '\u2026');
      }
    }
  });
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
        if (token.tag === 'h1') env.h1Lines?.push(line);
        // Abbreviations are expanded in running text, not in headings.
        const inline = tokens[i + 1];
        if (inline?.children)
          inline.children = inline.children.filter((t) => t.type !== 'abbr_open' && t.type !== 'abbr_close');
      }
      if (token.type === 'th_open' && !token.attrGet('scope')) token.attrSet('scope', 'col');
      if (token.type === 'html_block') env.rawHtml?.push({ line, content: token.content });
      if (token.type === 'inline') {
        for (const child of token.children ?? []) {
          if (child.type === 'html_inline') env.rawHtml?.push({ line, content: child.content });
          if (child.type === 'link_open') {
            child.attrJoin('class', 'govuk-link');
            const href = String(child.attrGet('href') ?? '');
            if (href.startsWith('/')) env.links?.push({ href, line });
            // Another site: it opens in the same tab (GOV.UK), and learns nothing of this page.
            else if (/^https?:\/\//.test(href)) child.attrSet('rel', 'noopener noreferrer');
          }
        }
      }
    }
  });
  // After the GOV.UK classes, so a heading reads class then id, as before.
  md.core.ruler.push('heading_raw', headingRawTexts);
  md.use(markdownItAnchor, {
    tabIndex: false,
    // A user-written {#id} that is already used is a lint matter, never a thrown error.
    failOnNonUnique: false,
    slugifyWithState: (_text: string, state: { env: unknown }) => {
      const raw = (state.env as { headingRaw?: string[] }).headingRaw?.shift() ?? _text;
      return slugify(raw) || 'section';
    },
  });
  return md;
}

/** Footnotes with kramdown's ids (`fn:name`, `fnref:name`), so links into them keep working, and GOV.UK styles. */
function footnotesAsKramdown(md: MarkdownIt): void {
  const rules = md.renderer.rules;
  const name = (token: Token) => {
    const meta = token.meta as { id: number; label?: string; subId?: number };
    return meta.label ?? String(meta.id + 1);
  };
  const number = (token: Token) => (token.meta as { id: number }).id + 1;
  const sub = (token: Token) => {
    const subId = (token.meta as { subId?: number }).subId ?? 0;
    return subId > 0 ? `:${subId}` : '';
  };
  const esc = md.utils.escapeHtml;
  rules.footnote_ref = (tokens, idx) => {
    const t = tokens[idx]!;
    const n = number(t);
    return `<sup class="app-footnote-ref" id="fnref:${esc(name(t))}${sub(t)}"><a href="#fn:${esc(name(t))}" class="govuk-link" aria-label="Footnote ${n}">${n}</a></sup>`;
  };
  rules.footnote_block_open = () =>
    '<div class="app-footnotes">\n<hr class="govuk-section-break govuk-section-break--m govuk-section-break--visible">\n<ol class="govuk-list govuk-list--number govuk-body-s">\n';
  rules.footnote_block_close = () => '</ol>\n</div>\n';
  rules.footnote_open = (tokens, idx) => `<li id="fn:${esc(name(tokens[idx]!))}${sub(tokens[idx]!)}">`;
  rules.footnote_anchor = (tokens, idx) => {
    const t = tokens[idx]!;
    return ` <a href="#fnref:${esc(name(t))}${sub(t)}" class="govuk-link"><span aria-hidden="true">\u21a9\uFE0E</span><span class="govuk-visually-hidden">Back to footnote ${number(t)} in the text</span></a>`;
  };
}
