import { createRequire } from 'node:module';
import { geoEqualEarth, geoPath, type GeoProjection } from 'd3-geo';
import { scaleThreshold } from 'd3-scale';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Countries } from 'world-countries';
import { escapeHtml } from '../../shared/html.ts';
import { countryByCode } from '../../shared/places/countries.ts';

/**
 * World maps drawn on the server as SVG: a choropleth of counts by country (the DfE
 * dashboard) and a map of where a provider takes trainees (its public profile). Pure: no
 * HTTP, no database, no network. Countries are ISO 3166-1 alpha-2 codes; Natural Earth's
 * outlines (world-atlas) are keyed by ISO numeric code, which world-countries maps to
 * alpha-2. Colours are CSS classes (assets/scss/app.scss): the CSP forbids style attributes.
 *
 * A map is a picture of figures that are also given as text (a table or a list beside it),
 * so a screen reader hears the map's name and then reads the figures in the table.
 */

export type Resolution = '110m' | '50m';

export interface MapOptions {
  /** Unique on the page: the SVG's title and description are found by id. */
  id: string;
  /** The map's accessible name, e.g. "Trainees by training country". */
  title: string;
  /** Read after the name; say where the same figures are as text. */
  description?: string;
  /** 110m (the default: about 100 KB of outlines, small SVG) or 50m (more detail, more bytes). */
  resolution?: Resolution;
  /** Decimal places kept in path coordinates; 0 (the default) is a fraction of a pixel at any width. */
  precision?: number;
}

export interface CountsMapOptions extends MapOptions {
  /** Count per country (alpha-2). Zero or missing: drawn neutral, with nothing said. */
  counts: ReadonlyMap<string, number>;
  /** The count in words for the country's title: (12) => "12 trainees". */
  label: (n: number) => string;
  /** Codes drawn with a heavier outline (e.g. the country a page is about). */
  highlight?: Iterable<string>;
}

export interface KeyEntry {
  /** The class that colours the swatch, shared with the map's areas. */
  className: string;
  text: string;
}

/** The viewBox width; the height follows from the projection. Scaled to the page by CSS. */
const WIDTH = 960;
/** Classes of the choropleth, lightest first; five is as many shades as a reader can tell apart. */
const MAX_CLASSES = 5;
/** Radius of the dot that stands for a country too small to draw at this resolution. */
const DOT_RADIUS = 6;
/** Antarctica's outline would take a fifth of the map's height: left off (a count there is a dot at the edge). */
const LEFT_OFF = new Set(['AQ']);

const require = createRequire(import.meta.url);
const worldCountries = require('world-countries') as Countries;

interface Shape {
  /** Alpha-2, or null for an outline with no ISO code (Northern Cyprus, Somaliland …). */
  code: string | null;
  d: string;
}

interface Drawing {
  height: number;
  /** One path per country (its parts joined), and the unnamed outlines. */
  shapes: Shape[];
  /** Where a country with no outline at this resolution is drawn as a dot. */
  dots: Map<string, [number, number]>;
  projection: GeoProjection;
}

const drawings = new Map<string, Drawing>();

/**
 * Projects the outlines once per process (per resolution and precision): every map after
 * the first only joins strings. Equal Earth keeps areas true, so large countries are not
 * exaggerated as on Mercator.
 */
function drawing(resolution: Resolution, precision: number): Drawing {
  const key = `${resolution}|${precision}`;
  const cached = drawings.get(key);
  if (cached) return cached;

  const topology = require(`world-atlas/countries-${resolution}.json`) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const all = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const byNumeric = new Map(worldCountries.filter((c) => c.ccn3).map((c) => [c.ccn3, c.cca2]));
  const byName = new Map(worldCountries.map((c) => [c.name.common, c.cca2]));
  // Some outlines have no ISO numeric code: Kosovo (XK) is found by its name; the rest
  // (Northern Cyprus, Somaliland, Siachen Glacier …) have no ISO 3166-1 entry and stay unnamed.
  const codeOf = (f: Feature<Geometry, { name: string }>): string | null =>
    (f.id !== undefined && byNumeric.get(String(f.id))) || byName.get(f.properties.name) || null;

  const drawn = all.features.filter((f) => !LEFT_OFF.has(codeOf(f) ?? ''));
  const projection: GeoProjection = geoEqualEarth().fitWidth(WIDTH, { type: 'FeatureCollection', features: drawn });
  const path = geoPath(projection).digits(precision);
  const [, [, bottom]] = path.bounds({ type: 'FeatureCollection', features: drawn });

  const parts = new Map<string | null, string[]>();
  const shapes: Shape[] = [];
  for (const f of drawn) {
    const raw = path(f);
    const d = raw && compactPath(raw, precision);
    if (!d) continue;
    const code = codeOf(f);
    if (code === null) shapes.push({ code, d });
    else parts.set(code, [...(parts.get(code) ?? []), d]);
  }
  for (const [code, ds] of parts) shapes.push({ code, d: ds.join('') });

  const dots = new Map<string, [number, number]>();
  for (const c of worldCountries) {
    if (parts.has(c.cca2)) continue;
    const [lat, lon] = c.latlng;
    const xy = projection([lon, lat]);
    // Antarctica's centre is the pole, below the map's edge: keep every dot inside the picture.
    if (xy) dots.set(c.cca2, [round(xy[0], precision), round(Math.min(xy[1], bottom - DOT_RADIUS), precision)]);
  }
  const result = { height: Math.ceil(bottom), shapes, dots, projection };
  drawings.set(key, result);
  return result;
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/**
 * d3's path data ("M561,112L561,112L562,111…Z") rewritten shorter: each ring starts with an
 * absolute move, then relative lines without repeated commands, dropping points that rounding
 * has made equal to the one before. About half the bytes.
 */
export function compactPath(d: string, digits: number): string {
  const out: string[] = [];
  let x = 0;
  let y = 0;
  let inLine = false;
  const join = (parts: string[], n: number) => {
    const s = String(n);
    const last = parts.at(-1);
    parts.push(last !== undefined && !/[MlZ]$/.test(last) && !s.startsWith('-') ? ` ${s}` : s);
  };
  for (const command of d.match(/[MLZ][^MLZ]*/g) ?? []) {
    const type = command[0];
    if (type === 'Z') {
      if (inLine || out.at(-1) !== 'Z') out.push('Z');
      inLine = false;
      continue;
    }
    const [px, py] = command.slice(1).split(',').map(Number) as [number, number];
    if (type === 'M') {
      out.push('M');
      join(out, px);
      join(out, py);
      inLine = false;
    } else {
      const dx = round(px - x, digits);
      const dy = round(py - y, digits);
      if (dx === 0 && dy === 0) continue;
      if (!inLine) out.push('l');
      inLine = true;
      join(out, dx);
      join(out, dy);
    }
    [x, y] = [px, py];
  }
  return out.join('');
}

const number = (n: number) => n.toLocaleString('en-GB');

/** The name a reader knows: world-countries' common name, or the code itself if unknown. */
const nameOf = (code: string) => countryByCode(code)?.name ?? code;

interface Area {
  /** Modifier of app-map__area, e.g. "3" or "included". */
  level: string;
  /** The country's title: "Nigeria: 12 trainees". */
  text: string;
  emphasis?: boolean;
}

interface Mark {
  point: { lat: number; lon: number };
  text: string;
}

/**
 * The SVG: every country with an area coloured and titled; every other country neutral and
 * silent. A country too small to draw at this resolution (Singapore, Bahrain, Malta, Hong
 * Kong at 110m) is a dot of its colour at its centre, when it has an area and `dotted` agrees.
 */
function renderSvg(
  options: MapOptions,
  areas: ReadonlyMap<string, Area>,
  mark?: Mark,
  /** Which small countries get a dot; all with an area unless said. */
  dotted: (code: string, area: Area) => boolean = () => true,
): string {
  const resolution = options.resolution ?? '110m';
  const precision = options.precision ?? 0;
  const { height, shapes, dots, projection } = drawing(resolution, precision);
  const id = escapeHtml(options.id);
  const out: string[] = [];
  out.push(
    `<svg class="app-map__svg" viewBox="0 0 ${WIDTH} ${height}" role="img" focusable="false" aria-labelledby="${id}-title"${options.description ? ` aria-describedby="${id}-desc"` : ''} xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeHtml(options.title)}</title>`,
  );
  if (options.description) out.push(`<desc id="${id}-desc">${escapeHtml(options.description)}</desc>`);
  const classes = (a: Area | null) =>
    `app-map__area app-map__area--${a ? a.level : 'none'}${a?.emphasis ? ' app-map__area--emphasis' : ''}`;
  // Emphasised outlines last, so their heavier borders are not covered by neighbours.
  const ordered = [...shapes].sort(
    (a, b) => Number(!!(a.code && areas.get(a.code)?.emphasis)) - Number(!!(b.code && areas.get(b.code)?.emphasis)),
  );
  for (const s of ordered) {
    const area = s.code ? (areas.get(s.code) ?? null) : null;
    const title = area && s.code ? `<title>${escapeHtml(`${nameOf(s.code)}: ${area.text}`)}</title>` : '';
    out.push(`<path class="${classes(area)}" d="${s.d}">${title}</path>`);
  }
  for (const [code, area] of areas) {
    const at = dots.get(code);
    if (!at || !dotted(code, area)) continue;
    out.push(
      `<circle class="${classes(area)} app-map__dot" cx="${at[0]}" cy="${at[1]}" r="${DOT_RADIUS}"><title>${escapeHtml(`${nameOf(code)}: ${area.text}`)}</title></circle>`,
    );
  }
  if (mark) {
    const xy = projection([mark.point.lon, mark.point.lat]);
    if (xy)
      out.push(
        `<circle class="app-map__mark" cx="${round(xy[0], precision)}" cy="${round(xy[1], precision)}" r="${DOT_RADIUS + 2}"><title>${escapeHtml(mark.text)}</title></circle>`,
      );
  }
  out.push('</svg>');
  return out.join('');
}

// ——— Counts: the dashboard's choropleth ———

/** Only real counts: positive whole numbers. A zero is "none", never a claim. */
function positive(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].filter(([, n]) => Number.isFinite(n) && n > 0);
}

/**
 * The classes for counts from 1 to max, each [from, to]: up to five equal ranges of whole
 * numbers whose width is a round number (1, 2, 2.5, 3, 4 or 5 times a power of ten), so the
 * key reads "1 to 30, 31 to 60 …" rather than "1 to 28, 29 to 56 …". The last ends at max.
 */
export function countClasses(max: number): [number, number][] {
  if (!(max >= 1)) return [];
  const top = Math.floor(max);
  let step = 1;
  search: for (let power = 1; ; power *= 10)
    for (const m of [1, 2, 2.5, 3, 4, 5]) {
      step = m * power;
      if (Number.isInteger(step) && Math.ceil(top / step) <= MAX_CLASSES) break search;
    }
  return Array.from({ length: Math.ceil(top / step) }, (_, i) => [i * step + 1, Math.min(top, (i + 1) * step)]);
}

function classOf(max: number): (n: number) => number {
  const classes = countClasses(max);
  const threshold = scaleThreshold<number, number>()
    .domain(classes.slice(1).map(([from]) => from))
    .range(classes.map((_, i) => i + 1));
  return (n) => threshold(n);
}

/**
 * The key for a counts map: the neutral colour's words (`noneText`, "None" unless said: open
 * statistics that leave out counts under 5 say "None, or fewer than 5"), then each class's
 * range ("1 to 20").
 */
export function countsKey(counts: ReadonlyMap<string, number>, noneText = 'None'): KeyEntry[] {
  const max = Math.max(0, ...positive(counts).map(([, n]) => n));
  return [
    { className: 'app-map__swatch--none', text: noneText },
    ...countClasses(max).map(([from, to], i) => ({
      className: `app-map__swatch--${i + 1}`,
      text: from === to ? number(from) : `${number(from)} to ${number(to)}`,
    })),
  ];
}

/** The choropleth SVG: each country with a count coloured by its class and titled "Nigeria: 12 trainees". */
export function worldMapSvg(options: CountsMapOptions): string {
  const found = positive(options.counts);
  const level = classOf(Math.max(0, ...found.map(([, n]) => n)));
  const emphasised = new Set(options.highlight ?? []);
  const areas = new Map<string, Area>(
    found.map(([code, n]) => [
      code,
      { level: String(level(n)), text: options.label(n), ...(emphasised.has(code) ? { emphasis: true } : {}) },
    ]),
  );
  return renderSvg(options, areas);
}

export type GovukTableRow = { text: string; format?: 'numeric' }[];

/**
 * The same figures as the map, for the GOV.UK table beside it: country and count, largest
 * first (then by name). Countries with no count are left out, as on the map.
 */
export function countryTableRows(counts: ReadonlyMap<string, number>): GovukTableRow[] {
  return positive(counts)
    .map(([code, n]) => ({ name: nameOf(code), n }))
    .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name, 'en-GB'))
    .map(({ name, n }) => [{ text: name }, { text: number(n), format: 'numeric' as const }]);
}

function keyHtml(key: KeyEntry[], heading: string): string {
  return (
    `<div class="app-map__key"><p class="govuk-body-s govuk-!-margin-bottom-1">${escapeHtml(heading)}</p><ul class="app-map__key-list">` +
    key
      .map(
        (k) =>
          `<li class="app-map__key-item"><span class="app-map__swatch ${k.className}"></span>${escapeHtml(k.text)}</li>`,
      )
      .join('') +
    '</ul></div>'
  );
}

/** The choropleth with its key under it, ready for `| safe` in a view. */
export function worldMapHtml(options: CountsMapOptions & { keyHeading: string; noneText?: string }): string {
  const key = keyHtml(countsKey(options.counts, options.noneText), options.keyHeading);
  return `<div class="app-map">${worldMapSvg(options)}${key}</div>`;
}

// ——— Coverage: where a provider takes trainees ———

export interface CoverageMapOptions extends MapOptions {
  /** Countries where the provider takes trainees (alpha-2). */
  included: ReadonlySet<string>;
  /** Countries the provider names as excluded ("worldwide, except …"). */
  excluded?: ReadonlySet<string>;
  /** Words for each kind of country, for titles and the key. */
  includedText: string;
  excludedText?: string;
  /** The key's words for countries neither included nor excluded, e.g. "Not in its list"; none: no such key entry. */
  otherText?: string;
  /** A place to mark, e.g. a campus trainees must live near. */
  mark?: Mark;
}

/**
 * Where a provider takes trainees: its countries coloured, excluded ones marked apart, every
 * other country neutral. Each coloured country is titled. Small countries on its list
 * (Bahrain, Malta, Singapore …) are dots, so the map does not hide them.
 */
export function coverageMapHtml(options: CoverageMapOptions): string {
  const areas = new Map<string, Area>();
  for (const code of options.included) areas.set(code, { level: 'included', text: options.includedText });
  for (const code of options.excluded ?? [])
    areas.set(code, { level: 'excluded', text: options.excludedText ?? 'excluded' });
  // With most of the world included, the dots of small included countries would crowd the
  // map: their outlines are titled anyway, and the small ones are in the text beside it.
  const crowded = options.included.size > 60;
  const svg = renderSvg(options, areas, options.mark, (_, area) => !crowded || area.level !== 'included');
  const key: KeyEntry[] = [{ className: 'app-map__swatch--included', text: capitalise(options.includedText) }];
  if (options.excluded?.size)
    key.push({ className: 'app-map__swatch--excluded', text: capitalise(options.excludedText ?? 'excluded') });
  if (options.otherText) key.push({ className: 'app-map__swatch--none', text: capitalise(options.otherText) });
  if (options.mark) key.push({ className: 'app-map__swatch--mark', text: capitalise(options.mark.text) });
  return `<div class="app-map app-map--small">${svg}${keyHtml(key, 'Key')}</div>`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ——— The DfE dashboard: trainees or placement schools by country ———

export const DASHBOARD_MAPS = {
  trainees: { heading: 'Trainees by training country', one: 'trainee', many: 'trainees', column: 'Trainees' },
  schools: {
    heading: 'Placement schools by country',
    one: 'placement school',
    many: 'placement schools',
    column: 'Placement schools',
  },
} as const;
export type DashboardMapKind = keyof typeof DASHBOARD_MAPS;

export interface DashboardMapInput {
  /** Trainees by training country (alpha-2). */
  trainees: ReadonlyMap<string, number>;
  /** Placement schools by country (alpha-2). */
  schools: ReadonlyMap<string, number>;
  /** The query's choice (e.g. request.query.map); anything unknown shows trainees. */
  show: unknown;
  /** The link that shows a map, e.g. (kind) => `/admin?map=${kind}#country-map`. */
  hrefFor: (kind: DashboardMapKind) => string;
  /** The key's words for countries with no count drawn (default "None"); see countsKey. */
  noneText?: string;
}

export interface DashboardMap {
  kind: DashboardMapKind;
  heading: string;
  /** The map and its key, for `| safe`. */
  html: string;
  /** Links between the two maps: a plain link each, so no JavaScript is needed. */
  switchLinks: { text: string; href: string; current: boolean }[];
  /** govukTable's caption, head and rows: the same figures as the map. */
  table: { caption: string; head: { text: string; format?: 'numeric' }[]; rows: GovukTableRow[] };
  /** How many in all, and in how many countries, e.g. "1,234 trainees in 56 countries". */
  summary: string;
}

const countOf = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

/** One of the dashboard's two maps, chosen by `show`, with its table and the links between them. */
export function dashboardMap(input: DashboardMapInput): DashboardMap {
  const kind: DashboardMapKind = input.show === 'schools' ? 'schools' : 'trainees';
  const words = DASHBOARD_MAPS[kind];
  const counts = kind === 'schools' ? input.schools : input.trainees;
  const found = positive(counts);
  const total = found.reduce((sum, [, n]) => sum + n, 0);
  const places = found.length;
  return {
    kind,
    heading: words.heading,
    html: worldMapHtml({
      id: `${kind}-map`,
      title: `Map: ${words.heading.toLowerCase()}`,
      description: 'The table under the map gives the same figures.',
      counts,
      label: (n) => countOf(n, words.one, words.many),
      keyHeading: `Key: number of ${words.many}`,
      ...(input.noneText ? { noneText: input.noneText } : {}),
    }),
    switchLinks: (Object.keys(DASHBOARD_MAPS) as DashboardMapKind[]).map((k) => ({
      text: DASHBOARD_MAPS[k].heading,
      href: input.hrefFor(k),
      current: k === kind,
    })),
    table: {
      caption: words.heading,
      head: [{ text: 'Country' }, { text: words.column, format: 'numeric' }],
      rows: countryTableRows(counts),
    },
    summary: `${countOf(total, words.one, words.many)} in ${countOf(places, 'country', 'countries')}`,
  };
}
