import { govukDate } from '../../shared/dates.ts';
import { escapeHtml } from '../../shared/html.ts';
import { addDays, dayName } from '../../shared/local-dates.ts';
import { DAY_KINDS, DAY_STATUSES, longDate, type DayKind } from './day-log.ts';
import type { TraineeRecord } from './repository.ts';
import { CRITERIA_VERSIONS, STUDY_MODES, type Progress } from './requirements.ts';
import { JUDGEMENTS, REVIEW_KINDS, REVIEW_OUTCOMES, STANDARDS, STANDARD_IDS } from './standards.ts';
import { TRAINEE_STATES } from './state-machine.ts';

/**
 * What the trainee, their mentor and their provider see of a record: the same words and
 * figures on every side. Pure: from the record to view data.
 */
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const figure = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function progressSummary(p: Progress, criteriaVersion: keyof typeof CRITERIA_VERSIONS) {
  const criteria = CRITERIA_VERSIONS[criteriaVersion];
  const unitText = p.unit === 'days' ? 'days' : 'weeks';
  return {
    headline: `${figure(p.achieved)} of ${p.required} ${unitText} confirmed`,
    met: p.met,
    rows: [
      { key: { text: 'Requirement' }, value: { text: `At least ${p.required} ${unitText} in school` } },
      { key: { text: 'Criteria' }, value: { text: criteria.label } },
      { key: { text: 'Days confirmed' }, value: { text: figure(p.confirmedDays) } },
      {
        key: { text: 'Weeks confirmed' },
        value: { text: `${p.countedWeeks} (a week counts at ${plural(p.weekThreshold, 'confirmed day')})` },
      },
      { key: { text: 'Awaiting the mentor' }, value: { text: plural(p.awaitingDays, 'day') } },
      { key: { text: 'Queried' }, value: { text: plural(p.queriedDays, 'day') } },
      {
        key: { text: p.met ? 'Requirement met' : 'Projected completion' },
        value: {
          text: p.met
            ? govukDate(p.metOn)
            : p.projectedCompletion
              ? `${govukDate(p.projectedCompletion)} at the current pace${p.behind ? ' – after the expected end date' : ''}`
              : 'Not yet known: no confirmed time in school so far',
        },
      },
    ],
    source: criteria.source,
  };
}

/**
 * A bar chart of confirmed days by week, as SVG drawn on the server (no JavaScript), with
 * the threshold for a week to count as a line. Its data is also given as a table beside it.
 */
export function weeksChart(p: Progress, title: string): string {
  const weeks = p.weeks.slice(-40);
  const barWidth = 18;
  const gap = 4;
  const height = 160;
  const top = 10;
  const left = 34;
  const maxDays = Math.max(7, ...weeks.map((w) => w.confirmedDays));
  const scale = (height - top) / maxDays;
  const width = left + Math.max(1, weeks.length) * (barWidth + gap) + 10;
  const bars = weeks
    .map((w, i) => {
      const h = w.confirmedDays * scale;
      const x = left + i * (barWidth + gap);
      const cls = w.counts ? 'app-chart__bar app-chart__bar--counts' : 'app-chart__bar';
      return `<rect class="${cls}" x="${x}" y="${(height - h).toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}"><title>Week of ${escapeHtml(govukDate(w.start))}: ${figure(w.confirmedDays)} days${w.counts ? ', counts' : ''}</title></rect>`;
    })
    .join('');
  const y = (height - p.weekThreshold * scale).toFixed(1);
  const ticks = [0, Math.round(maxDays / 2), maxDays]
    .map((t) => {
      const ty = (height - t * scale).toFixed(1);
      return `<text class="app-chart__label" x="${left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${t}</text>`;
    })
    .join('');
  const desc = `${weeks.length} weeks shown. ${p.countedWeeks} weeks reached ${figure(p.weekThreshold)} confirmed days and count. The table after the chart gives each week.`;
  return (
    `<svg class="app-chart" viewBox="0 0 ${width} ${height + 24}" width="${width}" height="${height + 24}" role="img" aria-labelledby="chart-title chart-desc" focusable="false">` +
    `<title id="chart-title">${escapeHtml(title)}</title><desc id="chart-desc">${escapeHtml(desc)}</desc>` +
    `<line class="app-chart__axis" x1="${left}" y1="${height}" x2="${width}" y2="${height}"/>` +
    ticks +
    bars +
    `<line class="app-chart__threshold" x1="${left}" y1="${y}" x2="${width}" y2="${y}"/>` +
    `<text class="app-chart__label" x="${left}" y="${height + 18}">${escapeHtml(govukDate(weeks[0]?.start ?? null))}</text>` +
    `</svg>`
  );
}

export function weeksTable(p: Progress) {
  return [...p.weeks]
    .reverse()
    .map((w) => [
      { text: `${govukDate(w.start)} to ${govukDate(addDays(w.start, 6))}` },
      { text: figure(w.confirmedDays), format: 'numeric' },
      { text: w.counts ? 'Yes' : 'No' },
    ]);
}

/** The standards grid: one row per standard, one column per review point. */
export function standardsGrid(record: TraineeRecord) {
  const head = [
    { text: 'Standard' },
    ...record.reviews.map((r) => ({ text: `${REVIEW_KINDS[r.kind]}, ${govukDate(r.date)}` })),
  ];
  const rows = STANDARD_IDS.map((s) => [
    { text: `${STANDARDS[s].short}: ${STANDARDS[s].title}` },
    ...record.reviews.map((r) => {
      const j = r.judgements[s];
      return { text: j ? JUDGEMENTS[j] : 'Not judged' };
    }),
  ]);
  return { head, rows, empty: record.reviews.length === 0 };
}

/** Days grouped by week (newest first), each with the placement, kind and status in words. */
export function daysByWeek(record: TraineeRecord) {
  const schools = new Map(record.placements.map((p) => [p.id, p.schoolName]));
  const weeks = new Map<string, TraineeRecord['days']>();
  for (const d of record.days) {
    const w = addDays(d.date, -((new Date(`${d.date}T00:00:00Z`).getUTCDay() + 6) % 7));
    weeks.set(w, [...(weeks.get(w) ?? []), d]);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([week, days]) => {
      const shown = days.map((d) => ({
        ...d,
        dateText: longDate(d.date),
        dayName: dayName(d.date),
        school: schools.get(d.placementId) ?? '',
        portionText: d.halves === 2 ? 'Full day' : 'Half day',
        kindText: DAY_KINDS[d.kind as DayKind] ?? d.kind,
        statusText: DAY_STATUSES[d.status],
        statusClass:
          d.status === 'confirmed' ? 'govuk-tag--green' : d.status === 'queried' ? 'govuk-tag--red' : 'govuk-tag--blue',
      }));
      return {
        week,
        heading: `Week beginning ${longDate(week)}`,
        awaiting: days.filter((d) => d.status === 'logged').length,
        days: shown,
        rows: shown.map((d) => [
          { text: d.dateText },
          { text: d.school },
          { text: `${d.portionText}, ${d.kindText}${d.note ? `: ${d.note}` : ''}` },
          {
            html:
              `<strong class="govuk-tag ${d.statusClass}">${d.statusText}</strong>` +
              (d.queryReason ? ` <span class="govuk-body-s">${escapeHtml(d.queryReason)}</span>` : ''),
          },
        ]),
      };
    });
}

export function traineeDetails(record: TraineeRecord, countryName: (code: string) => string) {
  const t = record.trainee;
  return [
    { key: { text: 'Status' }, value: { text: TRAINEE_STATES[t.state] } },
    { key: { text: 'Provider' }, value: { text: t.providerName } },
    { key: { text: 'Course' }, value: { text: `${govukDate(t.startDate)} to ${govukDate(t.expectedEndDate)}` } },
    {
      key: { text: 'Study mode' },
      value: { text: `${STUDY_MODES[t.studyMode]}, ${plural(t.daysPerWeek, 'day')} a week` },
    },
    { key: { text: 'Age range' }, value: { text: t.ageRange } },
    { key: { text: 'Subjects' }, value: { text: t.subjects.join(', ') } },
    { key: { text: 'Training country' }, value: { text: countryName(t.trainingCountry) } },
    { key: { text: 'Cohort' }, value: { text: t.cohort } },
  ];
}

export function evidence(record: TraineeRecord) {
  return {
    observations: record.observations.map((o) => ({
      ...o,
      dateText: govukDate(o.date),
      rows: Object.entries(o.judgements).map(([s, j]) => ({
        key: {
          text: `${STANDARDS[s as keyof typeof STANDARDS].short}: ${STANDARDS[s as keyof typeof STANDARDS].title}`,
        },
        value: { text: JUDGEMENTS[j] },
      })),
    })),
    reflections: record.reflections.map((r) => ({
      ...r,
      dateText: govukDate(r.date),
      standardsText: r.standards.map((s) => STANDARDS[s].short).join(', '),
    })),
    reviews: record.reviews.map((r) => ({
      ...r,
      title: `${REVIEW_KINDS[r.kind]}, ${govukDate(r.date)}`,
      outcomeText: REVIEW_OUTCOMES[r.outcome],
    })),
  };
}

export const standardItems = (selected: readonly string[] = []) =>
  STANDARD_IDS.map((s) => ({
    value: s,
    text: `${STANDARDS[s].short}: ${STANDARDS[s].title}`,
    checked: selected.includes(s),
  }));

/** The parts of a record every side's page shows: progress, chart, weeks, days, evidence. */
export function trainingPageData(record: TraineeRecord) {
  return {
    record,
    summary: progressSummary(record.progress, record.trainee.criteriaVersion),
    chart: weeksChart(record.progress, `Confirmed days by week for ${record.trainee.name}`),
    weeksRows: weeksTable(record.progress),
    grid: standardsGrid(record),
    weeks: daysByWeek(record),
    evidence: evidence(record),
    placements: record.placements.map((p) => ({
      ...p,
      dates: `${govukDate(p.startDate)} to ${govukDate(p.endDate)}`,
    })),
    policyNote: record.policy?.note,
  };
}
