import { describe, expect, it } from 'vitest';
import { createMarkdown, newRenderEnv, slugify } from './markdown.ts';

const render = (src: string, glossary: Record<string, string> = {}) => {
  const env = newRenderEnv([], glossary);
  return { html: createMarkdown().render(src, env as unknown as Record<string, unknown>), env };
};

describe('markdown', () => {
  it('gives headings GOV.UK classes and ids from their text, unique on the page', () => {
    const { html } = render("## Who iQTS is for\n\n## Who iQTS is for\n\n### What's next?\n\n## Who iQTS is for");
    expect(html).toContain('<h2 class="govuk-heading-l" id="who-iqts-is-for">');
    expect(html).toContain('id="who-iqts-is-for-1"');
    expect(html).toContain('id="who-iqts-is-for-2"');
    expect(html).toContain('<h3 class="govuk-heading-m" id="whats-next">');
  });

  it('uses typographic quotes and dashes', () => {
    const { html } = render('you\'ll see -- it\'s "quoted"');
    expect(html).toContain('you’ll see – it’s “quoted”');
  });

  it('keeps "(C)" as written: a grade, not a copyright sign', () => {
    const { html } = render('maths at grade 4 (C) or above (c) (tm) (r)');
    expect(html).toContain('grade 4 (C) or above (c) (tm) (r)');
    expect(html).not.toContain('©');
  });

  it('styles lists, links and tables, and autolinks bare URLs', () => {
    const { html } = render(
      '* a\n* b\n\n1. one\n\n2. two\n\n[QTS](/what-is-qts) https://www.gov.uk\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(html).toContain('<ul class="govuk-list govuk-list--bullet">');
    expect(html).toContain('<a href="/what-is-qts" class="govuk-link">QTS</a>');
    expect(html).toContain(
      '<a href="https://www.gov.uk" class="govuk-link" rel="noopener noreferrer">https://www.gov.uk</a>',
    );
    expect(html).toContain('<table class="govuk-table">');
    expect(html).toContain('<td class="govuk-table__cell">1</td>');
  });

  it('keeps a numbered list with blank lines between items as one list', () => {
    const { html } = render('1. one\n\n2. two\n\n3. three');
    expect(html.match(/<ol/g)).toHaveLength(1);
    expect(html.match(/<li>/g)).toHaveLength(3);
  });

  it('records raw HTML for the lint, with its line', () => {
    const { env } = render('Hello <abbr title="x">X</abbr>\n\n<script>alert(1)</script>');
    expect(env.rawHtml).toEqual([
      { line: 1, content: '<abbr title="x">' },
      { line: 1, content: '</abbr>' },
      { line: 3, content: '<script>alert(1)</script>' },
    ]);
  });

  it('records internal links with their lines, and h1s', () => {
    const { env } = render('# Title\n\nSee [QTS](/what-is-qts).\n\nAnd [GOV.UK](https://www.gov.uk).');
    expect(env.links).toEqual([{ href: '/what-is-qts', line: 3 }]);
    expect(env.h1Lines).toEqual([1]);
  });

  it('slugs drop punctuation and join words with hyphens', () => {
    expect(slugify('Apply to your chosen iQTS teacher training provider')).toBe(
      'apply-to-your-chosen-iqts-teacher-training-provider',
    );
    expect(slugify('What is QTS?')).toBe('what-is-qts');
  });

  describe('kramdown parity', () => {
    const ids = (src: string) => [...render(src).html.matchAll(/<h\d[^>]* id="([^"]*)"/g)].map((m) => m[1]);

    it("heading ids are exactly kramdown's for tricky headings", () => {
      // Expected values follow kramdown's basic_generate_id over the raw heading text.
      expect(
        ids(
          [
            '## 2. Find out about fees',
            '## 100% funded',
            '## What is QTS?',
            '## Café & résumé',
            '## Teachers’ Standards',
            '## A -- B',
            '## `code` heading',
            '## [Link](http://x.y/z) here',
            '## 2026',
            '## Fees',
            '## Fees',
            '## Fees',
          ].join('\n\n'),
        ),
      ).toEqual([
        'find-out-about-fees',
        'funded',
        'what-is-qts',
        'caf--rsum',
        'teachers-standards',
        'a----b',
        'code-heading',
        'linkhttpxyz-here',
        'section',
        'fees',
        'fees-1',
        'fees-2',
      ]);
    });

    it('honours a kramdown {#custom-id} and removes it from the heading', () => {
      const { html } = render('## Fees and funding {#fees}\n\n[Fees](#fees)');
      expect(html).toContain('<h2 class="govuk-heading-l" id="fees">Fees and funding</h2>');
    });

    it('typography: smart quotes, dashes and ellipses as UTF-8', () => {
      expect(render('"Wait..." -- she said --- it\'s done').html).toContain('“Wait…” – she said — it’s done');
    });

    it('footnotes with kramdown ids and a labelled way back', () => {
      const { html } = render('A claim.[^source]\n\n[^source]: Where it comes from.');
      expect(html).toContain(
        '<sup class="app-footnote-ref" id="fnref:source"><a href="#fn:source" class="govuk-link" aria-label="Footnote 1">1</a></sup>',
      );
      expect(html).toContain('<li id="fn:source">');
      expect(html).toContain('href="#fnref:source"');
      expect(html).toContain('Back to footnote 1 in the text');
    });

    it('pipe tables with column headers, and e-mail auto-links', () => {
      const { html } = render(
        '| Fee | Year |\n|---|--:|\n| £9,950 | 2026 |\n\nWrite to teach@example.com or <help@example.org>.',
      );
      expect(html).toContain('<th class="govuk-table__header" scope="col">Fee</th>');
      expect(html).toContain('<a href="mailto:teach@example.com" class="govuk-link">teach@example.com</a>');
      expect(html).toContain('<a href="mailto:help@example.org" class="govuk-link">help@example.org</a>');
    });

    it('expands glossary abbreviations in running text, not in headings', () => {
      const { html } = render('## The DfE\n\nThe DfE backs iQTS. DfEs is not a match.', {
        DfE: 'Department for Education',
      });
      expect(html).toContain('<h2 class="govuk-heading-l" id="the-dfe">The DfE</h2>');
      expect(html).toContain('The <abbr title="Department for Education">DfE</abbr> backs iQTS. DfEs is not a match.');
    });

    it('a page may define its own abbreviation, kramdown style', () => {
      expect(render('*[ENIC]: European Network of Information Centres\n\nAsk UK ENIC.').html).toContain(
        '<abbr title="European Network of Information Centres">ENIC</abbr>',
      );
    });
  });
});
