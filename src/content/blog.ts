import { escapeHtml } from '../shared/html.ts';
import { pageCount, pagination, type PaginationView } from '../shared/pagination.ts';
import type { ContentPage, ContentTree } from './load.ts';
import { slugify } from './markdown.ts';

/**
 * The blog: every page under /blog/ is a post (date, author, subtitle, tags, closing
 * paragraph). The service makes its index and tag pages, 10 posts a page with GOV.UK
 * pagination, and an Atom feed (the original site had none).
 */
export const BLOG = '/blog';
export const POSTS_PER_PAGE = 10;
export const FEED_PATH = '/blog/feed.xml';

export const isPost = (page: ContentPage): boolean => page.path.startsWith(`${BLOG}/`);

export interface PostSummary {
  path: string;
  title: string;
  description: string;
  date: string;
  author?: string;
  tags: string[];
}

/** Posts newest first (ties by title), with the facts lists and the feed need. */
export function blogPosts(tree: ContentTree): PostSummary[] {
  return [...tree.pages.values()]
    .filter((p) => isPost(p) && typeof p.frontMatter.date === 'string' && p.frontMatter.title)
    .map((p) => ({
      path: p.path,
      title: p.frontMatter.title,
      description: (p.frontMatter.description ?? '').trim(),
      date: p.frontMatter.date!,
      ...(p.frontMatter.author ? { author: p.frontMatter.author } : {}),
      tags: p.frontMatter.tags ?? [],
    }))
    .sort((a, b) => b.date.localeCompare(a.date) || a.title.localeCompare(b.title));
}

export const tagSlug = (tag: string): string => slugify(tag) || 'tag';
export const tagPath = (tag: string): string => `${BLOG}/tag/${tagSlug(tag)}`;

/** Up to three other posts sharing the most tags with this one (then the newest). */
export function similarPosts(posts: PostSummary[], path: string, count = 3): PostSummary[] {
  const self = posts.find((p) => p.path === path);
  if (!self) return [];
  const shared = (p: PostSummary) => p.tags.filter((t) => self.tags.includes(t)).length;
  return posts
    .filter((p) => p.path !== path && shared(p) > 0)
    .sort((a, b) => shared(b) - shared(a) || b.date.localeCompare(a.date))
    .slice(0, count);
}

export interface BlogListPage {
  path: string;
  /** The page's title: the heading, and which page of how many. */
  title: string;
  heading: string;
  /** The tag a tag page lists. */
  tag?: string;
  posts: PostSummary[];
  pagination: PaginationView | null;
  pageNumber: number;
  pages: number;
}

/** The index and tag pages, each split into pages of ten: /blog, /blog/page/2, /blog/tag/x, /blog/tag/x/page/2. */
export function blogListPages(posts: PostSummary[], indexTitle = 'Blog'): BlogListPage[] {
  if (posts.length === 0) return [];
  const lists: { base: string; title: string; tag?: string; posts: PostSummary[] }[] = [
    { base: BLOG, title: indexTitle, posts },
  ];
  const tags = [...new Set(posts.flatMap((p) => p.tags))].sort((a, b) => a.localeCompare(b));
  for (const tag of tags)
    lists.push({
      base: tagPath(tag),
      title: `Posts tagged ‘${tag}’`,
      tag,
      posts: posts.filter((p) => p.tags.includes(tag)),
    });
  return lists.flatMap((list) => {
    const pages = pageCount(list.posts.length, POSTS_PER_PAGE);
    const href = (n: number) => (n === 1 ? list.base : `${list.base}/page/${n}`);
    return Array.from({ length: pages }, (_, i) => ({
      path: href(i + 1),
      title: pages > 1 ? `${list.title} (page ${i + 1} of ${pages})` : list.title,
      heading: list.title,
      ...(list.tag ? { tag: list.tag } : {}),
      posts: list.posts.slice(i * POSTS_PER_PAGE, (i + 1) * POSTS_PER_PAGE),
      pagination: pagination(i + 1, pages, href),
      pageNumber: i + 1,
      pages,
    }));
  });
}

/** An Atom feed (RFC 4287) of the newest posts, with absolute links from the public address. */
export function atomFeed(posts: PostSummary[], publicUrl: string, title: string, limit = 20): string {
  const base = publicUrl.replace(/\/$/, '');
  const updated = posts[0]?.date ?? '1970-01-01';
  const entries = posts
    .slice(0, limit)
    .map(
      (p) =>
        '  <entry>\n' +
        `    <id>${escapeHtml(base + p.path)}</id>\n` +
        `    <title>${escapeHtml(p.title)}</title>\n` +
        `    <link rel="alternate" type="text/html" href="${escapeHtml(base + p.path)}"/>\n` +
        `    <updated>${p.date}T00:00:00Z</updated>\n` +
        (p.author ? `    <author><name>${escapeHtml(p.author)}</name></author>\n` : '') +
        (p.description ? `    <summary>${escapeHtml(p.description)}</summary>\n` : '') +
        p.tags.map((t) => `    <category term="${escapeHtml(t)}"/>\n`).join('') +
        '  </entry>\n',
    );
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<feed xmlns="http://www.w3.org/2005/Atom">\n' +
    `  <id>${escapeHtml(base + BLOG)}</id>\n` +
    `  <title>${escapeHtml(title)}</title>\n` +
    `  <link rel="self" type="application/atom+xml" href="${escapeHtml(base + FEED_PATH)}"/>\n` +
    `  <link rel="alternate" type="text/html" href="${escapeHtml(base + BLOG)}"/>\n` +
    `  <updated>${updated}T00:00:00Z</updated>\n` +
    // Atom requires an author for the feed when an entry has none.
    `  <author><name>${escapeHtml(title)}</name></author>\n` +
    entries.join('') +
    '</feed>\n'
  );
}
