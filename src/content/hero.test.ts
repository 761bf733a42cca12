import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../shared/paths.ts';
import { contrastRatio, HERO_COLOURS, isHeroLink, TEXT_HEX } from './hero.ts';

describe('hero colours', () => {
  it('every allow-listed colour keeps WCAG AA contrast (4.5:1) with its text colour', () => {
    for (const [name, colour] of Object.entries(HERO_COLOURS))
      expect(contrastRatio(colour.hex, TEXT_HEX[colour.text]), name).toBeGreaterThanOrEqual(4.5);
  });

  it('the stylesheet has a class for each name, from the same GOV.UK colour', () => {
    const scss = readFileSync(fromRoot('assets/scss/app.scss'), 'utf8');
    for (const [name, c] of Object.entries(HERO_COLOURS))
      expect(scss, name).toContain(`"${name}": ("${c.govuk}", ${c.variant ? `"${c.variant}"` : 'null'}, "${c.text}")`);
  });

  it('the palette hex values match govuk-frontend', () => {
    const palette = readFileSync(
      fromRoot('node_modules/govuk-frontend/dist/govuk/settings/_colours-palette--internal.scss'),
      'utf8',
    );
    for (const [name, c] of Object.entries(HERO_COLOURS)) {
      if (c.govuk === 'white') continue;
      const block = palette.slice(palette.indexOf(`"${c.govuk}": (`));
      expect(block, name).toMatch(new RegExp(`"${c.variant}": ${c.hex}[,\\s]`));
    }
  });

  it('a button link is a path on this site or an https address', () => {
    expect(['/', '/eligibility', '/a/b?x=1#y', 'https://www.gov.uk/apply'].every(isHeroLink)).toBe(true);
    expect(['//evil.example', 'http://x.example', 'javascript:alert(1)', 'apply', '/a b'].some(isHeroLink)).toBe(false);
  });
});
