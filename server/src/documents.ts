// One parse and one check per document version, shared by every feature (diagnostics, code actions, ...).
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkText, CheckOptions, CheckResult } from '../../core/src/check';

interface Entry {
  version: number;
  optionsKey: string;
  result: CheckResult;
  lastUsed: number;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(private readonly capacity = 64) {}

  get(doc: TextDocument, options: CheckOptions): CheckResult {
    const optionsKey = JSON.stringify({ ...options, modelFacts: undefined });
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version && hit.optionsKey === optionsKey) {
      hit.lastUsed = ++this.clock;
      return hit.result;
    }
    const result = checkText(doc.getText(), options);
    this.entries.set(doc.uri, { version: doc.version, optionsKey, result, lastUsed: ++this.clock });
    if (this.entries.size > this.capacity) this.evict();
    return result;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    let oldest: [string, Entry] | undefined;
    for (const e of this.entries) if (!oldest || e[1].lastUsed < oldest[1].lastUsed) oldest = e;
    if (oldest) this.entries.delete(oldest[0]);
  }
}
