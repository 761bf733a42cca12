import { brotliCompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';

/** A body in its three forms: what a response needs, whichever is kept. */
export interface Body {
  readonly raw: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
}

const brotli = (raw: Buffer) =>
  brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });

/** A response body kept in memory with its compressed forms, made on first use and then reused. */
export class StaticBody implements Body {
  #gzip?: Buffer;
  #brotli?: Buffer;
  constructor(readonly raw: Buffer) {}
  get gzip(): Buffer {
    return (this.#gzip ??= gzipSync(this.raw, { level: 9 }));
  }
  get brotli(): Buffer {
    return (this.#brotli ??= brotli(this.raw));
  }
}

/**
 * The forms of compact bodies made on request (raw, brotli), kept while they fit a byte budget;
 * the least recently used go first. A Map's order is its recency: a hit moves its entry last.
 */
export class BodyCache {
  readonly #entries = new Map<CacheEntry, number>();
  #bytes = 0;
  constructor(readonly budget: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  touch(entry: CacheEntry): void {
    const size = this.#entries.get(entry);
    if (size === undefined) return;
    this.#entries.delete(entry);
    this.#entries.set(entry, size);
  }

  /** Keeps `entry` if it fits the budget, letting the oldest go to make room; false if it never fits. */
  keep(entry: CacheEntry, size: number): boolean {
    if (size > this.budget) return false;
    for (const [oldest, oldSize] of this.#entries) {
      if (this.#bytes + size <= this.budget) break;
      this.#entries.delete(oldest);
      this.#bytes -= oldSize;
      oldest.drop();
    }
    this.#entries.set(entry, size);
    this.#bytes += size;
    return true;
  }
}

interface CacheEntry {
  drop(): void;
}

/**
 * A body held once, as gzip (the smallest form made cheaply, and what most clients take). The
 * raw and brotli forms are made when asked for and kept in a shared cache with a byte budget, so a
 * thousand pages cost their gzip bytes plus the budget, while the pages people read stay hot.
 */
export class CompactBody implements Body {
  readonly gzip: Buffer;
  #raw: Buffer | undefined;
  #brotli: Buffer | undefined;
  readonly #rawEntry: CacheEntry = { drop: () => (this.#raw = undefined) };
  readonly #brotliEntry: CacheEntry = { drop: () => (this.#brotli = undefined) };

  constructor(
    raw: Buffer,
    readonly cache: BodyCache,
  ) {
    // A copy of exactly its length: zlib's result is a view of a larger output buffer.
    this.gzip = Buffer.from(gzipSync(raw, { level: 9 }));
  }

  get raw(): Buffer {
    if (this.#raw) {
      this.cache.touch(this.#rawEntry);
      return this.#raw;
    }
    const raw = Buffer.from(gunzipSync(this.gzip));
    if (this.cache.keep(this.#rawEntry, raw.length)) this.#raw = raw;
    return raw;
  }

  get brotli(): Buffer {
    if (this.#brotli) {
      this.cache.touch(this.#brotliEntry);
      return this.#brotli;
    }
    const compressed = Buffer.from(brotli(this.#raw ?? gunzipSync(this.gzip)));
    if (this.cache.keep(this.#brotliEntry, compressed.length)) this.#brotli = compressed;
    return compressed;
  }
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** Picks br, then gzip, from an Accept-Encoding header; q=0 excludes. Cheap: no full parse on the hot path. */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const accepts = (name: string): boolean => {
    const at = header.indexOf(name);
    if (at === -1) return false;
    const rest = header.slice(at + name.length, header.indexOf(',', at) === -1 ? undefined : header.indexOf(',', at));
    return !/;\s*q=0(\.0*)?\s*$/.test(rest);
  };
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return 'identity';
}

export function pickBody(body: Body, encoding: Encoding): Buffer {
  return encoding === 'br' ? body.brotli : encoding === 'gzip' ? body.gzip : body.raw;
}
