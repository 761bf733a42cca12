import { parse } from 'csv-parse/sync';
import { isIsoDate } from '../../shared/local-dates.ts';

/**
 * Recommending many trainees from a CSV: one row a trainee, `trainee_id,outcome_date`
 * (the outcome date as YYYY-MM-DD). Pure: every row is checked and each problem reported
 * with its line number; the repository then checks each trainee's guards.
 */
export const BULK_COLUMNS = ['trainee_id', 'outcome_date'] as const;
export const MAX_BULK_ROWS = 500;

export interface BulkCheck {
  rows: { line: number; traineeId: number; outcomeDate: string }[];
  problems: { line: number; message: string }[];
}

export function checkBulkCsv(text: string): BulkCheck {
  const problems: BulkCheck['problems'] = [];
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch {
    return { rows: [], problems: [{ line: 1, message: 'The file could not be read as CSV' }] };
  }
  const [header, ...body] = records;
  if (!header || header.join(',').toLowerCase() !== BULK_COLUMNS.join(','))
    return {
      rows: [],
      problems: [{ line: 1, message: `The first line must be the column names: ${BULK_COLUMNS.join(',')}` }],
    };
  if (body.length === 0) return { rows: [], problems: [{ line: 2, message: 'Add at least one trainee' }] };
  if (body.length > MAX_BULK_ROWS)
    return {
      rows: [],
      problems: [{ line: MAX_BULK_ROWS + 2, message: `Recommend at most ${MAX_BULK_ROWS} trainees at a time` }],
    };
  const rows: BulkCheck['rows'] = [];
  const seen = new Map<number, number>();
  body.forEach((record, i) => {
    const line = i + 2;
    const [id = '', date = ''] = record;
    if (record.length !== 2)
      problems.push({ line, message: 'Each line needs 2 values: the trainee ID and the outcome date' });
    else if (!/^[1-9]\d{0,9}$/.test(id) || Number(id) > 2_147_483_647)
      problems.push({ line, message: 'The trainee ID must be a number, as shown on the trainee’s page' });
    else if (!isIsoDate(date))
      problems.push({ line, message: 'The outcome date must be a real date, like 2027-07-01' });
    else if (seen.has(Number(id)))
      problems.push({ line, message: `Trainee ${id} is already on line ${seen.get(Number(id))}` });
    else {
      seen.set(Number(id), line);
      rows.push({ line, traineeId: Number(id), outcomeDate: date });
    }
  });
  return { rows, problems };
}
