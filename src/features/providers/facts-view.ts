import { MONTHS } from '../../shared/dates.ts';
import {
  APPROACHES,
  DELIVERY,
  PAGE_APPROACHES,
  PHASES,
  STUDY_MODES,
  formatFees,
  statedValues,
  type Fact,
  type Provider,
} from './model.ts';

/**
 * A provider's facts as the finder and the profile show them: what the provider has told us
 * first; else what its own public page says, in the page's words, with the page's address and
 * date; else nothing (the view says "Not stated – contact the provider"). Pure: no HTTP.
 */
export interface ShownSource {
  href: string;
  /** The page's site, as link text: "derby.ac.uk". */
  site: string;
  asOf: string | null;
}

export interface Shown {
  /** null: not stated. */
  text: string | null;
  /** The page's own words, when the text above is the service's summary of them. */
  pageSays?: string;
  /** More from the page that a candidate should weigh (an earlier fee, a fee note). */
  notes?: Shown[];
  source?: ShownSource;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const siteOf = (href: string) => {
  try {
    return new URL(href).hostname.replace(/^www\./, '');
  } catch {
    return href;
  }
};
const sourceOf = (f: Fact): ShownSource => ({ href: f.source, site: siteOf(f.source), asOf: f.asOf });
const fromPage = (f: Fact, text = capitalise(f.text)): Shown => ({ text, source: sourceOf(f) });
const NOT_STATED: Shown = { text: null };
const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
/** "5-11, 7-14" → "5 to 11, 7 to 14". */
const ages = (s: string) => s.replace(/(\d+)\s*-\s*(\d+)/g, '$1 to $2');

export function shownFacts(p: Provider) {
  const f = p.publicFacts;
  const stated = statedValues(p);
  const words = <K extends string>(labels: Record<K, string>, values: K[]) => values.map((v) => labels[v]).join(', ');

  let fees: Shown = NOT_STATED;
  const own = formatFees(p.feeMinPence, p.feeMaxPence);
  if (own) fees = { text: own };
  else if (f.fee) fees = fromPage(f.fee);
  const feeNotes = [
    f.feeEarlier && { ...fromPage(f.feeEarlier, `Earlier: ${f.feeEarlier.text}`) },
    f.feeNote && fromPage(f.feeNote, `The provider’s page says: ${f.feeNote.text}`),
  ].filter((x): x is Shown => Boolean(x));
  if (!own && feeNotes.length) fees = { ...fees, notes: feeNotes };

  const phaseNames = { primary: 'Primary', secondary: 'Secondary' } as const;
  const phases: Shown = p.phases
    ? { text: words(PHASES, p.phases) }
    : f.phases
      ? f.phases.ages
        ? {
            text: capitalise(list(f.phases.phases.map((x) => phaseNames[x].toLowerCase()))),
            pageSays: `ages ${ages(f.phases.ages)}`,
            source: sourceOf(f.phases),
          }
        : { text: words(PHASES, f.phases.phases), source: sourceOf(f.phases) }
      : NOT_STATED;

  return {
    approaches: p.placementApproaches
      ? { text: p.placementApproaches.map((a) => APPROACHES[a]).join('; ') }
      : f.placement
        ? { text: PAGE_APPROACHES[f.placement.approach], pageSays: f.placement.text, source: sourceOf(f.placement) }
        : NOT_STATED,
    phases,
    subjects: p.subjects ? { text: p.subjects.join(', ') } : f.subjects ? fromPage(f.subjects) : NOT_STATED,
    fees,
    delivery: p.delivery ? { text: words(DELIVERY, p.delivery) } : f.delivery ? fromPage(f.delivery) : NOT_STATED,
    studyModes: p.studyModes ? { text: words(STUDY_MODES, p.studyModes) } : f.mode ? fromPage(f.mode) : NOT_STATED,
    startMonths: p.startMonths
      ? { text: p.startMonths.map((m) => MONTHS[m - 1]).join(', ') }
      : f.start
        ? fromPage(f.start)
        : NOT_STATED,
    contactEmail: p.contactEmail
      ? { text: p.contactEmail }
      : f.contactEmail
        ? fromPage(f.contactEmail, f.contactEmail.text)
        : NOT_STATED,
    howToApply: f.howToApply ? fromPage(f.howToApply) : undefined,
    entryExtras: f.entryExtras ? fromPage(f.entryExtras) : undefined,
    awardAlongside: f.awardAlongside ? fromPage(f.awardAlongside) : undefined,
    traineesIn: f.traineesIn ? fromPage(f.traineesIn) : undefined,
    statusConflict: f.statusConflict ? fromPage(f.statusConflict) : undefined,
    /** Where "contact the provider" links: its email, else its website. */
    contactHref: stated.contactEmail ? `mailto:${stated.contactEmail}` : p.website,
  };
}

export type ShownFacts = ReturnType<typeof shownFacts>;
