import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../shared/paths.ts';
import { findMojibake } from './mojibake.ts';

describe('mojibake', () => {
  it('finds the one in the raw seed 000 on line 28, and nowhere else', () => {
    const lines = readFileSync(fromRoot('test/fixtures/seeds/000_2f40ed174fe07176.txt'), 'utf8').split('\n');
    const hits = lines.flatMap((line, i) => findMojibake(line).map((m) => ({ line: i + 1, ...m })));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ line: 28, found: 'â€™', intended: '’' });
    expect(lines[27]!.slice(hits[0]!.column - 1).startsWith('â€™')).toBe(true);
  });

  it('finds other common forms', () => {
    expect(findMojibake('CafÃ© and SÃ£o Paulo').map((m) => m.intended)).toEqual(['é', 'ã']);
    expect(findMojibake('â€œquotedâ€\u009d').map((m) => m.intended)).toEqual(['“', '”']);
    expect(findMojibake('Â£7,950')[0]?.intended).toBe('£');
  });

  it('leaves correct text alone', () => {
    for (const text of [
      'Teachers’ Standards',
      'São Paulo, Zürich, Kraków',
      '£7,950 – £9,950',
      '“quoted”',
      'Ärger über Öl',
      'naïve café',
    ]) {
      expect(findMojibake(text), text).toEqual([]);
    }
  });
});
