import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens: 32 random bytes, base64url, after a prefix that says what the string is (so a
 * token pasted somewhere it should not be is easy to recognise and to search for). Only the
 * SHA-256 of a token is stored: the token has 256 bits of randomness, so a plain hash is
 * enough, and it does not depend on a secret that may be rotated. Pure: no HTTP, no database.
 */
export const TOKEN_PREFIX = 'iqts_api_';
const TOKEN = /^iqts_api_[A-Za-z0-9_-]{43}$/;

export const newToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');

export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether two hex hashes are equal, compared in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

/** The token in an `Authorization: Bearer …` header, when it has a token's shape. */
export function bearerToken(header: string | undefined): { token: string } | { problem: 'missing' | 'malformed' } {
  if (header === undefined || header.trim() === '') return { problem: 'missing' };
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match || !TOKEN.test(match[1]!)) return { problem: 'malformed' };
  return { token: match[1]! };
}
