/**
 * Finds mojibake: UTF-8 text that was decoded as Windows-1252 and saved again, such as
 * `â€™` for `’` or `Ã©` for `é`. Each suspicious run is re-encoded to bytes and accepted
 * as mojibake only when those bytes are valid UTF-8 for a non-ASCII character.
 */
const cp1252High: Record<number, number> = {
  0x20ac: 0x80,
  0x201a: 0x82,
  0x0192: 0x83,
  0x201e: 0x84,
  0x2026: 0x85,
  0x2020: 0x86,
  0x2021: 0x87,
  0x02c6: 0x88,
  0x2030: 0x89,
  0x0160: 0x8a,
  0x2039: 0x8b,
  0x0152: 0x8c,
  0x017d: 0x8e,
  0x2018: 0x91,
  0x2019: 0x92,
  0x201c: 0x93,
  0x201d: 0x94,
  0x2022: 0x95,
  0x2013: 0x96,
  0x2014: 0x97,
  0x02dc: 0x98,
  0x2122: 0x99,
  0x0161: 0x9a,
  0x203a: 0x9b,
  0x0153: 0x9c,
  0x017e: 0x9e,
  0x0178: 0x9f,
};

function cp1252Byte(ch: string): number | undefined {
  const code = ch.codePointAt(0)!;
  if (code >= 0xa0 && code <= 0xff) return code;
  if (code >= 0x80 && code <= 0x9f) return code; // C1 controls survive some decoders as-is
  return cp1252High[code];
}

export interface Mojibake {
  /** 1-based column of the first character. */
  column: number;
  found: string;
  intended: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function findMojibake(line: string): Mojibake[] {
  const out: Mojibake[] = [];
  const chars = [...line];
  let column = 1;
  for (let i = 0; i < chars.length; i++) {
    const lead = cp1252Byte(chars[i]!);
    const width =
      lead === undefined
        ? 0
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : lead >= 0xe0
            ? 3
            : lead >= 0xc2 && lead <= 0xdf
              ? 2
              : 0;
    if (width > 0 && i + width <= chars.length) {
      const bytes = [lead!];
      for (let k = 1; k < width; k++) {
        const b = cp1252Byte(chars[i + k]!);
        if (b === undefined || b < 0x80 || b > 0xbf) break;
        bytes.push(b);
      }
      if (bytes.length === width) {
        try {
          const intended = decoder.decode(Uint8Array.from(bytes));
          const found = chars.slice(i, i + width).join('');
          out.push({ column, found, intended });
          column += found.length;
          i += width - 1;
          continue;
        } catch {
          // not valid UTF-8: an ordinary accented letter, not mojibake
        }
      }
    }
    column += chars[i]!.length;
  }
  return out;
}
