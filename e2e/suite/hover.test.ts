// Hover documentation through vscode.executeHoverProvider: arguments, ENV variables, the model, the modeline,
// 3.x names, and the display language setting.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { closeAll, hoverAt, open, positionOf, waitFor } from './util';

const REL = 'completion.megatron.yaml';

describe('hover', () => {
  after(closeAll);

  it('documents an argument: name, command, version, type and default', async () => {
    const doc = (await open(REL)).document;
    const text = await waitFor('a hover on micro_batch_size', async () => (await hoverAt(doc.uri, positionOf(doc, 'micro_batch_size', 3))) || undefined);
    assert.match(text, /\*\*micro_batch_size\*\*/);
    assert.match(text, /megatron sft/);
    assert.match(text, /4\.5\.2/);
    assert.match(text, /Type: `int`/);
    assert.match(text, /Default: `1`/);
  });

  it('lists the choices of an enum argument', async () => {
    const doc = (await open(REL)).document;
    const text = await hoverAt(doc.uri, positionOf(doc, 'recompute_granularity', 2));
    assert.match(text, /Choices: `selective`, `full`, `none`/);
  });

  it('documents an ENV variable', async () => {
    const doc = (await open(REL)).document;
    const text = await hoverAt(doc.uri, positionOf(doc, 'NPROC_PER_NODE', 2));
    assert.match(text, /NPROC_PER_NODE/);
    assert.ok(text.length > 40, text);
  });

  it('documents the modeline', async () => {
    const doc = (await open(REL)).document;
    const text = await hoverAt(doc.uri, new vscode.Position(0, 3));
    assert.match(text, /megatron sft/);
  });

  it('shows the 3.x argument of a 3.4.1 config with its 4.x name', async () => {
    const doc = (await open('qwen2.5-7b-sft.v3.megatron.yaml')).document;
    const text = await hoverAt(doc.uri, positionOf(doc, '\nsave:', 2));
    assert.match(text, /\*\*save\*\*/);
    assert.match(text, /3\.4\.1/);
    assert.match(text, /output_dir/);
  });

  it('follows msSwiftStudio.language (Simplified Chinese)', async () => {
    const doc = (await open(REL)).document;
    const config = vscode.workspace.getConfiguration('msSwiftStudio');
    try {
      await config.update('language', 'zh-cn', vscode.ConfigurationTarget.Workspace);
      const text = await waitFor('a Chinese hover', async () => {
        const t = await hoverAt(doc.uri, positionOf(doc, 'micro_batch_size', 3));
        return /[\u4e00-\u9fff]/.test(t) ? t : undefined;
      });
      assert.match(text, /micro_batch_size/);
    } finally {
      await config.update('language', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('an English hover again', async () => {
      const t = await hoverAt(doc.uri, positionOf(doc, 'micro_batch_size', 3));
      return /[\u4e00-\u9fff]/.test(t) ? undefined : t;
    });
  });
});
