import { parse } from 'csv-parse/sync';
import { isIsoDate, localToday } from '../../shared/local-dates.ts';
import {
  DAY_KINDS,
  DAY_KIND_IDS,
  PORTIONS,
  dayProblem,
  halvesOf,
  longDate,
  type DayEntry,
  type DayKind,
  type LoggedDay,
  type Portion,
} from './day-log.ts';
import { TRAINEE_STATES, type TraineeState } from './state-machine.ts';

/**
 * Placement days from a provider's CSV file, for providers that keep their logs elsewhere
 * (`npm run import:days FILE.csv --provider SLUG`). Pure: the repository loads the
 * trainees named in the file, their placements and the days already logged, and this
 * module decides, row by row, with the same rules as the trainee's week form (`dayProblem`).
 * If any row is refused nothing is imported, and every refused row is listed by line.
 *
 * Columns (a header row, any order, case does not matter):
 * - `trainee_email` or `trainee_id` (at least one of the two columns): whose day it is.
 *   Only the provider's own trainees are found.
 * - `placement_start` (the placement's start date) and/or `school` (the placement
 *   school's name): which placement. Both may be left empty when the trainee has one
 *   placement.
 * - `date` (YYYY-MM-DD, the school's local date: the placement's time zone decides what
 *   "today" is, so a day is never "in the future" in one zone and past in another),
 *   `portion` (full or half), `kind` (teaching, observing, intensive-training,
 *   other-school-based, or their labels), `note` (optional, up to 500 characters).
 * - `status` (optional): `logged` (the default) or `confirmed`. Imported days await the
 *   mentor like days the trainee logs. `confirmed` is for a provider whose mentors have
 *   already confirmed the days in the provider's own records: the import says so in the
 *   audit trail ("import-confirmed-days"), and those days count at once.
 *
 * Importing the same file again adds nothing: a row whose placement and date are already
 * logged with the same portion and kind is "already in the service" (whatever its status
 * now, so a day the mentor has since confirmed or queried is left alone). A row that
 * differs from the day already logged is refused: an import never changes a logged day.
 */
export const TRAINEE_COLUMNS = ['trainee_email', 'trainee_id'] as const;
export const REQUIRED_COLUMNS = ['date', 'portion', 'kind'] as const;
export const OPTIONAL_COLUMNS = ['placement_start', 'school', 'note', 'status'] as const;
export const IMPORT_STATUSES = ['logged', 'confirmed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const NOTE_MAX = 500;

export interface DayRow {
  line: number;
  traineeEmail: string | null;
  traineeId: number | null;
  placementStart: string | null;
  school: string | null;
  date: string;
  portion: Portion;
  kind: DayKind;
  note: string;
  status: ImportStatus;
}

export interface RowProblem {
  line: number;
  reasons: string[];
}

const KNOWN = new Set<string>([...TRAINEE_COLUMNS, ...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
const squash = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

function kindOf(value: string): DayKind | undefined {
  const v = squash(value);
  return DAY_KIND_IDS.find((k) => k === v || squash(DAY_KINDS[k]) === v);
}

function portionOf(value: string): Portion | undefined {
  const v = squash(value);
  return (Object.keys(PORTIONS) as Portion[]).find((p) => p === v || squash(PORTIONS[p]) === v);
}

/** Parses the file and checks each row's own fields; the rows are checked against the service by `checkDays`. */
export function parseDaysCsv(text: string): { rows: DayRow[]; problems: RowProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    return {
      rows: [],
      problems: [
        {
          line: (error as { lines?: number }).lines ?? 1,
          reasons: [`The file is not valid CSV: ${(error as Error).message}`],
        },
      ],
    };
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const missing: string[] = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (!TRAINEE_COLUMNS.some((c) => header.includes(c))) missing.unshift('trainee_email (or trainee_id)');
  const unknown = header.filter((h) => !KNOWN.has(h));
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (missing.length || unknown.length || repeated.length) {
    const reasons = [
      ...(missing.length ? [`The header row is missing: ${missing.join(', ')}`] : []),
      ...(unknown.length ? [`The header row has columns we do not know: ${unknown.join(', ')}`] : []),
      ...(repeated.length ? [`The header row has a column twice: ${[...new Set(repeated)].join(', ')}`] : []),
    ];
    return { rows: [], problems: [{ line: 1, reasons }] };
  }
  if (records.length < 2)
    return { rows: [], problems: [{ line: 1, reasons: ['The file has no days after the header row'] }] };

  const rows: DayRow[] = [];
  const problems: RowProblem[] = [];
  records.slice(1).forEach((record, index) => {
    const line = index + 2;
    const get = (column: string) => (header.includes(column) ? (record[header.indexOf(column)] ?? '').trim() : '');
    const reasons: string[] = [];
    if (record.length !== header.length)
      reasons.push(`has ${record.length} values but the header has ${header.length}`);

    const email = get('trainee_email').toLowerCase();
    const idText = get('trainee_id');
    let traineeId: number | null = null;
    if (!email && !idText) reasons.push('enter the trainee’s email address or trainee id');
    if (email && (email.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
      reasons.push(`trainee_email "${email.slice(0, 50)}" is not an email address`);
    if (idText) {
      if (/^[1-9]\d{0,9}$/.test(idText)) traineeId = Number(idText);
      else reasons.push(`trainee_id "${idText.slice(0, 20)}" is not a trainee id (a whole number)`);
    }

    const placementStart = get('placement_start');
    if (placementStart && !isIsoDate(placementStart))
      reasons.push(`placement_start "${placementStart.slice(0, 20)}" is not a real date in the form 2026-03-02`);
    const school = get('school');
    if (school.length > 200) reasons.push('school must be 200 characters or fewer');

    const date = get('date');
    if (!date) reasons.push('enter the date');
    else if (!isIsoDate(date)) reasons.push(`date "${date.slice(0, 20)}" is not a real date in the form 2026-03-02`);
    const portion = portionOf(get('portion'));
    if (!portion) reasons.push(`portion "${get('portion').slice(0, 20)}" must be full or half`);
    const kind = kindOf(get('kind'));
    if (!kind) reasons.push(`kind "${get('kind').slice(0, 30)}" must be one of ${DAY_KIND_IDS.join(', ')}`);
    const note = get('note');
    if (note.length > NOTE_MAX) reasons.push(`note must be ${NOTE_MAX} characters or fewer`);
    const statusText = get('status').toLowerCase() || 'logged';
    const status = IMPORT_STATUSES.find((s) => s === statusText);
    if (!status) reasons.push(`status "${statusText.slice(0, 20)}" must be logged or confirmed (or left empty)`);

    if (reasons.length || !portion || !kind || !status) problems.push({ line, reasons });
    else
      rows.push({
        line,
        traineeEmail: email || null,
        traineeId,
        placementStart: placementStart || null,
        school: school || null,
        date,
        portion,
        kind,
        note,
        status,
      });
  });
  return { rows, problems };
}

/** What the service knows about a trainee named in the file (loaded by the repository, scoped to the provider). */
export interface ImportTrainee {
  id: number;
  email: string;
  name: string;
  state: TraineeState;
  placements: { id: number; schoolName: string; startDate: string; endDate: string; timeZone: string }[];
  /** The days already logged on the dates the file covers. */
  logged: (LoggedDay & { kind: string })[];
}

export interface CheckedDay {
  line: number;
  traineeId: number;
  placementId: number;
  entry: DayEntry;
  status: ImportStatus;
}

export interface DayCheck {
  /** Rows to add, in file order. */
  add: CheckedDay[];
  /** Lines already in the service (an earlier import of the same rows, or the trainee's own log). */
  already: number[];
  problems: RowProblem[];
}

/** The trainee's form speaks to the trainee; the import speaks to the provider about them. */
const aboutTrainee = (message: string) =>
  message.replace(/^You cannot/, 'The trainee cannot').replace(/you have logged/g, 'the trainee has logged');

/**
 * Checks every parsed row against the trainees, placements and days the service holds,
 * and against the rows before it in the file. `now` decides "today" in each school's zone.
 */
export function checkDays(
  rows: readonly DayRow[],
  trainees: readonly ImportTrainee[],
  now: Date,
  earlierProblems: readonly RowProblem[] = [],
): DayCheck {
  const byEmail = new Map(trainees.map((t) => [t.email.toLowerCase(), t]));
  const byId = new Map(trainees.map((t) => [t.id, t]));
  const problems: RowProblem[] = [...earlierProblems];
  const add: CheckedDay[] = [];
  const already: number[] = [];
  // What each trainee has once the earlier rows of the file are added.
  const seen = new Map<number, LoggedDay[]>();
  const fileLine = new Map<string, number>();

  for (const row of rows) {
    const refuse = (reason: string) => problems.push({ line: row.line, reasons: [reason] });
    const who = row.traineeEmail ?? `trainee ${row.traineeId}`;
    const byMail = row.traineeEmail ? byEmail.get(row.traineeEmail) : undefined;
    const byNumber = row.traineeId !== null ? byId.get(row.traineeId) : undefined;
    if (row.traineeEmail && !byMail) {
      refuse(`${row.traineeEmail} is not one of this provider’s trainees`);
      continue;
    }
    if (row.traineeId !== null && !byNumber) {
      refuse(`trainee ${row.traineeId} is not one of this provider’s trainees`);
      continue;
    }
    if (byMail && byNumber && byMail.id !== byNumber.id) {
      refuse(`trainee_email ${row.traineeEmail} and trainee_id ${row.traineeId} are different trainees`);
      continue;
    }
    const trainee = (byMail ?? byNumber)!;
    if (trainee.state !== 'in-training') {
      refuse(`${who} is ‘${TRAINEE_STATES[trainee.state].toLowerCase()}’: days can only be logged while in training`);
      continue;
    }
    const school = row.school ? squash(row.school) : null;
    const placements = trainee.placements.filter(
      (p) =>
        (row.placementStart === null || p.startDate === row.placementStart) &&
        (school === null || squash(p.schoolName) === school),
    );
    if (placements.length !== 1) {
      const asked = [
        ...(row.placementStart ? [`starting ${row.placementStart}`] : []),
        ...(row.school ? [`at “${row.school.slice(0, 60)}”`] : []),
      ].join(' ');
      refuse(
        placements.length === 0
          ? `${who} has no placement ${asked || ''}`.trimEnd() +
              `: their placements are ${trainee.placements.map((p) => `${p.schoolName} from ${p.startDate}`).join('; ') || 'none'}`
          : `${who} has ${placements.length} placements${asked ? ` ${asked}` : ''}: ` +
              'give the placement_start (or the school) to say which',
      );
      continue;
    }
    const placement = placements[0]!;
    const key = `${placement.id}|${row.date}`;
    const firstLine = fileLine.get(key);
    if (firstLine !== undefined) {
      refuse(`the same day (${longDate(row.date)} at ${placement.schoolName}) is on line ${firstLine}`);
      continue;
    }
    fileLine.set(key, row.line);
    const stored = trainee.logged.find((d) => d.placementId === placement.id && d.date === row.date);
    if (stored) {
      if (stored.halves === halvesOf(row.portion) && stored.kind === row.kind) already.push(row.line);
      else
        refuse(
          `${longDate(row.date)} is already logged for ${who} at ${placement.schoolName} as a ` +
            `${stored.halves === 2 ? 'full' : 'half'} day of ${DAY_KINDS[stored.kind as DayKind]?.toLowerCase() ?? stored.kind}: ` +
            'an import does not change a logged day',
        );
      continue;
    }
    const logged = seen.get(trainee.id) ?? trainee.logged.map((d) => ({ ...d }));
    seen.set(trainee.id, logged);
    const problem = dayProblem(
      row,
      { id: placement.id, startDate: placement.startDate, endDate: placement.endDate },
      localToday(placement.timeZone, now),
      logged,
    );
    if (problem) {
      refuse(`${who}: ${aboutTrainee(problem)}`);
      continue;
    }
    logged.push({ placementId: placement.id, date: row.date, halves: halvesOf(row.portion) });
    add.push({
      line: row.line,
      traineeId: trainee.id,
      placementId: placement.id,
      entry: { date: row.date, portion: row.portion, kind: row.kind, note: row.note },
      status: row.status,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  // One entry per line: a line refused for its fields is not checked again.
  return { add, already, problems };
}
