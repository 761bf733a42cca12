import { csvCell } from '../../shared/csv.ts';
import { govukDate, govukDateTime } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import type { AdviserFigures } from '../advisers/repository.ts';
import { barChart, monthChart, type ChartDatum } from './charts.ts';
import type { Figures } from './figures.ts';
import { percent, suppressCount, suppressGroup, suppressRate, suppressStatistic, type Shown } from './suppression.ts';

/**
 * From the figures to what a page shows: a section per figure, each a chart (or the place
 * for one) and the table of its data. The dashboard shows every number; the open
 * statistics ('public') show the same sections with small numbers withheld
 * (suppression.ts), and their CSV is built from the very same tables. Pure.
 */
export type Audience = 'admin' | 'public';

export interface FigureTable {
  caption: string;
  head: string[];
  /** `measures`: what the row's cells measure, when not the columns' heads (the CSV says it). */
  rows: { label: string; cells: Shown[]; measures?: string[] }[];
}

export interface Section {
  id: string;
  heading: string;
  /** Sentences before the chart: totals, medians. */
  summary: string[];
  /** SVG markup, or null when this section has no chart of its own. */
  chart: string | null;
  table: FigureTable;
  /** Definitions after the table. */
  notes: string[];
}

const exact = (n: number): Shown => ({ value: n, text: n.toLocaleString('en-GB') });
const days = (n: number | null): Shown =>
  n === null ? { value: null, text: 'no decisions yet' } : { value: n, text: `${n} ${n === 1 ? 'day' : 'days'}` };

/** Counts that add up to a published total: exact for admins, suppressed in the open statistics. */
const group = (audience: Audience, counts: number[]): Shown[] =>
  audience === 'admin' ? counts.map(exact) : suppressGroup(counts);
const one = (audience: Audience, count: number): Shown => (audience === 'admin' ? exact(count) : suppressCount(count));

const datum = (label: string, shown: Shown): ChartDatum => ({ label, value: shown.value, text: shown.text });

export function figureSections(f: Figures, audience: Audience): Section[] {
  const sections: Section[] = [];
  const who = audience === 'admin' ? '' : ' Numbers under 5 are shown as “fewer than 5”.';

  // Applications by status.
  const statusCells = group(
    audience,
    f.applications.byStatus.map((s) => s.count),
  );
  const total = one(audience, f.applications.total);
  sections.push({
    id: 'applications-by-status',
    heading: 'Applications by status',
    summary: [`${total.text} applications submitted.`],
    chart: barChart({
      id: 'chart-applications-by-status',
      title: 'Applications by status',
      description: `Bar chart of submitted applications in each status.${who} The table after the chart gives the figures.`,
      data: f.applications.byStatus.map((s, i) => datum(s.label, statusCells[i]!)),
    }),
    table: {
      caption: 'Applications by status',
      head: ['Status', 'Applications'],
      rows: f.applications.byStatus.map((s, i) => ({ label: s.label, cells: [statusCells[i]!] })),
    },
    notes: ['Applications not yet submitted are not counted.'],
  });

  // Applications by month of submission.
  const monthCells = group(
    audience,
    f.applications.byMonth.map((m) => m.count),
  );
  sections.push({
    id: 'applications-by-month',
    heading: 'Applications submitted by month',
    summary: [],
    chart: f.applications.byMonth.length
      ? monthChart({
          id: 'chart-applications-by-month',
          title: 'Applications submitted by month',
          description: `Line chart of applications submitted each month, ${f.applications.byMonth[0]!.label} to ${f.applications.byMonth.at(-1)!.label}.${who} The table after the chart gives the figures.`,
          data: f.applications.byMonth.map((m, i) => datum(m.label, monthCells[i]!)),
        })
      : null,
    table: {
      caption: 'Applications submitted by month',
      head: ['Month', 'Applications submitted'],
      rows: f.applications.byMonth.map((m, i) => ({ label: m.label, cells: [monthCells[i]!] })),
    },
    notes: [],
  });

  // Time from submission to decision.
  const decisions = one(audience, f.decisions.count);
  const median =
    audience === 'admin' ? days(f.decisions.medianDays) : suppressStatistic(f.decisions.medianDays, f.decisions.count);
  const p90 =
    audience === 'admin' ? days(f.decisions.p90Days) : suppressStatistic(f.decisions.p90Days, f.decisions.count);
  const waitCells = group(
    audience,
    f.decisions.byWait.map((w) => w.count),
  );
  sections.push({
    id: 'time-to-decision',
    heading: 'Time from submission to decision',
    summary: [
      `${decisions.text} applications have had a decision.`,
      `Median time to a decision: ${median.text}. 90% of decisions were made within ${p90.text}.`,
    ],
    chart: barChart({
      id: 'chart-time-to-decision',
      title: 'Time from submission to decision',
      description: `Bar chart of decisions by the time they took, in weeks.${who} The table after the chart gives the figures.`,
      data: f.decisions.byWait.map((w, i) => datum(w.label, waitCells[i]!)),
    }),
    table: {
      caption: 'Decisions by time from submission',
      head: ['Time to decision', 'Decisions'],
      rows: [
        ...f.decisions.byWait.map((w, i) => ({ label: w.label, cells: [waitCells[i]!] })),
        { label: 'Median', cells: [median], measures: ['Days from submission'] },
        { label: '90th percentile', cells: [p90], measures: ['Days from submission'] },
      ],
    },
    notes: [
      'A decision is the provider’s first offer or rejection; an invitation to interview is not one. Days are whole days from submission, and the median and 90th percentile are the nearest-rank values.',
    ],
  });

  // Offers and acceptance by provider.
  const providerRows = f.offersByProvider.map((p) => {
    if (audience === 'admin')
      return {
        label: p.providerName,
        cells: [
          exact(p.applications),
          exact(p.offers),
          exact(p.accepted),
          p.offers
            ? { value: p.accepted / p.offers, text: percent(p.accepted / p.offers) }
            : { value: null, text: 'no offers' },
        ],
      };
    const r = suppressRate(p.accepted, p.offers);
    return { label: p.providerName, cells: [suppressCount(p.applications), r.whole, r.part, r.rate] };
  });
  if (audience === 'public') {
    // Applications per provider add up to the published total.
    const apps = suppressGroup(f.offersByProvider.map((p) => p.applications));
    providerRows.forEach((r, i) => (r.cells[0] = apps[i]!));
  }
  sections.push({
    id: 'offers-by-provider',
    heading: 'Offers and acceptance rate by provider',
    summary: [],
    chart: f.offersByProvider.length
      ? barChart({
          id: 'chart-offers-by-provider',
          title: 'Offers made by provider',
          description: `Bar chart of the offers each provider has made.${who} The table after the chart gives applications, offers, acceptances and the acceptance rate.`,
          data: providerRows.map((r) => datum(r.label, r.cells[1]!)),
        })
      : null,
    table: {
      caption: 'Offers and acceptance rate by provider',
      head: ['Provider', 'Applications', 'Offers made', 'Offers accepted', 'Acceptance rate'],
      rows: providerRows,
    },
    notes: [
      'Offers made: applications that reached an offer, whatever happened next. Offers accepted: those the candidate accepted (conditions pending, recruited, or conditions not met). Acceptance rate: offers accepted as a share of offers made.',
    ],
  });

  // Trainees by state.
  const stateCells = group(
    audience,
    f.trainees.byState.map((s) => s.count),
  );
  sections.push({
    id: 'trainees-by-state',
    heading: 'Trainees by state',
    summary: [`${one(audience, f.trainees.total).text} trainees.`],
    chart: barChart({
      id: 'chart-trainees-by-state',
      title: 'Trainees by state',
      description: `Bar chart of trainees in each state of training.${who} The table after the chart gives the figures.`,
      data: f.trainees.byState.map((s, i) => datum(s.label, stateCells[i]!)),
    }),
    table: {
      caption: 'Trainees by state',
      head: ['State', 'Trainees'],
      rows: f.trainees.byState.map((s, i) => ({ label: s.label, cells: [stateCells[i]!] })),
    },
    notes: [],
  });

  // Confirmed time in school against the requirement.
  const bandCells = group(
    audience,
    f.progress.bands.map((b) => b.trainees),
  );
  const behindCells = group(
    audience,
    f.progress.bands.map((b) => b.behind),
  );
  sections.push({
    id: 'progress',
    heading: 'Confirmed time in school against the requirement',
    summary: [
      `${one(audience, f.progress.behind).text} of ${one(audience, f.progress.inTraining).text} trainees in training are behind: at their pace so far, they will not meet the requirement by their expected end date.`,
    ],
    chart: barChart({
      id: 'chart-progress',
      title: 'Trainees in training by confirmed time against the requirement',
      description: `Bar chart of trainees in training by how much of the placement requirement their confirmed days or weeks meet.${who} The table after the chart also gives how many in each band are behind.`,
      data: f.progress.bands.map((b, i) => datum(b.label, bandCells[i]!)),
    }),
    table: {
      caption: 'Trainees in training by share of the requirement confirmed',
      head: ['Share of the requirement confirmed', 'Trainees', 'Of whom behind'],
      rows: f.progress.bands.map((b, i) => ({ label: b.label, cells: [bandCells[i]!, behindCells[i]!] })),
    },
    notes: [
      'The requirement is the one in the trainee’s criteria: 120 days for courses that started before 7 April 2025, 24 weeks after. Only days a mentor has confirmed count. A trainee is behind when, at their pace so far, they will not meet it by their expected end date, or have no confirmed time yet.',
    ],
  });

  // Trainees and placement schools by country: the table here; the map is drawn beside it.
  const countryTrainees = group(
    audience,
    f.trainees.byCountry.map((c) => c.trainees),
  );
  const countrySchools =
    audience === 'admin'
      ? f.trainees.byCountry.map((c) => exact(c.schools))
      : f.trainees.byCountry.map((c) => suppressCount(c.schools));
  sections.push({
    id: 'by-country',
    heading: 'Trainees and placement schools by country',
    summary: [],
    chart: null,
    table: {
      caption: 'Trainees and placement schools by country',
      head: ['Country', 'Trainees', 'Placement schools'],
      rows: f.trainees.byCountry.map((c, i) => ({
        label: countryName(c.country),
        cells: [countryTrainees[i]!, countrySchools[i]!],
      })),
    },
    notes: [
      'Trainees by their training country; placement schools are the schools where those trainees have a placement, by the school’s country.',
    ],
  });

  // Awards by month.
  const awardCells = group(
    audience,
    f.awards.byMonth.map((m) => m.count),
  );
  const revokedCells = group(
    audience,
    f.awards.byMonth.map((m) => m.revoked),
  );
  sections.push({
    id: 'awards-by-month',
    heading: 'iQTS awarded by month',
    summary: [
      `${one(audience, f.awards.total).text} awards of iQTS (with QTS); ${one(audience, f.awards.revoked).text} since revoked.`,
    ],
    chart: f.awards.byMonth.length
      ? monthChart({
          id: 'chart-awards-by-month',
          title: 'iQTS awarded by month',
          description: `Line chart of iQTS awards made each month, ${f.awards.byMonth[0]!.label} to ${f.awards.byMonth.at(-1)!.label}.${who} The table after the chart gives the figures.`,
          data: f.awards.byMonth.map((m, i) => datum(m.label, awardCells[i]!)),
        })
      : null,
    table: {
      caption: 'iQTS awarded by month',
      head: ['Month', 'Awards', 'Since revoked'],
      rows: f.awards.byMonth.map((m, i) => ({ label: m.label, cells: [awardCells[i]!, revokedCells[i]!] })),
    },
    notes: ['By the month the DfE made the award.'],
  });

  return sections;
}

/** A section's table as govukTable rows. */
export function tableRows(t: FigureTable) {
  return t.rows.map((r) => [{ text: r.label }, ...r.cells.map((c) => ({ text: c.text, format: 'numeric' }))]);
}

export function tableHead(t: FigureTable) {
  return t.head.map((h, i) => (i === 0 ? { text: h } : { text: h, format: 'numeric' }));
}

/** The open statistics as CSV: one line per figure, from the same (suppressed) tables. */
export function statisticsCsv(sections: Section[], madeAt: string): string {
  const lines = [['figure', 'group', 'measure', 'value', 'made_at'].join(',')];
  for (const s of sections)
    for (const r of s.table.rows)
      r.cells.forEach((c, i) => {
        const value = c.value !== null && Number.isInteger(c.value) ? String(c.value) : c.text;
        const measure = r.measures?.[i] ?? s.table.head[i + 1] ?? '';
        lines.push([s.table.caption, r.label, measure, value, madeAt].map(csvCell).join(','));
      });
  return lines.join('\r\n') + '\r\n';
}

/** "Figures made at 30 November 2026 at 2:05pm (UTC)". */
export const madeAtText = (madeAt: string) => `Figures made on ${govukDateTime(madeAt)}`;

/** The filters in words, for the page's heading area. */
export function filterSummary(f: Figures['filters'], providerName: (id: number) => string | undefined): string[] {
  const out: string[] = [];
  if (f.providerId !== null) out.push(`Provider: ${providerName(f.providerId) ?? f.providerId}`);
  if (f.country) out.push(`Country: ${countryName(f.country)}`);
  if (f.cohort) out.push(`Cohort: ${f.cohort}`);
  if (f.from) out.push(`From ${govukDate(f.from)}`);
  if (f.to) out.push(`To ${govukDate(f.to)}`);
  return out;
}

/**
 * The advisers' figures (features/advisers adviserFigures), for DfE admins only: requests by
 * the candidate's country and month, time to first contact, and what became of callbacks.
 */
export function adviserSections(f: AdviserFigures): Section[] {
  const total = f.requestsByCountryMonth.reduce((sum, r) => sum + r.requests, 0);
  const month = (m: string) =>
    new Date(`${m}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const hours = (n: number | null) => (n === null ? 'none yet' : `${n} ${n === 1 ? 'hour' : 'hours'}`);
  const { contacted, waiting, medianHours, meanHours } = f.timeToFirstContact;
  const c = f.callbacks;
  return [
    {
      id: 'adviser-requests',
      heading: 'Requests for a teacher training adviser',
      summary: [`${exact(total).text} ${total === 1 ? 'request' : 'requests'} in all.`],
      chart: null,
      table: {
        caption: 'Requests for an adviser by country and month asked',
        head: ['Country and month', 'Requests'],
        rows: f.requestsByCountryMonth.map((r) => ({
          label: `${countryName(r.country)}, ${month(r.month)}`,
          cells: [exact(r.requests)],
        })),
      },
      notes: ['Months are in UTC. The country is the one the candidate said they live in.'],
    },
    {
      id: 'adviser-contact',
      heading: 'Advisers: first contact and callbacks',
      summary: [
        `Time from a request to the first call that reached the candidate: median ${hours(medianHours)}, mean ${hours(meanHours)}, over ${exact(contacted).text} ${contacted === 1 ? 'candidate' : 'candidates'}; ${exact(waiting).text} still waiting.`,
      ],
      chart: null,
      table: {
        caption: 'Callbacks by what became of them',
        head: ['Callbacks', 'Number'],
        rows: [
          { label: 'Booked, still to come', cells: [exact(c.booked)] },
          { label: 'Kept', cells: [exact(c.kept)] },
          { label: 'Missed', cells: [exact(c.missed)] },
          { label: 'Cancelled', cells: [exact(c.cancelled)] },
          { label: 'Moved to another time', cells: [exact(c.moved)] },
        ],
      },
      notes: [],
    },
  ];
}
