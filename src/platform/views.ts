import nunjucks from 'nunjucks';
import type { AssetManifest } from './assets.ts';
import { fromRoot } from '../shared/paths.ts';
import { govukDate, govukDateTime } from '../shared/dates.ts';

export const SERVICE_NAME = 'Get international qualified teacher status';

export interface NavigationItem {
  href: string;
  text: string;
}

export interface ViewGlobals {
  assets: AssetManifest;
  govukBrand: boolean;
  primaryNavigation: NavigationItem[];
  /** The service's public address (config serviceUrl), for canonical links. */
  serviceUrl?: string;
}

/** One Nunjucks environment for the service: autoescaped, cached templates, govuk-frontend macros. */
export function createViews(globals: ViewGlobals, extraPaths: string[] = []): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [fromRoot('src/views'), fromRoot('src/features'), ...extraPaths, fromRoot('node_modules/govuk-frontend/dist')],
      {
        noCache: false,
      },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addGlobal('serviceName', SERVICE_NAME);
  env.addGlobal('assets', globals.assets);
  env.addGlobal('assetPath', globals.assets.govukAssetBase);
  env.addGlobal('govukBrand', globals.govukBrand);
  env.addGlobal('primaryNavigation', globals.primaryNavigation);
  env.addGlobal('adminNavigation', ADMIN_NAVIGATION);
  env.addGlobal('serviceUrl', globals.serviceUrl ?? '');
  // Every date a person reads goes through the one formatter: "30 November 2026", and where
  // the time matters, "30 November 2026 at 2:05pm (UTC)".
  env.addFilter('govukDate', (value: string | null | undefined) => govukDate(value));
  env.addFilter('govukDateTime', (value: string | Date | null | undefined) => govukDateTime(value));
  env.addFilter('navItems', (items: NavigationItem[], current: string | undefined) =>
    items.map((i) => ({
      href: i.href,
      text: i.text,
      active: current !== undefined && (current === i.href || (i.href !== '/' && current.startsWith(i.href + '/'))),
    })),
  );
  // The section a page belongs to: the item with the longest address the page's path starts with.
  env.addFilter('sectionItems', (items: NavigationItem[], path: string | undefined) => {
    const within = (href: string) => path !== undefined && (path === href || path.startsWith(href + '/'));
    const current = items.filter((i) => within(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
    return items.map((i) => ({ ...i, current: i === current }));
  });
  return env;
}

/** The DfE admins' area, shown under the header on every admin page. */
export const ADMIN_NAVIGATION: NavigationItem[] = [
  { href: '/admin/dashboard', text: 'Dashboard' },
  { href: '/admin/providers', text: 'Providers' },
  { href: '/admin', text: 'Provider users' },
  { href: '/admin/users', text: 'Users' },
  { href: '/admin/audit', text: 'Audit log' },
  { href: '/admin/awards', text: 'Awards' },
  { href: '/admin/advisers', text: 'Advisers' },
];
