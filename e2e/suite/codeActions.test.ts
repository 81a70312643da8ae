// Quick fixes through vscode.executeCodeActionProvider, applied with workspace.applyEdit as the light bulb would,
// then the diagnostic must go.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, codeOf, diagnosticsWhere, diagnosticWithCode, fixture, open } from './util';

const REL = 'fix-me.megatron.yaml';

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'edit' in a || 'kind' in a);
}

async function applyFix(uri: vscode.Uri, code: string, line: number, title: RegExp): Promise<vscode.CodeAction[]> {
  const d = await diagnosticWithCode(uri, code, line);
  const fixes = await quickFixes(uri, d.range);
  const fix = fixes.find((a) => title.test(a.title));
  assert.ok(fix, `no fix matching ${title} for ${code}; offered: ${fixes.map((a) => a.title).join(' | ')}`);
  assert.ok(fix.edit, `the fix "${fix.title}" has no edit`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), 'applyEdit refused the fix');
  return fixes;
}

describe('quick fixes', () => {
  after(closeAll);

  it('replaces an unknown key by the did-you-mean candidate, and the error goes', async () => {
    const editor = await open(REL);
    const uri = editor.document.uri;
    const fixes = await applyFix(uri, 'unknown-argument', 7, /micro_batch_size/);
    // several candidates: the best one comes first (preferred only when it is the only one)
    assert.match(fixes[0]!.title, /^Replace with micro_batch_size$/, `fixes: ${fixes.map((f) => f.title).join(' | ')}`);
    assert.match(editor.document.lineAt(7).text, /^micro_batch_size: 1$/);
    await diagnosticsWhere(uri, 'the unknown-argument to go', (ds) => !ds.some((d) => codeOf(d) === 'unknown-argument'));
  });

  it('renames a 3.x argument to its 4.x name, and the error goes', async () => {
    const editor = await open(REL);
    const uri = editor.document.uri;
    await applyFix(uri, 'argument-renamed-in-v4', 11, /output_dir/);
    assert.match(editor.document.lineAt(11).text, /^output_dir: megatron_output\/Qwen2\.5-7B-Instruct$/);
    await diagnosticsWhere(uri, 'no errors left', (ds) => !ds.some((d) => d.severity === vscode.DiagnosticSeverity.Error));
  });

  it('removes a duplicate key', async () => {
    const rel = 'broken/env-and-duplicates.megatron.yaml';
    const editor = await open(rel);
    const uri = fixture(rel);
    const before = editor.document.lineCount;
    await applyFix(uri, 'duplicate-key', 7, /./);
    await diagnosticsWhere(uri, 'the duplicate-key to go', (ds) => !ds.some((d) => codeOf(d) === 'duplicate-key'));
    assert.strictEqual(editor.document.lineCount, before - 1, 'one line removed');
  });
});
