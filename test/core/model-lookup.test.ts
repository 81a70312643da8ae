// Where architecture facts come from: local folders, the ModelScope and Hugging Face caches, the bundled table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledModelFacts, factsFromConfig, lookupModel } from '../../core/src/model/lookup';
import { nodeFileView } from '../../core/src/files';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mss-model-'));
}
function writeJson(file: string, v: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(v));
}

test('bundled table: popular models by id, alias, or name without org', () => {
  const q = bundledModelFacts('Qwen/Qwen2.5-7B-Instruct')!;
  assert.equal(q.numAttentionHeads, 28);
  assert.equal(q.numQueryGroups, 4);
  assert.equal(q.numLayers, 28);
  assert.equal(q.vocabSize, 152064);
  assert.match(q.origin, /bundled table/);
  assert.equal(bundledModelFacts('qwen/qwen2.5-7b-instruct')!.hiddenSize, 3584);
  const moe = bundledModelFacts('Qwen/Qwen3-30B-A3B')!;
  assert.equal(moe.numExperts, 128);
  assert.equal(moe.moeRouterTopk, 8);
  const ds = bundledModelFacts('deepseek-ai/DeepSeek-V3')!;
  assert.equal(ds.numExperts, 256);
  assert.equal(ds.kvLoraRank, 512);
  assert.equal(bundledModelFacts('someone/unknown-model'), undefined);
});

test('config.json mapping: KV heads default to heads, expert fields of other families, text_config', () => {
  assert.equal(factsFromConfig({ num_attention_heads: 32 }, 'x').numQueryGroups, 32);
  assert.equal(factsFromConfig({ n_routed_experts: 64, moe_intermediate_size: 1408, n_shared_experts: 2 }, 'x').sharedExpertIntermediateSize, 2816);
  assert.equal(factsFromConfig({ model_type: 'qwen2_vl', text_config: { num_hidden_layers: 36 } }, 'x').numLayers, 36);
});

test('local folder, args.json redirect, ModelScope cache (with ___ for dots), Hugging Face cache', () => {
  const dir = tmp();
  const files = nodeFileView();
  writeJson(path.join(dir, 'my-model', 'config.json'), { num_hidden_layers: 3, num_attention_heads: 6 });
  assert.equal(lookupModel('my-model', { files, baseDir: dir, env: { HOME: dir } })!.numLayers, 3);
  writeJson(path.join(dir, 'ckpt-mcore', 'args.json'), { model: 'my-model' });
  assert.equal(lookupModel('./ckpt-mcore', { files, baseDir: dir, env: { HOME: dir } })!.numAttentionHeads, 6);
  const ms = path.join(dir, 'ms-cache');
  writeJson(path.join(ms, 'models', 'Org', 'Net2___5-1B', 'config.json'), { num_hidden_layers: 5 });
  assert.equal(lookupModel('Org/Net2.5-1B', { files, baseDir: dir, env: { HOME: dir, MODELSCOPE_CACHE: ms } })!.numLayers, 5);
  writeJson(path.join(dir, '.cache', 'huggingface', 'hub', 'models--Org--Other', 'snapshots', 'abc123', 'config.json'), { num_hidden_layers: 7 });
  const hf = lookupModel('Org/Other', { files, baseDir: dir, env: { HOME: dir } })!;
  assert.equal(hf.numLayers, 7);
  assert.match(hf.origin, /snapshots/);
  // a cached copy wins over the bundled table; unknown models give nothing
  writeJson(path.join(dir, '.cache', 'modelscope', 'hub', 'models', 'Qwen', 'Qwen2___5-7B-Instruct', 'config.json'), { num_hidden_layers: 99 });
  assert.equal(lookupModel('Qwen/Qwen2.5-7B-Instruct', { files, baseDir: dir, env: { HOME: dir } })!.numLayers, 99);
  assert.equal(lookupModel('Nobody/Nothing', { files, baseDir: dir, env: { HOME: dir } }), undefined);
});
