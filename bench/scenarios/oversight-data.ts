import { sql, type RawBuilder } from 'kysely';
import { foldTallies } from '../../src/features/oversight/tallies.ts';
import type { DatabaseHandle } from '../../src/db/connect.ts';
import { IQTS_ROUTE } from '../../src/features/award/trn.ts';
import { cohortOf } from '../../src/features/training/repository.ts';
import { criteriaFor } from '../../src/features/training/requirements.ts';
import { addDays, timeZoneAt } from '../../src/shared/local-dates.ts';
import { countries } from '../../src/shared/places/countries.ts';
import { createRequire } from 'node:module';
import type { Countries } from 'world-countries';

/**
 * The national dashboard's load: many applications, trainees and their placement-day rows,
 * written by the database itself (PostgreSQL: INSERT … SELECT from generate_series; SQLite:
 * INSERT … SELECT from a recursive CTE), so a million rows take seconds, not a million round
 * trips. Everything is generated sample data (is_sample = 1, "Sample Load …" names,
 * example.com addresses) under generated sample providers: no real organisation's figures.
 *
 * Spreads, from a fixed hash of each row's number (the same rows every run):
 * - applications: countries weighted towards where iQTS candidates mostly live, with every
 *   country in the long tail; providers skewed (a few large, many small); submitted over three
 *   years; statuses as a recruitment cycle ends (most rejected or withdrawn, one in ten
 *   recruited: exactly `trainees` of them); time to first decision from days to two months.
 * - trainees: one per recruited application, training in its country; cohorts 2022 to 2026
 *   starting in September or January; states by how far the course has run; 85% full time.
 * - placement days: one placement each at a school in the trainee's country; `daysPerTrainee`
 *   days for a finished course, fewer (never in the future) for one still running; most
 *   confirmed, some awaiting the mentor or queried. The trainees' summary columns
 *   (confirmed_halves, counted_weeks) are then computed from those rows by the progress rule's
 *   definition (confirmed halves; Monday weeks with at least the contracted days confirmed).
 * - awards for awarded (and a few revoked) trainees, with a teacher record each.
 * Columns added by later migrations are filled when present: applications.decided_at and
 * decision_days (the first decision), so the figures can read them.
 */
export interface OversightLoad {
  applications: number;
  trainees: number;
  daysPerTrainee: number;
  /** Sample providers to spread the load over (default 24). */
  providers?: number;
  /** The day the load is "as of" (default today, UTC): no placement day is after it. */
  today?: string;
  /** Told as each step finishes, with the seconds since the start. */
  onStep?: (step: string, seconds: number) => void;
}

export interface OversightLoadResult {
  seconds: number;
  rows: Record<
    'providers' | 'schools' | 'users' | 'applications' | 'trainees' | 'placements' | 'placementDays' | 'awards',
    number
  >;
}

const worldCountries = createRequire(import.meta.url)('world-countries') as Countries;

/** Where most candidates live (relative weights), from the service's own sample places; the rest share the tail. */
const COUNTRY_WEIGHTS: [string, number][] = [
  ['AE', 160],
  ['SA', 70],
  ['QA', 40],
  ['EG', 45],
  ['NG', 90],
  ['GH', 40],
  ['KE', 35],
  ['ZA', 45],
  ['IN', 60],
  ['PK', 30],
  ['CN', 50],
  ['HK', 30],
  ['SG', 25],
  ['MY', 25],
  ['TH', 20],
  ['VN', 20],
  ['ES', 20],
  ['IT', 10],
  ['US', 15],
  ['BR', 10],
  ['KW', 15],
  ['OM', 10],
  ['BH', 8],
  ['JO', 8],
  ['MT', 4],
];
/** Share of the weight left for every other country, evenly. */
const TAIL_WEIGHT = 150;
/** Slots of the country table: a row's country is the slot its hash lands on. */
const SLOTS = 10_000;

/** Non-recruited applications' statuses, per thousand. Drafts become withdrawals after a candidate's first. */
const STATUS_SPREAD: [string, number][] = [
  ['draft', 80],
  ['awaiting-decision', 120],
  ['interviewing', 60],
  ['offer', 40],
  ['conditions-pending', 40],
  ['conditions-not-met', 20],
  ['rejected', 400],
  ['declined', 60],
  ['offer-withdrawn', 20],
  ['withdrawn', 160],
];
const DECIDED = [
  'offer',
  'conditions-pending',
  'recruited',
  'conditions-not-met',
  'rejected',
  'declined',
  'offer-withdrawn',
];
const KINDS = ['teaching', 'teaching', 'observing', 'intensive-training', 'other-school-based'];
const SUBJECTS = ['["Mathematics"]', '["English"]', '["Physics"]', '["Primary"]', '["Biology","Chemistry"]'];
const AGE_RANGES = ['5 to 11', '11 to 16', '11 to 18'];
/** Applications were submitted over three years before the load's date. */
const SUBMITTED_DAYS = 3 * 365;

/** Multiplicative hashes of a row's number: k picks an independent-looking value in [0, m). */
const MULTIPLIERS = [2654435761 % 1_000_003, 40503, 69069, 1103515245 % 1_000_003, 16807, 48271, 22695477 % 1_000_003];
const hash = (column: RawBuilder<unknown>, k: number, m: number) =>
  sql`(((cast(${column} as bigint) + ${sql.lit(k * 7919)}) * ${sql.lit(MULTIPLIERS[k % MULTIPLIERS.length]!)}) % 1000003 % ${sql.lit(m)})`;

const lit = (s: string) => sql.lit(s);
/** CASE over [value, weight] pairs on a number in [0, total). */
function weighted(x: RawBuilder<unknown>, spread: [string, number][]) {
  let from = 0;
  const whens = spread.map(([value, weight]) => {
    from += weight;
    return sql`when ${x} < ${sql.lit(from)} then ${lit(value)}`;
  });
  return sql`case ${sql.join(whens, sql` `)} end`;
}
const pick = (x: RawBuilder<unknown>, values: string[]) =>
  sql`case ${x} ${sql.join(
    values.map((v, i) => sql`when ${sql.lit(i)} then ${lit(v)}`),
    sql` `,
  )} end`;

/** The few things written differently by each engine. */
function dialect(handle: DatabaseHandle) {
  const pg = handle.dialect === 'postgres';
  return {
    /** Rows `name`(i), i from 0 to n - 1: generate_series, or a recursive CTE put before the insert. */
    series(n: number, name = 's') {
      const id = sql.id(name);
      return pg
        ? { with: sql``, from: sql`generate_series(0::bigint, ${sql.lit(n - 1)}::bigint) as ${id}(i)` }
        : {
            with: sql`with recursive ${id}(i) as (select 0 union all select i + 1 from ${id} where i < ${sql.lit(n - 1)})`,
            from: id,
          };
    },
    /** 'YYYY-MM-DD' plus whole days. */
    addDays: (date: RawBuilder<unknown>, days: RawBuilder<unknown>) =>
      pg
        ? sql`to_char(cast(${date} as date) + cast(${days} as integer), 'YYYY-MM-DD')`
        : sql`date(${date}, (${days}) || ' days')`,
    /** An ISO timestamp like the service writes ('2026-11-30T12:00:00.000Z'): a date plus days and seconds. */
    stamp: (date: RawBuilder<unknown>, days: RawBuilder<unknown>, seconds: RawBuilder<unknown>) =>
      pg
        ? sql`to_char(cast(${date} as timestamp) + make_interval(days => cast(${days} as integer), secs => ${seconds}), 'YYYY-MM-DD"T"HH24:MI:SS".000Z"')`
        : sql`strftime('%Y-%m-%dT%H:%M:%S.000Z', ${date}, (${days}) || ' days', (${seconds}) || ' seconds')`,
    /** Monday-based week number of a 'YYYY-MM-DD' date (3 January 2000 was a Monday). */
    week: (date: RawBuilder<unknown>) =>
      pg
        ? sql`((cast(${date} as date) - date '2000-01-03') / 7)`
        : sql`cast((julianday(${date}) - julianday('2000-01-03')) / 7 as integer)`,
    least: (a: RawBuilder<unknown>, b: RawBuilder<unknown>) => (pg ? sql`least(${a}, ${b})` : sql`min(${a}, ${b})`),
    text: (x: RawBuilder<unknown>) => sql`cast(${x} as text)`,
  };
}

/** The next free id of each table: the load goes after whatever is there already. */
async function nextId(handle: DatabaseHandle, table: string): Promise<number> {
  const row = await sql<{ m: number | string | null }>`select max(id) as m from ${sql.table(table)}`.execute(handle.db);
  return Number(row.rows[0]?.m ?? 0) + 1;
}

/** The table's columns in the schema in use (not another schema's table of the same name). */
async function columnsOf(handle: DatabaseHandle, table: string): Promise<Set<string>> {
  const rows =
    handle.dialect === 'postgres'
      ? await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(handle.db)
      : await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(handle.db);
  return new Set(rows.rows.map((r) => r.name));
}

/** Mondays: the first of September (cohort year y) and of January (y + 1). */
function firstMonday(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month - 1, 1));
  const shift = (8 - d.getUTCDay()) % 7;
  return addDays(d.toISOString().slice(0, 10), shift);
}

const weeksBetween = (from: string, to: string) =>
  Math.max(0, Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (7 * 86_400_000)));

export async function seedOversightLoad(handle: DatabaseHandle, load: OversightLoad): Promise<OversightLoadResult> {
  const started = performance.now();
  const A = Math.floor(load.applications);
  const T = Math.floor(load.trainees);
  const D = Math.floor(load.daysPerTrainee);
  const P = Math.floor(load.providers ?? 24);
  if (!(A >= 1 && T >= 0 && T <= A && D >= 0 && P >= 1 && A < 2_000_000))
    throw new RangeError('Need 1 ≤ applications < 2,000,000, 0 ≤ trainees ≤ applications, daysPerTrainee ≥ 0');
  const today = load.today ?? new Date().toISOString().slice(0, 10);
  const db = handle.db;
  const d = dialect(handle);
  const now = `${today}T00:00:00.000Z`;
  const sqlite = handle.dialect === 'sqlite';
  const step = (name: string) => load.onStep?.(name, (performance.now() - started) / 1000);
  // A bulk load: no fsync per transaction, and a cache big enough for the indexes' pages.
  if (sqlite) {
    await sql`pragma synchronous = off`.execute(db);
    await sql`pragma cache_size = -262144`.execute(db);
  }
  try {
    // ——— The small tables, through Kysely ———
    const ids = {
      provider: await nextId(handle, 'providers'),
      school: await nextId(handle, 'placement_schools'),
      user: await nextId(handle, 'users'),
      application: await nextId(handle, 'applications'),
      trainee: await nextId(handle, 'trainees'),
      placement: await nextId(handle, 'placements'),
      mentor: await nextId(handle, 'mentors'),
      partnership: await nextId(handle, 'partnerships'),
      teacher: await nextId(handle, 'teachers'),
      award: await nextId(handle, 'awards'),
    };
    const tag = ids.application; // keeps this load's unique keys apart from an earlier load's
    const providers = Array.from({ length: P }, (_, i) => ({
      id: ids.provider + i,
      slug: `sample-load-provider-${tag}-${i + 1}`,
      name: `Sample Load Provider ${i + 1}`,
      status: 'approved',
      coverage: JSON.stringify({ kind: 'worldwide', excludedCountries: [], excludedUntil: null }),
      coverage_note: 'Sample data',
      source: 'Generated sample data for load tests',
      is_sample: 1,
      created_at: now,
      updated_at: now,
    }));
    await db.insertInto('providers').values(providers).execute();

    // Countries: weights, slots, and a run of schools (with one mentor each) per country.
    const tail = countries.map((c) => c.code).filter((c) => !COUNTRY_WEIGHTS.some(([w]) => w === c));
    const weights = [...COUNTRY_WEIGHTS, ...tail.map((c): [string, number] => [c, TAIL_WEIGHT / tail.length])];
    const total = weights.reduce((s, [, w]) => s + w, 0);
    const schoolCount = Math.max(weights.length, Math.min(5000, Math.ceil(T / 20)));
    const latlng = new Map(worldCountries.map((c) => [c.cca2, c.latlng]));
    const countryRows: { country: string; first_school: number; schools: number; tz: string }[] = [];
    const slotRows: { slot: number; country: string }[] = [];
    let slot = 0;
    let school = ids.school;
    let cumulative = 0;
    for (const [country, weight] of weights) {
      // Slots in proportion to the weight, at least one each, the last ending at SLOTS.
      cumulative += weight;
      const to = Math.max(slot + 1, Math.round((cumulative / total) * SLOTS));
      for (; slot < to && slot < SLOTS; slot++) slotRows.push({ slot, country });
      const n = Math.max(1, Math.round((weight / total) * schoolCount));
      const [lat, lon] = latlng.get(country) ?? [0, 0];
      countryRows.push({ country, first_school: school, schools: n, tz: timeZoneAt(lat, lon) });
      school += n;
    }
    const schools = countryRows.flatMap((c) => {
      const [lat, lon] = latlng.get(c.country) ?? [0, 0];
      return Array.from({ length: c.schools }, (_, k) => ({
        id: c.first_school + k,
        name: `Sample Load School ${c.country} ${k + 1}`,
        country: c.country,
        town: 'Sample town',
        lat,
        lon,
        phases: '["primary","secondary"]',
        languages: '["English"]',
        verified: 1,
        match_key: `sample-load|${tag}|${c.first_school + k}`,
        is_sample: 1,
        created_at: now,
      }));
    });
    const mentorUsers = schools.map((s, k) => ({
      id: ids.user + k,
      email: `sample.load.mentor.${tag}.${k + 1}@example.com`,
      name: `Sample Load Mentor ${k + 1}`,
      role: 'mentor',
      is_sample: 1,
      created_at: now,
      last_signed_in_at: null,
      time_zone: null,
    }));
    const providerOf = (k: number) => ids.provider + (k % P);
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < schools.length; k += 400) {
        const batch = schools.slice(k, k + 400);
        await trx.insertInto('placement_schools').values(batch).execute();
        await trx
          .insertInto('partnerships')
          .values(
            batch.map((s, j) => ({
              id: ids.partnership + k + j,
              provider_id: providerOf(k + j),
              school_id: s.id,
              status: 'active',
              started_on: null,
              ended_on: null,
              is_sample: 1,
            })),
          )
          .execute();
        await trx
          .insertInto('users')
          .values(mentorUsers.slice(k, k + 400))
          .execute();
        await trx
          .insertInto('mentors')
          .values(
            batch.map((s, j) => ({
              id: ids.mentor + k + j,
              user_id: ids.user + k + j,
              provider_id: providerOf(k + j),
              school_id: s.id,
              name: `Sample Load Mentor ${k + j + 1}`,
              mentor_role: 'general',
              trained_on: '2022-06-14',
              is_sample: 1,
              created_at: now,
            })),
          )
          .execute();
      }
    });

    // Course starts: September of 2022 to 2026 and the January after, with how far each has run.
    const starts = [2022, 2023, 2024, 2025, 2026].flatMap((y) => [firstMonday(y, 9), firstMonday(y + 1, 1)]);
    const startRows = starts
      .filter((s) => s <= today)
      .map((start, idx) => ({
        idx,
        start_date: start,
        end_full: addDays(start, 39 * 7 - 3),
        end_part: addDays(start, 2 * 52 * 7 - 3),
        cohort: cohortOf(start),
        criteria: criteriaFor(start),
        elapsed_weeks: weeksBetween(start, today),
      }));
    const S = startRows.length;

    const scratch = ['bench_load_slots', 'bench_load_countries', 'bench_load_starts'];
    for (const t of scratch) await db.schema.dropTable(t).ifExists().execute();
    await db.schema
      .createTable('bench_load_slots')
      .addColumn('slot', 'integer', (c) => c.primaryKey())
      .addColumn('country', 'varchar(2)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('bench_load_countries')
      .addColumn('country', 'varchar(2)', (c) => c.primaryKey())
      .addColumn('first_school', 'integer', (c) => c.notNull())
      .addColumn('schools', 'integer', (c) => c.notNull())
      .addColumn('tz', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('bench_load_starts')
      .addColumn('idx', 'integer', (c) => c.primaryKey())
      .addColumn('start_date', 'varchar(10)', (c) => c.notNull().unique())
      .addColumn('end_full', 'varchar(10)', (c) => c.notNull())
      .addColumn('end_part', 'varchar(10)', (c) => c.notNull())
      .addColumn('cohort', 'varchar(20)', (c) => c.notNull())
      .addColumn('criteria', 'varchar(20)', (c) => c.notNull())
      .addColumn('elapsed_weeks', 'integer', (c) => c.notNull())
      .execute();
    const scratchDb = db.withTables<{
      bench_load_slots: { slot: number; country: string };
      bench_load_countries: { country: string; first_school: number; schools: number; tz: string };
      bench_load_starts: (typeof startRows)[number];
    }>();
    for (let k = 0; k < slotRows.length; k += 1000)
      await scratchDb
        .insertInto('bench_load_slots')
        .values(slotRows.slice(k, k + 1000))
        .execute();
    for (let k = 0; k < countryRows.length; k += 200)
      await scratchDb
        .insertInto('bench_load_countries')
        .values(countryRows.slice(k, k + 200))
        .execute();
    await scratchDb.insertInto('bench_load_starts').values(startRows).execute();

    // ——— Candidates and applications, by the database ———
    // A candidate's applications: candidate j has applications j, j + C, j + 2C …; only the first may be a draft.
    const C = Math.max(T, Math.ceil(A * 0.8));
    const i = sql`s.i`;
    {
      const { with: w, from } = d.series(C);
      await sql`${w} insert into users (id, email, name, role, is_sample, created_at)
        select ${sql.lit(ids.user + schools.length)} + s.i,
          'sample.load.candidate.' || ${lit(String(tag))} || '.' || ${d.text(i)} || '@example.com',
          'Sample Load Candidate ' || ${d.text(i)}, 'candidate', 1, ${lit(now)}
        from ${from}`.execute(db);
      step('candidates');
    }
    const candidateBase = ids.user + schools.length;
    const appColumns = await columnsOf(handle, 'applications');
    const withDecision = appColumns.has('decided_at') && appColumns.has('decision_days');
    {
      const { with: w, from } = d.series(A);
      const statusOf = sql`case when s.i < ${sql.lit(T)} then 'recruited'
          when ${weighted(hash(i, 1, 1000), STATUS_SPREAD)} = 'draft' and s.i >= ${sql.lit(C)} then 'withdrawn'
          else ${weighted(hash(i, 1, 1000), STATUS_SPREAD)} end`;
      // A few large providers and many small: the product of two uniform picks leans low.
      const provider = sql`${sql.lit(ids.provider)} + (${hash(i, 2, P)} * ${hash(i, 3, P)}) / ${sql.lit(P)}`;
      const submittedDay = sql`${sql.lit(-SUBMITTED_DAYS)} + ${hash(i, 4, SUBMITTED_DAYS)}`;
      const decisionDays = sql`(${hash(i, 5, 20)} + ${hash(i, 6, 20)} * ${hash(i, 0, 3)})`;
      const submitted = d.stamp(lit(today), sql`x.day`, sql`x.sec`);
      const decided = d.stamp(lit(today), sql`x.day + x.decision_days`, sql`x.sec + 3600`);
      const isDecided = sql`x.status in (${sql.join(DECIDED.map(lit))})`;
      await sql`${w} insert into applications (id, reference, candidate_id, provider_id, status, answers, candidate_name,
          country, phase, submitted_at, updated_at, created_at${withDecision ? sql`, decided_at, decision_days` : sql``})
        select ${sql.lit(ids.application)} + x.i, 'LOAD-' || ${d.text(sql`${sql.lit(ids.application)} + x.i`)},
          ${sql.lit(candidateBase)} + x.i % ${sql.lit(C)}, x.provider_id, x.status, '{}',
          'Sample Load Candidate ' || ${d.text(sql`x.i % ${sql.lit(C)}`)},
          (select sl.country from bench_load_slots sl where sl.slot = x.slot),
          case when x.phase = 0 then 'primary' else 'secondary' end,
          case when x.status = 'draft' then null else ${submitted} end,
          case when x.status = 'draft' then ${d.stamp(lit(today), sql`x.day`, sql`x.sec`)}
            when ${isDecided} then ${decided} else ${submitted} end,
          ${d.stamp(lit(today), sql`x.day - x.drafting`, sql`x.sec`)}
          ${withDecision ? sql`, case when ${isDecided} then ${decided} end, case when ${isDecided} then x.decision_days end` : sql``}
        from (select s.i as i, ${statusOf} as status, ${provider} as provider_id, ${submittedDay} as day,
            ${hash(i, 3, 86_000)} as sec, ${decisionDays} as decision_days, ${hash(i, 6, 14)} as drafting,
            ${hash(i, 2, 3)} as phase, ${hash(i, 0, SLOTS)} as slot
          from ${from}) x`.execute(db);
      step('applications');
    }

    // ——— Trainees: the recruited applications ———
    const t = sql`a.id`;
    const ongoing = sql`st.elapsed_weeks < 39`;
    const stateOf = sql`case
        when ${ongoing} then ${weighted(hash(t, 1, 100), [
          ['in-training', 90],
          ['deferred', 5],
          ['withdrawn', 5],
        ])}
        when st.elapsed_weeks < 104 then ${weighted(hash(t, 1, 100), [
          ['awarded', 68],
          ['recommended', 8],
          ['in-training', 10],
          ['deferred', 5],
          ['withdrawn', 9],
        ])}
        else ${weighted(hash(t, 1, 1000), [
          ['awarded', 870],
          ['withdrawn', 110],
          ['deferred', 15],
          ['revoked', 5],
        ])} end`;
    const partTime = sql`${hash(t, 2, 100)} < 15`;
    if (T > 0)
      await sql`insert into trainees (id, application_id, provider_id, candidate_id, name, state, start_date, expected_end_date,
          study_mode, days_per_week, age_range, subjects, training_country, criteria_version, cohort, is_sample, updated_at, created_at)
        select ${sql.lit(ids.trainee)} + (a.id - ${sql.lit(ids.application)}), a.id, a.provider_id, a.candidate_id, a.candidate_name,
          ${stateOf}, st.start_date, case when ${partTime} then st.end_part else st.end_full end,
          case when ${partTime} then 'part-time' else 'full-time' end,
          case when ${partTime} then 2 + ${hash(t, 3, 3)} else 5 end,
          ${pick(hash(t, 4, AGE_RANGES.length), AGE_RANGES)}, ${pick(hash(t, 5, SUBJECTS.length), SUBJECTS)},
          a.country, st.criteria, st.cohort, 1, ${lit(now)}, ${lit(now)}
        from applications a join bench_load_starts st on st.idx = ${hash(t, 6, S)}
        where a.id between ${sql.lit(ids.application)} and ${sql.lit(ids.application + T - 1)}`.execute(db);
    step('trainees');

    // One placement each, at a school in the trainee's country, with that school's mentor.
    const schoolOf = sql`c.first_school + ${hash(sql`tr.id`, 0, 1_000_000)} % c.schools`;
    if (T > 0)
      await sql`insert into placements (id, trainee_id, school_id, mentor_id, start_date, end_date, time_zone, created_at)
        select ${sql.lit(ids.placement)} + (tr.id - ${sql.lit(ids.trainee)}), tr.id, ${schoolOf},
          ${sql.lit(ids.mentor - ids.school)} + ${schoolOf}, tr.start_date, tr.expected_end_date, c.tz, ${lit(now)}
        from trainees tr join bench_load_countries c on c.country = tr.training_country
        where tr.id between ${sql.lit(ids.trainee)} and ${sql.lit(ids.trainee + T - 1)}`.execute(db);
    step('placements');

    // ——— Placement days, a batch of trainees a statement ———
    if (T > 0 && D > 0) {
      // Days logged: all D for a course that has run its length; for one still running, some
      // of the days its weeks so far allow (none in the future); a withdrawal stops part-way.
      const n = sql`case
          when tr.state in ('in-training', 'deferred', 'withdrawn')
            then ${d.least(sql.lit(D), sql`st.elapsed_weeks * tr.days_per_week`)} * (30 + ${hash(sql`tr.id`, 4, 71)}) / 100
          else ${sql.lit(D)} end`;
      const awaiting = sql`case when tr.state = 'in-training' and ${hash(sql`tr.id`, 5, 2)} = 0 then 5 else 0 end`;
      const queried = sql`case when ${hash(sql`tr.id`, 6, 5)} = 0 then 2 else 0 end`;
      // Weekdays by days a week: five Monday to Friday; four Monday to Thursday; three Monday,
      // Wednesday, Friday; two Tuesday and Thursday.
      const offset = sql`case tr.days_per_week when 5 then k.i % 5 when 4 then k.i % 4 when 3 then (k.i % 3) * 2 else 1 + (k.i % 2) * 2 end`;
      const date = d.addDays(sql`tr.start_date`, sql`7 * (k.i / tr.days_per_week) + ${offset}`);
      const { with: w, from: kFrom } = d.series(D, 'k');
      const BATCH = 10_000;
      for (let first = 0; first < T; first += BATCH) {
        const last = Math.min(T, first + BATCH) - 1;
        await sql`${w} insert into placement_days (trainee_id, placement_id, date, halves, kind, note, status, query_reason,
            source, updated_at, created_at)
          select y.trainee_id, y.placement_id, y.date, y.halves, y.kind, y.note, y.status,
            case when y.status = 'queried' then 'Sample query: please check this date' end, 'trainee',
            y.date || 'T16:00:00.000Z', y.date || 'T16:00:00.000Z'
          from (select tr.id as trainee_id, p.id as placement_id, ${date} as date,
              case when k.i % 50 = 49 then 1 else 2 end as halves,
              ${pick(sql`k.i % ${sql.lit(KINDS.length)}`, KINDS)} as kind,
              case when k.i % 25 = 0 then 'Sample note' end as note,
              case when k.i >= x.n - x.awaiting then 'logged' when k.i >= x.n - x.awaiting - x.queried then 'queried'
                else 'confirmed' end as status, k.i as k, x.n as n
            from (select tr.id, ${n} as n, ${awaiting} as awaiting, ${queried} as queried
                from trainees tr join bench_load_starts st on st.start_date = tr.start_date
                where tr.id between ${sql.lit(ids.trainee + first)} and ${sql.lit(ids.trainee + last)}) x
              join trainees tr on tr.id = x.id
              join placements p on p.trainee_id = tr.id
              cross join ${kFrom}
            where k.i < x.n) y`.execute(db);
      }

      // The summary columns, as the progress rule computes them from the confirmed days.
      await sql`update trainees set confirmed_halves = w.halves, counted_weeks = w.weeks
        from (select wk.trainee_id, sum(wk.h) as halves,
              sum(case when wk.h >= 2 * t2.days_per_week then 1 else 0 end) as weeks
            from (select trainee_id, ${d.week(sql`placement_days.date`)} as week, sum(halves) as h
                from placement_days
                where status = 'confirmed' and trainee_id between ${sql.lit(ids.trainee)} and ${sql.lit(ids.trainee + T - 1)}
                group by trainee_id, ${d.week(sql`placement_days.date`)}) wk
            join trainees t2 on t2.id = wk.trainee_id
            group by wk.trainee_id) w
        where trainees.id = w.trainee_id`.execute(db);
    }

    step('placement days and summaries');

    // ——— Awards, each with its teacher record ———
    if (T > 0) {
      const n = sql`(tr.id - ${sql.lit(ids.trainee)})`;
      const awarded = sql`tr.state in ('awarded', 'revoked') and tr.id between ${sql.lit(ids.trainee)} and ${sql.lit(ids.trainee + T - 1)}`;
      const dob = d.addDays(lit('1975-01-01'), hash(sql`tr.id`, 3, 9000));
      await sql`insert into teachers (id, trn, email, date_of_birth, name, created_at)
        select ${sql.lit(ids.teacher)} + ${n}, ${d.text(sql`${sql.lit(9_000_000 + ids.teacher)} + ${n}`)},
          u.email, ${dob}, tr.name, ${lit(now)}
        from trainees tr join users u on u.id = tr.candidate_id
        where ${awarded}`.execute(db);
      await sql`insert into awards (id, trainee_id, teacher_id, trn, date_of_birth, name, outcome_date, route, training_country,
          provider_id, provider_name, age_range, subjects, verify_code, awarded_by, awarded_at, revoked_at, revoke_reason)
        select ${sql.lit(ids.award)} + ${n}, tr.id, te.id, te.trn, te.date_of_birth, tr.name, tr.expected_end_date, ${lit(IQTS_ROUTE)},
          tr.training_country, tr.provider_id, pr.name, tr.age_range, tr.subjects,
          'sample-load-' || ${d.text(sql`tr.id`)}, null, tr.expected_end_date || 'T12:00:00.000Z',
          case when tr.state = 'revoked' then tr.expected_end_date || 'T13:00:00.000Z' end,
          case when tr.state = 'revoked' then 'Sample data: revoked' end
        from trainees tr join teachers te on te.id = ${sql.lit(ids.teacher)} + ${n}
          join providers pr on pr.id = tr.provider_id
        where ${awarded}`.execute(db);
    }

    step('awards');
    for (const table of scratch) await db.schema.dropTable(table).execute();
    // Explicit ids do not move PostgreSQL's sequences: move them, so a later insert gets a free id.
    if (!sqlite)
      for (const table of [
        'providers',
        'placement_schools',
        'partnerships',
        'users',
        'mentors',
        'applications',
        'trainees',
        'placements',
        'teachers',
        'awards',
      ])
        await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(
          db,
        );
    // The tallies' changes the triggers appended for every application, folded as the minute job would.
    await foldTallies(db);
    step('fold the tallies');
    await sql`analyze`.execute(db);
    step('analyze');

    const count = async (table: string, where = sql`true`) =>
      Number(
        (await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(db))
          .rows[0]!.n,
      );
    const since = (id: number) => sql`id >= ${sql.lit(id)}`;
    return {
      seconds: (performance.now() - started) / 1000,
      rows: {
        providers: await count('providers', since(ids.provider)),
        schools: await count('placement_schools', since(ids.school)),
        users: await count('users', since(ids.user)),
        applications: await count('applications', since(ids.application)),
        trainees: await count('trainees', since(ids.trainee)),
        placements: await count('placements', since(ids.placement)),
        placementDays: await count('placement_days', sql`trainee_id >= ${sql.lit(ids.trainee)}`),
        awards: await count('awards', since(ids.award)),
      },
    };
  } finally {
    if (sqlite) {
      await sql`pragma synchronous = full`.execute(db);
      await sql`pragma cache_size = -2000`.execute(db);
    }
  }
}
