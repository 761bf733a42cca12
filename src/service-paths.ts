/**
 * Pages the service answers besides content pages. Content may link to these; the content
 * lint accepts them, and a test checks each one really answers.
 */
export const SERVICE_PATHS = [
  '/search',
  '/feedback',
  '/eligibility',
  '/providers',
  '/placement-schools',
  '/api/v1/openapi.json',
  '/sign-in',
  '/provider/sign-in',
  '/accessibility',
  '/privacy',
  '/cookies',
  '/sitemap.xml',
  '/robots.txt',
  '/health',
  '/statistics',
  '/statistics.csv',
  '/advisers/sign-up/name',
];

/** The service's own pages that a search engine should find, listed in the sitemap when this build has them. */
export const SITEMAP_SERVICE_PATHS = [
  '/eligibility',
  '/providers',
  '/placement-schools',
  '/check-a-teachers-record',
  '/statistics',
  '/accessibility',
  '/privacy',
  '/cookies',
];
