// Completion with cursor markers (`|`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { complete, Completion } from '../../core/src/service/completion';
import { nodeFileView } from '../../core/src/files';
import { applyEdits, errors } from '../helpers';
import { at } from './cursor';

function items(textWithCursor: string, extra: Partial<Parameters<typeof complete>[3]> = {}): Completion[] {
  const { doc, context, pos } = at(textWithCursor);
  return complete(doc, context, pos, { locale: 'en', ...extra });
}
const labels = (xs: Completion[]) => xs.map((x) => x.label);

test('keys: every argument of the command and version that is not set, common ones first', () => {
  const xs = items('# megatron sft ms-swift=4.5.2\nmicro_batch_size: 1\n|\n');
  const names = labels(xs);
  assert.ok(names.includes('tensor_model_parallel_size'));
  assert.ok(names.includes('recompute_granularity'));
  assert.ok(!names.includes('micro_batch_size'), 'already set');
  assert.ok(!names.includes('save'), '3.4.1 name');
  const sorted = [...xs].filter((x) => x.kind === 'property').sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
  assert.equal(sorted[0]!.sortText!.startsWith('0_'), true);
  const first = sorted.filter((x) => x.sortText!.startsWith('0_')).map((x) => x.label);
  assert.ok(first.includes('global_batch_size') && first.includes('recompute_granularity') && first.includes('model'), first.join(','));
  assert.ok(!first.includes('aligner_lr'), 'rarely used arguments come later');
  assert.ok(xs.find((x) => x.label === 'moe_router_dtype')!.sortText!.startsWith('1_'), 'then the ones the docs mark as most used');
  const rg = xs.find((x) => x.label === 'recompute_granularity')!;
  assert.equal(rg.insertText, 'recompute_granularity: ${1|selective,full,none|}');
  assert.match(rg.detail!, /selective \| full \| none · Default selective/);
  assert.ok(rg.documentation && rg.documentation.length > 10);
  const sp = xs.find((x) => x.label === 'sequence_parallel')!;
  assert.equal(sp.insertText, 'sequence_parallel: ${1|true,false|}');
  assert.equal(xs.find((x) => x.label === 'lr')!.insertText, 'lr: $0');
});

test('keys on 3.4.1 are the 3.4.1 names, and the current line\'s own key is offered again', () => {
  const names = labels(items('# megatron sft ms-swift=3.4.1\nsav|e: x\n'));
  assert.ok(names.includes('save') && names.includes('save_interval'));
  assert.ok(!names.includes('output_dir'));
});

test('values: choices, booleans, numeric defaults', () => {
  assert.deepEqual(labels(items('# megatron sft ms-swift=3.4.1\nrecompute_granularity: |\n')).sort(), ['full', 'selective']);
  const v4 = items('# megatron sft ms-swift=4.5.2\nrecompute_granularity: f|\n');
  assert.deepEqual(labels(v4).sort(), ['full', 'none', 'selective']);
  assert.deepEqual(v4[0]!.range, { start: { line: 1, character: 23 }, end: { line: 1, character: 24 } });
  assert.equal(v4.find((x) => x.label === 'selective')!.preselect, true);
  assert.deepEqual(labels(items('# megatron sft\nsequence_parallel: |\n')), ['true', 'false']);
  assert.deepEqual(labels(items('# megatron sft\nmicro_batch_size: |\n')), ['1']);
});

test('values: model ids (Megatron-supported for megatron commands) and dataset ids', () => {
  const models = labels(items('# megatron sft\nmodel: |\n'));
  assert.ok(models.includes('Qwen/Qwen2.5-7B-Instruct'));
  assert.ok(!models.includes('Qwen/Qwen-VL-Chat'), 'not supported by Megatron');
  assert.ok(labels(items('# swift infer\nmodel: |\n')).includes('Qwen/Qwen-VL-Chat'));
  const ds = items('# megatron sft\ndataset:\n  - |\n');
  assert.ok(labels(ds).includes('AI-ModelScope/alpaca-gpt4-data-zh'));
  assert.ok(labels(items('# megatron sft\ndataset: [a/b, |]\n')).includes('swift/self-cognition'));
});

test('values: file system paths for path-like arguments', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-compl-'));
  fs.mkdirSync(path.join(dir, 'ckpts', 'Qwen-mcore'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ckpts', 'notes.txt'), '');
  const opts = { files: nodeFileView(), baseDir: dir };
  const top = items('# megatron sft\nmcore_model: |\n', opts);
  assert.ok(labels(top).includes('ckpts/'));
  const inner = items('# megatron sft\nmcore_model: ckpts/Q|\n', opts);
  assert.deepEqual(labels(inner), ['Qwen-mcore/']);
  assert.equal(inner[0]!.insertText, 'ckpts/Qwen-mcore/');
  assert.deepEqual(labels(items('# megatron sft\nlr: |\n', opts)).filter((l) => l.endsWith('/')), [], 'lr is not a path');
});

test('ENV: variable names with meanings, and their values', () => {
  const names = items('# megatron sft\nENV:\n  NPROC|\n');
  const np = names.find((x) => x.label === 'NPROC_PER_NODE')!;
  assert.ok(np, labels(names).slice(0, 10).join(','));
  assert.match(np.documentation!, /torchrun/);
  for (const v of ['CUDA_VISIBLE_DEVICES', 'NNODES', 'NODE_RANK', 'MASTER_ADDR', 'MASTER_PORT', 'PYTORCH_CUDA_ALLOC_CONF', 'MAX_PIXELS']) assert.ok(labels(names).includes(v), v);
  assert.ok(!labels(items('# megatron sft\nENV:\n  NPROC_PER_NODE: "2"\n  |\n')).includes('NPROC_PER_NODE'), 'already set');
  assert.ok(labels(items('# megatron sft\nENV:\n  PYTORCH_CUDA_ALLOC_CONF: |\n')).some((l) => l.includes('expandable_segments')));
});

test('the modeline: commands with versions', () => {
  const xs = labels(items('# meg|\nlr: 1\n'));
  assert.ok(xs.includes('# megatron sft ms-swift=4.5.2'));
  assert.ok(xs.includes('# megatron sft ms-swift=3.4.1'));
  assert.ok(xs.includes('# swift export ms-swift=4.5.2'));
  assert.ok(!xs.includes('# megatron rlhf ms-swift=3.4.1'));
});

test('an empty file offers starter configs, and each one is a clean config', () => {
  const xs = items('|');
  const snippets = xs.filter((x) => x.kind === 'snippet');
  assert.ok(snippets.length >= 8, labels(snippets).join(','));
  for (const s of snippets) {
    // resolve the snippet's placeholders to their defaults
    const text = s.insertText!.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\d+/g, '');
    assert.deepEqual(errors(text).map((d) => `${s.label}: ${d.code}: ${d.message}`), []);
  }
  assert.ok(!labels(items('# megatron sft\nlr: 1\n|')).some((l) => l === 'megatron-sft'), 'only in an empty file');
});

test('applying a key completion produces the key and a value slot', () => {
  const { text, pos } = at('# megatron sft\nrecompute_gr|\n');
  const it = items('# megatron sft\nrecompute_gr|\n').find((x) => x.label === 'recompute_granularity')!;
  void pos;
  assert.equal(applyEdits(text, [{ range: it.range, newText: 'recompute_granularity: full' }]), '# megatron sft\nrecompute_granularity: full\n');
});
