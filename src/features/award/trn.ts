import { randomBytes, randomInt } from 'node:crypto';

/**
 * Teacher reference numbers: seven digits, as England's teacher register uses. A person
 * keeps one for life. Numbers are drawn at random (no leading zero, so they read the same as
 * a number); the database's unique index decides a collision, and the caller draws again.
 */
export const TRN_PATTERN = /^[1-9]\d{6}$/;
export const isTrn = (value: string): boolean => TRN_PATTERN.test(value);
export const drawTrn = (random: (min: number, max: number) => number = randomInt): string =>
  String(random(1_000_000, 10_000_000));

/** The code in a certificate's verification link: 128 random bits, never derived from the record. */
export const verifyCode = (): string => randomBytes(16).toString('base64url');
export const VERIFY_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** The route recorded with QTS. */
export const IQTS_ROUTE = 'International Qualified Teacher Status';
