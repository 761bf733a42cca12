import { parse } from 'csv-parse/sync';
import { countryByCode } from '../../shared/places/countries.ts';
import { findPlaces, normalizePlaceName } from '../../shared/places/places.ts';

/**
 * A provider's partner schools from a CSV file. Every row is checked first; if any row
 * is bad, nothing is imported and each bad row is reported with its line number.
 * Re-running the same file changes nothing (schools are matched on name, country, town).
 *
 * Columns: name, town, country (ISO 3166-1 alpha-2), and optionally latitude, longitude
 * (otherwise the town's coordinates), phases (primary;secondary), languages (English;Arabic),
 * verified (yes/no).
 */
export const REQUIRED_COLUMNS = ['name', 'town', 'country'] as const;
export const OPTIONAL_COLUMNS = ['latitude', 'longitude', 'phases', 'languages', 'verified'] as const;

export interface SchoolRow {
  line: number;
  name: string;
  town: string;
  country: string;
  lat: number;
  lon: number;
  phases: string[] | null;
  languages: string[] | null;
  verified: boolean;
}

export interface RowProblem {
  line: number;
  reasons: string[];
}

export const schoolMatchKey = (name: string, country: string, town: string): string =>
  `${normalizePlaceName(name)}|${country.toUpperCase()}|${normalizePlaceName(town)}`.slice(0, 450);

const list = (value: string | undefined): string[] | null => {
  const items = (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : null;
};

/** One school's fields, checked: the same rules for a CSV row and the provider's form. */
export function checkSchool(get: (field: string) => string): {
  name: string;
  town: string;
  country: ReturnType<typeof countryByCode>;
  row?: Omit<SchoolRow, 'line'>;
  problems: { field: string; message: string }[];
} {
  const problems: { field: string; message: string }[] = [];
  const name = get('name');
  const town = get('town');
  if (!name) problems.push({ field: 'name', message: 'enter the school name' });
  else if (name.length > 200) problems.push({ field: 'name', message: 'school name must be 200 characters or fewer' });
  if (!town) problems.push({ field: 'town', message: 'enter the town or city' });
  else if (town.length > 200) problems.push({ field: 'town', message: 'town must be 200 characters or fewer' });
  const country = countryByCode(get('country').toUpperCase());
  if (!country)
    problems.push({
      field: 'country',
      message: `country "${get('country').slice(0, 20)}" is not an ISO 3166-1 two-letter code, like AE or NG`,
    });

  let lat = NaN;
  let lon = NaN;
  const latText = get('latitude');
  const lonText = get('longitude');
  if (latText || lonText) {
    lat = Number(latText);
    lon = Number(lonText);
    if (!latText || !Number.isFinite(lat) || lat < -90 || lat > 90)
      problems.push({ field: 'latitude', message: 'latitude must be a number from -90 to 90' });
    if (!lonText || !Number.isFinite(lon) || lon < -180 || lon > 180)
      problems.push({ field: 'longitude', message: 'longitude must be a number from -180 to 180' });
  } else if (town && country) {
    const place = findPlaces(`${town}, ${country.code}`, 1)[0];
    if (place) {
      lat = place.lat;
      lon = place.lon;
    } else
      problems.push({
        field: 'town',
        message: `we cannot find the town "${town.slice(0, 50)}" in ${country.name}: add latitude and longitude`,
      });
  }

  const phases = list(get('phases'));
  if ((phases ?? []).some((p) => p !== 'primary' && p !== 'secondary'))
    problems.push({ field: 'phases', message: 'phases must be primary, secondary or both, separated by ;' });
  const languages = list(get('languages'));
  if ((languages ?? []).some((l) => l.length > 50))
    problems.push({ field: 'languages', message: 'each language must be 50 characters or fewer' });
  const verifiedText = get('verified').toLowerCase();
  if (verifiedText && !['yes', 'no'].includes(verifiedText))
    problems.push({ field: 'verified', message: 'verified must be yes or no' });
  return {
    name,
    town,
    country,
    problems,
    ...(problems.length === 0 && country
      ? { row: { name, town, country: country.code, lat, lon, phases, languages, verified: verifiedText === 'yes' } }
      : {}),
  };
}

/** Parses and checks the whole file. Pure apart from the offline place look-up. */
export function validateSchoolsCsv(text: string): { rows: SchoolRow[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
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
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter(
    (h) => !(REQUIRED_COLUMNS as readonly string[]).includes(h) && !(OPTIONAL_COLUMNS as readonly string[]).includes(h),
  );
  if (missing.length || unknown.length) {
    const reasons = [
      ...(missing.length ? [`The header row is missing: ${missing.join(', ')}`] : []),
      ...(unknown.length ? [`The header row has columns we do not know: ${unknown.join(', ')}`] : []),
    ];
    return { rows: [], problems: [{ line: 1, reasons }] };
  }
  if (records.length < 2)
    return { rows: [], problems: [{ line: 1, reasons: ['The file has no schools after the header row'] }] };

  const rows: SchoolRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, index) => {
    const line = index + 2;
    const get = (column: string) => record[header.indexOf(column)]?.trim() ?? '';
    const checked = checkSchool(get);
    const reasons = checked.problems.map((p) => p.message);
    if (record.length !== header.length)
      reasons.unshift(`has ${record.length} values but the header has ${header.length}`);
    const { name, town } = checked;
    const country = checked.country;
    if (name && town && country) {
      const key = schoolMatchKey(name, country.code, town);
      const first = seen.get(key);
      if (first !== undefined) reasons.push(`the same school is on line ${first}`);
      else seen.set(key, line);
    }
    if (reasons.length || !checked.row) problems.push({ line, reasons });
    else rows.push({ line, ...checked.row });
  });
  return { rows, problems };
}
