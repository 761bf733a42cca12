import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** A response body kept in memory with its compressed forms, made on first use and then reused. */
export class StaticBody {
  #gzip?: Buffer;
  #brotli?: Buffer;
  constructor(readonly raw: Buffer) {}
  get gzip(): Buffer {
    return (this.#gzip ??= gzipSync(this.raw, { level: 9 }));
  }
  get brotli(): Buffer {
    return (this.#brotli ??= brotliCompressSync(this.raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: this.raw.length },
    }));
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

export function pickBody(body: StaticBody, encoding: Encoding): Buffer {
  return encoding === 'br' ? body.brotli : encoding === 'gzip' ? body.gzip : body.raw;
}
