import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { loadContentTree } from '../../src/content/load.ts';
import { lintTree } from '../../src/content/lint.ts';
import { primaryNavigation, renderSite } from '../../src/content/render.ts';
import { atomFeed, blogPosts } from '../../src/content/blog.ts';
import { buildImageVariants } from '../../src/content/images.ts';
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
    favicon: '/f.svg',
  },
  govukBrand: false,
  primaryNavigation: [],
});
const tree = loadContentTree(ROOT);
// The variants are made once (cached by content hash), as `npm run build` does.
await buildImageVariants(tree);
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
    const report = lintTree(tree, { servicePaths: ['/search', '/providers', '/eligibility', '/feedback'], views });
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

  describe('components by placeholder', () => {
    it('a simple call to action, with its link', () => {
      const $ = page('/components');
      const cta = $('.app-cta').first();
      expect(cta.find('h3').text()).toBe('Ready to apply?');
      expect(cta.find('a').attr('href')).toBe('/eligibility');
      expect(cta.find('a').text()).toBe('Check your eligibility');
    });

    it('an attachment with its type and date', () => {
      const html = main('/components');
      expect(html).toContain(
        'href="https://www.gov.uk/government/publications/international-qualified-teacher-status-criteria-for-providers" rel="noopener noreferrer">iQTS criteria for providers</a>',
      );
      expect(html).toContain('<p class="govuk-body-s">Published 1 June 2022</p>');
    });

    it('a feature table with row headers, its caption and a variable filled', () => {
      const $ = page('/components');
      const table = $('.app-feature-table');
      expect(table.find('caption').text()).toBe('What a course involves');
      expect(
        table
          .find('th[scope="row"]')
          .map((_, el) => $(el).text())
          .get(),
      ).toEqual(['Fees from', 'Course length']);
      expect(table.find('td').first().text()).toBe('£7,950');
    });

    it('a quote, an inset text with a Markdown link, a chat link and the provider list', () => {
      const $ = page('/components');
      expect($('.app-quote blockquote').text()).toContain('Training where I live');
      expect($('.app-quote figcaption').text()).toBe('A sample trainee, Primary teacher');
      expect($('.govuk-inset-text h3').text()).toBe('Before you apply');
      expect($('.govuk-inset-text a').attr('href')).toBe('/eligibility');
      expect($('main a[href="/feedback"]').text()).toBe('Ask us a question');
      expect($('.app-provider-list a').attr('href')).toBe('/providers/sample-university');
      // No placeholder is left anywhere.
      expect(main('/components')).not.toMatch(/\$[A-Za-z_]+\$|\uE000/);
    });
  });

  describe('raw HTML', () => {
    it('keeps the safe subset: abbr, a GOV.UK details, line breaks and superscripts', () => {
      const $ = page('/raw-html');
      expect($('main abbr[title="International qualified teacher status"]').text()).toBe('iQTS');
      expect($('main details.govuk-details summary').text()).toBe('What the criteria cover');
      expect($('main sup').text()).toBe('1');
    });
  });

  describe('navigation and breadcrumbs', () => {
    it('breadcrumbs walk up the URL path, labelled by heading or title; the h1 is the heading', () => {
      const $ = page('/guides/first-steps');
      expect(
        $('.govuk-breadcrumbs__list-item a')
          .map((_, el) => [[$(el).text(), $(el).attr('href')]])
          .get(),
      ).toEqual([
        ['Home', '/'],
        ['Guides', '/guides'],
      ]);
      expect($('h1').text()).toBe('First steps');
      expect($('title').text()).toMatch(/^First steps with the content format – /);
    });

    it('category cards use navigation_title, navigation_description and navigation_path', () => {
      const $ = page('/guides');
      expect(
        $('.app-card a')
          .map((_, el) => [[$(el).text(), $(el).attr('href')]])
          .get(),
      ).toEqual([
        ['First steps', '/guides/first-steps'],
        ['Check your eligibility', '/eligibility'],
      ]);
      expect($('.app-card').first().text()).toContain('Start here to learn the format.');
    });

    it('noindex pages and generated tag pages tell search engines so; other pages do not', () => {
      expect(page('/guides/check-eligibility')('meta[name="robots"]').attr('content')).toBe('noindex');
      expect(page('/blog/tag/training')('meta[name="robots"]').attr('content')).toBe('noindex');
      expect(page('/guides/first-steps')('meta[name="robots"]').length).toBe(0);
    });

    it('external links carry rel="noopener noreferrer"; links on this site do not', () => {
      const $ = page('/components');
      expect($('main .app-attachment a').attr('rel')).toBe('noopener noreferrer');
      expect($('main .app-cta a[href="/eligibility"]').attr('rel')).toBeUndefined();
      expect(page('/markdown')('main a[href^="mailto:"]').attr('rel')).toBeUndefined();
    });

    it('top-level pages with navigation are in the service navigation', () => {
      expect(primaryNavigation(tree)).toEqual([{ href: '/guides', text: 'Guides' }]);
    });
  });

  describe('blog', () => {
    const titles = ($: cheerio.CheerioAPI) =>
      $('.app-blog-list h2 a')
        .map((_, el) => $(el).text())
        .get();

    it('the index lists ten posts a page, newest first, with GOV.UK pagination', () => {
      const first = page('/blog');
      expect(first('h1').text()).toBe('Fixture blog');
      expect(first('title').text()).toMatch(/^Fixture blog \(page 1 of 2\) – /);
      expect(first('main').text()).toContain('none of them describes a real person');
      expect(titles(first)).toEqual(
        Array.from({ length: 10 }, (_, i) => `Sample post ${String(12 - i).padStart(2, '0')}`),
      );
      expect(first('.govuk-pagination__next a').attr('href')).toBe('/blog/page/2');
      expect(first('link[type="application/atom+xml"]').attr('href')).toBe('/blog/feed.xml');
      const second = page('/blog/page/2');
      expect(titles(second)).toEqual(['Sample post 02', 'Sample post 01']);
      expect(second('h1').text()).toBe('Fixture blog');
      expect(second('title').text()).toMatch(/^Fixture blog \(page 2 of 2\) – /);
      expect(second('.govuk-pagination__prev a').attr('href')).toBe('/blog');
    });

    it('a tag page lists the posts with that tag', () => {
      const $ = page('/blog/tag/moving-to-england');
      expect($('h1').text()).toBe('Posts tagged ‘moving to England’');
      expect(titles($)).toEqual(['Sample post 09', 'Sample post 08', 'Sample post 04', 'Sample post 03']);
    });

    it('a post shows its subtitle, date, author, tags, closing paragraph and three similar posts', () => {
      const $ = page('/blog/sample-post-12');
      expect($('.app-blog-subtitle').text()).toBe('The newest sample post, with a closing paragraph');
      expect($('main .app-blog-meta').first().text()).toBe('26 March 2026, by Sample Author 12');
      expect($('main a[href="/blog/tag/life-as-a-teacher"]').text()).toBe('life as a teacher');
      expect($('.app-blog-closing a').attr('href')).toBe('/eligibility');
      expect(
        $('#similar-posts + ul a')
          .map((_, el) => $(el).text())
          .get(),
      ).toEqual(['Sample post 11', 'Sample post 07', 'Sample post 06']);
      expect($('.app-last-updated').length).toBe(0);
    });

    it('an Atom feed of the posts, newest first, with absolute links', () => {
      const xml = atomFeed(blogPosts(tree), 'https://iqts.example', 'Fixture blog');
      const $ = cheerio.load(xml, { xml: true });
      expect($('feed > updated').text()).toBe('2026-03-26T00:00:00Z');
      expect($('entry')).toHaveLength(12);
      expect($('entry').first().find('link').attr('href')).toBe('https://iqts.example/blog/sample-post-12');
      expect($('entry').first().find('author name').text()).toBe('Sample Author 12');
      expect($('feed > link[rel="self"]').attr('href')).toBe('https://iqts.example/blog/feed.xml');
    });
  });

  describe('images', () => {
    it('the hero is a <picture> with AVIF and WebP variants, eager; alt text from images.yaml', () => {
      const $ = page('/images');
      const hero = $('.app-hero picture');
      expect(
        hero
          .find('source')
          .map((_, el) => $(el).attr('type'))
          .get(),
      ).toEqual(['image/avif', 'image/webp']);
      expect(hero.find('source').first().attr('srcset')).toMatch(/-320\.avif 320w, .*-1200\.avif 1200w$/);
      const img = hero.find('img');
      expect(img.attr('alt')).toBe('An illustration of a globe with a school building and an open book beside it');
      expect(img.attr('fetchpriority')).toBe('high');
      expect([img.attr('width'), img.attr('height')]).toEqual(['1200', '500']);
    });

    it('a page with image and the hero keys shows the hero header: heading, subtitle, paragraph, button, colours', () => {
      const $ = page('/hero');
      const hero = $('main .app-hero');
      expect(hero.attr('class')).toBe('app-hero app-hero--purple app-hero--text-light app-hero--blend');
      expect($('h1')).toHaveLength(1);
      expect(hero.find('h1').text()).toBe('Teach in England from anywhere');
      expect(hero.find('h1').attr('class')).toBe(
        'govuk-heading-xl app-hero__title app-hero__title--yellow app-hero--text-dark',
      );
      expect(hero.find('.app-hero__subtitle').text()).toBe('Sample fees start at £7,950 a year');
      expect(hero.find('.app-hero__paragraph').html()).toBe(
        'A sample paragraph under the subtitle, with <a href="/guides" class="govuk-link">a link to the guides</a>.',
      );
      const button = hero.find('a.govuk-button');
      expect([button.text(), button.attr('href'), button.attr('class')]).toEqual([
        'Check your eligibility',
        '/eligibility',
        'govuk-button app-hero__button govuk-button--inverse',
      ]);
      expect(hero.find('picture img').attr('alt')).toMatch(/^An illustration of a globe/);
      expect($('main [style]').length).toBe(0);
    });

    it('a page with image only: the hero has the title as its h1 in the default colours and no button', () => {
      const $ = page('/images');
      expect($('.app-hero').attr('class')).toBe('app-hero app-hero--grey app-hero--text-dark');
      expect($('.app-hero h1').text()).toBe('Images from the register');
      expect($('.app-hero h1').hasClass('app-hero__title--gitlilac')).toBe(true);
      expect($('.app-hero .app-hero__subtitle, .app-hero .govuk-button, .app-hero__paragraph').length).toBe(0);
    });

    it('a page without image has the plain h1 and no hero', () => {
      const $ = page('/components');
      expect($('.app-hero').length).toBe(0);
      expect($('main .govuk-grid-column-two-thirds > h1.govuk-heading-xl').length).toBe(1);
    });

    it('an image placed in the body by $name$ is lazy-loaded, and every variant is served', () => {
      const $ = page('/images');
      const img = $('main .app-figure img');
      expect(img.attr('loading')).toBe('lazy');
      expect(img.attr('alt')).toMatch(/^An illustration of a globe/);
      const served = new Set(site.images.flatMap((i) => i.files.map((f) => f.urlPath)));
      for (const srcset of $('main source')
        .map((_, el) => $(el).attr('srcset'))
        .get())
        for (const url of srcset.split(', ').map((s) => s.split(' ')[0]!)) expect(served.has(url), url).toBe(true);
    });
  });
});
