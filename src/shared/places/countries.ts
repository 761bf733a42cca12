import { createRequire } from 'node:module';
import type { Countries } from 'world-countries';

/**
 * Countries and territories (ISO 3166-1) from the `world-countries` package
 * (mledoze/countries, ODbL), and the named regions providers use to say where they take
 * trainees. Pure reference data: no I/O beyond the package itself.
 */

// The package is CommonJS whose typings declare a default export; require gives the array itself.
const worldCountries = createRequire(import.meta.url)('world-countries') as Countries;

export interface Country {
  /** ISO 3166-1 alpha-2, upper case. */
  code: string;
  /** Common English name, e.g. "United Arab Emirates". */
  name: string;
  region: string;
  subregion: string;
}

export const countries: readonly Country[] = Object.freeze(
  worldCountries
    .map((c): Country => Object.freeze({ code: c.cca2, name: c.name.common, region: c.region, subregion: c.subregion }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
);

const byCode = new Map(countries.map((c) => [c.code, c]));

/** The country with this ISO 3166-1 alpha-2 code. Codes are upper case: "ae" finds nothing. */
export function countryByCode(code: string): Country | undefined {
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? byCode.get(code) : undefined;
}

export interface Region {
  id: string;
  name: string;
  /** Who defines the region's countries, and where that definition is published. */
  source: string;
  /** ISO 3166-1 alpha-2 codes. */
  countries: string[];
}

const WORLD_BANK_GROUPS =
  'https://datahelpdesk.worldbank.org/knowledgebase/articles/906519-world-bank-country-and-lending-groups';

const region = (r: Region): Region =>
  Object.freeze({ ...r, countries: Object.freeze([...r.countries].sort()) as string[] });

/**
 * Providers name regions in words ("the Middle East and North Africa") without listing the
 * countries, so each region here takes its countries from a published definition and says
 * which. A candidate near a region's edge should still confirm with the provider.
 */
export const REGIONS: Record<string, Region> = Object.freeze({
  'middle-east-and-north-africa': region({
    id: 'middle-east-and-north-africa',
    name: 'Middle East and North Africa',
    source:
      `World Bank country and lending groups: the "Middle East & North Africa" region (21 economies, ` +
      `before the World Bank renamed it "Middle East, North Africa, Afghanistan & Pakistan"), ${WORLD_BANK_GROUPS}`,
    // Algeria, Bahrain, Djibouti, Egypt, Iran, Iraq, Israel, Jordan, Kuwait, Lebanon, Libya, Malta,
    // Morocco, Oman, Qatar, Saudi Arabia, Syria, Tunisia, United Arab Emirates, West Bank and Gaza, Yemen.
    countries: [
      'DZ',
      'BH',
      'DJ',
      'EG',
      'IR',
      'IQ',
      'IL',
      'JO',
      'KW',
      'LB',
      'LY',
      'MT',
      'MA',
      'OM',
      'QA',
      'SA',
      'SY',
      'TN',
      'AE',
      'PS',
      'YE',
    ],
  }),
  'middle-east-north-africa-afghanistan-and-pakistan': region({
    id: 'middle-east-north-africa-afghanistan-and-pakistan',
    name: 'Middle East, North Africa, Afghanistan and Pakistan',
    source: `World Bank country and lending groups: the "Middle East, North Africa, Afghanistan & Pakistan" region, ${WORLD_BANK_GROUPS}`,
    countries: [
      'DZ',
      'BH',
      'DJ',
      'EG',
      'IR',
      'IQ',
      'IL',
      'JO',
      'KW',
      'LB',
      'LY',
      'MT',
      'MA',
      'OM',
      'QA',
      'SA',
      'SY',
      'TN',
      'AE',
      'PS',
      'YE',
      'AF',
      'PK',
    ],
  }),
});

/** "Middle East & North Africa", "middle east and north africa" and the id all match. */
const regionKey = (s: string) =>
  s
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const regionsByKey = new Map<string, Region>();
for (const r of Object.values(REGIONS)) {
  regionsByKey.set(regionKey(r.name), r);
  regionsByKey.set(regionKey(r.id), r);
}

/** The region with this name (case-insensitive; "&" reads as "and") or id. */
export function regionByName(name: string): Region | undefined {
  if (typeof name !== 'string' || name.length > 200) return undefined;
  return regionsByKey.get(regionKey(name));
}
