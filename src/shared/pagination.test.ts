import { describe, expect, it } from 'vitest';
import { pagination } from './pagination.ts';

const shown = (page: number, pages: number) =>
  pagination(page, pages, (n) => `?page=${n}`)?.items.map((i) =>
    'ellipsis' in i ? '…' : i.current ? `[${i.number}]` : i.number,
  );

describe('pagination', () => {
  it('is absent when one page holds everything', () => {
    expect(pagination(1, 1, String)).toBeNull();
  });
  it('shows the first, last and neighbouring pages, with an ellipsis for each gap', () => {
    expect(shown(1, 10)).toEqual(['[1]', 2, '…', 10]);
    expect(shown(5, 10)).toEqual([1, '…', 4, '[5]', 6, '…', 10]);
    expect(shown(10, 10)).toEqual([1, '…', 9, '[10]']);
    expect(shown(2, 3)).toEqual([1, '[2]', 3]);
  });
  it('links previous and next only where they exist', () => {
    expect(pagination(1, 3, (n) => `p${n}`)).toMatchObject({ next: { href: 'p2' } });
    expect(pagination(1, 3, (n) => `p${n}`)?.previous).toBeUndefined();
    expect(pagination(3, 3, (n) => `p${n}`)).toMatchObject({ previous: { href: 'p2' } });
  });
});
