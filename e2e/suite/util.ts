// Helpers shared by the extension-host test files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/** the extension's folder: this file is e2e/out/suite/util.js */
export const EXTENSION_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

/** the extension's package.json, read at test time (never a copied list) */
export const manifest: {
  name: string;
  publisher: string;
  contributes: { commands?: ContributedCommand[]; views?: Record<string, { id: string }[]>; languages?: { id: string }[] };
} = JSON.parse(fs.readFileSync(path.join(EXTENSION_ROOT, 'package.json'), 'utf8'));

export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
export const LANGUAGE_ID = 'ms-swift-yaml';
export const SOURCE = 'ms-swift-studio';

/** commands the extension contributes (package.json), e.g. to skip tests of features not written yet */
export function contributedCommands(): string[] {
  return (manifest.contributes.commands ?? []).map((c) => c.command);
}
export function hasCommand(id: string): boolean {
  return contributedCommands().includes(id);
}

/**
 * A test-only switch to prove that the suite can fail: E2E_BREAK=<name> makes the named expectation wrong
 * (see e2e/README.md). Never set in CI.
 */
export function broken(name: string): boolean {
  return (process.env.E2E_BREAK ?? '').split(',').includes(name);
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace open as the first folder');
  return folder.uri;
}

export function fixture(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** polls fn until it returns something other than undefined (or throws the last assertion error at the deadline) */
export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 20000, step = 100): Promise<T> {
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${what}${detail}`);
    }
    await sleep(step);
  }
}

/** opens a fixture file in an editor, like a user would */
export async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixture(rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** ours only (the built-in YAML support publishes none, but be sure) */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** waits until the diagnostics of uri satisfy pred (the language server publishes asynchronously) */
export function diagnosticsWhere(uri: vscode.Uri, what: string, pred: (ds: vscode.Diagnostic[]) => boolean, ms = 20000): Promise<vscode.Diagnostic[]> {
  return waitFor(`diagnostics of ${path.basename(uri.path)}: ${what}`, () => {
    const ds = ourDiagnostics(uri);
    return pred(ds) ? ds : undefined;
  }, ms);
}

/** waits for a diagnostic with this code (and, optionally, on this 0-based line) */
export async function diagnosticWithCode(uri: vscode.Uri, code: string, line?: number, ms?: number): Promise<vscode.Diagnostic> {
  const ds = await diagnosticsWhere(uri, `a ${code}${line === undefined ? '' : ` on line ${line + 1}`}`,
    (all) => all.some((d) => codeOf(d) === code && (line === undefined || d.range.start.line === line)), ms);
  return ds.find((d) => codeOf(d) === code && (line === undefined || d.range.start.line === line))!;
}

/** position of the first occurrence of `text` in the document (at its start, or `offset` characters into it) */
export function positionOf(doc: vscode.TextDocument, text: string, offset = 0): vscode.Position {
  const i = doc.getText().indexOf(text);
  assert.ok(i >= 0, `"${text}" not found in ${path.basename(doc.uri.path)}`);
  return doc.positionAt(i + offset);
}

export function rangeText(r: vscode.Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

export async function completionsAt(uri: vscode.Uri, pos: vscode.Position, trigger?: string): Promise<vscode.CompletionItem[]> {
  // resolve the items too: argument docs arrive through completionItem/resolve
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos, trigger, 1000);
  return list?.items ?? [];
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n---\n');
}

export async function hoverAt(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hoverText(hovers ?? []);
}

/** the extension, activated */
export async function activeExtension(): Promise<vscode.Extension<{ languageId?: string }>> {
  const ext = vscode.extensions.getExtension<{ languageId?: string }>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this window`);
  if (!ext.isActive) await ext.activate();
  return ext;
}

/** reverts unsaved changes and closes all editors, so one test file's edits do not leak into the next */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
