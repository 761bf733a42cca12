import { AxeBuilder } from '@axe-core/playwright';
import type { NodeResult, Result } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { startTestApp, type TestApp } from './app.ts';

/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface BrowserHarness {
  browser: Browser;
  server: TestApp;
  baseUrl: string;
  newPage(options?: {
    javaScriptEnabled?: boolean;
  }): Promise<{ page: Page; context: BrowserContext; cspViolations: string[]; consoleWarnings: string[] }>;
  close(): Promise<void>;
}

/** How the tests (and `npm run screenshots`) launch it: headless, offline, a fresh profile. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Actions and navigations wait this long on a loaded machine before failing the test. */
const ACTION_TIMEOUT = 60_000;

/**
 * Starts the service on a loopback port and a headless Chromium to drive it (Playwright
 * gives each launch a fresh profile). Call once per file, in beforeAll, and close in afterAll:
 * each test gets fresh contexts from `newPage`, closed when the test finishes.
 */
export async function startBrowser(
  options: { engine?: 'sqlite' | 'postgres'; env?: Record<string, string> } = {},
): Promise<BrowserHarness> {
  const server = await startTestApp(options);
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not listen on a port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    server,
    baseUrl,
    async newPage({ javaScriptEnabled = true } = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled });
      context.setDefaultTimeout(ACTION_TIMEOUT);
      contexts.add(context);
      // A fresh context (cookies, storage) per test: nothing leaks into the next test.
      onTestFinished(async () => {
        contexts.delete(context);
        await context.close().catch(() => undefined);
      });
      const page = await context.newPage();
      const cspViolations: string[] = [];
      // Warnings in the console (a deprecated option, a component set up wrongly) are bugs a user never sees.
      const consoleWarnings: string[] = [];
      page.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
        if (message.type() === 'warning') consoleWarnings.push(`${page.url()}: ${message.text()}`);
      });
      return { page, context, cspViolations, consoleWarnings };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await server.close();
    },
  };
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * GOV.UK's radios put `aria-expanded` on a radio that reveals a follow-up question. ARIA does not
 * list it for radios, so axe reports it; GOV.UK keeps it on purpose because screen readers announce
 * it (a known issue: https://github.com/alphagov/govuk-frontend/issues/979). Only that exact finding
 * is set aside: any other attribute, or aria-expanded on anything but such a radio, still fails.
 */
const govukConditionalRadio = (v: Result, n: NodeResult) =>
  v.id === 'aria-allowed-attr' &&
  /^<input class="govuk-radios__input"[^>]* type="radio"[^>]* aria-controls="conditional-/.test(n.html) &&
  [...n.any, ...n.all, ...n.none].every((check) =>
    [check.data].flat().every((d) => typeof d === 'string' && /^aria-expanded="(true|false)"$/.test(d)),
  );

/** axe with the WCAG 2.2 AA tags: returns the violations, described well enough to fix. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !govukConditionalRadio(v, n)) }))
    .filter((v) => v.nodes.length > 0)
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
