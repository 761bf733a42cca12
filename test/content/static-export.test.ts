import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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
});
