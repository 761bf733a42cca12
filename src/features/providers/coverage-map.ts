import { govukDate } from '../../shared/dates.ts';
import { countries, REGIONS } from '../../shared/places/countries.ts';
import { coverageMapHtml } from '../oversight/world-map.ts';
import { coverageCountryCodes, type Coverage } from './coverage.ts';

/**
 * The map on a provider's profile: the countries where it takes trainees, and those it names
 * as excluded. Pure. It says no more than the coverage does: nothing when the provider has
 * not said where it takes trainees, and nothing for "worldwide" with no exceptions (a map
 * coloured everywhere adds nothing to "All countries"). The same countries are in the
 * profile's "Countries" row, which is the map's text equivalent.
 */
export interface CoverageMap {
  html: string;
  caption: string;
}

export function coverageMap(provider: { name: string; coverage: Coverage }, today: string): CoverageMap | null {
  const coverage = provider.coverage;
  const codes = coverageCountryCodes(coverage, today);
  if (codes === 'all' || codes === 'unknown') return null;
  const included = new Set(codes);
  const base = {
    id: 'coverage-map',
    title: `Map of where ${provider.name} takes trainees`,
    description: 'The same countries are listed under “Countries” on this page.',
    included,
  };
  switch (coverage.kind) {
    case 'worldwide': {
      const excluded = new Set(countries.map((c) => c.code).filter((c) => !included.has(c)));
      const before = coverage.excludedUntil ? ` before ${govukDate(coverage.excludedUntil)}` : '';
      return {
        html: coverageMapHtml({
          ...base,
          excluded,
          includedText: 'takes trainees',
          excludedText: `does not take trainees${before}`,
        }),
        caption: `${provider.name} takes trainees in every country in blue; not in those in red${before}.`,
      };
    }
    case 'countries':
      return {
        html: coverageMapHtml({ ...base, includedText: 'takes trainees', otherText: 'not in its list' }),
        caption: `The countries where ${provider.name} takes trainees, in blue. Small countries are shown as dots.`,
      };
    case 'region': {
      const region = REGIONS[coverage.region];
      if (!region) return null;
      return {
        html: coverageMapHtml({
          ...base,
          includedText: `in the ${region.name} region`,
          otherText: 'not in the region',
        }),
        caption: `${provider.name} takes trainees in the ${region.name} region: its countries, as defined in the source below, in blue. Small countries are shown as dots.`,
      };
    }
    case 'campus':
      // The point is the town's (from the place data), not the campus's own address: the mark names the town.
      return {
        html: coverageMapHtml({
          ...base,
          includedText: 'the country of its campus',
          otherText: 'elsewhere',
          mark: { point: coverage.point, text: `${coverage.campus}, where its campus is` },
        }),
        caption: `${provider.name}’s campus is in ${coverage.campus}, marked on the map, and its country is in blue. Trainees must live near the campus, not just in the country.`,
      };
    case 'unknown':
      return null;
  }
}
