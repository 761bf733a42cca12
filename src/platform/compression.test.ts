import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyCache, CompactBody, chooseEncoding, pickBody } from './compression.ts';

const page = (n: number) =>
  Buffer.from(`<!DOCTYPE html><title>Page ${n}</title>${'<p>Some words. '.repeat(200)}`, 'utf8');

describe('a content page held as gzip (CompactBody)', () => {
  it('gives the same page in every encoding, whether or not its other forms fit the cache', () => {
    for (const budget of [0, 1024 * 1024]) {
      const raw = page(1);
      const body = new CompactBody(raw, new BodyCache(budget));
      for (let i = 0; i < 2; i++) {
        expect(body.raw.equals(raw)).toBe(true);
        expect(gunzipSync(body.gzip).equals(raw)).toBe(true);
        expect(brotliDecompressSync(body.brotli).equals(raw)).toBe(true);
      }
      expect(body.gzip.length).toBeLessThan(raw.length / 4);
    }
  });

  it('keeps made forms within the byte budget, letting the least recently used go', () => {
    const size = page(0).length;
    const cache = new BodyCache(size * 2 + 10);
    const bodies = [0, 1, 2].map((n) => new CompactBody(page(n), cache));
    const first = bodies[0]!.raw;
    expect(bodies[1]!.raw.equals(page(1))).toBe(true);
    expect(bodies[0]!.raw).toBe(first); // kept: the same bytes, not made again
    // No room for three: page 1 (least recently used) goes, page 0 stays.
    expect(bodies[2]!.raw.equals(page(2))).toBe(true);
    expect(cache.bytes).toBeLessThanOrEqual(cache.budget);
    expect(bodies[0]!.raw).toBe(first);
    const again = bodies[1]!.raw;
    expect(again.equals(page(1))).toBe(true);
    expect(cache.bytes).toBeLessThanOrEqual(cache.budget);
  });

  it('never keeps what is larger than the whole budget', () => {
    const cache = new BodyCache(100);
    const body = new CompactBody(page(3), cache);
    expect(body.raw.equals(page(3))).toBe(true);
    expect(cache.bytes).toBe(0);
  });
});

describe('choosing an encoding', () => {
  it('prefers brotli, then gzip, and honours q=0', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding(undefined)).toBe('identity');
    const body = new CompactBody(page(4), new BodyCache(0));
    expect(pickBody(body, 'gzip')).toBe(body.gzip);
  });
});
