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
  description: string;
  keywords: string;
  text: string;
  pageTitle: string;
}

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
 */
export class SiteSearch {
  readonly #index: MiniSearch<Doc>;
  readonly #idsByPage = new Map<string, string[]>();

  constructor(pages: SearchablePage[]) {
    this.#index = new MiniSearch<Doc>({
      fields: ['title', 'keywords', 'description', 'text'],
      storeFields: ['title', 'description', 'pageTitle'],
      searchOptions: { boost: { title: 4, keywords: 3, description: 2 }, prefix: true, fuzzy: 0.15 },
    });
    for (const page of pages) this.put(page);
  }

  /** Adds a page and its sections, replacing what was indexed for it before. */
  put(page: SearchablePage): void {
    for (const id of this.#idsByPage.get(page.path) ?? []) this.#index.discard(id);
    this.#idsByPage.delete(page.path);
    if (page.noindex) return;
    const docs: Doc[] = [
      {
        id: page.path,
        title: page.title,
        description: page.description,
        keywords: page.keywords.join(' '),
        text: page.text,
        pageTitle: '',
      },
      ...(page.sections ?? []).map((s) => ({
        id: `${page.path}#${s.id}`,
        title: s.title,
        description: snippet(s.text),
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
  }

  search(query: string): SearchHit[] {
    const terms = query.trim();
    if (!terms) return [];
    return this.#index.search(terms, { combineWith: 'AND' }).map((r) => ({
      path: r.id as string,
      title: r['title'] as string,
      description: r['description'] as string,
      ...(r['pageTitle'] ? { pageTitle: r['pageTitle'] as string } : {}),
      score: r.score,
    }));
  }
}
