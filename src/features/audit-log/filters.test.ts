import { describe, expect, it } from 'vitest';
import { filterQuery, parseAuditFilters } from './filters.ts';

describe('the audit log’s filters', () => {
  it('reads each filter from the query string, as people type them', () => {
    const parsed = parseAuditFilters({
      providerId: '12',
      actor: ' Someone@Example.ORG ',
      reference: 'iqts-ab12cd3',
      trn: '1234567',
      action: 'make-offer',
      'from-day': '1',
      'from-month': 'March',
      'from-year': '2026',
      'to-day': '31',
      'to-month': '3',
      'to-year': '2026',
    });
    expect(parsed.problems.errors).toEqual([]);
    expect(parsed.filters).toEqual({
      providerId: 12,
      actor: 'someone@example.org',
      reference: 'IQTS-AB12CD3',
      trn: '1234567',
      action: 'make-offer',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(parseAuditFilters({ actor: '42' }).filters).toEqual({ actor: 42 });
  });

  it('refuses a range that ends before it starts, and dates that are not real, linking to the day field', () => {
    const range = parseAuditFilters({
      'from-day': '2',
      'from-month': '2',
      'from-year': '2026',
      'to-day': '1',
      'to-month': '2',
      'to-year': '2026',
    });
    expect(range.problems.errors).toEqual([
      { text: 'To date must be the same as or after the from date', href: '#to-day' },
    ]);
    expect(range.filters).toEqual({});
    expect(
      parseAuditFilters({ 'from-day': '30', 'from-month': '2', 'from-year': '2026' }).problems.fieldErrors,
    ).toEqual({ from: 'From date must be a real date' });
  });

  it('keeps only the first of a repeated value, and writes the filters back as a link', () => {
    const parsed = parseAuditFilters({ action: ['make-offer', 'reject'], page: '2', ignored: 'x' });
    expect(parsed.filters).toEqual({ action: 'make-offer' });
    expect(parsed.page).toBe(2);
    expect(filterQuery(parsed.values, 3)).toBe('?action=make-offer&page=3');
    expect(filterQuery({})).toBe('');
  });
});
