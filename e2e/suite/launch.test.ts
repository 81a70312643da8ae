// Launching (Train / Export / Infer / Show command), as far as it can be tested without GPUs or ms-swift: the
// CodeLens over a config and the command line `Show command` produces, which must be the CLI's. Each test runs
// only when package.json contributes its command. Starting real runs (msSwiftStudio.train in a terminal) needs a
// stand-in `megatron` on PATH and answers to the launcher's prompts; add those tests here.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { closeAll, EXTENSION_ROOT, fixture, hasCommand, open, waitFor, workspaceRoot } from './util';

const itIf = (command: string) => (hasCommand(command) ? it : it.skip);

function cliCommand(rel: string, shell: string): string {
  return execFileSync(process.execPath, [path.join(EXTENSION_ROOT, 'dist', 'cli.js'), 'command', rel, '--shell', shell],
    { cwd: workspaceRoot().fsPath, encoding: 'utf8' });
}

describe('launch', () => {
  after(closeAll);

  itIf('msSwiftStudio.train')('puts Train, Export and Show command in a CodeLens over the config', async () => {
    const uri = fixture('qwen2.5-7b-sft.megatron.yaml');
    await open('qwen2.5-7b-sft.megatron.yaml');
    const lenses = await waitFor('CodeLenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l?.length ? l : undefined;
    });
    const byCommand = new Map(lenses.map((l) => [l.command?.command, l.command]));
    const train = byCommand.get('msSwiftStudio.train');
    assert.ok(train, `lenses: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.match(train.title, /Train on 2 GPUs/); // NPROC_PER_NODE: "2"
    if (hasCommand('msSwiftStudio.showCommand')) assert.ok(byCommand.has('msSwiftStudio.showCommand'));
    for (const l of lenses) assert.ok(hasCommand(l.command!.command), `the lens runs ${l.command!.command}, which package.json does not contribute`);
  });

  for (const rel of ['qwen2.5-7b-sft.megatron.yaml', 'qwen2.5-7b-sft.v3.megatron.yaml', 'qwen2.5-72b-multinode.megatron.yaml']) {
    itIf('msSwiftStudio.showCommand')(`Show command prints what the CLI prints (${rel})`, async () => {
      const shell = /(^|\/)bash$/.test(vscode.env.shell) ? 'bash' : undefined;
      const text = await vscode.commands.executeCommand<string>('msSwiftStudio.showCommand', fixture(rel));
      assert.ok(text, 'Show command returned nothing');
      assert.match(text, /^# (megatron sft) on ms-swift (3\.4\.1|4\.5\.2)/);
      const shown = vscode.window.activeTextEditor?.document;
      assert.strictEqual(shown?.getText(), text, 'the command is shown in an editor');
      if (shell) {
        const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
        assert.deepStrictEqual(lines(text), lines(cliCommand(rel, shell)));
      }
    });
  }
});
