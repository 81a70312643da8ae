// The batch rules: global_batch_size must be a whole multiple of micro_batch_size × DP, and both must be positive.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckOptions } from '../../core/src/check';
import { applyFix, covered, diagnostics, withCode } from '../helpers';

const V3: CheckOptions = { version: '3.4.1', command: 'megatron sft' };
const V4: CheckOptions = { version: '4.5.2', command: 'megatron sft' };
const BOTH: Array<[string, CheckOptions]> = [
  ['3.4.1', V3],
  ['4.5.2', V4],
];
const GB = 'global-batch-divisible-by-micro-times-dp';
const POS = 'batch-sizes-positive';

/** The batch-shape and world-size codes that a batch fix must not introduce. */
const WATCH = /^(global-batch|batch-sizes|world-size|vpp-microbatch)/;

function fixesOf(text: string, code: string, o: CheckOptions) {
  const d = withCode(text, code, o)[0];
  assert.ok(d, `no ${code}`);
  return { d, fixes: d.fixes ?? [] };
}

function assertClean(text: string, code: string, o: CheckOptions): void {
  const bad = diagnostics(text, o).filter((d) => d.code === code || (d.severity === 'error' && WATCH.test(d.code)));
  assert.deepEqual(bad.map((d) => `${d.code}: ${d.message}`), [], text);
}

describe(GB, () => {
  for (const [v, o] of BOTH) {
    test(`${v}: fires with the numbers, the accumulation steps and both roundings`, () => {
      const text = 'ENV:\n  NPROC_PER_NODE: 8\ntensor_model_parallel_size: 2\nmicro_batch_size: 2\nglobal_batch_size: 12\n';
      const { d, fixes } = fixesOf(text, GB, o);
      assert.equal(d.severity, 'error');
      assert.equal(d.key, 'global_batch_size');
      assert.equal(covered(text, d), 'global_batch_size');
      assert.match(d.message, /`global_batch_size` 12 is not a multiple of `micro_batch_size` 2 × DP 4 = 8/);
      assert.match(d.message, /DP = 8 processes \(NPROC_PER_NODE 8\) \/ \(TP 2 × PP 1 × CP 1\)/);
      assert.match(d.message, /Use 8 \(1 gradient-accumulation step\) or 16 \(2 gradient-accumulation steps\)/);
      assert.match(d.message, v === '3.4.1' ? /after the whole dataset has been tokenized/ : /while ms-swift parses the arguments/);
      assert.deepEqual(
        fixes.map((f) => f.title),
        [
          'Round `global_batch_size` down to 8 (1 gradient-accumulation step)',
          'Round `global_batch_size` up to 16 (2 gradient-accumulation steps)',
          'Set `micro_batch_size` to 1 (keeps 12: 3 gradient-accumulation steps)',
        ],
      );
      const fixed = fixes.map((f) => applyFix(text, f));
      assert.match(fixed[0]!, /global_batch_size: 8\n$/);
      assert.match(fixed[1]!, /global_batch_size: 16\n$/);
      assert.match(fixed[2]!, /micro_batch_size: 1\nglobal_batch_size: 12\n$/);
      for (const f of fixed) assertClean(f, GB, o);
    });
    test(`${v}: quiet on a valid multiple`, () => {
      assert.deepEqual(withCode('ENV:\n  NPROC_PER_NODE: 8\ntensor_model_parallel_size: 2\nmicro_batch_size: 2\nglobal_batch_size: 16\n', GB, o), []);
    });
  }
  test('the nearest rounding is preferred', () => {
    const up = fixesOf('ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 13\n', GB, V4).fixes;
    assert.deepEqual(up.filter((f) => f.preferred).map((f) => f.title), ['Round `global_batch_size` up to 16 (2 gradient-accumulation steps)']);
    const down = fixesOf('ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 18\n', GB, V4).fixes;
    assert.deepEqual(down.filter((f) => f.preferred).map((f) => f.title), ['Round `global_batch_size` down to 16 (2 gradient-accumulation steps)']);
  });
  test('a global batch smaller than one micro-batch per rank can only round up', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 8\nmicro_batch_size: 1\nglobal_batch_size: 4\n';
    const { d, fixes } = fixesOf(text, GB, V4);
    assert.match(d.message, /smaller than one micro-batch per data-parallel rank/);
    assert.deepEqual(fixes.map((f) => f.title), ['Round `global_batch_size` up to 8 (1 gradient-accumulation step)']);
    assertClean(applyFix(text, fixes[0]!), GB, V4);
  });
  test('defaults count: no batch keys, 3 GPUs -> default 16 does not split; the fix adds the key', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 3\nmodel: Qwen/Qwen2.5-7B-Instruct\n';
    const { d, fixes } = fixesOf(text, GB, V4);
    assert.match(d.message, /`global_batch_size` 16 is not a multiple of `micro_batch_size` 1 × DP 3 = 3/);
    assert.deepEqual(fixes.map((f) => applyFix(text, f).trim().split('\n').at(-1)), ['global_batch_size: 15', 'global_batch_size: 18']);
    for (const f of fixes) assertClean(applyFix(text, f), GB, V4);
  });
  test('the finding sits on micro_batch_size when only that key is set', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 2\nmicro_batch_size: 3\n';
    const { d } = fixesOf(text, GB, V4);
    assert.equal(covered(text, d), 'micro_batch_size');
  });
  test('PP, CP and NNODES enter DP', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 8\n  NNODES: 2\n  MASTER_ADDR: h\npipeline_model_parallel_size: 2\ncontext_parallel_size: 2\nmicro_batch_size: 3\nglobal_batch_size: 16\n';
    const { d } = fixesOf(text, GB, V4);
    assert.match(d.message, /× DP 4 = 12, where DP = 16 processes \(NPROC_PER_NODE 8 × NNODES 2\) \/ \(TP 1 × PP 2 × CP 2\)/);
    assert.deepEqual(withCode(text.replace('global_batch_size: 16', 'global_batch_size: 24'), GB, V4), []);
  });
  test('the GPUs chosen for the launch give the world size when ENV does not', () => {
    const text = 'micro_batch_size: 1\nglobal_batch_size: 6\n';
    assert.match(withCode(text, GB, { ...V4, launch: { visibleGpus: 4 } })[0]!.message, /4 processes \(4 GPUs chosen for the launch\)/);
  });
  test('silent when the world size is unknown or does not fit TP × PP × CP', () => {
    assert.deepEqual(withCode('micro_batch_size: 2\nglobal_batch_size: 12\n', GB, V4), []);
    assert.deepEqual(withCode('ENV:\n  NPROC_PER_NODE: $GPUS\nglobal_batch_size: 13\n', GB, V4), []);
    assert.deepEqual(withCode('ENV:\n  NPROC_PER_NODE: 8\n  NNODES: $WORLD_SIZE\nglobal_batch_size: 13\n', GB, V4), []);
    assert.deepEqual(withCode('ENV:\n  NPROC_PER_NODE: 6\ntensor_model_parallel_size: 4\nglobal_batch_size: 13\n', GB, V4), []);
  });
  test('not for swift commands or megatron export', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 8\nglobal_batch_size: 13\n';
    assert.deepEqual(withCode(text, GB, { version: '4.5.2', command: 'megatron export' }), []);
    assert.equal(withCode(text, GB, { version: '4.5.2', command: 'megatron pt' }).length, 1);
  });
  test('4.5.2 with VPP: roundings also respect the interleaved schedule', () => {
    const text =
      'ENV:\n  NPROC_PER_NODE: 8\npipeline_model_parallel_size: 4\nvirtual_pipeline_model_parallel_size: 2\nmicro_batch_size: 1\nglobal_batch_size: 5\n';
    const { fixes } = fixesOf(text, GB, V4);
    // 4 (2 micro-batches) and 6 (3) are whole but fewer than PP 4 micro-batches: the next valid one is 8
    assert.deepEqual(fixes.map((f) => f.title), ['Round `global_batch_size` up to 8 (4 gradient-accumulation steps)']);
  });
});

describe(POS, () => {
  for (const [v, o] of BOTH) {
    test(`${v}: micro_batch_size 0 and negative global_batch_size fire on their keys`, () => {
      const text = 'micro_batch_size: 0\nglobal_batch_size: -4\n';
      const found = withCode(text, POS, o);
      assert.deepEqual(found.map((d) => covered(text, d)), ['micro_batch_size', 'global_batch_size']);
      assert.ok(found.every((d) => d.severity === 'error'));
      assert.match(found[0]!.message, /`micro_batch_size` 0 must be at least 1/);
      assert.match(found[1]!.message, /`global_batch_size` -4 must be at least 1/);
    });
    test(`${v}: quiet at 1 (the boundary)`, () => {
      assert.deepEqual(withCode('micro_batch_size: 1\nglobal_batch_size: 1\n', POS, o), []);
    });
  }
  test('the micro-batch fix also keeps the global batch splittable when DP is known', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 4\nmicro_batch_size: 0\nglobal_batch_size: 6\n';
    const { fixes } = fixesOf(text, POS, V4);
    assert.equal(fixes[0]!.title, 'Set `micro_batch_size: 1` and `global_batch_size: 8`');
    assertClean(applyFix(text, fixes[0]!), POS, V4);
  });
  test('the global-batch fix picks micro_batch_size × DP, or removes the key when DP is unknown', () => {
    const known = 'ENV:\n  NPROC_PER_NODE: 4\nmicro_batch_size: 2\nglobal_batch_size: 0\n';
    const f1 = fixesOf(known, POS, V3).fixes[0]!;
    assert.equal(applyFix(known, f1), 'ENV:\n  NPROC_PER_NODE: 4\nmicro_batch_size: 2\nglobal_batch_size: 8\n');
    assertClean(applyFix(known, f1), POS, V3);
    const unknown = 'micro_batch_size: 2\nglobal_batch_size: 0\n';
    const f2 = fixesOf(unknown, POS, V4).fixes[0]!;
    assert.equal(applyFix(unknown, f2), 'micro_batch_size: 2\n');
    assert.deepEqual(withCode(applyFix(unknown, f2), POS, V4), []);
  });
});
