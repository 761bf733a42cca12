import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

const IQTS = '/non-uk-teachers/international-qualified-teacher-status';
let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
});
afterAll(async () => h?.close());

describe('the iQTS page in Chromium', () => {
  it('with JavaScript: steps start closed, a step opens when clicked, and the CSP reports no violation', async () => {
    const { page, cspViolations } = await h.newPage();
    await page.goto(IQTS);
    expect(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))).toBe(true);
    const fees = page.getByRole('button', { name: /2\. Find out about fees/ });
    await expect.poll(() => fees.getAttribute('aria-expanded')).toBe('false');
    await expect
      .poll(() =>
        page
          .getByText(/public range/i)
          .first()
          .isVisible(),
      )
      .toBe(false);
    await fees.click();
    expect(await fees.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('#steps-content-2').isVisible()).toBe(true);
    expect(cspViolations).toEqual([]);
  });

  it('with JavaScript: a link to #step-3 opens step 3', async () => {
    const { page } = await h.newPage();
    await page.goto(`${IQTS}#step-3`);
    const apply = page.getByRole('button', { name: /3\. Apply to your chosen iQTS teacher training provider/ });
    await expect.poll(() => apply.getAttribute('aria-expanded')).toBe('true');
    // The provider list comes from the provider data the finder uses.
    expect(await page.getByRole('link', { name: 'University of Warwick', exact: true }).isVisible()).toBe(true);
  });

  it('with JavaScript: searching for "fees" and following the first result opens the fees step', async () => {
    const { page } = await h.newPage();
    await page.goto('/search');
    await page.getByLabel('Search this service').fill('fees');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await axeViolations(page), 'search results for fees').toEqual([]);
    await page.locator('.app-search-result a').first().click();
    await page.waitForURL(/#find-out-about-fees$/);
    const fees = page.getByRole('button', { name: /2\. Find out about fees/ });
    await expect.poll(() => fees.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.getByText(/Each training provider sets its own fees/).isVisible()).toBe(true);
  });

  it('without JavaScript: the fees result leads to the fees step, readable', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/search?q=fees');
    const href = await page.locator('.app-search-result a').first().getAttribute('href');
    expect(href).toBe(`${IQTS}#find-out-about-fees`);
    await page.goto(href!);
    expect(await page.getByText(/Each training provider sets its own fees/).isVisible()).toBe(true);
  });

  it('without JavaScript: every step is readable', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto(IQTS);
    for (let n = 1; n <= 5; n++) expect(await page.locator(`#steps-content-${n}`).isVisible(), `step ${n}`).toBe(true);
    expect(await page.getByRole('link', { name: 'Canterbury Christ Church University' }).isVisible()).toBe(true);
    expect(await page.locator('.app-provider-list li').count()).toBeGreaterThan(5);
  });
});

describe('accessibility (axe, WCAG 2.2 AA)', () => {
  it('every content page has zero violations', async () => {
    const paths = h.server.app.contentSite.paths;
    expect(paths.length).toBeGreaterThanOrEqual(7);
    const { page } = await h.newPage();
    for (const path of paths) {
      await page.goto(path);
      expect(await axeViolations(page), path).toEqual([]);
    }
  });

  it('search with results, without results, with an error; the 404 page; feedback and its error state', async () => {
    const { page } = await h.newPage();
    for (const path of [
      '/search',
      '/search?q=iqts',
      '/search?q=zzzzqqqq',
      `/search?q=${'a'.repeat(300)}`,
      '/no-such-page',
      '/feedback',
    ]) {
      await page.goto(path);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto('/feedback');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    expect(await axeViolations(page), 'feedback error').toEqual([]);
    await page.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Send feedback' }).click();
    expect(await page.getByRole('heading', { name: 'Thank you for your feedback' }).isVisible()).toBe(true);
    expect(await axeViolations(page), 'feedback thank you').toEqual([]);
  });
});

describe('components and Markdown on the format fixture pages', () => {
  let fixture: BrowserHarness;
  beforeAll(async () => {
    fixture = await startBrowser({ env: { CONTENT_DIR: 'test/fixtures/content-format' } });
  });
  afterAll(async () => fixture?.close());

  it('with JavaScript: calls to action, a quote, inset text and tables; zero axe violations, CSP clean', async () => {
    const { page, cspViolations } = await fixture.newPage();
    for (const path of [
      '/components',
      '/markdown',
      '/raw-html',
      '/guides',
      '/guides/first-steps',
      '/blog',
      '/blog/page/2',
      '/blog/tag/training',
      '/blog/sample-post-12',
      '/images',
      '/hero',
    ]) {
      await page.goto(path);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto('/components');
    expect(await page.getByRole('link', { name: 'Check your eligibility' }).first().isVisible()).toBe(true);
    expect(await page.getByRole('table').getByRole('rowheader', { name: 'Fees from' }).isVisible()).toBe(true);
    expect(await page.locator('figure blockquote').isVisible()).toBe(true);
    await page.goto('/markdown');
    await page.getByRole('link', { name: 'Footnote 1', exact: true }).click();
    await page.waitForURL(/#fn:fees$/);
    expect(cspViolations).toEqual([]);
  });

  /**
   * axe needs JavaScript in the page, so the page as a browser without JavaScript builds it
   * (its DOM, scripts removed) is checked in a page whose own scripts never run.
   */
  const axeWithoutJavaScript = async (path: string) => {
    const { page: off } = await fixture.newPage({ javaScriptEnabled: false });
    await off.goto(path);
    const html = (await off.content()).replace(/<script\b[\s\S]*?<\/script>/g, '');
    expect(html).not.toContain('govuk-frontend-supported');
    const { page } = await fixture.newPage();
    await page.route(`**${path}`, (route) => route.fulfill({ body: html, contentType: 'text/html' }));
    await page.route('**/*.js', (route) => route.abort());
    await page.goto(path);
    return axeViolations(page);
  };

  it('the hero header, JavaScript on and off: readable colours, its button goes to the link, zero axe violations', async () => {
    expect(await axeWithoutJavaScript('/hero'), 'without JavaScript').toEqual([]);
    expect(await axeWithoutJavaScript('/images'), 'without JavaScript').toEqual([]);
    for (const javaScriptEnabled of [true, false]) {
      const { page, cspViolations } = await fixture.newPage({ javaScriptEnabled });
      await page.goto('/hero');
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      const hero = page.locator('.app-hero');
      expect(await hero.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(84, 49, 159)');
      const heading = page.getByRole('heading', { level: 1, name: 'Teach in England from anywhere' });
      expect(await heading.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 221, 0)');
      expect(await heading.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(11, 12, 12)');
      const subtitle = page.getByText('Sample fees start at £7,950 a year');
      expect(await subtitle.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 255, 255)');
      expect(
        await page
          .getByRole('img', { name: /^An illustration of a globe/ })
          .first()
          .isVisible(),
      ).toBe(true);
      await page.getByRole('button', { name: 'Check your eligibility' }).click();
      await page.waitForURL(/\/eligibility(\/|$)/);
      expect(cspViolations).toEqual([]);
    }
  });

  it('without JavaScript: the same components and the footnote are there and readable', async () => {
    const { page } = await fixture.newPage({ javaScriptEnabled: false });
    await page.goto('/components');
    expect(await page.locator('.app-cta').first().isVisible()).toBe(true);
    expect(await page.locator('.govuk-inset-text').isVisible()).toBe(true);
    expect(await page.locator('.app-feature-table').isVisible()).toBe(true);
    await page.goto('/markdown');
    expect(await page.locator('[id="fn:fees"]').isVisible()).toBe(true);
    expect(await page.locator('abbr[title="Department for Education"]').isVisible()).toBe(true);
    await page.goto('/images');
    // Chromium picks the AVIF variant of the hero.
    await expect
      .poll(() => page.locator('.app-hero img').evaluate((img: HTMLImageElement) => img.currentSrc))
      .toMatch(/\.avif$/);
    // The blog: a post, then the next page of the index by the GOV.UK pagination.
    await page.goto('/blog/sample-post-12');
    expect(await page.getByText('26 March 2026, by Sample Author 12').isVisible()).toBe(true);
    await page.goto('/blog');
    await page.getByRole('link', { name: /Next/ }).click();
    await page.waitForURL(/\/blog\/page\/2$/);
    expect(await page.getByRole('link', { name: 'Sample post 01' }).isVisible()).toBe(true);
    const feed = await page.request.get('/blog/feed.xml');
    expect(feed.headers()['content-type']).toMatch(/^application\/atom\+xml/);
    expect(await feed.text()).toContain('<title>Sample post 12</title>');
  });
});
