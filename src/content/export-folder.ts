import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * The static export's output folder, written over in place: a file of the last export is left
 * as it is when its bytes are the same, written again when not, and removed at the end when
 * this export did not write it. Deleting the whole
 * folder first and making it again cost about a quarter of a 1,000-page export (cpu profile:
 * unlink, rmdir and mkdir), and the result is the same folder.
 */
export class ExportFolder {
  /** Files the last export left, and its folders, deepest first. */
  readonly #before: { files: string[]; dirs: string[] };

  /** `listing: false` for a render thread: it writes, the main thread removes. */
  constructor(
    readonly root: string,
    { listing = true }: { listing?: boolean } = {},
  ) {
    this.#before = { files: [], dirs: [] };
    const walk = (dir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else this.#before.files.push(full);
      }
      if (dir !== root) this.#before.dirs.push(dir);
    };
    if (listing) walk(root);
    mkdirSync(root, { recursive: true });
  }

  /**
   * Writes a file of the export, making its folder if needed; a file that already holds these
   * bytes is left as it is. Overwriting frees and allocates the file's blocks again: for a
   * re-export, the bulk of the export's time (cpu profile: 437 ms of writes for 1,000 pages).
   */
  write(file: string, data: string | Buffer): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.#holds(file, bytes)) return;
    this.#place(file, () => writeFileSync(file, bytes));
  }

  #holds(file: string, bytes: Buffer): boolean {
    try {
      return readFileSync(file).equals(bytes);
    } catch {
      return false; // not there, or not a file: written
    }
  }

  /** Copies a file into the export. */
  copy(from: string, file: string): void {
    this.#place(file, () => copyFileSync(from, file));
  }

  /** Removes what the last export left and this one did not write: `written` is every file this one wrote. */
  removeRest(written: Iterable<string>): void {
    const keep = new Set(written);
    for (const file of this.#before.files) {
      if (keep.has(file)) continue;
      // Where a file of the last export stood, this one may have made a folder.
      const stat = lstatSync(file, { throwIfNoEntry: false });
      if (stat && !stat.isDirectory()) rmSync(file, { force: true });
    }
    for (const dir of this.#before.dirs) {
      try {
        rmdirSync(dir);
      } catch (error) {
        // Still holds files of this export, or went with a folder above it, or is a file of this one now.
        const code = (error as NodeJS.ErrnoException).code;
        if (!['ENOTEMPTY', 'EEXIST', 'ENOENT', 'ENOTDIR'].includes(code ?? '')) throw error;
      }
    }
  }

  #place(file: string, put: () => void): void {
    try {
      return put();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') rmSync(file, { recursive: true, force: true });
      else if (code === 'ENOENT' || code === 'ENOTDIR') this.#makeFolder(dirname(file));
      else throw error;
    }
    put();
  }

  /** Makes a folder, removing a file of the last export that stands where a folder now goes. */
  #makeFolder(dir: string): void {
    let at = this.root;
    for (const part of relative(this.root, dir).split(sep)) {
      at = join(at, part);
      let isDirectory: boolean | null = null;
      try {
        isDirectory = lstatSync(at).isDirectory();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (isDirectory === false) rmSync(at, { force: true });
      if (isDirectory !== true) {
        mkdirSync(dir, { recursive: true });
        return;
      }
    }
  }
}
