import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from '../../db/migrations/helpers.ts';
import type { Database } from '../../db/schema.ts';
import { today } from '../../shared/dates.ts';
import { addDays } from '../../shared/local-dates.ts';
import { STATES, isState, type ApplicationState } from '../applications/state-machine.ts';
import { CRITERIA_VERSIONS, dayNumber } from '../training/requirements.ts';
import { TRAINEE_STATES, isTraineeState, type TraineeState } from '../training/state-machine.ts';
import type { Filters } from './filters.ts';
import { talliedByMonth, talliedByProviderStatusAndWait } from './tallies.ts';

/**
 * The national figures: SQL through Kysely, every figure a GROUP BY that works the same on
 * SQLite and PostgreSQL. The applications' figures come from maintained tallies (migration
 * 0027, tallies.ts) unless dates or a country narrow them; everything else, and those, from
 * the covering indexes of migration 0022. What comes back is small (tens
 * to a few thousand grouped rows); the rest (medians, rates, bands) is worked out here.
 * National aggregates hold no one's record, so they take no tenant scope: the route that
 * shows them decides who may see them.
 */

/** Reached an offer: the states an application can only be in after "make an offer". */
export const OFFERED_STATES: readonly ApplicationState[] = [
  'offer',
  'conditions-pending',
  'recruited',
  'conditions-not-met',
  'declined',
  'offer-withdrawn',
];
/** Accepted the offer. */
export const ACCEPTED_STATES: readonly ApplicationState[] = ['conditions-pending', 'recruited', 'conditions-not-met'];

export interface Count<K extends string = string> {
  key: K;
  label: string;
  count: number;
}

export interface ProviderOffers {
  providerId: number;
  providerName: string;
  applications: number;
  offers: number;
  accepted: number;
}

export interface CountryRow {
  country: string;
  trainees: number;
  schools: number;
}

export interface ProgressBand {
  key: 'met' | 'three-quarters' | 'half' | 'quarter' | 'under-quarter';
  label: string;
  trainees: number;
  behind: number;
}

export interface Figures {
  /** ISO timestamp: when these figures were read. */
  madeAt: string;
  filters: Filters;
  applications: {
    total: number;
    byStatus: Count<ApplicationState>[];
    /** YYYY-MM of submission, every month from the first to the last (gaps are 0). */
    byMonth: Count[];
  };
  decisions: {
    /** Applications with a provider's decision (an offer or a rejection). */
    count: number;
    /** Whole days from submission to decision, nearest-rank percentiles; null with no decisions. */
    medianDays: number | null;
    p90Days: number | null;
    /** Decisions by time taken, in bands of weeks. */
    byWait: Count[];
  };
  offersByProvider: ProviderOffers[];
  trainees: {
    total: number;
    byState: Count<TraineeState>[];
    /** Trainees by training country and the placement schools they are placed at. */
    byCountry: CountryRow[];
  };
  progress: {
    /** Trainees in training (the requirement applies to them). */
    inTraining: number;
    /** In training and, at the pace so far, not on track to meet the requirement by their expected end date. */
    behind: number;
    bands: ProgressBand[];
  };
  awards: {
    total: number;
    revoked: number;
    /** YYYY-MM of the award, every month from the first to the last. */
    byMonth: (Count & { revoked: number })[];
  };
}

const n = (v: unknown): number => Number(v ?? 0);

/** The day after a plain date, at midnight: timestamps are compared as ISO text. */
const endOf = (date: string) => `${addDays(date, 1)}T00:00:00.000Z`;

/** Months from first to last inclusive, YYYY-MM. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  const [ly, lm] = last.split('-').map(Number) as [number, number];
  while ((y < ly || (y === ly && m <= lm)) && out.length < 1200) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** "Nov 2026" (charts) or "November 2026" (tables). */
export const monthLabel = (ym: string, long = true): string =>
  `${(long ? MONTH_LONG : MONTH_NAMES)[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;

/** Fills a month series from counts by month; the range follows the filters' dates when given. */
function monthSeries<T extends object>(
  rows: Map<string, T>,
  empty: T,
  filters: Filters,
): { month: string; value: T }[] {
  const keys = [...rows.keys()].sort();
  const first = filters.from?.slice(0, 7) ?? keys[0];
  const last = filters.to?.slice(0, 7) ?? keys.at(-1);
  if (!first || !last) return [];
  return monthsBetween(first, last).map((month) => ({ month, value: rows.get(month) ?? empty }));
}

/**
 * Nearest-rank percentile from a histogram of whole days: the smallest value with at least
 * p of the decisions at or below it. Null when there are none.
 */
export function percentileOfHistogram(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const days of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(days)!;
    if (seen >= rank) return days;
  }
  return null;
}

export const WAIT_BANDS = [
  { key: 'week-1', label: 'Under 1 week', max: 6 },
  { key: 'week-2', label: '1 to 2 weeks', max: 13 },
  { key: 'week-4', label: '2 to 4 weeks', max: 27 },
  { key: 'week-8', label: '4 to 8 weeks', max: 55 },
  { key: 'longer', label: '8 weeks or more', max: Infinity },
] as const;

export const PROGRESS_BANDS: readonly { key: ProgressBand['key']; label: string; min: number }[] = [
  { key: 'met', label: 'Requirement met', min: 1 },
  { key: 'three-quarters', label: '75% to 99%', min: 0.75 },
  { key: 'half', label: '50% to 74%', min: 0.5 },
  { key: 'quarter', label: '25% to 49%', min: 0.25 },
  { key: 'under-quarter', label: 'Under 25%', min: 0 },
];

/** Reads every figure for these filters. */
export async function nationalFigures(db: Kysely<Database>, filters: Filters, now = new Date()): Promise<Figures> {
  const [statusRows, monthRows, traineeRows, progressRows, schoolRows, awardRows, providers] = await Promise.all([
    applicationsByProviderStatusAndWait(db, filters),
    applicationsByMonth(db, filters),
    traineesByStateAndCountry(db, filters),
    traineesInTrainingByProgress(db, filters, dayNumber(today(now))),
    placementSchoolsByCountry(db, filters),
    awardsByMonth(db, filters),
    db.selectFrom('providers').select(['id', 'name']).execute(),
  ]);

  // Applications: by status, decisions, offers by provider: one grouped read.
  const byStatus = new Map<ApplicationState, number>();
  const waits = new Map<number, number>();
  const byProvider = new Map<number, ProviderOffers>();
  const providerName = new Map(providers.map((p) => [p.id, p.name]));
  let total = 0;
  for (const r of statusRows) {
    const count = n(r.n);
    if (!isState(r.status)) continue;
    total += count;
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + count);
    if (r.decision_days !== null) {
      const days = n(r.decision_days);
      waits.set(days, (waits.get(days) ?? 0) + count);
    }
    if (r.provider_id !== null) {
      const id = n(r.provider_id);
      const p = byProvider.get(id) ?? {
        providerId: id,
        providerName: providerName.get(id) ?? `Provider ${id}`,
        applications: 0,
        offers: 0,
        accepted: 0,
      };
      p.applications += count;
      if (OFFERED_STATES.includes(r.status)) p.offers += count;
      if (ACCEPTED_STATES.includes(r.status)) p.accepted += count;
      byProvider.set(id, p);
    }
  }
  const statuses = (Object.keys(STATES) as ApplicationState[]).filter((s) => s !== 'draft');
  const decisions = [...waits.values()].reduce((a, b) => a + b, 0);
  const byWait = WAIT_BANDS.map((b, i) => {
    const min = i === 0 ? 0 : WAIT_BANDS[i - 1]!.max + 1;
    let count = 0;
    for (const [days, c] of waits) if (days >= min && days <= b.max) count += c;
    return { key: b.key, label: b.label, count };
  });

  const months = new Map(monthRows.map((r) => [String(r.month), { count: n(r.n) }]));

  // Trainees by state and country; placement schools by country.
  const byState = new Map<TraineeState, number>();
  const byCountry = new Map<string, CountryRow>();
  let trainees = 0;
  for (const r of traineeRows) {
    const count = n(r.n);
    trainees += count;
    if (isTraineeState(r.state)) byState.set(r.state, (byState.get(r.state) ?? 0) + count);
    const c = byCountry.get(r.training_country) ?? { country: r.training_country, trainees: 0, schools: 0 };
    c.trainees += count;
    byCountry.set(r.training_country, c);
  }
  for (const r of schoolRows) {
    const c = byCountry.get(r.country) ?? { country: r.country, trainees: 0, schools: 0 };
    c.schools += n(r.n);
    byCountry.set(r.country, c);
  }

  // Progress: counted by the database, a row per band and whether behind.
  const bands = PROGRESS_BANDS.map((b) => ({ key: b.key, label: b.label, trainees: 0, behind: 0 }));
  let inTraining = 0;
  let behind = 0;
  for (const r of progressRows) {
    const band = bands[n(r.band)];
    if (!band) continue;
    const count = n(r.n);
    band.trainees += count;
    inTraining += count;
    if (n(r.behind) === 1) {
      band.behind += count;
      behind += count;
    }
  }

  const awardMonths = new Map(awardRows.map((r) => [String(r.month), { count: n(r.n), revoked: n(r.revoked) }]));

  return {
    madeAt: now.toISOString(),
    filters,
    applications: {
      total,
      byStatus: statuses.map((s) => ({ key: s, label: STATES[s], count: byStatus.get(s) ?? 0 })),
      byMonth: monthSeries(months, { count: 0 }, filters).map(({ month, value }) => ({
        key: month,
        label: monthLabel(month),
        count: value.count,
      })),
    },
    decisions: {
      count: decisions,
      medianDays: percentileOfHistogram(waits, 0.5),
      p90Days: percentileOfHistogram(waits, 0.9),
      byWait,
    },
    offersByProvider: [...byProvider.values()].sort((a, b) => a.providerName.localeCompare(b.providerName, 'en-GB')),
    trainees: {
      total: trainees,
      byState: (Object.keys(TRAINEE_STATES) as TraineeState[]).map((s) => ({
        key: s,
        label: TRAINEE_STATES[s],
        count: byState.get(s) ?? 0,
      })),
      byCountry: [...byCountry.values()].sort((a, b) => b.trainees - a.trainees || a.country.localeCompare(b.country)),
    },
    progress: { inTraining, behind, bands },
    awards: {
      total: awardRows.reduce((a, r) => a + n(r.n), 0),
      revoked: awardRows.reduce((a, r) => a + n(r.revoked), 0),
      byMonth: monthSeries(awardMonths, { count: 0, revoked: 0 }, filters).map(({ month, value }) => ({
        key: month,
        label: monthLabel(month),
        count: value.count,
        revoked: value.revoked,
      })),
    },
  };
}

// ——— The grouped reads. Each narrows by the filters that apply to its table. ———

function submittedApplications(db: Kysely<Database>, f: Filters) {
  let q = db.selectFrom('applications').where('submitted_at', 'is not', null);
  if (f.from) q = q.where('submitted_at', '>=', f.from);
  if (f.to) q = q.where('submitted_at', '<', endOf(f.to));
  if (f.providerId !== null) q = q.where('provider_id', '=', f.providerId);
  if (f.country) q = q.where('country', '=', f.country);
  return q;
}

/** No dates or country: the maintained tallies (migration 0027) answer, whatever the number of applications. */
const tallied = (f: Filters) => !f.from && !f.to && !f.country;

function applicationsByProviderStatusAndWait(db: Kysely<Database>, f: Filters) {
  if (tallied(f)) return talliedByProviderStatusAndWait(db, f.providerId);
  return submittedApplications(db, f)
    .select((eb) => ['provider_id', 'status', 'decision_days', eb.fn.countAll().as('n')])
    .groupBy(['provider_id', 'status', 'decision_days'])
    .execute();
}

function applicationsByMonth(db: Kysely<Database>, f: Filters) {
  if (tallied(f)) return talliedByMonth(db, f.providerId);
  const month = sql<string>`substr(submitted_at, 1, 7)`;
  return submittedApplications(db, f)
    .select((eb) => [month.as('month'), eb.fn.countAll().as('n')])
    .groupBy(month)
    .execute();
}

const traineesNarrowed = (f: Filters) => Boolean(f.from || f.to || f.providerId !== null || f.country || f.cohort);

function trainees(db: Kysely<Database>, f: Filters) {
  let q = db.selectFrom('trainees as t');
  if (f.from) q = q.where('t.start_date', '>=', f.from);
  if (f.to) q = q.where('t.start_date', '<=', f.to);
  if (f.providerId !== null) q = q.where('t.provider_id', '=', f.providerId);
  if (f.country) q = q.where('t.training_country', '=', f.country);
  if (f.cohort) q = q.where('t.cohort', '=', f.cohort);
  return q;
}

function traineesByStateAndCountry(db: Kysely<Database>, f: Filters) {
  return trainees(db, f)
    .select((eb) => ['t.state', 't.training_country', eb.fn.countAll().as('n')])
    .groupBy(['t.state', 't.training_country'])
    .execute();
}

/**
 * Trainees in training by progress band (the index into PROGRESS_BANDS) and whether behind:
 * the pace rule (`behindPace`, as each trainee's page applies it) worked out by the database
 * in the same double-precision steps, so a hundred thousand trainees come back as ten rows.
 */
function traineesInTrainingByProgress(db: Kysely<Database>, f: Filters, todayDay: number) {
  const pg = isPostgres(db);
  const real = (e: RawBuilder<unknown>) => sql`cast(${e} as double precision)`;
  // Days since 1970-01-01 of a YYYY-MM-DD column.
  const dayOf = (column: string) =>
    pg
      ? sql`(cast(${sql.ref(column)} as date) - date '1970-01-01')`
      : sql`cast(julianday(${sql.ref(column)}) - 2440587.5 as integer)`;
  const versions = Object.values(CRITERIA_VERSIONS);
  const byVersion = (value: (v: (typeof versions)[number]) => RawBuilder<unknown>) =>
    sql`case t.criteria_version ${sql.join(
      versions.map((v) => sql`when ${sql.lit(v.id)} then ${value(v)}`),
      sql` `,
    )} end`;
  const perTrainee = trainees(db, f)
    .where('t.state', '=', 'in-training')
    .where(
      't.criteria_version',
      'in',
      versions.map((v) => v.id),
    )
    .select([
      // Confirmed half days count as halves; counted weeks as they are.
      byVersion((v) =>
        v.requirement.unit === 'days'
          ? sql`${real(sql.ref('t.confirmed_halves'))} / 2`
          : real(sql.ref('t.counted_weeks')),
      ).as('achieved'),
      byVersion((v) => sql.lit(v.requirement.count)).as('required'),
      dayOf('t.start_date').as('start_day'),
      dayOf('t.expected_end_date').as('end_day'),
    ]);
  const withWeeks = db.selectFrom(perTrainee.as('r')).select([
    'r.achieved',
    'r.required',
    'r.end_day',
    // Weeks since the Monday of the start week, at least 1 (1970-01-01 was a Thursday).
    sql`${sql.raw(pg ? 'greatest' : 'max')}(1, (${sql.lit(todayDay)} - (r.start_day - (r.start_day + 3) % 7)) / 7 + 1)`.as(
      'elapsed',
    ),
  ]);
  const mondayToday = todayDay - ((((todayDay + 3) % 7) + 7) % 7);
  return db
    .selectFrom(withWeeks.as('w'))
    .select((eb) => [
      sql<number>`case ${sql.join(
        PROGRESS_BANDS.map((b, i) => sql`when w.achieved / w.required >= ${sql.lit(b.min)} then ${sql.lit(i)}`),
        sql` `,
      )} end`.as('band'),
      sql<number>`case when w.achieved >= w.required then 0 when w.achieved <= 0 then 1
        when ${sql.lit(mondayToday)} + ceil((w.required - w.achieved) / (w.achieved / w.elapsed)) * 7 - 1 > w.end_day then 1
        else 0 end`.as('behind'),
      eb.fn.countAll().as('n'),
    ])
    .groupBy(['band', 'behind'])
    .execute();
}

/** Distinct placement schools of the trainees in view, by the school's country. */
function placementSchoolsByCountry(db: Kysely<Database>, f: Filters) {
  // Every placement belongs to a trainee: with nothing narrowing the trainees, the placements
  // alone say which schools have trainees (a semi-join, not a join through every trainee).
  const placed = traineesNarrowed(f)
    ? trainees(db, f).innerJoin('placements as p', 'p.trainee_id', 't.id').select('p.school_id')
    : db.selectFrom('placements as p').select('p.school_id');
  return db
    .selectFrom('placement_schools as s')
    .where('s.id', 'in', placed)
    .select((eb) => ['s.country', eb.fn.countAll().as('n')])
    .groupBy('s.country')
    .execute();
}

function awardsByMonth(db: Kysely<Database>, f: Filters) {
  const month = sql<string>`substr(a.awarded_at, 1, 7)`;
  let q = db.selectFrom('awards as a');
  if (f.from) q = q.where('a.awarded_at', '>=', f.from);
  if (f.to) q = q.where('a.awarded_at', '<', endOf(f.to));
  if (f.providerId !== null) q = q.where('a.provider_id', '=', f.providerId);
  if (f.country) q = q.where('a.training_country', '=', f.country);
  if (f.cohort) {
    const cohort = f.cohort;
    q = q.where('a.trainee_id', 'in', (eb) => eb.selectFrom('trainees').select('id').where('cohort', '=', cohort));
  }
  return q
    .select((eb) => [
      month.as('month'),
      eb.fn.countAll().as('n'),
      eb.fn.sum<number>(eb.case().when('a.revoked_at', 'is not', null).then(1).else(0).end()).as('revoked'),
    ])
    .groupBy(month)
    .execute();
}
