import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { page, writeContent } from '../../test/helpers/content-fixture.ts';
import { fromRoot } from '../shared/paths.ts';
import { createViews } from '../platform/views.ts';
import { lintContent } from './lint.ts';
import { loadContentTree } from './load.ts';
import { buildContentSite } from './site.ts';

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
const lint = (files: Record<string, string | Buffer>, servicePaths: string[] = ['/search']) =>
  lintContent(writeContent(files), { servicePaths, views });
const errors = (files: Record<string, string | Buffer>) => lint(files).problems.filter((p) => p.severity === 'error');
const warnings = (files: Record<string, string | Buffer>) =>
  lint(files).problems.filter((p) => p.severity === 'warning');

const seed002 = readFileSync(fromRoot('test/fixtures/seeds/002_14af218402b812f9.txt'), 'utf8');
const seed000 = readFileSync(fromRoot('test/fixtures/seeds/000_2f40ed174fe07176.txt'), 'utf8');

describe('content lint', () => {
  it('passes a clean tree', () => {
    expect(
      errors({
        'index.md': page('title: Home'),
        'a.md': page('title: A\nnavigation: 10', 'See [home](/) and [search](/search?q=x).'),
      }),
    ).toEqual([]);
  });

  it('reports an unknown front-matter key with file and line', () => {
    const found = errors({ 'index.md': page('title: Home\nnavigaton: 3') });
    expect(found).toEqual([
      expect.objectContaining({
        file: 'index.md',
        line: 3,
        message: expect.stringMatching(/unknown front-matter key "navigaton"/),
      }),
    ]);
  });

  it('reports a wrong type for a key', () => {
    expect(errors({ 'index.md': page('title: Home\nkeywords: iqts') })[0]?.message).toMatch(/keywords/);
  });

  it('reports a page without a title', () => {
    expect(errors({ 'index.md': page('description: No title here') })[0]?.message).toBe('page has no title');
  });

  it('reports missing partials and promos', () => {
    const found = errors({
      'index.md': page(
        'title: Home\npromo_content:\n  - content/promos/missing\naccordion:\n  steps:\n    Step one:\n      partial: content/steps/one',
      ),
    });
    expect(found.map((p) => p.message).sort()).toEqual([
      expect.stringMatching(/missing partial for promo: content\/promos\/missing/),
      expect.stringMatching(
        /missing partial for step "Step one": content\/steps\/one \(expected file steps\/_one\.md\)/,
      ),
    ]);
  });

  it('reports an undefined variable in a page or partial, with its line', () => {
    const found = errors({
      'values.yaml': 'fees_iQTS_low:\n  value: "£7,950"\n  source: "public page"\n',
      'index.md': page(
        'title: Home\naccordion:\n  steps:\n    Fees:\n      partial: content/fees',
        'Fees from $fees_iQTS_low$.',
      ),
      '_fees.md': 'Line one\n\nUp to $fees_iQTS_top$.\n',
    });
    expect(found).toEqual([
      expect.objectContaining({ file: '_fees.md', line: 3, message: 'undefined variable $fees_iQTS_top$' }),
    ]);
  });

  it('reports internal links and related content that are not pages', () => {
    const found = errors({
      'index.md': page(
        'title: Home\nrelated_content:\n  Gone: "/gone"\n  GOV.UK: "https://www.gov.uk"',
        'See [missing](/missing-page#x).',
      ),
    });
    expect(found.map((p) => p.message).sort()).toEqual([
      'internal link /gone is not a page',
      'internal link /missing-page#x is not a page',
    ]);
  });

  it('reports a backlink whose parent is not a page', () => {
    expect(errors({ 'a/b.md': page('title: B\nbacklink: "../"') })[0]?.message).toMatch(
      /backlink "..\/" resolves to \/a, which is not a page/,
    );
  });

  it('reports images without a file or without alt text', () => {
    expect(errors({ 'index.md': page('title: Home\nimage: "media/x.jpg"') })[0]?.message).toMatch(/not in images.yaml/);
    expect(
      errors({
        'index.md': page('title: Home\nimage: "media/x.jpg"'),
        'images.yaml': 'media/x.jpg:\n  alt: "A globe"\n  source: "made here"\n',
      })[0]?.message,
    ).toMatch(/does not exist/);
    expect(
      errors({
        'index.md': page('title: Home\nimage: "media/x.jpg"'),
        'images.yaml': 'media/x.jpg:\n  alt: ""\n  source: "made here"\n',
        'media/x.jpg': Buffer.from([0xff, 0xd8]),
      })[0]?.message,
    ).toMatch(/no alt text/);
  });

  describe('the hero header', () => {
    const withImage = (fm: string) => ({
      'index.md': page(`title: Home\nimage: media/x.jpg\n${fm}`),
      'images.yaml': 'media/x.jpg:\n  alt: "A globe"\n  source: "made here"\n',
      'media/x.jpg': Buffer.from([0xff, 0xd8]),
    });
    const messages = (files: Record<string, string | Buffer>) => errors(files).map((p) => [p.line, p.message]);

    it('accepts every hero key with allow-listed colours', () => {
      expect(
        messages(
          withImage(
            'heading: Teach\nsubtitle: Train anywhere\nsubtitle_link: /\nsubtitle_button: Start\ntitle_paragraph: Some text\ntitle_bg_color: yellow\nhero_bg_color: white\nhero_blend_content: true',
          ),
        ),
      ).toEqual([]);
    });

    it('a button needs both subtitle_link and subtitle_button', () => {
      expect(messages(withImage('subtitle_button: Start'))).toEqual([
        [4, 'subtitle_button needs a subtitle_link for the button to go to'],
      ]);
      expect(messages(withImage('subtitle_link: /'))).toEqual([
        [4, 'subtitle_link needs a subtitle_button: the text of the button that links there'],
      ]);
    });

    it('a subtitle_link is a page on this site or an https address', () => {
      const bad = 'subtitle_link must be a path on this site (starting /) or an https:// address';
      for (const href of ['http://example.com', 'javascript:alert(1)', '//example.com', 'apply', 'https://'])
        expect(messages(withImage(`subtitle_link: "${href}"\nsubtitle_button: Go`)), href).toEqual([
          [4, `subtitle_link: ${bad}`],
        ]);
      expect(messages(withImage('subtitle_link: https://www.gov.uk/apply\nsubtitle_button: Go'))).toEqual([]);
      expect(messages(withImage('subtitle_link: /apply\nsubtitle_button: Go'))).toEqual([
        [4, 'internal link /apply is not a page'],
      ]);
    });

    it('an unknown colour is an error; hero_blend_content is a boolean', () => {
      const found = messages(withImage('title_bg_color: red\nhero_bg_color: "#fff"\nhero_blend_content: sometimes'));
      expect(found).toEqual([
        [4, expect.stringMatching(/^title_bg_color: title_bg_color must be one of white, grey, yellow, /)],
        [5, expect.stringMatching(/^hero_bg_color: hero_bg_color must be one of white, grey, /)],
        [6, expect.stringMatching(/^hero_blend_content: /)],
      ]);
    });

    it('an unknown variable in the subtitle or paragraph is an error with its line', () => {
      expect(messages(withImage('subtitle: From $nope$\ntitle_paragraph: Also $nada$'))).toEqual([
        [4, 'undefined variable $nope$'],
        [5, 'undefined variable $nada$'],
      ]);
    });

    it('a refused link or colour never reaches the page, which still renders', () => {
      const tree = loadContentTree(
        writeContent(withImage('subtitle_link: "javascript:alert(1)"\nsubtitle_button: Go\ntitle_bg_color: "red; x"')),
      );
      const html = buildContentSite(tree, views).get('/')!.body.raw.toString('utf8');
      expect(html).toContain('<h1 class="govuk-heading-xl app-hero__title app-hero__title--gitlilac');
      expect(html).not.toContain('javascript:');
      expect(html).not.toContain('red; x');
    });

    it('a blog post with an image has its subtitle in the hero, then its date', () => {
      const tree = loadContentTree(
        writeContent({
          ...withImage(''),
          'blog/post.md': page('title: A post\ndate: "2026-03-26"\nsubtitle: A line\nimage: media/x.jpg'),
        }),
      );
      const html = buildContentSite(tree, views).get('/blog/post')!.body.raw.toString('utf8');
      expect(html.match(/A line/g)).toHaveLength(1);
      expect(html).toMatch(/<p class="govuk-body-l app-hero__subtitle app-blog-subtitle">A line<\/p>/);
      expect(html.indexOf('app-hero__subtitle')).toBeLessThan(html.indexOf('26 March 2026'));
    });

    it('hero keys without an image are not shown: a warning each', () => {
      const found = warnings({ 'index.md': page('title: Home\nsubtitle: A line\ntitle_bg_color: yellow') });
      expect(found.map((p) => p.message)).toEqual([
        'subtitle is shown on blog posts (pages under /blog/) and in a hero header (a page with an image): it is not shown here',
        'title_bg_color is part of the hero header, shown only on a page with an image: it is not shown here',
      ]);
    });
  });

  it('reports duplicate navigation numbers among siblings only', () => {
    const found = errors({
      'a.md': page('title: A\nnavigation: 10'),
      'b.md': page('title: B\nnavigation: 10'),
      'a/c.md': page('title: C\nnavigation: 10'),
    });
    expect(found).toEqual([
      expect.objectContaining({ file: 'b.md', message: 'navigation 10 is also used by sibling a.md' }),
    ]);
  });

  it('reports more than one h1 and raw HTML', () => {
    const found = errors({ 'index.md': page('title: Home', '# Another title\n\n<script>alert(1)</script>') });
    expect(found.map((p) => p.message)).toEqual([
      expect.stringMatching(/more than one h1/),
      'raw HTML <script> is removed: it is not in the allowed subset',
    ]);
  });

  it('reports the mojibake in the raw seed 000 with file and line', () => {
    const found = errors({
      'index.md': page('title: Home\naccordion:\n  steps:\n    Apply:\n      partial: content/apply'),
      '_apply.md': seed000,
    });
    expect(found).toEqual([
      expect.objectContaining({
        file: '_apply.md',
        line: 28,
        message: expect.stringMatching(/mojibake at column \d+: "â€™" is "’"/),
      }),
    ]);
  });

  it('warns about trailing whitespace, blank-line runs and dated phrases', () => {
    const found = warnings({
      'index.md': page(
        'title: Home',
        'Text with space \n\n\n\nYou can apply now for courses starting in September 2022.',
      ),
    });
    expect(found.map((p) => p.message)).toEqual([
      'trailing whitespace',
      'several blank lines in a row',
      expect.stringMatching(/dated phrase "courses starting in September 2022"/),
    ]);
  });

  it('reads the raw seed page itself without front-matter errors', () => {
    const found = errors({ 'non-uk-teachers/international-qualified-teacher-status.md': seed002 });
    expect(found.filter((p) => /front-matter|YAML|title/.test(p.message))).toEqual([]);
    // Its partials, promo, parent and image are not in this tree, so those are reported.
    expect(found.filter((p) => p.message.startsWith('missing partial')).length).toBe(7);
  });

  describe('components', () => {
    const withList = (body: string, extra = '') =>
      page(`title: Home\nprovider_list:\n  providers_here:\n    link: profile${extra}`, body);

    it('accepts a declared component on a line of its own, in the page or a partial', () => {
      expect(errors({ 'index.md': withList('Providers:\n\n$providers_here$') })).toEqual([]);
      expect(
        errors({
          'index.md': withList('Intro.', '\naccordion:\n  steps:\n    One:\n      partial: content/one'),
          '_one.md': 'Providers:\n\n$providers_here$\n',
        }),
      ).toEqual([]);
    });

    it('reports a component inside a sentence, with its line', () => {
      expect(errors({ 'index.md': withList('Line\n\nSee $providers_here$ now.') })).toEqual([
        expect.objectContaining({ line: 10, message: 'component $providers_here$ must be on a line of its own' }),
      ]);
    });

    it('reports an unknown name as an undefined variable, and a bad argument', () => {
      expect(errors({ 'index.md': withList('$provider_here$') }).map((p) => p.message)).toEqual([
        'undefined variable $provider_here$',
      ]);
      expect(
        errors({ 'index.md': page('title: Home\nprovider_list:\n  x:\n    link: homepage', '$x$') })[0]?.message,
      ).toMatch(/provider_list\.x\.link/);
    });

    it('reports a component named like a variable, and warns about one never placed', () => {
      expect(
        errors({
          'values.yaml': 'providers_here:\n  value: "x"\n  source: "y"\n',
          'index.md': withList('$providers_here$'),
        })[0]?.message,
      ).toMatch(/same name as a variable/);
      expect(warnings({ 'index.md': withList('No placeholder.') }).map((p) => p.message)).toEqual([
        'component "providers_here" is declared but $providers_here$ is used nowhere on the page',
      ]);
    });
  });

  describe('calls to action, quotes and inset text', () => {
    it('reports an unknown kind of call to action and a missing argument, with the line', () => {
      const found = errors({
        'index.md': page(
          'title: Home\ncalls_to_action:\n  a:\n    name: fancy\n    arguments:\n      text: x\nquote:\n  q:\n    name: Someone',
          '$a$\n\n$q$',
        ),
      });
      expect(found.map((p) => [p.line, p.message])).toEqual([
        [5, expect.stringMatching(/calls_to_action\.a\.name/)],
        [9, expect.stringMatching(/quote\.q\.text/)],
      ]);
    });

    it('reports a name declared under two kinds, and an attachment that is not a link', () => {
      const found = errors({
        'index.md': page(
          'title: Home\ncalls_to_action:\n  x:\n    name: attachment\n    arguments:\n      text: Report\n      file_path: media/report.pdf\n      file_type: PDF\ninset_text:\n  x:\n    text: Hello',
          '$x$',
        ),
      });
      expect(found.map((p) => p.message).sort()).toEqual([
        expect.stringMatching(/file_path media\/report.pdf must be a path on this site/),
        'component "x" is declared twice: names are shared by every kind of component',
      ]);
    });

    it('warns that a chat call to action shows nothing without a link', () => {
      expect(
        warnings({
          'index.md': page('title: Home\ncalls_to_action:\n  c:\n    name: chat_online\n    arguments:', '$c$'),
        }).map((p) => p.message),
      ).toEqual([expect.stringMatching(/no web chat/)]);
    });
  });

  it('warns when breadcrumbs skip a level that is not a page, and checks navigation_path', () => {
    expect(warnings({ 'index.md': page('title: Home'), 'a/b/c.md': page('title: C') }).map((p) => p.message)).toEqual([
      'no page at /a, /a/b: the breadcrumbs skip them',
    ]);
    expect(errors({ 'index.md': page('title: Home\nnavigation_path: /nowhere') }).map((p) => p.message)).toEqual([
      'internal link /nowhere is not a page',
    ]);
    expect(errors({ 'index.md': page('title: Home\nnavigation_path: nowhere') })[0]?.message).toMatch(
      /navigation_path must be a path on this site/,
    );
  });

  it('blog posts: a date is required, tags must be in tags.yaml, a closing paragraph must exist', () => {
    const found = errors({
      'tags.yaml': '- training\n',
      'blog/a.md': page('title: A\ntags:\n  - training\n  - trainning\nclosing_paragraph: missing'),
    });
    expect(found.map((p) => p.message)).toEqual([
      expect.stringMatching(/a blog post needs a date/),
      expect.stringMatching(/missing partial for closing_paragraph: content\/blog\/closing-paragraphs\/missing/),
      'tag "trainning" is not in tags.yaml: add it there first, or use one that is',
    ]);
    expect(warnings({ 'index.md': page('title: Home\nauthor: Someone') }).map((p) => p.message)).toEqual([
      'author is for blog posts (pages under /blog/): it is not shown here',
    ]);
  });

  it('a page image placed by $name$ must be registered with alt text', () => {
    expect(
      errors({ 'index.md': page('title: Home\nimages:\n  photo:\n    path: media/p.jpg', '$photo$') })[0]?.message,
    ).toBe('image media/p.jpg is not in images.yaml (it needs alt text)');
    const withAlt = errors({
      'index.md': page('title: Home\nimages:\n  photo:\n    path: media/p.jpg\n    alt: A photo', '$photo$'),
    });
    expect(withAlt.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/unknown front-matter key "images.photo.alt"/),
    );
  });

  it('names a Ruby partial that cannot run here, and the page renders without it', () => {
    const found = errors({
      'index.md': page('title: Home\npromo_content:\n  - content/promos/adviser'),
      'promos/_adviser.html.erb': '<%= render Adviser.new %>',
    });
    expect(found.map((p) => [p.line, p.message])).toEqual([
      [
        4,
        'promo content/promos/adviser is a Ruby partial (promos/_adviser.html.erb), which cannot run here: the page renders without it; write it as promos/_adviser.md or use a component',
      ],
    ]);
  });

  it('shows a development-only notice for a Ruby partial only with the development tools on', () => {
    const tree = loadContentTree(
      writeContent({
        'index.md': page('title: Home\npromo_content:\n  - content/promos/adviser'),
        'promos/_adviser.html.erb': '<%= render Adviser.new %>',
      }),
    );
    const html = (devNotices: boolean) =>
      buildContentSite(tree, views, undefined, { devNotices }).get('/')!.body.raw.toString('utf8');
    expect(html(true)).toContain('Development only: the Ruby partial promos/_adviser.html.erb cannot run here');
    expect(html(false)).not.toContain('Development only');
    expect(html(false)).not.toContain('render Adviser');
  });

  it('warns about a dated phrase whose year comes from values.yaml', () => {
    const found = warnings({
      'values.yaml': 'intake:\n  value: "September 2022"\n  source: "seed"\n',
      'index.md': page('title: Home', 'You can apply now for courses starting in $intake$.'),
    });
    expect(found.map((p) => p.message)).toEqual([
      expect.stringMatching(/dated phrase "courses starting in September 2022"/),
    ]);
  });
});
