import MiniSearch from 'minisearch';
import type { PageSection, RenderedPage } from './render.ts';

export interface SearchHit {
  /** The page's path, or for a section the page's path and the section's anchor (`/a#fees`). */
  path: string;
  title: string;
  description: string;
  /** For a section: the title of the page it is part of. */
  pageTitle?: string;
  score: number;
}

export type SearchablePage = Pick<RenderedPage, 'path' | 'title' | 'description' | 'keywords' | 'text' | 'noindex'> & {
  sections?: PageSection[];
};

interface Doc {
  id: string;
  title: string;
  /** Indexed: a page's description. A section has none: its opening words are in its text. */
  description: string;
  /** Stored, not indexed: a section's opening, shown under its link (a page's result reads #pages). */
  summary: string;
  keywords: string;
  text: string;
  pageTitle: string;
}

// Words too common to tell pages apart (as in Lunr's English list, shortened): indexed, each
// would hold a posting for nearly every page and section. A query's own are dropped too.
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it its of on or so that the their then there these they this to was were will with'.split(
    ' ',
  ),
);
const processTerm = (term: string): string | null => {
  const lower = term.toLowerCase();
  return STOP_WORDS.has(lower) ? null : lower;
};
const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** True when a query has words but every one is too common to search by ("the", "to and for"). */
export function onlyCommonWords(query: string): boolean {
  const words = tokenize(query).filter((word) => word !== '');
  return words.length > 0 && words.every((word) => processTerm(word) === null);
}

/** What the page's own entry indexes of its text: what no section holds, so no word is indexed twice. */
function outsideSections(text: string, sections: PageSection[]): string {
  let rest = text;
  for (const section of sections) {
    const at = rest.indexOf(section.text);
    if (at !== -1) rest = `${rest.slice(0, at)} ${rest.slice(at + section.text.length)}`;
  }
  return rest;
}

/**
 * A copy of a string that refers to nothing else. Sections are cut out of the page's HTML, and
 * V8 may keep such a cut as a view of the whole: a few kept words would keep every page alive.
 */
const detached = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

const SNIPPET = 160;
const snippet = (text: string) => {
  if (text.length <= SNIPPET) return text;
  const cut = text.slice(0, SNIPPET);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : SNIPPET)}…`;
};

/**
 * Site search over pages and their sections (h2 sections and accordion steps), built in
 * memory at start-up: a search for "fees" finds the fees step, and its result links to
 * the step's anchor.
 *
 * Each word of a page is indexed once: in its section's entry, or in the page's own entry when
 * no section holds it. A page matches when its entries together hold every word of the query;
 * a section, when it holds them all itself.
 */
export class SiteSearch {
  readonly #index: MiniSearch<Doc>;
  readonly #idsByPage = new Map<string, string[]>();
  readonly #pages = new Map<string, { title: string; description: string }>();

  constructor(pages: SearchablePage[]) {
    this.#index = new MiniSearch<Doc>({
      fields: ['title', 'keywords', 'description', 'text'],
      storeFields: ['title', 'summary', 'pageTitle'],
      processTerm,
      searchOptions: { boost: { title: 4, keywords: 3, description: 2 }, prefix: true, fuzzy: 0.15 },
    });
    for (const page of pages) this.put(page);
  }

  /** Adds a page and its sections, replacing what was indexed for it before. */
  put(page: SearchablePage): void {
    for (const id of this.#idsByPage.get(page.path) ?? []) this.#index.discard(id);
    this.#idsByPage.delete(page.path);
    this.#pages.delete(page.path);
    if (page.noindex) return;
    const docs: Doc[] = [
      {
        id: page.path,
        title: page.title,
        description: page.description,
        summary: '', // a page's result reads its title and description from #pages
        keywords: page.keywords.join(' '),
        text: outsideSections(page.text, page.sections ?? []),
        pageTitle: '',
      },
      ...(page.sections ?? []).map((s) => ({
        id: detached(`${page.path}#${s.id}`),
        title: detached(s.title),
        description: '',
        summary: detached(snippet(s.text)),
        keywords: '',
        text: s.text,
        pageTitle: page.title,
      })),
    ];
    this.#index.addAll(docs);
    this.#idsByPage.set(
      page.path,
      docs.map((d) => d.id),
    );
    this.#pages.set(page.path, { title: page.title, description: page.description });
  }

  search(query: string): SearchHit[] {
    const wanted = new Set(tokenize(query).flatMap((t) => processTerm(t) ?? []));
    if (wanted.size === 0) return [];
    const holdsAll = (terms: Iterable<string>) => {
      const held = new Set(terms);
      for (const term of wanted) if (!held.has(term)) return false;
      return true;
    };
    const hits: SearchHit[] = [];
    // Per page: the words its entries hold, its own entry's score, its best section's score.
    const pages = new Map<string, { terms: Set<string>; own: number; bestSection: number }>();
    for (const r of this.#index.search([...wanted].join(' '), { combineWith: 'OR' })) {
      const id = r.id as string;
      const hash = id.indexOf('#');
      const path = hash === -1 ? id : id.slice(0, hash);
      let page = pages.get(path);
      if (!page) pages.set(path, (page = { terms: new Set(), own: 0, bestSection: 0 }));
      for (const term of r.queryTerms) page.terms.add(term);
      if (hash === -1) page.own = r.score;
      else {
        page.bestSection = Math.max(page.bestSection, r.score);
        if (holdsAll(r.queryTerms))
          hits.push({
            path: id,
            title: r['title'] as string,
            description: r['summary'] as string,
            ...(r['pageTitle'] ? { pageTitle: r['pageTitle'] as string } : {}),
            score: r.score,
          });
      }
    }
    for (const [path, page] of pages) {
      const stored = this.#pages.get(path);
      if (!stored || !holdsAll(page.terms)) continue;
      // A page found through its sections ranks below the best of them, unless its own title,
      // keywords or description match too.
      hits.push({ path, ...stored, score: page.own + page.bestSection / 2 });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
