/**
 * Draws the iQTS page's hero image (a globe, a school and an open book) as SVG and saves
 * it as JPEG with Chromium. Run: npx tsx scripts/make-hero-image.ts
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { fromRoot } from '../src/shared/paths.ts';

const out = fromRoot('content/media/images/content/hero-images/0001.jpg');
const meridians = [-60, -30, 0, 30, 60]
  .map(
    (x) =>
      `<ellipse cx="360" cy="250" rx="${Math.abs(x) * 2.6 || 1}" ry="170" fill="none" stroke="#ffffff" stroke-width="3" opacity="0.7"/>`,
  )
  .join('');
const parallels = [-110, -55, 0, 55, 110]
  .map(
    (y) =>
      `<ellipse cx="360" cy="${250 + y}" rx="${Math.sqrt(170 ** 2 - y ** 2)}" ry="${12}" fill="none" stroke="#ffffff" stroke-width="3" opacity="0.7"/>`,
  )
  .join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="500" viewBox="0 0 1200 500">
  <rect width="1200" height="500" fill="#f3f2f1"/>
  <circle cx="360" cy="250" r="170" fill="#1d70b8"/>
  <path d="M300 150 q40 -20 70 10 q20 30 -10 50 q-30 10 -40 40 q-10 30 -40 20 q-30 -20 -20 -60 q5 -40 40 -60z" fill="#00703c"/>
  <path d="M420 260 q40 -10 50 30 q5 40 -30 60 q-30 10 -40 -20 q-10 -40 20 -70z" fill="#00703c"/>
  ${meridians}${parallels}
  <rect x="640" y="230" width="300" height="170" fill="#ffffff" stroke="#0b0c0c" stroke-width="4"/>
  <polygon points="620,235 790,130 960,235" fill="#d4351c" stroke="#0b0c0c" stroke-width="4"/>
  <rect x="765" y="320" width="50" height="80" fill="#1d70b8"/>
  <rect x="670" y="260" width="60" height="45" fill="#1d70b8"/><rect x="850" y="260" width="60" height="45" fill="#1d70b8"/>
  <path d="M960 420 q60 -30 110 0 v-120 q-50 -30 -110 0z" fill="#ffffff" stroke="#0b0c0c" stroke-width="4"/>
  <path d="M1070 420 q60 -30 110 0 v-120 q-50 -30 -110 0z" fill="#ffffff" stroke="#0b0c0c" stroke-width="4"/>
  <rect x="0" y="440" width="1200" height="60" fill="#00703c"/>
</svg>`;

const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 500 } });
await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
mkdirSync(dirname(out), { recursive: true });
await page.screenshot({ type: 'jpeg', quality: 80, path: out, clip: { x: 0, y: 0, width: 1200, height: 500 } });
await browser.close();
console.log('written', out);
