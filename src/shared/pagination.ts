/**
 * GOV.UK pagination for every list: first, last and the pages next to the current one,
 * with an ellipsis for each gap. Null when everything fits on one page.
 */
export interface PaginationView {
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[];
  previous?: { href: string };
  next?: { href: string };
}

export function pagination(page: number, pages: number, href: (n: number) => string): PaginationView | null {
  if (pages <= 1) return null;
  const items: PaginationView['items'] = [];
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= 1)
      items.push({ number: n, href: href(n), current: n === page });
    else if (!('ellipsis' in (items.at(-1) ?? {}))) items.push({ ellipsis: true });
  }
  return {
    items,
    ...(page > 1 ? { previous: { href: href(page - 1) } } : {}),
    ...(page < pages ? { next: { href: href(page + 1) } } : {}),
  };
}

/** The number of pages for a total, at least one. */
export const pageCount = (total: number, size: number): number => Math.max(1, Math.ceil(total / size));
