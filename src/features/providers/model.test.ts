import { describe, expect, it } from 'vitest';
import { parseProviderQuery, parseSchoolQuery } from './finder-query.ts';
import { formatFees, matchProvider, providerSlug, statedValues, type Provider } from './model.ts';

const provider = (over: Partial<Provider> = {}): Provider => ({
  id: 1,
  slug: 'p',
  name: 'P',
  website: null,
  contactEmail: null,
  status: 'approved',
  approvedOn: '2023-01-18',
  statusChangedOn: null,
  coverage: { kind: 'worldwide', excludedCountries: [], excludedUntil: null },
  coverageNote: null,
  listedPeriods: [],
  publicFacts: {},
  delivery: null,
  placementApproaches: null,
  phases: null,
  subjects: null,
  studyModes: null,
  feeMinPence: null,
  feeMaxPence: null,
  startMonths: null,
  isSample: false,
  ...over,
});
const TODAY = '2026-11-22';

describe('matching a provider to the finder’s filters', () => {
  it('only approved providers are shown', () => {
    expect(matchProvider(provider({ status: 'suspended' }), {}, TODAY)).toBeNull();
    expect(matchProvider(provider({ status: 'no-longer-offering' }), {}, TODAY)).toBeNull();
    expect(matchProvider(provider(), {}, TODAY)).not.toBeNull();
  });

  it('a stated value that does not fit leaves the provider out; an unstated one keeps it, marked', () => {
    expect(matchProvider(provider({ phases: ['secondary'] }), { phase: 'primary' }, TODAY)).toBeNull();
    expect(
      matchProvider(provider({ phases: ['primary', 'secondary'] }), { phase: 'primary' }, TODAY)?.notStated,
    ).toEqual([]);
    expect(
      matchProvider(provider(), { phase: 'primary', mode: 'part-time', maxFee: 800000 }, TODAY)?.notStated,
    ).toEqual(['age group', 'study mode', 'fees']);
    expect(matchProvider(provider({ subjects: ['Physics'] }), { subject: 'physics' }, TODAY)).not.toBeNull();
    expect(matchProvider(provider({ subjects: ['Physics'] }), { subject: 'Latin' }, TODAY)).toBeNull();
    expect(
      matchProvider(provider({ placementApproaches: ['own-school'] }), { approach: 'partner-school' }, TODAY),
    ).toBeNull();
    expect(matchProvider(provider({ delivery: ['online'] }), { delivery: 'in-person' }, TODAY)).toBeNull();
  });

  it('the maximum fee compares with the lowest fee the provider charges', () => {
    expect(
      matchProvider(provider({ feeMinPence: 795000, feeMaxPence: 995000 }), { maxFee: 800000 }, TODAY),
    ).not.toBeNull();
    expect(
      matchProvider(provider({ feeMinPence: 795000, feeMaxPence: 995000 }), { maxFee: 795000 }, TODAY),
    ).not.toBeNull();
    expect(matchProvider(provider({ feeMinPence: 795000, feeMaxPence: 995000 }), { maxFee: 794999 }, TODAY)).toBeNull();
  });

  it('where the candidate lives decides through the coverage rule', () => {
    const excluding = provider({ coverage: { kind: 'worldwide', excludedCountries: ['US'], excludedUntil: null } });
    expect(matchProvider(excluding, { where: { country: 'US' } }, TODAY)).toBeNull();
    expect(matchProvider(excluding, { where: { country: 'FR' } }, TODAY)?.coverage?.includes).toBe('yes');
    expect(
      matchProvider(provider({ coverage: { kind: 'unknown' } }), { where: { country: 'FR' } }, TODAY)?.coverage
        ?.includes,
    ).toBe('unknown');
  });
});

describe('the values filters read: the provider’s own first, else its public page', () => {
  const page = { source: 'https://example.ac.uk/iqts', asOf: '2024/25' };
  const withPage = provider({
    publicFacts: {
      fee: { ...page, text: '£8,000', amount: 8000, currency: 'GBP' },
      phases: { ...page, text: 'primary', phases: ['primary'], ages: '3-11' },
      mode: { ...page, text: 'part time', studyModes: ['part-time'] },
      placement: { ...page, text: 'x', approach: 'candidate-arranges', approaches: ['own-school'] },
      subjects: { ...page, text: 'chemistry', subjects: ['chemistry'] },
      contactEmail: { ...page, text: 'admissions@example.ac.uk' },
    },
  });

  it('uses the page’s facts where the provider has not told us', () => {
    expect(statedValues(withPage)).toMatchObject({
      phases: ['primary'],
      studyModes: ['part-time'],
      approaches: ['own-school'],
      feeMinPence: 800000,
      contactEmail: 'admissions@example.ac.uk',
    });
    expect(matchProvider(withPage, { phase: 'secondary' }, TODAY)).toBeNull();
    expect(matchProvider(withPage, { maxFee: 799900 }, TODAY)).toBeNull();
    expect(matchProvider(withPage, { phase: 'primary', mode: 'part-time' }, TODAY)?.notStated).toEqual([]);
  });

  it('what the provider tells us wins over its page', () => {
    const told = { ...withPage, phases: ['secondary' as const], feeMinPence: 900000, feeMaxPence: 900000 };
    expect(statedValues(told)).toMatchObject({ phases: ['secondary'], feeMinPence: 900000 });
  });

  it('a fee in another currency is never compared with pounds; a partial subject list never excludes', () => {
    const dirhams = provider({ publicFacts: { fee: { ...page, text: 'AED 69,755', amount: 69755, currency: 'AED' } } });
    expect(statedValues(dirhams).feeMinPence).toBeNull();
    expect(matchProvider(dirhams, { maxFee: 100 }, TODAY)?.notStated).toEqual(['fees']);
    expect(matchProvider(withPage, { subject: 'Chemistry' }, TODAY)?.notStated).toEqual([]);
    expect(matchProvider(withPage, { subject: 'Physics' }, TODAY)?.notStated).toEqual(['subject']);
  });
});

describe('fees and slugs', () => {
  it('formats pence as pounds, a range when min and max differ, nothing when unknown', () => {
    expect(formatFees(795000, 995000)).toBe('£7,950 to £9,950');
    expect(formatFees(850000, 850000)).toBe('£8,500');
    expect(formatFees(850050, null)).toBe('£8,500.50');
    expect(formatFees(null, null)).toBeNull();
  });

  it('makes URL slugs from provider names', () => {
    expect(providerSlug('University of Birmingham Dubai')).toBe('university-of-birmingham-dubai');
    expect(providerSlug("St Mary's University")).toBe('st-marys-university');
    expect(
      providerSlug('National Institute of Teaching and Education (NITE), part of the Coventry University Group'),
    ).toBe('national-institute-of-teaching-and-education-part-of-the-coventry-university-group');
  });
});

describe('reading the finders’ query strings', () => {
  it('accepts known values and reports each bad one against its field', () => {
    expect(
      parseProviderQuery({ country: 'ae', phase: 'primary', maxFee: '£9,000', sort: 'fee', page: '2' }),
    ).toMatchObject({
      countryCode: 'AE',
      filters: { where: { country: 'AE' }, phase: 'primary', maxFee: 900000 },
      sort: 'fee',
      page: 2,
      errors: [],
    });
    const bad = parseProviderQuery({
      country: 'ZZ',
      phase: 'nursery',
      approach: 'x',
      delivery: 'x',
      mode: 'x',
      maxFee: '1e9',
      sort: 'x',
      page: '-1',
    });
    expect(bad.errors.map((e) => e.field)).toEqual([
      'country',
      'phase',
      'approach',
      'delivery',
      'mode',
      'maxFee',
      'sort',
      'page',
    ]);
    expect(parseProviderQuery({ near: ['Dubai', 'Paris'] }).resolution.place?.country).toBe('AE');
  });

  it('radius is one of the offered distances', () => {
    expect(parseSchoolQuery({ near: 'Dubai' }).radiusKm).toBe(50);
    expect(parseSchoolQuery({ near: 'Dubai', radius: '250' }).radiusKm).toBe(250);
    for (const radius of ['-10', '0', '11', '1e9', 'NaN', '50.0001'])
      expect(parseSchoolQuery({ near: 'Dubai', radius }).errors[0]?.field).toBe('radius');
  });
});
