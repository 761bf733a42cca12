import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/platform/session.ts';
import { $, startTestApp, type TestApp } from '../helpers/app.ts';

/** The footer, and the pages every GOV.UK service has: accessibility, privacy, cookies. */
describe('footer and policy pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { OUTBOX_RETENTION_DAYS: '45', DRAFT_RETENTION_MONTHS: '7', SESSION_IDLE_MINUTES: '40' },
    });
  });
  afterAll(async () => t?.close());

  it('every kind of page has the footer links and the Open Government Licence statement for the adapted guidance', async () => {
    for (const url of ['/', '/eligibility', '/sign-in', '/providers', '/accessibility', '/no-such-page']) {
      const page = $(await t.app.inject(url));
      const footer = page('.govuk-footer');
      const links = footer
        .find('a')
        .map((_, a) => `${page(a).text().trim()} ${page(a).attr('href')}`)
        .get();
      for (const link of [
        'Accessibility statement /accessibility',
        'Privacy notice /privacy',
        'Cookies /cookies',
        'Provider, mentor and DfE sign in /provider/sign-in',
      ])
        expect(links, url).toContain(link);
      const text = footer.text().replace(/\s+/g, ' ');
      expect(text, url).toContain('Guidance on this site is adapted from Get Into Teaching (Department for Education)');
      expect(text, url).toContain('Open Government Licence v3.0');
    }
  });

  it('each page answers, sets no cookie and has one heading', async () => {
    for (const [url, heading] of [
      ['/accessibility', 'Accessibility statement'],
      ['/privacy', 'Privacy notice'],
      ['/cookies', 'Cookies'],
    ]) {
      const res = await t.app.inject(url!);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['set-cookie'], url).toBeUndefined();
      expect($(res)('h1').text(), url).toBe(heading);
    }
  });

  it('the privacy notice states the retention this service is configured with', async () => {
    const text = $(await t.app.inject('/privacy'))('main')
      .text()
      .replace(/\s+/g, ' ');
    expect(text).toContain('copies of emails we have sent are deleted after 45 days');
    expect(text).toContain('deleted if you do not change it for 7 months');
    expect(text).toContain('your session ends after 40 minutes without activity');
    expect(text).toContain('the staff of the training provider you submit your application to');
  });

  it('the cookies page lists the one essential cookie, the one the service sets, and there is no banner', async () => {
    const page = $(await t.app.inject('/cookies'));
    const names = page('main table tbody tr th')
      .map((_, th) => page(th).text().trim())
      .get();
    expect(names).toEqual([SESSION_COOKIE]);
    expect(page('.govuk-cookie-banner').length).toBe(0);
    const signIn = await t.app.inject('/sign-in');
    expect(String(signIn.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
  });

  it('the accessibility statement says how it was tested and what is known not to work', async () => {
    const text = $(await t.app.inject('/accessibility'))('main')
      .text()
      .replace(/\s+/g, ' ');
    expect(text).toContain('the axe accessibility checker');
    expect(text).toContain('with JavaScript on and with JavaScript off');
    expect(text).toContain('Known issues');
    expect(text).toContain('has not yet been audited');
  });

  it('has a favicon: /favicon.ico and the icon each page links to are served', async () => {
    const icon = $(await t.app.inject('/'))('link[rel="icon"]').attr('href')!;
    const res = await t.app.inject(icon);
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'image/svg+xml']);
    const ico = await t.app.inject('/favicon.ico');
    expect([ico.statusCode, ico.headers.location]).toEqual([301, icon]);
  });
});

describe('with the GOV.UK brand', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GOVUK_BRAND: 'true' } });
  });
  afterAll(async () => t?.close());

  it('uses govuk-frontend’s favicons, all served, and its footer with the same links and licence', async () => {
    const page = $(await t.app.inject('/'));
    const icons = page('link[rel="icon"], link[rel="apple-touch-icon"]')
      .map((_, l) => page(l).attr('href'))
      .get();
    expect(icons.some((h) => h.endsWith('/images/favicon.ico'))).toBe(true);
    for (const href of icons) expect((await t.app.inject(href)).statusCode, href).toBe(200);
    const ico = await t.app.inject('/favicon.ico');
    expect(ico.headers.location).toMatch(/\/images\/favicon\.ico$/);
    expect((await t.app.inject(String(ico.headers.location))).statusCode).toBe(200);
    const footer = page('.govuk-footer');
    expect(footer.find('a[href="/privacy"]').length).toBe(1);
    expect(footer.text()).toContain('Get Into Teaching');
  });
});
