import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { createViews } from '../../platform/views.ts';
import { countries } from '../../shared/places/countries.ts';
import {
  compactPath,
  countClasses,
  countryTableRows,
  countsKey,
  coverageMapHtml,
  dashboardMap,
  worldMapHtml,
  worldMapSvg,
} from './world-map.ts';

const trainees = (n: number) => `${n} ${n === 1 ? 'trainee' : 'trainees'}`;
const parse = (svg: string) => cheerio.load(svg, { xml: true });
/** Every country titled on the map, as "name → the words after the colon". */
const titled = (svg: string) => {
  const $ = parse(svg);
  return new Map(
    $('path > title, circle > title')
      .map((_, t) => $(t).text())
      .get()
      .map((text) => [text.slice(0, text.lastIndexOf(': ')), text.slice(text.lastIndexOf(': ') + 2)] as const),
  );
};

// Large and small countries, one with no outline's numeric code (Kosovo), ones too small to
// draw at 110m (Singapore, Bahrain, Malta, Hong Kong), and a zero.
const COUNTS = new Map([
  ['NG', 12],
  ['AE', 140],
  ['SG', 3],
  ['BH', 7],
  ['MT', 1],
  ['HK', 40],
  ['XK', 5],
  ['BR', 1234],
  ['FR', 0],
]);

describe('the choropleth', () => {
  const svg = worldMapSvg({
    id: 'trainees-map',
    title: 'Trainees by training country',
    counts: COUNTS,
    label: trainees,
  });

  it('names every country with a count in its title, and no other country', () => {
    expect(Object.fromEntries(titled(svg))).toEqual({
      Nigeria: '12 trainees',
      'United Arab Emirates': '140 trainees',
      Singapore: '3 trainees',
      Bahrain: '7 trainees',
      Malta: '1 trainee',
      'Hong Kong': '40 trainees',
      Kosovo: '5 trainees',
      Brazil: '1234 trainees',
    });
    // France has zero: drawn neutral, nothing claimed.
    const $ = parse(svg);
    expect($('title:contains("France")').length).toBe(0);
    expect($('path.app-map__area--none').length).toBeGreaterThan(150);
  });

  it('names every country with a count, whatever the country and resolution', () => {
    const all = new Map(countries.map((c, i) => [c.code, i + 1]));
    for (const resolution of ['110m', '50m'] as const) {
      const names = titled(worldMapSvg({ id: 'all', title: 'All', counts: all, label: String, resolution }));
      for (const [i, c] of countries.entries())
        expect(names.get(c.name), `${c.name} at ${resolution}`).toBe(String(i + 1));
      expect(names.size).toBe(countries.length);
    }
  });

  it('is an image with an accessible name, sized by its viewBox, with no style attributes', () => {
    const $ = parse(svg);
    const root = $('svg');
    expect(root.attr('role')).toBe('img');
    expect(root.attr('viewBox')).toMatch(/^0 0 960 \d+$/);
    expect(root.attr('width')).toBeUndefined();
    expect($(`#${root.attr('aria-labelledby')}`).text()).toBe('Trainees by training country');
    expect(svg).not.toMatch(/style=/);
  });

  it('colours by class: the largest count darkest, the smallest lightest', () => {
    const $ = parse(svg);
    const classOf = (name: string) =>
      /app-map__area--(\w+)/.exec($(`title:contains("${name}:")`).parent().attr('class') ?? '')?.[1];
    expect(classOf('Brazil')).toBe('5');
    expect(classOf('Malta')).toBe('1');
    expect(classOf('United Arab Emirates')).toBe('1');
    // The key's ranges are the classes the map uses.
    expect(countsKey(COUNTS).map((k) => k.text)).toEqual([
      'None',
      '1 to 250',
      '251 to 500',
      '501 to 750',
      '751 to 1,000',
      '1,001 to 1,234',
    ]);
  });

  it('outlines the highlighted countries more heavily, drawn last so neighbours do not cover them', () => {
    const marked = worldMapSvg({ id: 'h', title: 'H', counts: COUNTS, label: trainees, highlight: ['NG'] });
    const $ = parse(marked);
    const emphasised = $('.app-map__area--emphasis');
    expect(emphasised.length).toBe(1);
    expect(emphasised.find('title').text()).toBe('Nigeria: 12 trainees');
    expect($('path').last().find('title').text()).toBe('Nigeria: 12 trainees');
  });

  it('gives the table the same countries and numbers as the map', () => {
    const rows = countryTableRows(COUNTS);
    const names = titled(svg);
    expect(rows.map((r) => r[0]!.text)).toEqual(
      [...names.keys()].sort((a, b) => {
        const n = (x: string) => Number(names.get(x)!.split(' ')[0]);
        return n(b) - n(a) || a.localeCompare(b, 'en-GB');
      }),
    );
    for (const [name, count] of rows.map((r) => [r[0]!.text, r[1]!.text])) {
      expect(names.get(name!)!.split(' ')[0]).toBe(count!.replace(/,/g, ''));
    }
    expect(rows.find((r) => r[0]!.text === 'France')).toBeUndefined();
  });

  it('draws nothing coloured for no counts, and ignores negative or unknown values', () => {
    const empty = worldMapSvg({ id: 'e', title: 'Empty', counts: new Map(), label: trainees });
    expect(titled(empty).size).toBe(0);
    expect(countsKey(new Map())).toEqual([{ className: 'app-map__swatch--none', text: 'None' }]);
    // Open statistics leave out small counts: the neutral colour says so.
    expect(countsKey(new Map([['NG', 7]]), 'None, or fewer than 5')[0]!.text).toBe('None, or fewer than 5');
    const odd = worldMapSvg({
      id: 'o',
      title: 'Odd',
      counts: new Map([
        ['NG', -3],
        ['GH', Number.NaN],
        ['ZZ', 4],
      ]),
      label: trainees,
    });
    expect(titled(odd).size).toBe(0);
  });

  it('is small: the 110m map at whole-number precision stays under 60 KB, and the same every time', () => {
    expect(svg.length).toBeLessThan(60_000);
    expect(
      worldMapSvg({ id: 'trainees-map', title: 'Trainees by training country', counts: COUNTS, label: trainees }),
    ).toBe(svg);
  });

  it('comes with a visible key in HTML', () => {
    const $ = cheerio.load(worldMapHtml({ id: 'k', title: 'K', counts: COUNTS, label: trainees, keyHeading: 'Key' }));
    expect(
      $('.app-map__key-item')
        .map((_, li) => $(li).text())
        .get(),
    ).toContain('1 to 250');
    expect($('.app-map__key-item .app-map__swatch--5').length).toBe(1);
  });
});

describe('count classes', () => {
  it('splits counts into at most five round ranges that cover 1 to the largest', () => {
    expect(countClasses(0)).toEqual([]);
    expect(countClasses(1)).toEqual([[1, 1]]);
    expect(countClasses(3)).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(countClasses(140)).toEqual([
      [1, 30],
      [31, 60],
      [61, 90],
      [91, 120],
      [121, 140],
    ]);
    for (const max of [2, 7, 11, 99, 1000, 54321]) {
      const classes = countClasses(max);
      expect(classes.length).toBeLessThanOrEqual(5);
      expect(classes[0]![0]).toBe(1);
      expect(classes.at(-1)![1]).toBe(max);
      for (let i = 1; i < classes.length; i++) expect(classes[i]![0]).toBe(classes[i - 1]![1] + 1);
    }
  });
});

describe('path compaction', () => {
  it('keeps the shape: absolute moves, relative lines, repeated points dropped', () => {
    expect(compactPath('M561,112L561,112L562,111L563,111L565,110Z', 0)).toBe('M561 112l1-1 1 0 2-1Z');
    expect(compactPath('M1.5,2L1.2,2.7ZM5,5L6,6Z', 1)).toBe('M1.5 2l-0.3 0.7ZM5 5l1 1Z');
  });
});

describe('the coverage map', () => {
  it('titles the countries on a list, shows small ones as dots, and leaves the rest unclaimed', () => {
    const html = coverageMapHtml({
      id: 'c',
      title: 'Where it takes trainees',
      included: new Set(['NG', 'GH', 'BH']),
      includedText: 'takes trainees',
      otherText: 'not in its list',
    });
    const $ = cheerio.load(html, { xml: true });
    const names = titled($.xml('svg'));
    expect(Object.fromEntries(names)).toEqual({
      Nigeria: 'takes trainees',
      Ghana: 'takes trainees',
      Bahrain: 'takes trainees',
    });
    expect($('circle.app-map__dot title').text()).toBe('Bahrain: takes trainees');
    expect(
      $('.app-map__key-item')
        .map((_, li) => $(li).text())
        .get(),
    ).toEqual(['Takes trainees', 'Not in its list']);
  });

  it('shows "worldwide except" as every country but the exceptions, which are marked apart', () => {
    const excluded = new Set(['US', 'CA', 'HK']);
    const html = coverageMapHtml({
      id: 'w',
      title: 'Where it takes trainees',
      included: new Set(countries.map((c) => c.code).filter((c) => !excluded.has(c))),
      excluded,
      includedText: 'takes trainees',
      excludedText: 'does not take trainees',
    });
    const $ = cheerio.load(html, { xml: true });
    const names = titled($.xml('svg'));
    expect(names.get('United States')).toBe('does not take trainees');
    expect(names.get('Hong Kong')).toBe('does not take trainees');
    expect(names.get('France')).toBe('takes trainees');
    // A crowded map keeps only the exceptions' dots.
    expect(
      $('circle.app-map__dot')
        .map((_, c) => $(c).find('title').text())
        .get(),
    ).toEqual(['Hong Kong: does not take trainees']);
    expect(
      $('.app-map__key-item')
        .map((_, li) => $(li).text())
        .get(),
    ).toEqual(['Takes trainees', 'Does not take trainees']);
  });

  it('marks a campus', () => {
    const html = coverageMapHtml({
      id: 'd',
      title: 'Where it takes trainees',
      included: new Set(['AE']),
      includedText: 'the country of its campus',
      otherText: 'elsewhere',
      mark: { point: { lat: 25.08, lon: 55.31 }, text: 'its Dubai campus' },
    });
    const $ = cheerio.load(html, { xml: true });
    expect($('circle.app-map__mark title').text()).toBe('its Dubai campus');
  });
});

describe('the dashboard map', () => {
  const input = {
    trainees: new Map([
      ['NG', 2],
      ['AE', 1],
    ]),
    schools: new Map([['AE', 5]]),
    hrefFor: (kind: string) => `/admin?map=${kind}#country-map`,
  };

  it('shows trainees unless asked for schools, with links to switch', () => {
    for (const show of [undefined, 'nonsense', ['schools'], 'trainees']) {
      const map = dashboardMap({ ...input, show });
      expect(map.kind).toBe('trainees');
      expect(map.summary).toBe('3 trainees in 2 countries');
      expect(map.switchLinks).toEqual([
        { text: 'Trainees by training country', href: '/admin?map=trainees#country-map', current: true },
        { text: 'Placement schools by country', href: '/admin?map=schools#country-map', current: false },
      ]);
    }
    const schools = dashboardMap({ ...input, show: 'schools' });
    expect(schools.summary).toBe('5 placement schools in 1 country');
    expect(titled(schools.html).get('United Arab Emirates')).toBe('5 placement schools');
    expect(schools.table.rows).toEqual([[{ text: 'United Arab Emirates' }, { text: '5', format: 'numeric' }]]);
  });

  it('renders with its macro: the switch as links, the map, and a table of the same figures', () => {
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
    const html = views.renderString(
      '{% from "oversight/views/_world-map.njk" import appDashboardMap %}{{ appDashboardMap(map) }}',
      { map: dashboardMap({ ...input, show: 'trainees' }) },
    );
    const $ = cheerio.load(html);
    expect($('h2').text()).toBe('Trainees by training country');
    expect($('nav a[aria-current="page"]').text()).toBe('Trainees by training country');
    expect($('nav a:not([aria-current])').attr('href')).toBe('/admin?map=schools#country-map');
    expect($('svg[role="img"] title').first().text()).toBe('Map: trainees by training country');
    expect(
      $('tbody tr')
        .map((_, tr) => $(tr).text().replace(/\s+/g, ' ').trim())
        .get(),
    ).toEqual(['Nigeria 2', 'United Arab Emirates 1']);
    expect($('thead th').last().text().trim()).toBe('Trainees');
  });
});
