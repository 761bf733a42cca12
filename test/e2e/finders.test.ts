import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { axeViolations, startBrowser, type BrowserHarness } from '../helpers/browser.ts';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowser();
  await seedSampleData(h.server.database.db, 300);
});
afterAll(async () => h?.close());

describe('the finders in Chromium', () => {
  it('axe finds no violations on the finders with results, no results and errors, a profile, and placement schools', async () => {
    const { page, cspViolations } = await h.newPage();
    for (const path of [
      '/providers',
      '/providers?country=AE&phase=primary',
      '/providers?country=US&maxFee=1',
      '/providers?country=XX&phase=nursery',
      '/providers?near=Paris',
      '/providers?country=NG',
      '/providers/liverpool-john-moores-university?country=NG',
      '/providers/university-of-derby',
      '/providers/university-of-birmingham-dubai?near=Dubai',
      '/providers/sample-provider-dubai-campus?near=Dubai',
      '/placement-schools',
      '/placement-schools?near=Dubai&radius=50',
      '/placement-schools?near=Zzxqvv',
      '/placement-schools?near=Dubai&radius=7',
    ]) {
      await page.goto(path);
      expect(await axeViolations(page), path).toEqual([]);
    }
    expect(cspViolations).toEqual([]);
  });

  it('a provider profile shows where it takes trainees on a map: axe finds no violations, and it fits a phone', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled });
      for (const slug of [
        'sample-provider-africa-countries',
        'sample-provider-worldwide-except',
        'sample-provider-mena-region',
        'sample-provider-dubai-campus',
      ]) {
        await page.setViewportSize({ width: 1024, height: 800 });
        await page.goto(`/providers/${slug}`);
        const map = page.getByRole('img', { name: /^Map of where .* takes trainees$/ });
        expect(await map.isVisible(), slug).toBe(true);
        // The key is text on the page, beside the map.
        expect(await page.locator('.app-map__key-item').first().isVisible(), slug).toBe(true);
        if (javaScriptEnabled) expect(await axeViolations(page), slug).toEqual([]);
        // At 390 px the whole map is on screen, and the page does not scroll sideways.
        await page.setViewportSize({ width: 390, height: 844 });
        const box = await map.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, slug).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      }
      expect(cspViolations).toEqual([]);
    }
  });

  it('without JavaScript, a candidate types a town, chooses a distance and gets schools nearest first', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/placement-schools');
    await page.getByLabel('Town or city').fill('dubai');
    await page.getByLabel('Distance').selectOption('100');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toMatch(
      /partner schools? within 100 km of Dubai, United Arab Emirates/,
    );
    expect(page.url()).toContain('radius=100');
  });

  it('with JavaScript, the place look-up suggests towns and works by keyboard alone', async () => {
    const { page, cspViolations } = await h.newPage();
    await page.goto('/placement-schools');
    const input = page.getByRole('combobox', { name: 'Town or city' });
    await input.focus();
    // Each key sends a look-up; wait for the last one's answer, so the list no longer changes under the keys.
    const lastAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/places?q=Lago'));
    await page.keyboard.type('Lago');
    await lastAnswer;
    const option = page.getByRole('option', { name: 'Lagos, Nigeria' });
    await expect.poll(() => option.isVisible()).toBe(true);
    // The first suggestion is highlighted (Enter would pick it); the arrows move through the others and back.
    await expect.poll(() => option.getAttribute('class')).toContain('autocomplete__option--focused');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('false');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('Lagos, Nigeria');
    await page.keyboard.press('Tab'); // to the distance
    await page.keyboard.press('Tab'); // to the button
    await page.keyboard.press('Enter');
    await page.waitForURL(/near=Lagos/);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain('Lagos, Nigeria');
    expect(await axeViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('the provider finder keeps filters in the URL and pages through results', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/providers');
    await page.getByLabel('Or the country where you live').selectOption('AE');
    await page.getByRole('radio', { name: 'Primary (ages 5 to 11)' }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(page.url()).toContain('country=AE');
    expect(page.url()).toContain('phase=primary');
    expect(
      await page
        .getByRole('heading', { level: 2, name: /providers? taking trainees in United Arab Emirates/ })
        .isVisible(),
    ).toBe(true);
    await page.getByRole('link', { name: 'University of Birmingham Dubai' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('University of Birmingham Dubai');
    await page.getByRole('link', { name: 'Back to providers' }).click();
    expect(page.url()).toContain('phase=primary');
  });

  /** axe needs scripts to run: it is shown the page as it is without JavaScript (no scripts, no js-enabled classes). */
  async function axeWithoutJavaScript(path: string): Promise<string[]> {
    const { page } = await h.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await page.goto(path);
    await page.evaluate(() => document.body.classList.remove('js-enabled', 'govuk-frontend-supported'));
    expect(await page.getByRole('form', { name: 'Filter providers' }).isVisible()).toBe(true);
    return axeViolations(page);
  }

  it('on a small screen the results come first and "Show filters" opens the filters; without JavaScript they are simply there', async () => {
    for (const javaScriptEnabled of [true, false]) {
      const { page, cspViolations } = await h.newPage({ javaScriptEnabled });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/providers?country=NG');
      const heading = page.getByRole('heading', { level: 2, name: /providers? taking trainees in Nigeria/ });
      const filters = page.getByRole('form', { name: 'Filter providers' });
      const toggle = page.getByRole('button', { name: /^Show filters/ });
      if (javaScriptEnabled) {
        expect(await filters.isVisible()).toBe(false);
        // The results heading is on the first screen.
        const box = await heading.boundingBox();
        expect(box && box.y + box.height).toBeLessThan(844);
        expect(await toggle.textContent()).toBe('Show filters (1 applied)');
        expect(await axeViolations(page)).toEqual([]);
        await toggle.click();
        expect(await filters.isVisible()).toBe(true);
        const hide = page.getByRole('button', { name: /^Hide filters/ });
        expect(await hide.getAttribute('aria-expanded')).toBe('true');
      } else {
        expect(await toggle.isVisible()).toBe(false);
        expect(await filters.isVisible()).toBe(true);
      }
      // Long option names wrap inside the panel rather than being cut off.
      const option = filters.getByText('Accepts the school you already work in');
      const panel = await filters.boundingBox();
      const label = await option.boundingBox();
      expect(label!.x + label!.width).toBeLessThanOrEqual(panel!.x + panel!.width);
      expect(label!.height).toBeGreaterThan(30); // on two lines
      expect(
        javaScriptEnabled ? await axeViolations(page) : await axeWithoutJavaScript('/providers?country=NG'),
        `JavaScript ${javaScriptEnabled}`,
      ).toEqual([]);
      await page.getByRole('radio', { name: 'Primary (ages 5 to 11)' }).check();
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/phase=primary/);
      expect(page.url()).toContain('country=NG');
      expect(await heading.isVisible()).toBe(true);
      expect(cspViolations).toEqual([]);
    }
  });

  it('the place look-up on the finder: Enter picks the first suggestion, in the GOV.UK font and colours', async () => {
    const { page, cspViolations } = await h.newPage();
    await page.goto('/providers');
    const input = page.getByRole('combobox', { name: 'Town or city where you live' });
    await input.focus();
    const lastAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/places?q=Lago'));
    await page.keyboard.type('Lago');
    await lastAnswer;
    const suggestions = page.locator('#near__listbox').getByRole('option');
    const first = suggestions.first();
    await expect.poll(() => first.isVisible()).toBe(true);
    const firstName = (await first.textContent())!.trim();
    // The suggestions use the page's font and GOV.UK's colours.
    const style = await first.evaluate((el) => {
      const s = getComputedStyle(el);
      return { font: s.fontFamily, colour: s.color, background: s.backgroundColor };
    });
    const labelFont = await page.locator('label[for="near"]').evaluate((el) => getComputedStyle(el).fontFamily);
    expect(style.font).toBe(labelFont);
    expect(style.font).not.toMatch(/^"?Times/);
    expect(style.colour).toBe('rgb(255, 255, 255)'); // highlighted: white on the GOV.UK blue
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue()).toBe(firstName);
    expect(await suggestions.count()).toBe(0);
    // A second Enter sends the search for that place.
    await page.keyboard.press('Enter');
    await page.waitForURL(/near=/);
    expect(await page.locator('#results-heading').textContent()).toContain(firstName);
    expect(await axeViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('nothing moves as /providers loads (cumulative layout shift under 0.1), on a phone and a desktop, with and without JavaScript', async () => {
    for (const javaScriptEnabled of [true, false])
      for (const viewport of [
        { width: 390, height: 844 },
        { width: 1280, height: 800 },
      ])
        for (const path of ['/providers', '/providers?near=Lagos%2C+Nigeria&phase=primary']) {
          const { page, context } = await h.newPage({ javaScriptEnabled });
          await page.setViewportSize(viewport);
          // The browser's own record of layout shifts (as Lighthouse reads them), also with page scripts off.
          const session = await context.newCDPSession(page);
          let cls = 0;
          session.on('PerformanceTimeline.timelineEventAdded', ({ event }) => {
            const shift = event.layoutShiftDetails;
            if (shift && !shift.hadRecentInput) cls += shift.value;
          });
          await session.send('PerformanceTimeline.enable', { eventTypes: ['layout-shift'] });
          await page.goto(path, { waitUntil: 'load' });
          if (javaScriptEnabled) await page.locator('input#near[role="combobox"]').waitFor({ state: 'attached' });
          await page.waitForTimeout(500);
          expect(cls, `${path} at ${viewport.width}px, JavaScript ${javaScriptEnabled}`).toBeLessThan(0.1);
        }
  });
});
