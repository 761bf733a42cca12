import { describe, expect, it } from 'vitest';
import { fillVariables } from './variables.ts';

describe('variables', () => {
  const values = { fees_iQTS_low: '£7,950', fees_iQTS_high: '£9,950' };

  it('fills known placeholders', () => {
    expect(fillVariables('From $fees_iQTS_low$ to $fees_iQTS_high$.', values)).toEqual({
      text: 'From £7,950 to £9,950.',
      unknown: [],
    });
  });

  it('never shows an unknown placeholder raw, and reports it', () => {
    const result = fillVariables('Costs $fees_unknown$ a year', values);
    expect(result.text).toBe('Costs  a year');
    expect(result.unknown).toEqual(['fees_unknown']);
  });

  it('leaves prices written with dollar signs alone', () => {
    expect(fillVariables('It costs $100 or $200.', values).text).toBe('It costs $100 or $200.');
  });
});
