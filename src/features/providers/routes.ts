import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { renderPage } from '../../platform/render.ts';
import { countries, countryByCode, REGIONS } from '../../shared/places/countries.ts';
import { coverageCountryCodes, coverageIncludes, describeCoverage, type CandidateLocation } from './coverage.ts';
import {
  PAGE_SIZE,
  RADII,
  SORTS,
  parseProviderQuery,
  parseSchoolQuery,
  resolvePlace,
  type FieldError,
} from './finder-query.ts';
import { govukDate, today } from '../../shared/dates.ts';
import { countryName, countryOptions, km } from '../../shared/format.ts';
import { pagination } from '../../shared/pagination.ts';
import { findProviders, findSchools, nextRadius, placeLabel } from './finder.ts';
import { APPROACHES, DELIVERY, MONTHS, PHASES, STATUSES, STUDY_MODES, type Provider } from './model.ts';
import { shownFacts } from './facts-view.ts';
import { notTakingApplications } from './approval.ts';
import { coverageMap } from './coverage-map.ts';
import { schoolsNear } from '../placement-schools/repository.ts';
import { providerBySlug } from './repository.ts';

type Raw = Record<string, unknown>;
const FILTER_KEYS = [
  'country',
  'near',
  'place',
  'phase',
  'subject',
  'approach',
  'delivery',
  'mode',
  'maxFee',
  'confirmed',
  'sort',
  'radius',
];

/** The query string kept across links: only known keys, first value of each, with changes applied. */
export function hrefWith(path: string, raw: Raw, changes: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = key in changes ? changes[key] : raw[key];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s.trim() !== '') params.set(key, s.trim().slice(0, 100));
  }
  if (changes['page'] && changes['page'] !== '1') params.set('page', changes['page']);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

const errorSummary = (errors: FieldError[]) => errors.map((e) => ({ text: e.message, href: `#${e.field}` }));
const fieldErrors = (errors: FieldError[]) => Object.fromEntries(errors.map((e) => [e.field, e.message]));
/** Radios for a filter: "Any" first, checked when nothing (or nothing known) is chosen. */
const radioItems = (values: Record<string, string>, selected: unknown, any: string) => {
  const chosen = typeof selected === 'string' && Object.hasOwn(values, selected) ? selected : '';
  return [
    { value: '', text: any, checked: chosen === '' },
    ...Object.entries(values).map(([value, text]) => ({ value, text, checked: value === chosen })),
  ];
};

const pages = (path: string, raw: Raw, page: number, count: number) =>
  pagination(page, count, (n) => hrefWith(path, raw, { page: String(n) }));

/** A provider's facts as shown (see facts-view.ts), and its status in words. */
export function providerFacts(p: Provider) {
  return { ...shownFacts(p), status: STATUSES[p.status] };
}

/** The countries a provider covers, in words: a list, or "All countries except …" when that is shorter. */
function countryListText(codes: string[] | 'all' | 'unknown'): string | null {
  if (codes === 'unknown') return null;
  if (codes === 'all') return 'All countries';
  const names = (list: string[]) =>
    list
      .map(countryName)
      .sort((a, b) => a.localeCompare(b, 'en-GB'))
      .join(', ');
  if (codes.length > countries.length / 2) {
    const included = new Set(codes);
    return `All countries except ${names(countries.filter((c) => !included.has(c.code)).map((c) => c.code))}`;
  }
  return names(codes);
}

/** "May 2022" for a month, "26 July 2023" for a day. */
const listedDate = (d: string) =>
  /^\d{4}-\d{2}$/.test(d) ? `${MONTHS[Number(d.slice(5)) - 1]} ${d.slice(0, 4)}` : govukDate(d);

/** When DfE's list showed the provider: "from May 2022 to 26 July 2023", "from 18 January 2023". */
export function listedText(periods: Provider['listedPeriods']): string | null {
  if (!periods.length) return null;
  return periods.map((p) => `from ${listedDate(p.from)}${p.to ? ` to ${listedDate(p.to)}` : ''}`).join('; ');
}

/** A source written as "who, what, https://…": its words and its address apart, for a link. */
function sourceParts(source: string): { text: string; href: string | null } {
  const m = /^(.*?),?\s*(https:\/\/\S+)$/.exec(source);
  return m ? { text: m[1]!, href: m[2]! } : { text: source, href: null };
}

export function registerProviderRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/providers', async (request, reply) => {
    const raw = request.query as Raw;
    const query = parseProviderQuery(raw);
    const found = query.errors.length === 0 && !query.resolution.choices ? await findProviders(db, query) : null;
    const place = query.resolution.place;
    return renderPage(reply.code(query.errors.length ? 400 : 200), 'providers/views/finder.njk', {
      pageTitle: 'Find an iQTS training provider',
      metaDescription:
        'Find an approved iQTS training provider that takes trainees where you live, and compare fees, age groups, study modes and placement schools.',
      currentPath: '/providers',
      placeAutocomplete: true,
      errors: errorSummary(query.errors),
      fieldErrors: fieldErrors(query.errors),
      values: Object.fromEntries(
        FILTER_KEYS.map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string).slice(0, 100) : '']),
      ),
      countries: [
        { value: '', text: 'Any country' },
        ...countryOptions().map((c) => ({ ...c, selected: c.value === query.countryCode })),
      ],
      phaseItems: radioItems(PHASES, raw['phase'], 'Any age group'),
      approachItems: radioItems(APPROACHES, raw['approach'], 'Any approach'),
      deliveryItems: radioItems(DELIVERY, raw['delivery'], 'Any way'),
      modeItems: radioItems(STUDY_MODES, raw['mode'], 'Full time or part time'),
      activeFilters: [
        'near',
        'place',
        'country',
        'phase',
        'subject',
        'approach',
        'delivery',
        'mode',
        'maxFee',
        'confirmed',
      ]
        .filter((k) => typeof raw[k] === 'string' && (raw[k] as string).trim() !== '')
        .filter((k) => k !== 'place' || !(typeof raw['near'] === 'string' && raw['near'].trim() !== '')).length,
      sortItems: Object.entries(SORTS).map(([value, text]) => ({ value, text, selected: value === query.sort })),
      placeText: place ? placeLabel(place) : undefined,
      whereText: place ? placeLabel(place) : query.countryCode ? countryName(query.countryCode) : undefined,
      choices: query.resolution.choices?.map((c) => ({
        text: placeLabel(c),
        href: hrefWith('/providers', raw, { near: undefined, place: String(c.id) }),
      })),
      found: found && {
        total: found.total,
        known: found.known,
        notSaid: found.notSaid,
        results: found.results.map((r) => ({
          notSaid: r.coverage?.includes === 'unknown',
          name: r.provider.name,
          href: hrefWith(`/providers/${r.provider.slug}`, raw),
          isSample: r.provider.isSample,
          coverageText: r.coverageText,
          coverageAnswer: r.coverage,
          nearest: r.nearestKm === null ? null : km(r.nearestKm),
          notStated: r.notStated,
          ...providerFacts(r.provider),
        })),
        pagination: pages('/providers', raw, query.page, found.pages),
        // Shown with the first page only: they are not results, just news about providers the candidate may know.
        suspended:
          query.page === 1
            ? found.suspended.map((p) => ({ name: p.name, href: hrefWith(`/providers/${p.slug}`, raw) }))
            : [],
        from: (query.page - 1) * PAGE_SIZE + 1,
        pageBeyondEnd: query.page > found.pages,
      },
      clearHref: '/providers',
      placementSchoolsHref: place ? hrefWith('/placement-schools', { place: String(place.id) }) : '/placement-schools',
    });
  });

  app.get<{ Params: { slug: string } }>('/providers/:slug', async (request, reply) => {
    const slug = request.params.slug;
    const provider = /^[a-z0-9-]{1,120}$/.test(slug) ? await providerBySlug(db, slug) : undefined;
    if (!provider) return reply.callNotFound();
    const raw = request.query as Raw;
    const errors: FieldError[] = [];
    const resolution = resolvePlace(raw, errors);
    const place = resolution.place;
    const date = today();
    // Where the candidate lives, as the finder was told it: a place, or else a country.
    const countryCode =
      typeof raw['country'] === 'string' ? countryByCode(raw['country'].toUpperCase())?.code : undefined;
    const where: CandidateLocation | undefined = place
      ? { country: place.country, point: { lat: place.lat, lon: place.lon } }
      : countryCode
        ? { country: countryCode }
        : undefined;
    const coverageHere = where ? coverageIncludes(provider.coverage, where, date) : undefined;
    const codes = coverageCountryCodes(provider.coverage, date);
    const nearby = place
      ? await schoolsNear(db, {
          point: { lat: place.lat, lon: place.lon },
          radiusKm: 250,
          providerId: provider.id,
          limit: 5,
          offset: 0,
        })
      : null;
    const region = provider.coverage.kind === 'region' ? REGIONS[provider.coverage.region] : undefined;
    return renderPage(reply, 'providers/views/profile.njk', {
      pageTitle: provider.name,
      metaDescription: `${provider.name}, iQTS training provider: where it takes trainees, fees, age groups, study mode and placement schools, with sources.`,
      currentPath: '/providers',
      backLink: { href: hrefWith('/providers', raw), text: 'Back to providers' },
      provider,
      facts: providerFacts(provider),
      coverageText: describeCoverage(provider.coverage, date),
      coverageCountries: countryListText(codes),
      coverageMap: coverageMap(provider, date),
      regionSource: region && { name: region.name, ...sourceParts(region.source) },
      listed: listedText(provider.listedPeriods),
      notTaking: notTakingApplications(provider.status),
      statusChangedText: provider.statusChangedOn ? govukDate(provider.statusChangedOn) : null,
      placeText: place ? placeLabel(place) : undefined,
      coverageHere,
      whereText: place ? placeLabel(place) : where ? countryName(where.country) : undefined,
      // Only when the answer can differ by country: offer to check where the candidate lives.
      checkWhere:
        !where && provider.status === 'approved' && codes !== 'all' && codes !== 'unknown'
          ? { countries: [{ value: '', text: 'Select a country' }, ...countryOptions()] }
          : undefined,
      findHereHref: where ? hrefWith('/providers', raw) : undefined,
      applyHref: `/application/provider?provider=${provider.slug}`,
      nearby: nearby && {
        total: nearby.total,
        schools: nearby.schools.map((s) => ({ ...s, distance: km(s.distanceKm), countryName: countryName(s.country) })),
      },
      placementSchoolsHref: place ? hrefWith('/placement-schools', { place: String(place.id) }) : undefined,
    });
  });

  app.get('/placement-schools', async (request, reply) => {
    const raw = request.query as Raw;
    const query = parseSchoolQuery(raw);
    const place = query.resolution.place;
    const found = place && query.errors.length === 0 ? await findSchools(db, query, place) : null;
    const wider = nextRadius(query.radiusKm);
    return renderPage(reply.code(query.errors.length ? 400 : 200), 'providers/views/placement-schools.njk', {
      pageTitle: 'Find placement schools near you',
      metaDescription:
        'Find iQTS providers’ partner placement schools near the town or city where you live, nearest first.',
      currentPath: '/placement-schools',
      placeAutocomplete: true,
      errors: errorSummary(query.errors),
      fieldErrors: fieldErrors(query.errors),
      near: query.near ?? (place ? placeLabel(place) : ''),
      radiusItems: RADII.map((r) => ({ value: String(r), text: `${r} km`, selected: r === query.radiusKm })),
      choices: query.resolution.choices?.map((c) => ({
        text: placeLabel(c),
        href: hrefWith('/placement-schools', raw, { near: undefined, place: String(c.id) }),
      })),
      placeText: place ? placeLabel(place) : undefined,
      radiusKm: query.radiusKm,
      found: found && {
        total: found.total,
        schools: found.schools.map((s) => ({
          ...s,
          distance: km(s.distanceKm),
          countryName: countryName(s.country),
          phaseText: s.phases?.map((p) => PHASES[p as keyof typeof PHASES] ?? p),
        })),
        pagination: pages('/placement-schools', raw, query.page, found.pages),
        from: (query.page - 1) * PAGE_SIZE + 1,
      },
      widerHref: wider ? hrefWith('/placement-schools', raw, { radius: String(wider) }) : undefined,
      wider,
      providersHref: place ? hrefWith('/providers', { place: String(place.id) }) : '/providers',
    });
  });
}
