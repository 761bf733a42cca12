import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import { z } from 'zod';
import { componentKeys } from './components.ts';
import { HERO_COLOUR_NAMES, isHeroColour, isHeroLink } from './hero.ts';

/** A partial reference: a path beginning `content/`, without the underscore and extension. */
const partialRef = z
  .string()
  .regex(/^content\/[A-Za-z0-9_\-/]+$/, 'must be a path beginning content/ without the underscore and extension');

/** A hero colour: one of the documented names (src/content/hero.ts), never a free class name. */
const heroColour = (key: string) =>
  z.string().refine(isHeroColour, `${key} must be one of ${HERO_COLOUR_NAMES.join(', ')}`);

/** Front matter as the seed pages use it. Unknown keys are errors: editors' typos must not go unseen. */
export const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1, 'title must not be empty'),
  description: z.string().trim().min(1).optional(),
  related_content: z.record(z.string().trim().min(1), z.string().min(1)).optional(),
  promo_content: z.array(partialRef).optional(),
  navigation: z.number().finite().optional(),
  navigation_title: z.string().trim().min(1).optional(),
  navigation_description: z.string().trim().min(1).optional(),
  /** Where the page's menu entry and card link to, when not the page itself (a path on this site). */
  navigation_path: z.string().regex(/^\//, 'navigation_path must be a path on this site, starting /').optional(),
  /** Blog posts: who wrote it, a line under the title, tags from tags.yaml, a shared closing paragraph. */
  author: z.string().trim().min(1).optional(),
  subtitle: z.string().trim().min(1).optional(),
  tags: z.array(z.string().trim().min(1)).optional(),
  closing_paragraph: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'closing_paragraph is the name of a file in blog/closing-paragraphs/')
    .optional(),
  /** The page's h1 and breadcrumb label when it should differ from its title. */
  heading: z.string().trim().min(1).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be a quoted ISO date such as "2021-08-06"')
    .optional(),
  image: z.string().min(1).optional(),
  /** The hero header (shown only with `image`): a button under the subtitle, a paragraph, colours. */
  subtitle_link: z
    .string()
    .refine(isHeroLink, 'subtitle_link must be a path on this site (starting /) or an https:// address')
    .optional(),
  subtitle_button: z.string().trim().min(1).optional(),
  title_paragraph: z.string().trim().min(1).optional(),
  title_bg_color: heroColour('title_bg_color').optional(),
  hero_bg_color: heroColour('hero_bg_color').optional(),
  hero_blend_content: z.boolean().optional(),
  backlink: z.string().min(1).optional(),
  keywords: z.array(z.string().trim().min(1)).optional(),
  noindex: z.boolean().optional(),
  accordion: z
    .strictObject({
      numbered: z.boolean().optional(),
      steps: z.record(z.string().trim().min(1), z.strictObject({ partial: partialRef })),
      content_after_accordion: z.strictObject({ partial: partialRef }).optional(),
    })
    .optional(),
  provider_list: componentKeys.provider_list.optional(),
  images: componentKeys.images.optional(),
  calls_to_action: componentKeys.calls_to_action.optional(),
  quote: componentKeys.quote.optional(),
  inset_text: componentKeys.inset_text.optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export interface SplitSource {
  /** The YAML text between the fences, or null when the file has no front matter. */
  yaml: string | null;
  body: string;
  /** 1-based line number of the first body line in the file. */
  bodyLine: number;
}

/**
 * Front matter starts at a leading `---` line and ends at the next line that is `---`
 * (trailing whitespace allowed).
 */
export function splitFrontMatter(source: string): SplitSource {
  const text = source.replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  if (!/^---[ \t]*\r?$/.test(lines[0] ?? '')) return { yaml: null, body: text, bodyLine: 1 };
  for (let i = 1; i < lines.length; i++) {
    if (/^---[ \t]*\r?$/.test(lines[i] ?? '')) {
      return { yaml: lines.slice(1, i).join('\n'), body: lines.slice(i + 1).join('\n'), bodyLine: i + 2 };
    }
  }
  return { yaml: null, body: text, bodyLine: 1 };
}

export interface FrontMatterProblem {
  line: number;
  message: string;
}

export type ParsedFrontMatter = (
  { ok: true; data: FrontMatter } | { ok: false; problems: FrontMatterProblem[]; data: Partial<FrontMatter> }
) & {
  /** YAML 1.1 habits read leniently (`Yes`/`No` for a boolean): each a lint warning. */
  warnings?: FrontMatterProblem[];
};

const YAML11_BOOLEANS: Record<string, boolean> = { yes: true, no: false, on: true, off: false, y: true, n: false };

/**
 * The old engine read YAML 1.1, where `Yes` and `No` are booleans; YAML 1.2 (ours) reads
 * them as text. Where a boolean is expected, they are read as booleans, with a warning.
 */
function yaml11Booleans(raw: Record<string, unknown>, yaml: string, issues: z.core.$ZodIssue[]): FrontMatterProblem[] {
  const warnings: FrontMatterProblem[] = [];
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || issue.expected !== 'boolean') continue;
    const path = issue.path.map((k) => (typeof k === 'symbol' ? '' : k));
    let parent: unknown = raw;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)?.[key];
    const last = path.at(-1);
    if (!parent || typeof parent !== 'object' || last === undefined) continue;
    const value = (parent as Record<string | number, unknown>)[last];
    if (typeof value !== 'string' || !(value.toLowerCase() in YAML11_BOOLEANS)) continue;
    const read = YAML11_BOOLEANS[value.toLowerCase()]!;
    (parent as Record<string | number, unknown>)[last] = read;
    warnings.push({
      line: lineOfKey(yaml, path),
      message: `${path.join('.')}: "${value}" read as ${read} (a YAML 1.1 habit): write ${read}`,
    });
  }
  return warnings;
}

/** The 1-based file line where a top-level (or nested) key appears, for lint messages. */
export function lineOfKey(yaml: string, path: (string | number)[]): number {
  const lines = yaml.split('\n');
  let from = 0;
  let found = -1;
  for (const key of path) {
    if (typeof key !== 'string') continue;
    for (let i = from; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const trimmed = line.trimStart();
      if (
        trimmed.startsWith(`${key}:`) ||
        trimmed.startsWith(`${key} :`) ||
        trimmed.startsWith(`"${key}"`) ||
        trimmed.startsWith(`'${key}'`)
      ) {
        found = i;
        from = i + 1;
        break;
      }
    }
  }
  // +2: the opening fence is line 1.
  return found === -1 ? 1 : found + 2;
}

/** Reads YAML safely (core schema: no custom tags, quoted dates stay strings) and validates it. */
export function parseFrontMatter(yaml: string): ParsedFrontMatter {
  // js-yaml with the core schema: no custom tags (they are errors), duplicate keys refused,
  // unquoted dates stay strings. Several times faster than a full document parse at start-up.
  let raw: unknown;
  try {
    raw = loadYaml(yaml, { schema: CORE_SCHEMA });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    // +2: the opening fence is line 1 and js-yaml counts from 0.
    const line = (error.mark?.line ?? -1) + 2;
    if (/unknown tag/.test(error.reason))
      return { ok: false, problems: [{ line, message: 'front matter must not use custom YAML tags' }], data: {} };
    return { ok: false, problems: [{ line, message: `front matter is not valid YAML: ${error.reason}` }], data: {} };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ line: 1, message: 'front matter must be a map of keys' }], data: {} };
  }
  // Checked once: a page that is right needs nothing more (most pages, and a thousand at start-up).
  const first = frontMatterSchema.safeParse(raw);
  if (first.success) return { ok: true, data: first.data, warnings: [] };
  const warnings = yaml11Booleans(raw as Record<string, unknown>, yaml, first.error.issues);
  const result = warnings.length > 0 ? frontMatterSchema.safeParse(raw) : first;
  if (result.success) return { ok: true, data: result.data, warnings };
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys;
      return {
        line: lineOfKey(yaml, [...issue.path.map(String), keys[0] ?? '']),
        message: `unknown front-matter key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${[...issue.path, k].join('.')}"`).join(', ')}`,
      };
    }
    const where = issue.path.join('.');
    return {
      line: lineOfKey(
        yaml,
        issue.path.map((k) => (typeof k === 'symbol' ? '' : k)),
      ),
      message: `${where || 'front matter'}: ${issue.message}`,
    };
  });
  return { ok: false, problems, data: raw as Partial<FrontMatter>, warnings };
}
