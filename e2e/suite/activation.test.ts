// Activation and language detection: which files get the ms-swift-yaml language, and the extension starting.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeExtension, closeAll, diagnosticsWhere, EXTENSION_ID, fixture, LANGUAGE_ID, open, ourDiagnostics, sleep, waitFor } from './util';

describe('activation and language detection', () => {
  after(closeAll);

  it('gives *.megatron.yaml the ms-swift-yaml language and activates the extension on it', async () => {
    const editor = await open('qwen2.5-7b-sft.megatron.yaml');
    assert.strictEqual(editor.document.languageId, LANGUAGE_ID);
    const ext = await waitFor('the extension to be active', () => (vscode.extensions.getExtension(EXTENSION_ID)?.isActive ? true : undefined));
    assert.ok(ext);
    const api = (await activeExtension()).exports;
    assert.strictEqual(api?.languageId, LANGUAGE_ID, 'activate() returns the language id');
  });

  it('gives *.swift.yaml the ms-swift-yaml language', async () => {
    const editor = await open('export-to-mcore.v3.swift.yaml');
    assert.strictEqual(editor.document.languageId, LANGUAGE_ID);
  });

  it('adopts a plain .yaml file whose keys are ms-swift arguments, and checks it', async () => {
    const uri = fixture('plain-config.yaml');
    await open('plain-config.yaml');
    const doc = await waitFor('plain-config.yaml to become ms-swift-yaml', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.languageId === LANGUAGE_ID));
    assert.strictEqual(doc.languageId, LANGUAGE_ID);
    await diagnosticsWhere(uri, 'any diagnostic', (ds) => ds.length > 0);
  });

  it('leaves ordinary YAML alone', async () => {
    const editor = await open('app-settings.yaml');
    await sleep(1500); // give detection and the server time to (wrongly) act
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === editor.document.uri.toString());
    assert.strictEqual(doc?.languageId, 'yaml');
    assert.deepStrictEqual(ourDiagnostics(editor.document.uri), []);
  });
});
