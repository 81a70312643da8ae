// file: URIs <-> paths (the server only works on local files: it runs where the workspace is).
import * as path from 'path';
import { fileURLToPath } from 'url';

export const URI = {
  toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
  dirname(p: string): string {
    return path.dirname(p);
  },
};
