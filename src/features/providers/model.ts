import { MONTHS } from '../../shared/dates.ts';
import { APPROVAL_STATES } from './approval.ts';
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
/** A provider's approval state in words (the state machine is in approval.ts). */
export const STATUSES = APPROVAL_STATES;

export type Phase = keyof typeof PHASES;
export type Approach = keyof typeof APPROACHES;
export type Delivery = keyof typeof DELIVERY;
export type StudyMode = keyof typeof STUDY_MODES;
export type ProviderStatus = keyof typeof STATUSES;

/** One fact from a provider's own public page: its words, the page's address and the date or intake it shows. */
export interface Fact {
  text: string;
  source: string;
  /** null: the page is undated. */
  asOf: string | null;
}

/** How the provider's page describes its placement schools (data/providers.yaml's own words). */
export const PAGE_APPROACHES = {
  'provider-matches': 'Matches you to one of its partner schools',
  'candidate-arranges': 'You arrange your own placement school',
  'must-be-employed': 'Only for people already working in a school',
  either: 'Matches you to a partner school, or you arrange your own',
} as const;
export type PageApproach = keyof typeof PAGE_APPROACHES;

/**
 * What a provider's own public pages say (data/providers.yaml), each fact with its source.
 * Kept apart from what the provider tells us through the service, which comes first.
 */
export interface PublicFacts {
  fee?: Fact & { amount: number; currency: string };
  feeEarlier?: Fact & { amount: number; currency: string };
  feeNote?: Fact;
  phases?: Fact & { phases: Phase[]; ages: string | null };
  mode?: Fact & { studyModes: StudyMode[] | null };
  delivery?: Fact & { delivery: Delivery[] | null };
  placement?: Fact & { approach: PageApproach; approaches: Approach[] };
  start?: Fact & { months: number[] | null };
  subjects?: Fact & { subjects: string[] };
  contactEmail?: Fact;
  howToApply?: Fact;
  entryExtras?: Fact;
  awardAlongside?: Fact;
  traineesIn?: Fact;
  /** The provider's page and DfE's list disagree: show both. */
  statusConflict?: Fact;
}

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
  /** What DfE's list said about where the provider takes trainees: a source note, not advice to the candidate. */
  coverageNote: string | null;
  /** When DfE's public list showed the provider ('YYYY-MM' or 'YYYY-MM-DD'; to null: still listed). */
  listedPeriods: { from: string; to: string | null }[];
  /** null: the provider has not said. */
  delivery: Delivery[] | null;
  placementApproaches: Approach[] | null;
  phases: Phase[] | null;
  subjects: string[] | null;
  studyModes: StudyMode[] | null;
  feeMinPence: number | null;
  feeMaxPence: number | null;
  startMonths: number[] | null;
  publicFacts: PublicFacts;
  isSample: boolean;
}

/**
 * The values the finder filters and sorts on: what the provider has told us, or else what
 * its own public page says. null: neither says.
 */
export interface StatedValues {
  phases: Phase[] | null;
  approaches: Approach[] | null;
  delivery: Delivery[] | null;
  studyModes: StudyMode[] | null;
  subjects: string[] | null;
  /** A subject list from a public page may be partial: it can include a provider, never exclude it. */
  subjectsPartial: boolean;
  /** Pence; a fee stated only in another currency is not compared with pounds. */
  feeMinPence: number | null;
  feeMaxPence: number | null;
  startMonths: number[] | null;
  contactEmail: string | null;
}

export function statedValues(p: Provider): StatedValues {
  const f = p.publicFacts;
  const pence = f.fee?.currency === 'GBP' ? Math.round(f.fee.amount * 100) : null;
  const ownFee = p.feeMinPence !== null || p.feeMaxPence !== null;
  return {
    phases: p.phases ?? f.phases?.phases ?? null,
    approaches: p.placementApproaches ?? f.placement?.approaches ?? null,
    delivery: p.delivery ?? f.delivery?.delivery ?? null,
    studyModes: p.studyModes ?? f.mode?.studyModes ?? null,
    subjects: p.subjects ?? f.subjects?.subjects ?? null,
    subjectsPartial: p.subjects === null && f.subjects !== undefined,
    feeMinPence: ownFee ? p.feeMinPence : pence,
    feeMaxPence: ownFee ? p.feeMaxPence : pence,
    startMonths: p.startMonths ?? f.start?.months ?? null,
    contactEmail: p.contactEmail ?? f.contactEmail?.text ?? null,
  };
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
  stated: StatedValues;
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
  return matchFilters(provider, filters, today);
}

/**
 * The same test on the filters alone, whatever the provider's approval: the finder uses it
 * to say that a suspended provider the candidate would otherwise see is not taking applications.
 */
export function matchFilters(provider: Provider, filters: ProviderFilters, today: string): ProviderMatch | null {
  const coverage = filters.where ? coverageIncludes(provider.coverage, filters.where, today) : null;
  if (coverage?.includes === 'no') return null;
  const notStated: string[] = [];
  const stated = statedValues(provider);
  const subjectFit: Fit =
    filters.subject === undefined
      ? 'yes'
      : stated.subjects === null
        ? 'not-stated'
        : stated.subjects.some((s) => s.toLowerCase() === filters.subject!.toLowerCase())
          ? 'yes'
          : stated.subjectsPartial
            ? 'not-stated'
            : 'no';
  const checks: [string, Fit][] = [
    ['age group', listFit(stated.phases, filters.phase)],
    ['subject', subjectFit],
    ['placement schools', listFit(stated.approaches, filters.approach)],
    ['delivery', listFit(stated.delivery, filters.delivery)],
    ['study mode', listFit(stated.studyModes, filters.mode)],
    [
      'fees',
      filters.maxFee === undefined
        ? 'yes'
        : stated.feeMinPence === null
          ? 'not-stated'
          : stated.feeMinPence <= filters.maxFee
            ? 'yes'
            : 'no',
    ],
  ];
  for (const [label, fit] of checks) {
    if (fit === 'no') return null;
    if (fit === 'not-stated') notStated.push(label);
  }
  if (filters.confirmedOnly && (notStated.length > 0 || coverage?.includes === 'unknown')) return null;
  return { provider, stated, coverage, notStated };
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
