import { describe, expect, it } from 'vitest';
import { createMarkdown, slugify, type RenderEnv } from './markdown.ts';

const render = (src: string) => {
  const env: RenderEnv = { usedIds: new Set(), links: [], rawHtml: [], h1Lines: [] };
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
    expect(html).toContain('<a href="https://www.gov.uk" class="govuk-link">https://www.gov.uk</a>');
    expect(html).toContain('<table class="govuk-table">');
    expect(html).toContain('<td class="govuk-table__cell">1</td>');
  });

  it('keeps a numbered list with blank lines between items as one list', () => {
    const { html } = render('1. one\n\n2. two\n\n3. three');
    expect(html.match(/<ol/g)).toHaveLength(1);
    expect(html.match(/<li>/g)).toHaveLength(3);
  });

  it('shows raw HTML as text and records it for the lint', () => {
    const { html, env } = render('Hello <script>alert(1)</script>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(env.rawHtml).toHaveLength(1);
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
});
