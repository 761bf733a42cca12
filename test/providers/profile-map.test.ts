import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { $, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the map on a provider's profile (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
    }, 60_000);
    afterAll(async () => t?.close());

    const profile = async (slug: string) => {
      const res = await t.app.inject(`/providers/${slug}`);
      expect(res.statusCode).toBe(200);
      return $(res);
    };
    /** The countries the map names, "name → words", from the SVG's titles. */
    const mapTitles = (page: cheerio.CheerioAPI) => {
      const svg = cheerio.load(page.xml('figure svg'), { xml: true });
      return new Map(
        svg('path > title, circle > title')
          .map((_, el) => svg(el).text())
          .get()
          .map((text) => [text.slice(0, text.lastIndexOf(': ')), text.slice(text.lastIndexOf(': ') + 2)] as const),
      );
    };
    const row = (page: cheerio.CheerioAPI, key: string) =>
      page(`.govuk-summary-list__key:contains("${key}")`).next().text().trim();

    it('shows the listed countries on a map with a caption, and the same countries as text', async () => {
      const page = await profile('sample-provider-africa-countries');
      const figure = page('figure');
      expect(figure.find('figcaption').text()).toBe(
        'The countries where Sample Provider Selected Countries takes trainees, in blue. Small countries are shown as dots.',
      );
      const svg = figure.find('svg[role="img"]');
      expect(page(`#${svg.attr('aria-labelledby')!.split(' ')[0]}`).text()).toBe(
        'Map of where Sample Provider Selected Countries takes trainees',
      );
      const named = mapTitles(page);
      expect([...named.keys()].sort()).toEqual(['Egypt', 'Ghana', 'Kenya', 'Nigeria', 'South Africa']);
      expect(new Set(named.values())).toEqual(new Set(['takes trainees']));
      // The text equivalent: the "Countries" row names exactly the same countries.
      expect(row(page, 'Countries')).toBe('Egypt, Ghana, Kenya, Nigeria, South Africa');
      expect(
        figure
          .find('.app-map__key-item')
          .map((_, li) => page(li).text())
          .get(),
      ).toEqual(['Takes trainees', 'Not in its list']);
    });

    it('shows "worldwide except" with the exceptions marked, as the text says', async () => {
      const page = await profile('sample-provider-worldwide-except');
      const named = mapTitles(page);
      expect(named.get('United States')).toBe('does not take trainees');
      expect(named.get('Canada')).toBe('does not take trainees');
      expect(named.get('Mexico')).toBe('takes trainees');
      expect(row(page, 'Countries')).toBe('All countries except Canada, United States');
      expect(page('figcaption').text()).toContain('not in those in red');
    });

    it('marks a campus and says trainees must live near it', async () => {
      const page = await profile('sample-provider-dubai-campus');
      expect(mapTitles(page).get('United Arab Emirates')).toBe('the country of its campus');
      expect(page('figcaption').text()).toContain('Trainees must live near the campus');
      expect(page('figure circle.app-map__mark title').text()).toBe('Dubai, where its campus is');
    });

    it('draws no map where the provider takes trainees worldwide or has not said where', async () => {
      for (const slug of ['university-of-derby', 'university-of-northampton']) {
        const page = await profile(slug);
        expect(page('figure svg').length, slug).toBe(0);
      }
    });
  });
}
