import { MONTHS } from '../../shared/dates.ts';
import type { Coverage, CandidateLocation, CoverageAnswer } from './coverage.ts';
import { coverageIncludes } from './coverage.ts';

/** The words the service uses for each stated value. */
export const PHASES = { primary: 'Primary (ages 5 to 11)', secondary: 'Secondary (ages 11 to 18)' } as const;
export const APPROACHES = {
  'partner-school': 'Matches you to one of its partner schools',
  'own-school': 'You arrange your own placement school',
  'current-school': 'Accepts the school you already work in',
} as const;
export const DELIVERY = {
  online: 'Online',
  'in-person': 'In person',
  blended: 'Blended (online and in person)',
} as const;
export const STUDY_MODES = { 'full-time': 'Full time', 'part-time': 'Part time' } as const;
export const STATUSES = {
  approved: 'Approved',
  suspended: 'Suspended',
  'no-longer-offering': 'No longer listed as offering iQTS',
} as const;

export type Phase = keyof typeof PHASES;
export type Approach = keyof typeof APPROACHES;
export type Delivery = keyof typeof DELIVERY;
export type StudyMode = keyof typeof STUDY_MODES;
export type ProviderStatus = keyof typeof STATUSES;

export interface Provider {
  id: number;
  slug: string;
  name: string;
  website: string | null;
  contactEmail: string | null;
  status: ProviderStatus;
  approvedOn: string | null;
  statusChangedOn: string | null;
  coverage: Coverage;
  coverageNote: string | null;
  /** null: the provider has not said. */
  delivery: Delivery[] | null;
  placementApproaches: Approach[] | null;
  phases: Phase[] | null;
  subjects: string[] | null;
  studyModes: StudyMode[] | null;
  feeMinPence: number | null;
  feeMaxPence: number | null;
  startMonths: number[] | null;
  isSample: boolean;
}

export interface ProviderFilters {
  where?: CandidateLocation;
  phase?: Phase;
  subject?: string;
  approach?: Approach;
  delivery?: Delivery;
  mode?: StudyMode;
  /** Pence. */
  maxFee?: number;
  /** Only providers that have stated values matching every filter. */
  confirmedOnly?: boolean;
}

/** Does the provider's stated list allow this value? Unstated lists neither match nor exclude. */
export type Fit = 'yes' | 'no' | 'not-stated';
const listFit = <T>(list: T[] | null, value: T | undefined): Fit =>
  value === undefined ? 'yes' : list === null ? 'not-stated' : list.includes(value) ? 'yes' : 'no';

export interface ProviderMatch {
  provider: Provider;
  coverage: CoverageAnswer | null;
  /** Filters the provider has not stated a value for: the candidate should ask. */
  notStated: string[];
}

/**
 * Whether an approved provider belongs in the finder's results for these filters.
 * A provider is left out only by what it has stated (or by where it takes trainees);
 * an unstated value is shown as "contact the provider", never guessed either way.
 */
export function matchProvider(provider: Provider, filters: ProviderFilters, today: string): ProviderMatch | null {
  if (provider.status !== 'approved') return null;
  const coverage = filters.where ? coverageIncludes(provider.coverage, filters.where, today) : null;
  if (coverage?.includes === 'no') return null;
  const notStated: string[] = [];
  const checks: [string, Fit][] = [
    ['age group', listFit(provider.phases, filters.phase)],
    [
      'subject',
      filters.subject === undefined
        ? 'yes'
        : provider.subjects === null
          ? 'not-stated'
          : provider.subjects.some((s) => s.toLowerCase() === filters.subject!.toLowerCase())
            ? 'yes'
            : 'no',
    ],
    ['placement schools', listFit(provider.placementApproaches, filters.approach)],
    ['delivery', listFit(provider.delivery, filters.delivery)],
    ['study mode', listFit(provider.studyModes, filters.mode)],
    [
      'fees',
      filters.maxFee === undefined
        ? 'yes'
        : provider.feeMinPence === null
          ? 'not-stated'
          : provider.feeMinPence <= filters.maxFee
            ? 'yes'
            : 'no',
    ],
  ];
  for (const [label, fit] of checks) {
    if (fit === 'no') return null;
    if (fit === 'not-stated') notStated.push(label);
  }
  if (filters.confirmedOnly && (notStated.length > 0 || coverage?.includes === 'unknown')) return null;
  return { provider, coverage, notStated };
}

/** "£7,950 to £9,950" — or null when the provider has not said. */
export function formatFees(minPence: number | null, maxPence: number | null): string | null {
  const pounds = (p: number) =>
    `£${(p / 100).toLocaleString('en-GB', { minimumFractionDigits: p % 100 ? 2 : 0, maximumFractionDigits: 2 })}`;
  if (minPence === null && maxPence === null) return null;
  if (minPence !== null && maxPence !== null && minPence !== maxPence)
    return `${pounds(minPence)} to ${pounds(maxPence)}`;
  return pounds((minPence ?? maxPence)!);
}

export { MONTHS };

/** A URL segment from a name: "University of Birmingham Dubai" → "university-of-birmingham-dubai". */
export function providerSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
}
