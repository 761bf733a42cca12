import { countries, countryByCode } from './places/countries.ts';

/** Formatting every feature shares: country names, distances. */
export const countryName = (code: string): string => countryByCode(code)?.name ?? code;
export const countryOptions = () => countries.map((c) => ({ value: c.code, text: c.name }));
export const km = (n: number): string => `${n.toFixed(1)} km`;
