import sanitizeHtml from 'sanitize-html';

/**
 * Raw HTML in content: a safe subset, so pages that used inline HTML keep rendering under
 * the strict CSP. Anything else (scripts, styles, event handlers, forms, unknown tags and
 * attributes) is removed, and the lint names each removal with its file and line.
 */
const GLOBAL_ATTRIBUTES = ['id', 'class', 'lang', 'dir', 'title', 'aria-label', 'aria-hidden', 'aria-describedby'];

export const ALLOWED: Record<string, string[]> = {
  a: ['href', 'rel'],
  abbr: [],
  b: [],
  blockquote: [],
  br: [],
  caption: [],
  code: [],
  dd: [],
  del: [],
  details: ['open'],
  div: [],
  dl: [],
  dt: [],
  em: [],
  figcaption: [],
  figure: [],
  h2: [],
  h3: [],
  h4: [],
  hr: [],
  i: [],
  iframe: ['src', 'width', 'height', 'allow', 'allowfullscreen', 'loading'],
  img: ['src', 'alt', 'width', 'height', 'loading'],
  ins: [],
  li: [],
  ol: ['start'],
  p: [],
  pre: [],
  s: [],
  section: [],
  small: [],
  span: [],
  strong: [],
  sub: [],
  summary: [],
  sup: [],
  table: [],
  tbody: [],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  thead: [],
  tr: [],
  ul: [],
};

/** Hosts an iframe may show (the CSP's frame-src lists the same). */
export const IFRAME_HOSTS = ['www.youtube-nocookie.com', 'www.youtube.com'];

const options: sanitizeHtml.IOptions = {
  allowedTags: Object.keys(ALLOWED),
  allowedAttributes: { '*': GLOBAL_ATTRIBUTES, ...ALLOWED },
  allowedSchemes: ['https', 'http', 'mailto'],
  // Images only from this site: the CSP allows no other.
  allowedSchemesByTag: { img: [], iframe: ['https'] },
  allowedIframeHostnames: IFRAME_HOSTS,
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

/** The rendered fragment with every disallowed tag and attribute removed. */
export function sanitizeContentHtml(html: string): string {
  return sanitizeHtml(html, options);
}

export interface RawHtmlFinding {
  /** 0-based line offset within the raw HTML. */
  lineOffset: number;
  message: string;
}

const TAG = /<(\/?)([A-Za-z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** What the sanitiser will remove from this piece of raw HTML, for the lint. */
export function checkRawHtml(raw: string): RawHtmlFinding[] {
  const findings: RawHtmlFinding[] = [];
  if (/<!--/.test(raw)) findings.push({ lineOffset: 0, message: 'an HTML comment is removed' });
  for (const m of raw.matchAll(TAG)) {
    if (m[1]) continue;
    const tag = m[2]!.toLowerCase();
    const lineOffset = raw.slice(0, m.index).split('\n').length - 1;
    const allowed = ALLOWED[tag];
    if (!allowed) {
      findings.push({ lineOffset, message: `raw HTML <${tag}> is removed: it is not in the allowed subset` });
      continue;
    }
    const attributes = new Map<string, string>();
    for (const a of (m[3] ?? '').matchAll(ATTRIBUTE)) attributes.set(a[1]!.toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '');
    for (const name of attributes.keys()) {
      if (!GLOBAL_ATTRIBUTES.includes(name) && !allowed.includes(name))
        findings.push({ lineOffset, message: `attribute ${name} on <${tag}> is removed` });
    }
    if (tag === 'img') {
      if (!attributes.has('alt')) findings.push({ lineOffset, message: '<img> needs alt text (alt="" if decorative)' });
      if (!(attributes.get('src') ?? '').startsWith('/'))
        findings.push({ lineOffset, message: '<img> src must be a path on this site (/…): other images are blocked' });
    }
    if (tag === 'iframe') {
      if (!attributes.get('title')?.trim())
        findings.push({ lineOffset, message: '<iframe> needs a title that says what it shows' });
      const host = URL.canParse(attributes.get('src') ?? '') ? new URL(attributes.get('src')!) : null;
      if (host?.protocol !== 'https:' || !IFRAME_HOSTS.includes(host.hostname))
        findings.push({
          lineOffset,
          message: `<iframe> is removed: its src must be https on ${IFRAME_HOSTS.join(' or ')}`,
        });
    }
  }
  return findings;
}
