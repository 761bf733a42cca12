import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isIsoDate } from '../../shared/local-dates.ts';
import { fromRoot } from '../../shared/paths.ts';

/**
 * England's bank holidays, from the GOV.UK feed (https://www.gov.uk/bank-holidays.json,
 * division england-and-wales) as shipped in data/bank-holidays-england-and-wales.json,
 * which also says where the copy came from and when it was read. Read once, at start.
 */
export const BANK_HOLIDAYS_FILE = 'data/bank-holidays-england-and-wales.json';

const file = z.object({
  source: z.object({ feed: z.string(), copiedFrom: z.string(), read: z.string() }),
  division: z.literal('england-and-wales'),
  events: z.array(
    z.object({ title: z.string(), date: z.string().refine(isIsoDate, 'not a real date'), notes: z.string() }),
  ),
});

export interface BankHolidays {
  dates: ReadonlySet<string>;
  /** The last date the feed covers: the whole of its last year. After it, no bank holiday is known. */
  knownUntil: string;
  /** The first date the feed covers (1 January of its first year). */
  knownFrom: string;
  titles: ReadonlyMap<string, string>;
}

export function bankHolidaysFrom(events: { date: string; title: string }[]): BankHolidays {
  const years = events.map((e) => Number(e.date.slice(0, 4)));
  return {
    dates: new Set(events.map((e) => e.date)),
    titles: new Map(events.map((e) => [e.date, e.title])),
    knownFrom: `${Math.min(...years)}-01-01`,
    knownUntil: `${Math.max(...years)}-12-31`,
  };
}

let loaded: BankHolidays | undefined;

/** England's bank holidays from the shipped file. */
export function englandBankHolidays(): BankHolidays {
  loaded ??= bankHolidaysFrom(file.parse(JSON.parse(readFileSync(fromRoot(BANK_HOLIDAYS_FILE), 'utf8'))).events);
  return loaded;
}
