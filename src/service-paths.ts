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
  '/sitemap.xml',
  '/robots.txt',
  '/health',
];
