// The extension's commands: every one contributed in package.json is registered once the extension is active
// (the list is read from package.json at test time), and the ones that exist today do what they say.
import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  activeExtension, closeAll, codeOf, contributedCommands, diagnosticsWhere, hasCommand, hoverAt, LANGUAGE_ID, manifest, open, positionOf, waitFor,
} from './util';

describe('commands', () => {
  after(closeAll);

  it('registers every command of package.json contributes.commands', async () => {
    await activeExtension();
    const contributed = contributedCommands();
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    for (const c of manifest.contributes.commands ?? []) assert.ok(c.title?.trim(), `${c.command} has no title`);
  });

  (hasCommand('msSwiftStudio.useForDocument') ? it : it.skip)('msSwiftStudio.useForDocument turns a YAML file into an ms-swift config', async () => {
    const editor = await open('app-settings.yaml');
    const uri = editor.document.uri;
    assert.strictEqual(editor.document.languageId, 'yaml');
    await vscode.commands.executeCommand('msSwiftStudio.useForDocument');
    await waitFor('app-settings.yaml to become ms-swift-yaml', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.languageId === LANGUAGE_ID));
    const ds = await diagnosticsWhere(uri, 'unknown-argument for `services`', (all) => all.some((d) => codeOf(d) === 'unknown-argument'));
    assert.ok(ds.some((d) => /`services`/.test(d.message)));
  });

  (hasCommand('msSwiftStudio.restartServer') ? it : it.skip)('msSwiftStudio.restartServer restarts the language server, which answers again', async () => {
    const doc = (await open('completion.megatron.yaml')).document;
    await vscode.commands.executeCommand('msSwiftStudio.restartServer');
    const text = await waitFor('a hover after the restart', async () => (await hoverAt(doc.uri, positionOf(doc, 'micro_batch_size', 3))) || undefined);
    assert.match(text, /micro_batch_size/);
    await diagnosticsWhere(doc.uri, 'diagnostics after the restart', (ds) => ds.length > 0);
  });
});
