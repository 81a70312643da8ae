// Read-only access to the file system for rules that look at checkpoints and model folders. Injected, so the
// core stays testable; rules that need it stay silent when none is given.
import * as fs from 'fs';
import * as path from 'path';

export interface FileView {
  exists(p: string): boolean;
  isDirectory(p: string): boolean;
  /** UTF-8 text, or undefined when missing/unreadable/too large */
  readText(p: string, maxBytes?: number): string | undefined;
  /** entry names, or [] */
  list(p: string): string[];
}

export function nodeFileView(): FileView {
  return {
    exists: (p) => fs.existsSync(p),
    isDirectory: (p) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    readText: (p, maxBytes = 4 * 1024 * 1024) => {
      try {
        const st = fs.statSync(p);
        if (!st.isFile() || st.size > maxBytes) return undefined;
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    list: (p) => {
      try {
        return fs.readdirSync(p);
      } catch {
        return [];
      }
    },
  };
}

/** Expands `~` and resolves a path against a base folder. */
export function resolvePath(p: string, baseDir: string, home?: string): string {
  let q = p;
  if (home && (q === '~' || q.startsWith('~/'))) q = path.join(home, q.slice(1));
  return path.resolve(baseDir, q);
}
