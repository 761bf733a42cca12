import MiniSearch from 'minisearch';
import type { RenderedPage } from './render.ts';

export interface SearchHit {
  path: string;
  title: string;
  description: string;
  score: number;
}

/** Site search over titles, keywords, descriptions and body text, built in memory at start-up. */
export class SiteSearch {
  readonly #index: MiniSearch<{ id: string; title: string; description: string; keywords: string; text: string }>;
  constructor(pages: Pick<RenderedPage, 'path' | 'title' | 'description' | 'keywords' | 'text' | 'noindex'>[]) {
    this.#index = new MiniSearch({
      fields: ['title', 'keywords', 'description', 'text'],
      storeFields: ['title', 'description'],
      searchOptions: { boost: { title: 4, keywords: 3, description: 2 }, prefix: true, fuzzy: 0.15 },
    });
    this.#index.addAll(
      pages
        .filter((p) => !p.noindex)
        .map((p) => ({
          id: p.path,
          title: p.title,
          description: p.description,
          keywords: p.keywords.join(' '),
          text: p.text,
        })),
    );
  }
  search(query: string): SearchHit[] {
    const terms = query.trim();
    if (!terms) return [];
    return this.#index.search(terms, { combineWith: 'AND' }).map((r) => ({
      path: r.id as string,
      title: r['title'] as string,
      description: r['description'] as string,
      score: r.score,
    }));
  }
}
