import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSeedFormatTree } from '../../bench/lib/peers.ts';
import { fromRoot } from '../../src/shared/paths.ts';

const work = mkdtempSync(join(tmpdir(), 'static-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `npm run content:build` from source with these arguments; its report line. */
function build(content: string, out: string, threads: number | 'reference'): string {
  return execFileSync(
    fromRoot('node_modules/.bin/tsx'),
    [
      fromRoot('src/content/cli/build.ts'),
      '--content',
      content,
      '--out',
      out,
      ...(threads === 'reference' ? ['--reference'] : ['--threads', String(threads)]),
    ],
    { cwd: fromRoot('.'), encoding: 'utf8', env: { ...process.env, SERVICE_URL: 'https://example.test' } },
  );
}

/** Every file under a folder, by its path inside it, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.set(relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return found;
}

function expectSameFiles(reference: string, built: string) {
  const a = files(reference);
  const b = files(built);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  const differing = [...a].filter(([path, bytes]) => !bytes.equals(b.get(path)!)).map(([path]) => path);
  expect(differing).toEqual([]);
}

describe('the static export on several threads, with layouts rendered once', () => {
  it("writes the repository's own content tree byte for byte as the reference rendering does", () => {
    const reference = join(work, 'content-reference');
    const one = join(work, 'content-1');
    const two = join(work, 'content-2');
    expect(build(fromRoot('content'), reference, 'reference')).toMatch(/on 1 thread;/);
    expect(build(fromRoot('content'), one, 1)).toMatch(/on 1 thread;/);
    expect(build(fromRoot('content'), two, 2)).toMatch(/on 2 threads;/);
    expect(files(reference).has('index.html')).toBe(true);
    expect(files(reference).has('sitemap.xml')).toBe(true);
    expectSameFiles(reference, one);
    expectSameFiles(reference, two);
  });

  it('writes a generated tree of a few dozen pages byte for byte as the reference does, sitemap included', () => {
    const tree = join(work, 'generated');
    generateSeedFormatTree(tree, 36);
    const reference = join(work, 'generated-reference');
    const three = join(work, 'generated-3');
    expect(build(tree, reference, 'reference')).toMatch(/36 pages written .* on 1 thread;/);
    expect(build(tree, three, 3)).toMatch(/36 pages written .* on 3 threads;/);
    const pages = [...files(reference).keys()].filter((f) => f.endsWith('index.html'));
    expect(pages).toHaveLength(36);
    expect(readFileSync(join(three, 'sitemap.xml'), 'utf8').match(/<url>/g)).toHaveLength(36);
    expectSameFiles(reference, three);
  });

  it('a second export into the same folder holds exactly the new export: a page taken out is gone, a stray file too', () => {
    const tree = join(work, 'rebuilt');
    generateSeedFormatTree(tree, 12);
    const out = join(work, 'rebuilt-out');
    const fresh = join(work, 'rebuilt-fresh');
    expect(build(tree, out, 1)).toMatch(/12 pages written/);
    const before = [...files(out).keys()].filter((f) => f.endsWith('index.html'));
    expect(before).toHaveLength(12);
    const taken = before.find((f) => f.includes('page-0003'))!;
    expect(taken).toBeDefined();
    rmSync(join(tree, 'generated', 'page-0003.md'));
    rmSync(join(tree, 'generated', 'page-0003'), { recursive: true, force: true });
    // Something else left in the folder, and a file standing where a page's folder goes.
    writeFileSync(join(out, 'stray.txt'), 'not part of the export');
    const blocked = before.find((f) => f.includes('page-0004'))!;
    rmSync(join(out, dirname(blocked)), { recursive: true });
    writeFileSync(join(out, dirname(blocked)), 'a file where a folder goes');
    // A page whose bytes changed since the last export is written again.
    const changed = before.find((f) => f.includes('page-0005'))!;
    writeFileSync(join(out, changed), 'out of date');

    expect(build(tree, out, 1)).toMatch(/11 pages written/);
    expect(files(out).has(taken)).toBe(false);
    expect(readFileSync(join(out, 'sitemap.xml'), 'utf8')).not.toContain('page-0003');
    // The same files, byte for byte, as an export into a new folder.
    expect(build(tree, fresh, 1)).toMatch(/11 pages written/);
    expectSameFiles(fresh, out);
  });
});
