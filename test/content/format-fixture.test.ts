import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { loadContentTree } from '../../src/content/load.ts';
import { lintTree } from '../../src/content/lint.ts';
import { renderSite } from '../../src/content/render.ts';
import { createViews } from '../../src/platform/views.ts';
import { fromRoot } from '../../src/shared/paths.ts';

/** The fixture tree that uses every key and component the engine reads (docs/content-format.md). */
const ROOT = fromRoot('test/fixtures/content-format');
const views = createViews({
  assets: {
    css: '/a.css',
    cssGovuk: '/b.css',
    js: '/a.js',
    jsPlaceAutocomplete: '/p.js',
    cssPlaceAutocomplete: '/p.css',
    govukAssetBase: '/assets/govuk',
  },
  govukBrand: false,
  primaryNavigation: [],
});
const tree = loadContentTree(ROOT);
const site = renderSite(tree, views, {
  providers: [{ name: 'Sample University', slug: 'sample-university', website: null }],
});
const page = (path: string) => {
  const found = site.pages.find((p) => p.path === path);
  if (!found) throw new Error(`no page ${path}`);
  return cheerio.load(found.html);
};
const main = (path: string) => page(path)('main').html() ?? '';

describe('the content-format fixture tree', () => {
  it('renders every page with no lint error', () => {
    const report = lintTree(tree, { servicePaths: ['/search', '/providers'], views });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(site.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  describe('Markdown as kramdown reads it', () => {
    it('heading ids, including a custom id and a duplicate; in-page links land on them', () => {
      const $ = page('/markdown');
      expect(
        $('h2')
          .map((_, el) => $(el).attr('id'))
          .get(),
      ).toEqual(['fees-and-funding', 'grades', 'grades-1']);
      expect($('a[href="#fees-and-funding"]').length).toBe(1);
      expect($('#grades').text()).toBe('Grades');
    });

    it('typography, variables, footnotes, tables, e-mail links and glossary abbreviations', () => {
      const html = main('/markdown');
      expect(html).toContain('Fees start at £7,950.');
      expect(html).toContain(
        'The <abbr title="Department for Education">DfE</abbr> does not set them… “Ask” – it’s quick.',
      );
      expect(html).toContain('<a href="#fn:fees" class="govuk-link" aria-label="Footnote 1">1</a>');
      expect(html).toContain('<li id="fn:fees">');
      expect(html).toContain('<th class="govuk-table__header" scope="col">Subject</th>');
      expect(html).toContain('<abbr title="General Certificate of Secondary Education">GCSE</abbr> grade 4 (C)');
      expect(html).toContain('<a href="mailto:iqts@example.com" class="govuk-link">iqts@example.com</a>');
    });
  });
});
