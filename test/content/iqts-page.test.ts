import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, startTestApp, type TestApp } from '../helpers/app.ts';

const IQTS = '/non-uk-teachers/international-qualified-teacher-status';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('the iQTS page (seed 002)', () => {
  it('renders as a GOV.UK page with the seed title and description', async () => {
    const res = await t.app.inject(IQTS);
    expect(res.statusCode).toBe(200);
    const page = $(res);
    expect(page('h1').text().trim()).toBe('Get international qualified teacher status (iQTS)');
    expect(page('h1')).toHaveLength(1);
    expect(page('title').text()).toBe(
      'Get international qualified teacher status (iQTS) – Get international qualified teacher status',
    );
    expect(page('meta[name="description"]').attr('content')).toMatch(
      /^Get international qualified teacher status \(iQTS\) from anywhere in the world/,
    );
    expect(page('meta[property="og:title"]').attr('content')).toBe('Get international qualified teacher status (iQTS)');
    expect(page('.govuk-skip-link').attr('href')).toBe('#main-content');
    expect(page('.govuk-service-navigation').text()).toContain('Get international qualified teacher status');
    expect(page('.govuk-phase-banner').text()).toContain('Beta');
    expect(page('.govuk-back-link').attr('href')).toBe('/non-uk-teachers');
  });

  it('shows the five numbered steps in order, each with its partial', async () => {
    const page = $(await t.app.inject(IQTS));
    const headings = page('.govuk-accordion__section-button')
      .map((_, el) => page(el).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(headings).toEqual([
      '1. Check your eligibility',
      '2. Find out about fees',
      '3. Apply to your chosen iQTS teacher training provider',
      '4. Gain iQTS and automatic QTS',
      '5. Next steps for candidates wishing to teach in England',
    ]);
    page('.govuk-accordion__section-content').each((_, el) => {
      expect(page(el).text().trim().length).toBeGreaterThan(50);
    });
    expect(page('#step-1').length).toBe(1);
    expect(page('#check-your-eligibility').length).toBe(1);
  });

  it('puts seed 000 (repaired) inside the Apply step, with its headings and wording around the provider list', async () => {
    const page = $(await t.app.inject(IQTS));
    const apply = page('.govuk-accordion__section').eq(2);
    expect(
      apply
        .find('h3')
        .map((_, el) => page(el).text())
        .get(),
    ).toEqual(
      expect.arrayContaining([
        'Responsibility for finding a placement school',
        'What you can expect from your iQTS training provider',
      ]),
    );
    expect(apply.text()).toContain('iQTS is currently offered by the following training providers');
    // The intake comes from values.yaml, like the fees.
    expect(apply.text()).toContain('You can apply now for courses starting in September 2022.');
    expect(apply.find('.app-provider-list a').first().text()).toBe('Canterbury Christ Church University');
    expect(apply.text()).toContain('iQTS Teachers’ Standards');
  });

  it('lists exactly the approved providers the finder shows, from the same data', async () => {
    const page = $(await t.app.inject(IQTS));
    const listed = page('.app-provider-list a')
      .map((_, el) => page(el).text())
      .get();
    const finder = $(await t.app.inject('/providers'));
    const found = finder('.app-result h3 a')
      .map((_, el) => finder(el).text())
      .get();
    expect(listed.length).toBeGreaterThan(5);
    expect([...listed].sort()).toEqual([...found].sort());
    // No longer listed by DfE: not on the page, as not in the finder.
    expect(listed).not.toContain('Sheffield Hallam University');
    // A provider without a known website links to its profile in the finder.
    expect(
      page('.app-provider-list a', page.root())
        .filter((_, el) => page(el).text() === 'Equalitas')
        .attr('href'),
    ).toBe('/providers/equalitas');
  });

  it('lists related content and shows the promo and the hero image with alt text', async () => {
    const page = $(await t.app.inject(IQTS));
    const related = page('.app-related a')
      .map((_, el) => [[page(el).text(), page(el).attr('href')]])
      .get();
    expect(related).toEqual([
      ['What is QTS?', '/what-is-qts'],
      ['A day in the life of a teacher in England', '/a-day-in-the-life-of-a-teacher'],
      ['Salaries and benefits of teaching in England', '/salaries-and-benefits'],
    ]);
    expect(page('.app-promo').length).toBe(1);
    const hero = page('.app-hero img');
    expect(hero.attr('alt')?.length).toBeGreaterThan(10);
    const image = await t.app.inject(hero.attr('src')!);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(page('.app-last-updated').text()).toBe('Last updated 6 August 2021');
  });

  it('fills the fee variables and shows no placeholder or mojibake anywhere', async () => {
    const res = await t.app.inject(IQTS);
    expect(res.body).not.toMatch(/\$[A-Za-z_]+\$/);
    expect(res.body).not.toContain('â€');
    expect(res.body).toContain('£7,950');
    expect(res.body).toContain('£9,950');
  });

  it('serves the same page compressed with brotli and gzip, and answers 304 to its ETag', async () => {
    const plain = await t.app.inject(IQTS);
    const br = await t.app.inject({ url: IQTS, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gz = await t.app.inject({ url: IQTS, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    const notModified = await t.app.inject({
      url: IQTS,
      headers: { 'if-none-match': plain.headers['etag'] as string },
    });
    expect(notModified.statusCode).toBe(304);
  });
});

describe('other content pages', () => {
  it('home page introduces the service and links to the iQTS page', async () => {
    const page = $(await t.app.inject('/'));
    expect(page('h1').text()).toBe('Get international qualified teacher status');
    expect(page(`main a[href="${IQTS}"]`).length).toBeGreaterThan(0);
  });

  it('the category page shows the iQTS page as a card from its navigation fields', async () => {
    const page = $(await t.app.inject('/non-uk-teachers'));
    const card = page(`.app-card a[href="${IQTS}"]`);
    expect(card.text()).toBe('Get international qualified teacher status (iQTS)');
    expect(card.closest('.app-card').text()).toContain('Train from anywhere in the world');
  });

  it('every related page exists', async () => {
    for (const path of ['/what-is-qts', '/a-day-in-the-life-of-a-teacher', '/salaries-and-benefits']) {
      const res = await t.app.inject(path);
      expect(res.statusCode, path).toBe(200);
      expect($(res)('h1').length, path).toBe(1);
    }
  });

  it('the primary menu lists top-level pages with navigation, marking the current one', async () => {
    const page = $(await t.app.inject('/what-is-qts'));
    const items = page('.govuk-service-navigation__item a')
      .map((_, el) => page(el).attr('href'))
      .get();
    expect(items).toContain('/non-uk-teachers');
    expect(items).toContain('/what-is-qts');
    expect(page('.govuk-service-navigation__item--active a').attr('href')).toBe('/what-is-qts');
  });

  it('a partial is never a page', async () => {
    const res = await t.app.inject('/non-uk-teachers/international-qualified-teacher-status/_check-your-eligibility');
    expect(res.statusCode).toBe(404);
  });
});

describe('sitemap, robots and search', () => {
  it('sitemap.xml lists every page with its last-modified date', async () => {
    const res = await t.app.inject('/sitemap.xml');
    expect(res.headers['content-type']).toMatch(/application\/xml/);
    expect(res.body).toContain(`<loc>http://localhost:3000${IQTS}</loc><lastmod>2021-08-06</lastmod>`);
    expect(res.body).toContain('<loc>http://localhost:3000/</loc>');
  });

  it('robots.txt points to the sitemap', async () => {
    const res = await t.app.inject('/robots.txt');
    expect(res.body).toContain('Sitemap: http://localhost:3000/sitemap.xml');
  });

  it('finds the iQTS page first for "iqts", with a result count', async () => {
    const page = $(await t.app.inject('/search?q=iqts'));
    expect(page('#results-heading').text()).toMatch(/^\d+ results? for ‘iqts’$/);
    expect(page('.app-search-result a').first().attr('href')).toBe(IQTS);
  });

  it('finds sections: "fees" leads first to the fees step, by its anchor', async () => {
    const page = $(await t.app.inject('/search?q=fees'));
    const first = page('.app-search-result').first();
    expect(first.find('a').text()).toBe('Find out about fees');
    expect(first.find('a').attr('href')).toBe(`${IQTS}#find-out-about-fees`);
    expect(first.text()).toContain('Part of Get international qualified teacher status (iQTS)');
    // The anchor is inside the step's section, so following the link opens the step.
    const target = $(await t.app.inject(IQTS));
    expect(
      target('#find-out-about-fees')
        .closest('.govuk-accordion__section')
        .find('.govuk-accordion__section-button')
        .text(),
    ).toContain('Find out about fees');
  });

  it('finds words that are only in a partial', async () => {
    const page = $(await t.app.inject('/search?q=Sunderland'));
    expect(
      page('.app-search-result a')
        .map((_, el) => page(el).attr('href'))
        .get(),
    ).toContain(IQTS);
  });

  it('says when nothing matches and how to improve the search', async () => {
    const page = $(await t.app.inject('/search?q=zzzzqqqq'));
    expect(page('#results-heading').text()).toBe('0 results for ‘zzzzqqqq’');
    expect(page('main').text()).toContain('checking your spelling');
    expect(page('main').text()).not.toContain('too common');
  });

  it('says when every word searched for is too common to search by, and what to try', async () => {
    const page = $(await t.app.inject('/search?q=the+and'));
    expect(page('#results-heading').text()).toBe('0 results for ‘the and’');
    expect(page('main').text()).toContain('Words as common as ‘the and’ are on nearly every page');
    expect(page('main').text()).toContain('Try a more specific word');
    expect(page('main').text()).not.toContain('checking your spelling');
  });

  it('refuses a search term over 200 characters with a GOV.UK error', async () => {
    const res = await t.app.inject(`/search?q=${'a'.repeat(10_000)}`);
    expect(res.statusCode).toBe(400);
    const page = $(res);
    expect(page('title').text()).toMatch(/^Error: /);
    expect(page('.govuk-error-summary').text()).toContain('Search term must be 200 characters or fewer');
  });

  it('escapes what was searched for', async () => {
    const res = await t.app.inject(`/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;');
  });
});

describe('the provider list follows the provider data', () => {
  let own: TestApp;
  beforeAll(async () => {
    own = await startTestApp();
  });
  afterAll(async () => own?.close());

  const listed = async () => {
    const page = $(await own.app.inject(IQTS));
    return page('.app-provider-list a')
      .map((_, el) => page(el).text())
      .get();
  };

  it('drops a provider that stops being approved, and shows a new website, once the data is read again', async () => {
    expect(await listed()).toContain('University of Derby');
    const before = $(await own.app.inject('/search?q=Derby'));
    expect(
      before('.app-search-result a')
        .map((_, el) => before(el).attr('href'))
        .get(),
    ).toContain(`${IQTS}#apply-to-your-chosen-iqts-teacher-training-provider`);
    await own.database.db
      .updateTable('providers')
      .set({ status: 'suspended' })
      .where('slug', '=', 'university-of-derby')
      .execute();
    await own.database.db
      .updateTable('providers')
      .set({ website: 'https://example.com/equalitas-iqts' })
      .where('slug', '=', 'equalitas')
      .execute();
    expect(await own.app.refreshContentData()).toEqual([IQTS]);
    expect(await listed()).not.toContain('University of Derby');
    const page = $(await own.app.inject(IQTS));
    expect(
      page('.app-provider-list a')
        .filter((_, el) => page(el).text() === 'Equalitas')
        .attr('href'),
    ).toBe('https://example.com/equalitas-iqts');
    // Search follows too: the suspended provider's name no longer finds the page.
    const search = $(await own.app.inject('/search?q=Derby'));
    const hrefs = search('.app-search-result a')
      .map((_, el) => search(el).attr('href'))
      .get();
    expect(hrefs).not.toContain(IQTS);
    expect(hrefs).not.toContain(`${IQTS}#apply-to-your-chosen-iqts-teacher-training-provider`);
    // Nothing changed: nothing is rendered again.
    expect(await own.app.refreshContentData()).toEqual([]);
  });
});
