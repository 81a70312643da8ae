// Outline grouped by area, and folding ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../core/src/config/parse';
import { resolveContext } from '../../core/src/config/context';
import { documentSymbols, foldingRanges } from '../../core/src/service/symbols';

const TEXT = `# megatron sft ms-swift=4.5.2
# a comment
# another
ENV:
  NPROC_PER_NODE: "2"
model: Qwen/Qwen2.5-7B-Instruct
dataset:
  - a/b#10
  - c/d
tensor_model_parallel_size: 2
lr: 1.0e-5
output_dir: out
logging_steps: 5
`;

test('document symbols are grouped by area, with ENV last', () => {
  const doc = parseConfig(TEXT);
  const s = documentSymbols(doc, resolveContext(doc), 'en');
  assert.deepEqual(s.map((g) => [g.name, g.children!.map((c) => c.name)]), [
    ['Model', ['model']],
    ['Data', ['dataset']],
    ['Training', ['lr']],
    ['Parallelism', ['tensor_model_parallel_size']],
    ['Checkpoints', ['output_dir']],
    ['Logging', ['logging_steps']],
    ['ENV', ['NPROC_PER_NODE']],
  ]);
  assert.equal(documentSymbols(doc, resolveContext(doc), 'zh')[0]!.name, '模型');
});

test('folding: multi-line values, ENV and comment runs', () => {
  const f = foldingRanges(parseConfig(TEXT));
  assert.deepEqual(f, [
    { startLine: 0, endLine: 2, kind: 'comment' },
    { startLine: 3, endLine: 4 },
    { startLine: 6, endLine: 8 },
  ]);
});
