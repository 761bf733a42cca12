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

/** Front-matter keys that declare components, each a map of name → arguments. */
export const componentKeys = {
  provider_list: z.record(componentName, providerListSchema),
};

export type ComponentKind = keyof typeof componentKeys;

export interface DeclaredComponent {
  kind: ComponentKind;
  name: string;
  args: unknown;
}

/** The components a page declares, by name. */
export function declaredComponents(frontMatter: Record<string, unknown>): Map<string, DeclaredComponent> {
  const found = new Map<string, DeclaredComponent>();
  for (const kind of Object.keys(componentKeys) as ComponentKind[]) {
    const map = frontMatter[kind];
    if (!map || typeof map !== 'object') continue;
    for (const [name, args] of Object.entries(map)) found.set(name, { kind, name, args });
  }
  return found;
}

/** Renders a component to HTML. Pure: the same data gives the same bytes. */
export function renderComponent(component: DeclaredComponent, data: ContentData): string {
  switch (component.kind) {
    case 'provider_list': {
      // Bad arguments are front-matter errors already reported: render with the defaults.
      const args = providerListSchema.safeParse(component.args ?? {}).data ?? {};
      const items = data.providers.map((p) => {
        const href = args.link !== 'profile' && p.website ? p.website : `/providers/${encodeURIComponent(p.slug)}`;
        return `<li><a class="govuk-link" href="${escapeHtml(href)}">${escapeHtml(p.name)}</a></li>`;
      });
      if (items.length === 0)
        return '<p class="govuk-body app-provider-list">No providers are listed at the moment. <a class="govuk-link" href="/providers">Find a training provider</a>.</p>';
      return `<ul class="govuk-list govuk-list--bullet app-provider-list">\n${items.join('\n')}\n</ul>\n`;
    }
  }
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
