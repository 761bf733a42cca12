import fc from 'fast-check';

/**
 * Hostile values for one parameter, as they travel on the wire. `piece(name)` is the raw
 * `name=value` text of a query string or form body (percent-encoded, or deliberately not);
 * `segment` is the value as a raw path segment. `label` names the value in failure lists.
 */
export interface Hostile {
  label: string;
  piece(name: string): string;
  segment: string;
}

/** Percent-encodes the UTF-8 bytes of a string: every byte except unreserved characters. */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const describe = (value: string): string => {
  const shown = value.length > 40 ? `${value.slice(0, 24)}… (${value.length} characters)` : value;
  return JSON.stringify(shown);
};

/** A value sent percent-encoded, as a browser would send it. */
export function text(value: string): Hostile {
  const encoded = percentEncode(value);
  return { label: describe(value), piece: (name) => `${percentEncode(name)}=${encoded}`, segment: encoded };
}

/** Raw text put on the wire as is: broken percent-encoding, invalid UTF-8. */
function raw(value: string): Hostile {
  return {
    label: `raw ${value.length > 40 ? `${value.slice(0, 24)}…` : value}`,
    piece: (name) => `${name}=${value}`,
    segment: value,
  };
}

/** The same key several times: the handler sees an array. */
function repeated(values: string[]): Hostile {
  return {
    label: `repeated ${describe(values.join('|'))} (${values.length} times)`,
    piece: (name) => values.map((v) => `${percentEncode(name)}=${percentEncode(v)}`).join('&'),
    segment: percentEncode(values.join(',')),
  };
}

/** Bracketed keys (`a[]=`, `a[b]=`), which some parsers turn into arrays and objects. */
function bracketed(suffix: string, value: string): Hostile {
  return {
    label: `${suffix}=${describe(value)}`,
    piece: (name) => `${percentEncode(name)}${suffix}=${percentEncode(value)}`,
    segment: percentEncode(`${suffix}${value}`),
  };
}

/** The key with no `=` at all. */
const bare: Hostile = { label: 'key without a value', piece: (name) => percentEncode(name), segment: '' };

const LONG = 'x'.repeat(100_000);

/** Every parameter gets all of these first: the classic hostile inputs, deterministic. */
export const FIXED_HOSTILE: Hostile[] = [
  // Control characters.
  ...['\u0000', 'a\u0000b', '\u0001', '\u0008', '\u001b[2J', '\u007f', '\u0085', '\u009f'].map(text),
  // Numbers out of range or in odd notations.
  ...[
    '-1',
    '0',
    '-0',
    '-99999999999',
    '1e308',
    '-1e308',
    '1e-308',
    '99999999999999999999',
    '9007199254740993',
    'NaN',
    'Infinity',
    '0x1F',
    '1.5',
    ' 12 ',
    '١٢',
  ].map(text),
  // Empty, whitespace, invisible and odd Unicode.
  ...['', ' ', '\t', '\r\n', '\u200b', '\ufeff', '😀'.repeat(10), 'é'.repeat(5000)].map(text),
  // SQL, HTML, template and path fragments.
  ...[
    "'",
    '"',
    "' OR '1'='1",
    '1; DROP TABLE users; --',
    "') UNION SELECT * FROM users --",
    '%',
    '_',
    '\\',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '{{ 7*7 }}',
    '{% raw %}',
    '${7*7}',
    '../../../etc/passwd',
    '//evil.example',
    'javascript:alert(1)',
    '__proto__',
    'constructor',
    'toString',
    'true',
    'null',
    '[]',
    '{}',
    '2025-02-30',
  ].map(text),
  // Over-long.
  text(LONG),
  // Invalid percent-encoding and invalid UTF-8, sent raw.
  ...['%', '%%', '%zz', '%0', '%E0%A4%A', '%FF', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '%u0000'].map(raw),
  // Arrays and objects.
  repeated(['a', 'b']),
  repeated(['', '']),
  repeated(['x\u0000', 'y']),
  repeated(Array.from({ length: 1000 }, () => '1')),
  bracketed('[]', 'x'),
  bracketed('[a]', 'b'),
  bracketed('[a][b]', 'c'),
  bracketed('[__proto__]', 'x'),
  bare,
];

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
);
const hostileCharacters = fc.string({
  unit: fc.constantFrom(...'<>"\'&;%\\/{}$`|*?#[]()=+ \u0000\u0007\u001f\u007f\u0085\u2028'.split('')),
  maxLength: 30,
});

/** Values fast-check generates, to go beyond the fixed list. */
const generated: fc.Arbitrary<Hostile> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }).map(text),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map(text),
  numberText.map(text),
  hostileCharacters.map(text),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), numberText), { minLength: 2, maxLength: 6 }).map(repeated),
  fc
    .tuple(fc.constantFrom('[]', '[0]', '[a]', '[a][b]', '[length]'), fc.string({ maxLength: 10 }))
    .map(([suffix, value]) => bracketed(suffix, value)),
  fc.nat({ max: 300_000 }).map((n) => text('9'.repeat(n % 2000) || '9')),
);

/**
 * `count` hostile values for one parameter: the fixed list, then values generated by
 * fast-check from a seed (the same seed gives the same values, so a failure can be replayed).
 */
export function hostileValues(count: number, seed: number): Hostile[] {
  const extra = Math.max(0, count - FIXED_HOSTILE.length);
  return [...FIXED_HOSTILE.slice(0, count), ...(extra ? fc.sample(generated, { numRuns: extra, seed }) : [])];
}

/** Bodies a browser's form never sends: other content types, and sizes past the limit. */
export interface OddBody {
  label: string;
  contentType: string | undefined;
  body(formPairs: string, csrf: string): string;
}

export const ODD_BODIES: OddBody[] = [
  {
    label: 'JSON body',
    contentType: 'application/json',
    body: (_pairs, csrf) => JSON.stringify({ _csrf: csrf, a: [1, { b: null }], n: 1e308 }),
  },
  { label: 'JSON array', contentType: 'application/json', body: () => '[1,2,3]' },
  { label: 'broken JSON', contentType: 'application/json', body: () => '{"a":' },
  { label: 'plain text', contentType: 'text/plain', body: (pairs) => pairs },
  {
    label: 'multipart',
    contentType: 'multipart/form-data; boundary=x',
    body: (_pairs, csrf) => `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--x--\r\n`,
  },
  { label: 'XML', contentType: 'application/xml', body: () => '<a>&xxe;</a>' },
  { label: 'no content type', contentType: undefined, body: (pairs) => pairs },
  { label: 'form, UTF-16 declared', contentType: 'application/x-www-form-urlencoded; charset=utf-16', body: (p) => p },
  { label: 'form, 100 kB field', contentType: 'application/x-www-form-urlencoded', body: (p) => `${p}&f=${LONG}` },
  {
    label: 'form, 50 kB field',
    contentType: 'application/x-www-form-urlencoded',
    body: (p) => `${p}&f=${LONG.slice(0, 50_000)}`,
  },
];
