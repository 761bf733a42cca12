import { describe, expect, it } from 'vitest';
import {
  suppressCount,
  suppressGroup,
  suppressRate,
  suppressStatistic,
} from '../../src/features/oversight/suppression.ts';

describe('small numbers in the open statistics', () => {
  it('a count under 5, zero included, is "fewer than 5"; 5 shows', () => {
    expect(suppressCount(0)).toEqual({ value: null, text: 'fewer than 5' });
    expect(suppressCount(4)).toEqual({ value: null, text: 'fewer than 5' });
    expect(suppressCount(5)).toEqual({ value: 5, text: '5' });
    expect(suppressCount(12345)).toEqual({ value: 12345, text: '12,345' });
  });

  it('in a group with a published total, hidden cells must add up to 5 or more', () => {
    // One hidden: the total minus the rest would give it, so the next smallest goes too.
    expect(suppressGroup([10, 4, 7]).map((s) => s.text)).toEqual(['10', 'fewer than 5', 'withheld']);
    // Two hidden adding up to 4: still derivable as a pair, so another goes.
    expect(suppressGroup([10, 4, 0]).map((s) => s.text)).toEqual(['withheld', 'fewer than 5', 'fewer than 5']);
    // Two hidden adding up to 5 or more: no more.
    expect(suppressGroup([10, 4, 3]).map((s) => s.text)).toEqual(['10', 'fewer than 5', 'fewer than 5']);
    expect(suppressGroup([5, 6]).map((s) => s.text)).toEqual(['5', '6']);
    expect(suppressGroup([0, 0]).map((s) => s.text)).toEqual(['fewer than 5', 'fewer than 5']);
    expect(suppressGroup([10, 4], false).map((s) => s.text)).toEqual(['10', 'fewer than 5']);
  });

  it('a rate on a hidden count, or one whose rest is small, is withheld with its part', () => {
    expect(suppressRate(4, 20).rate.text).toBe('withheld');
    expect(suppressRate(6, 4).rate.text).toBe('withheld');
    const allButTwo = suppressRate(18, 20);
    expect([allButTwo.part.text, allButTwo.whole.text, allButTwo.rate.text]).toEqual(['withheld', '20', 'withheld']);
    const shown = suppressRate(5, 10);
    expect([shown.part.text, shown.whole.text, shown.rate.text]).toEqual(['5', '10', '50%']);
    expect(suppressRate(0, 0).rate.text).toBe('withheld');
  });

  it('a median of fewer than 5 values is withheld', () => {
    expect(suppressStatistic(3, 4).text).toBe('withheld');
    expect(suppressStatistic(3, 5).text).toBe('3 days');
    expect(suppressStatistic(1, 5).text).toBe('1 day');
    expect(suppressStatistic(null, 10).text).toBe('withheld');
  });
});
