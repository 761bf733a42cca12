import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes a content tree into a temporary folder: `{ 'a/b.md': '...' }`. */
export function writeContent(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'iqts-content-'));
  for (const [file, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), body);
  }
  return root;
}

export const page = (frontMatter: string, body = 'Some text.') => `---\n${frontMatter.trim()}\n---\n\n${body}\n`;
