// When a run fails: read the end of its log, say the cause in plain words, and put a diagnostic on the config line
// that caused it (with the matching rule's id as the code, so the rule's quick fix applies there).
import * as vscode from 'vscode';
import { Failure } from '../../../core/src/metrics';
import { lineOfKey } from '../host/failures';

export function failureDiagnostics(text: string, failures: Failure[]): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const f of failures) {
    const keys = f.keys?.length ? f.keys : [];
    const lines = keys.map((k) => lineOfKey(text, k)).filter((l): l is number => l !== undefined);
    const targets = lines.length ? lines : [0];
    for (const line of targets) {
      const len = text.split(/\r?\n/)[line]?.length ?? 0;
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, len), `The run failed: ${f.summary}`, vscode.DiagnosticSeverity.Error);
      d.source = 'ms-swift run';
      d.code = f.constraintId ?? f.kind;
      out.push(d);
    }
  }
  return out;
}
