import { z } from 'zod';
import { escapeHtml } from '../shared/html.ts';

/**
 * Components: blocks a page declares in its front matter, under the key of their kind,
 * and places in its body (or any of its partials) with `$name$` on a line of its own.
 *
 *   provider_list:
 *     iqts_providers:
 *       link: website
 *
 * Data components (such as `provider_list`) are filled from the service's own data, the
 * same data its tools show, so guidance and tools never disagree.
 */

/** What a data component needs from the service. The engine never reads the database itself. */
export interface ContentProvider {
  name: string;
  slug: string;
  website: string | null;
}

export interface ContentData {
  /** The providers the finder lists as approved (not sample data), in name order. */
  providers: ContentProvider[];
}

export const emptyContentData: ContentData = { providers: [] };

const componentName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'component names are letters, digits, hyphens and underscores');

export const providerListSchema = z.strictObject({
  /** website: each name links to the provider's website, or its profile when it has none; profile: the profile. */
  link: z.enum(['website', 'profile']).optional(),
});

const text = z.string().trim().min(1);
/** A link target: a path on this site, an https address or a mailto. */
const target = z.string().regex(/^(\/|https?:\/\/|mailto:)/, 'a link must start with /, http(s):// or mailto:');

/** The original site's kinds of call to action, with the arguments it took. */
const callToAction = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('simple'),
    arguments: z.strictObject({
      title: text.optional(),
      text: text.optional(),
      link_text: text,
      link_target: target,
      /** The original's icon font: accepted, not shown (GOV.UK pages have no decorative icons). */
      icon: z.string().optional(),
    }),
  }),
  z.strictObject({
    name: z.literal('attachment'),
    arguments: z.strictObject({
      text,
      file_path: z.string().min(1),
      file_type: text,
      file_size: text.optional(),
      published_at: text.optional(),
    }),
  }),
  z.strictObject({
    name: z.literal('feature_table'),
    // [ { row label: value, … }, "what the table shows" ]
    arguments: z
      .tuple([z.record(text, z.union([z.string(), z.number()])), text])
      .or(z.tuple([z.record(text, z.union([z.string(), z.number()]))])),
  }),
  z.strictObject({
    name: z.enum(['chat_online', 'chat']),
    arguments: z.strictObject({ text: text.optional(), link_target: target.optional() }).nullish(),
  }),
]);

const quote = z.strictObject({
  text,
  name: text.optional(),
  job_title: text.optional(),
  /** The original's float left/right: accepted, shown full width (it reads better on small screens). */
  inline: z.enum(['left', 'right']).optional(),
});

const insetText = z.strictObject({
  title: text.optional(),
  text,
  /** The original's colour variants: accepted; GOV.UK inset text has one style. */
  color: z.string().optional(),
});

/** A page's own images (the original's `images:`): alt text comes from images.yaml, never from here. */
const pageImage = z.strictObject({
  path: z.string().min(1),
  /** The original's list thumbnail: accepted; lists show no images yet. */
  thumbnail_path: z.string().min(1).optional(),
});

/** Front-matter keys that declare components, each a map of name → arguments. */
export const componentKeys = {
  images: z.record(componentName, pageImage),
  provider_list: z.record(componentName, providerListSchema),
  calls_to_action: z.record(componentName, callToAction),
  quote: z.record(componentName, quote),
  inset_text: z.record(componentName, insetText),
};

export type ComponentKind = keyof typeof componentKeys;

export interface DeclaredComponent {
  kind: ComponentKind;
  name: string;
  args: unknown;
}

/** The components a page declares, by name. */
export function declaredComponents(frontMatter: Record<string, unknown>): Map<string, DeclaredComponent> {
  return declaredComponentsWithClashes(frontMatter).components;
}

/** The components a page declares, and the names declared under more than one kind (a lint error). */
export function declaredComponentsWithClashes(frontMatter: Record<string, unknown>): {
  components: Map<string, DeclaredComponent>;
  clashes: string[];
} {
  const components = new Map<string, DeclaredComponent>();
  const clashes: string[] = [];
  for (const kind of Object.keys(componentKeys) as ComponentKind[]) {
    const map = frontMatter[kind];
    if (!map || typeof map !== 'object') continue;
    for (const [name, args] of Object.entries(map)) {
      if (components.has(name)) clashes.push(name);
      else components.set(name, { kind, name, args });
    }
  }
  return { components, clashes };
}

/** How a component's own text is written: inline Markdown with the page's variables. */
export type InlineRenderer = (text: string) => string;

const plainInline: InlineRenderer = (t) => escapeHtml(t);

/** Renders a component to HTML. Pure: the same data gives the same bytes. */
export function renderComponent(
  component: DeclaredComponent,
  data: ContentData,
  inline: InlineRenderer = plainInline,
): string {
  switch (component.kind) {
    case 'images':
      // Placed by the renderer, which knows the image register and its variants.
      return '';
    case 'calls_to_action': {
      const parsed = callToAction.safeParse(component.args);
      if (!parsed.success) return '';
      return renderCallToAction(parsed.data, inline);
    }
    case 'quote': {
      const parsed = quote.safeParse(component.args);
      if (!parsed.success) return '';
      const q = parsed.data;
      const who = [q.name, q.job_title].filter(Boolean).map((t) => inline(t!));
      return (
        `<figure class="app-quote">\n<blockquote class="app-quote__text"><p class="govuk-body-l">${inline(q.text)}</p></blockquote>\n` +
        (who.length ? `<figcaption class="govuk-body app-quote__by">${who.join(', ')}</figcaption>\n` : '') +
        '</figure>\n'
      );
    }
    case 'inset_text': {
      const parsed = insetText.safeParse(component.args);
      if (!parsed.success) return '';
      const i = parsed.data;
      return (
        '<div class="govuk-inset-text">\n' +
        (i.title ? `<h3 class="govuk-heading-s">${inline(i.title)}</h3>\n` : '') +
        `<p class="govuk-body">${inline(i.text)}</p>\n</div>\n`
      );
    }
    case 'provider_list': {
      // Bad arguments are front-matter errors already reported: render with the defaults.
      const args = providerListSchema.safeParse(component.args ?? {}).data ?? {};
      const items = data.providers.map((p) => {
        const external = args.link !== 'profile' && !!p.website;
        const href = external ? p.website! : `/providers/${encodeURIComponent(p.slug)}`;
        const rel = external ? ' rel="noopener noreferrer"' : '';
        return `<li><a class="govuk-link" href="${escapeHtml(href)}"${rel}>${escapeHtml(p.name)}</a></li>`;
      });
      if (items.length === 0)
        return '<p class="govuk-body app-provider-list">No providers are listed at the moment. <a class="govuk-link" href="/providers">Find a training provider</a>.</p>';
      return `<ul class="govuk-list govuk-list--bullet app-provider-list">\n${items.join('\n')}\n</ul>\n`;
    }
  }
}

/** What the lint says about a declared component beyond its schema. */
export function componentProblems(component: DeclaredComponent): { severity: 'error' | 'warning'; message: string }[] {
  if (component.kind !== 'calls_to_action') return [];
  const parsed = callToAction.safeParse(component.args);
  if (!parsed.success) return [];
  const cta = parsed.data;
  if ((cta.name === 'chat' || cta.name === 'chat_online') && !cta.arguments?.link_target)
    return [
      {
        severity: 'warning',
        message: `call to action "${component.name}": this service has no web chat, so it shows nothing without a link_target`,
      },
    ];
  if (cta.name === 'attachment' && !/^(\/|https?:\/\/)/.test(cta.arguments.file_path))
    return [
      {
        severity: 'error',
        message: `call to action "${component.name}": file_path ${cta.arguments.file_path} must be a path on this site (/…) or an https address`,
      },
    ];
  return [];
}

/** Does rendering this component read the service's data (so the page must be re-rendered when it changes)? */
export const usesServiceData = (component: DeclaredComponent): boolean => component.kind === 'provider_list';

/** A marker Markdown leaves alone: private-use characters around the name. */
const MARK = '\uE000';
export const componentMarker = (name: string) => `${MARK}${name}${MARK}`;
const MARKED_BLOCK = new RegExp(`<p class="govuk-body">${MARK}([A-Za-z0-9_-]+)${MARK}</p>\\n?`, 'g');
const MARKED_INLINE = new RegExp(`${MARK}([A-Za-z0-9_-]+)${MARK}`, 'g');

/**
 * Step 1 of placeholder filling: `$name$` naming a declared component becomes a marker
 * (a line of its own) before variables are filled and Markdown runs.
 */
export function markComponents(
  text: string,
  components: Map<string, DeclaredComponent>,
): { text: string; used: { name: string; line: number; alone: boolean }[] } {
  const used: { name: string; line: number; alone: boolean }[] = [];
  if (components.size === 0) return { text, used };
  const lines = text.split('\n').map((line, i) =>
    line.replace(/\$([A-Za-z][A-Za-z0-9_-]*)\$/g, (whole, name: string) => {
      if (!components.has(name)) return whole;
      used.push({ name, line: i, alone: line.trim() === whole });
      return componentMarker(name);
    }),
  );
  return { text: lines.join('\n'), used };
}

/** Last step: each marker paragraph becomes the component's HTML; one inside a sentence is dropped (and linted). */
export function insertComponents(html: string, rendered: (name: string) => string): string {
  return html.replace(MARKED_BLOCK, (_, name: string) => rendered(name)).replace(MARKED_INLINE, '');
}

/** Links to other sites learn nothing of this page (they open in the same tab, as GOV.UK advises). */
const rel = (href: string) => (/^https?:\/\//.test(href) ? ' rel="noopener noreferrer"' : '');

function renderCallToAction(cta: z.infer<typeof callToAction>, inline: InlineRenderer): string {
  switch (cta.name) {
    case 'simple': {
      const a = cta.arguments;
      return (
        '<div class="app-cta">\n' +
        (a.title ? `<h3 class="govuk-heading-m">${inline(a.title)}</h3>\n` : '') +
        (a.text ? `<p class="govuk-body">${inline(a.text)}</p>\n` : '') +
        `<p class="govuk-body"><a class="govuk-link govuk-link--no-visited-state app-cta__link" href="${escapeHtml(a.link_target)}"${rel(a.link_target)}>${inline(a.link_text)}</a></p>\n` +
        '</div>\n'
      );
    }
    case 'attachment': {
      const a = cta.arguments;
      const href = /^(\/|https?:)/.test(a.file_path) ? a.file_path : `/${a.file_path}`;
      const meta = [escapeHtml(a.file_type), a.file_size && escapeHtml(a.file_size)].filter(Boolean).join(', ');
      return (
        '<div class="app-attachment">\n' +
        `<p class="govuk-body govuk-!-margin-bottom-1"><a class="govuk-link" href="${escapeHtml(href)}"${rel(href)}>${inline(a.text)}</a></p>\n` +
        `<p class="govuk-body-s govuk-!-margin-bottom-1">${meta}</p>\n` +
        (a.published_at ? `<p class="govuk-body-s">Published ${escapeHtml(a.published_at)}</p>\n` : '') +
        '</div>\n'
      );
    }
    case 'feature_table': {
      const [rows, caption] = cta.arguments;
      const body = Object.entries(rows)
        .map(
          ([label, value]) =>
            `<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${inline(label)}</th>` +
            `<td class="govuk-table__cell">${inline(String(value))}</td></tr>`,
        )
        .join('\n');
      return (
        '<table class="govuk-table app-feature-table">\n' +
        (caption
          ? `<caption class="govuk-table__caption govuk-table__caption--m">${inline(caption)}</caption>\n`
          : '') +
        `<tbody class="govuk-table__body">\n${body}\n</tbody>\n</table>\n`
      );
    }
    case 'chat_online':
    case 'chat': {
      // The original opened a web chat. This service has none: the text shows, with a link when one is given.
      const a = cta.arguments ?? {};
      const label = a.text ? inline(a.text) : 'Chat online';
      return a.link_target
        ? `<p class="govuk-body app-cta"><a class="govuk-link" href="${escapeHtml(a.link_target)}">${label}</a></p>\n`
        : '';
    }
  }
}
