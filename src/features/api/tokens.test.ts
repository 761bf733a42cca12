import { describe, expect, it } from 'vitest';
import { bearerToken, newToken, sameHash, tokenHash, TOKEN_PREFIX } from './tokens.ts';

describe('API tokens', () => {
  it('are the prefix and 43 base64url characters (32 random bytes), different every time', () => {
    const a = newToken();
    expect(a).toMatch(/^iqts_api_[A-Za-z0-9_-]{43}$/);
    expect(a.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(newToken()).not.toBe(a);
  });

  it('are stored as a SHA-256 that never contains the token', () => {
    const token = newToken();
    const hash = tokenHash(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + 10));
    expect(sameHash(hash, tokenHash(token))).toBe(true);
    expect(sameHash(hash, tokenHash(newToken()))).toBe(false);
    expect(sameHash(hash, 'abc')).toBe(false);
  });

  it('are read only from a Bearer header with a token’s shape', () => {
    const token = newToken();
    expect(bearerToken(`Bearer ${token}`)).toEqual({ token });
    expect(bearerToken(`bearer ${token}`)).toEqual({ token });
    expect(bearerToken(undefined)).toEqual({ problem: 'missing' });
    expect(bearerToken('')).toEqual({ problem: 'missing' });
    expect(bearerToken(`Basic ${token}`)).toEqual({ problem: 'malformed' });
    expect(bearerToken(`Bearer ${token}x`)).toEqual({ problem: 'malformed' });
    expect(bearerToken(`Bearer ${token} ${token}`)).toEqual({ problem: 'malformed' });
    expect(bearerToken('Bearer iqts_api_')).toEqual({ problem: 'malformed' });
  });
});
