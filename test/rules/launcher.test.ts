// The launcher rules: torchrun process counts, visible GPUs, multi-node rendezvous variables, YAML/ENV handling of
// the launcher and CUDA_DEVICE_MAX_CONNECTIONS.
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
const shell = (o: CheckOptions, env: Record<string, string>): CheckOptions => ({ ...o, python: { packages: {}, shellEnv: env } });

/** Applies every fix of the first `code` diagnostic and checks each one silences it without adding an error. */
function assertFixesWork(text: string, code: string, options: CheckOptions): string[] {
  const before = diagnostics(text, options);
  const found = before.filter((d) => d.code === code);
  assert.ok(found.length > 0, `no ${code}`);
  const errorsBefore = new Set(before.filter((d) => d.severity === 'error').map((d) => d.code));
  const results: string[] = [];
  for (const fix of found[0]!.fixes ?? []) {
    const fixed = applyFix(text, fix);
    const after = diagnostics(fixed, options);
    assert.equal(after.filter((d) => d.code === code).length, found.length - 1, `fix "${fix.title}" left ${code}:\n${fixed}`);
    const added = after.filter((d) => d.severity === 'error' && !errorsBefore.has(d.code) && d.code.match(/^(launch|nproc|world|global-batch|batch)/));
    assert.deepEqual(added.map((d) => d.code), [], `fix "${fix.title}" added errors:\n${fixed}`);
    results.push(fixed);
  }
  return results;
}

describe('launch-requires-nproc-per-node', () => {
  const code = 'launch-requires-nproc-per-node';
  for (const [v, o] of BOTH) {
    test(`${v}: fires without NPROC_PER_NODE and NNODES, on the ENV key`, () => {
      const text = 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2,3"\nmodel: Qwen/Qwen2.5-7B-Instruct\n';
      const [d] = withCode(text, code, o);
      assert.ok(d);
      assert.equal(d.severity, 'error');
      assert.equal(covered(text, d), 'ENV');
      assert.match(d.message, /torchrun/);
      assert.match(d.message, /4 for `CUDA_VISIBLE_DEVICES` "0,1,2,3"/);
      const [fixed] = assertFixesWork(text, code, o);
      assert.equal(fixed, 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2,3"\n  NPROC_PER_NODE: "4"\nmodel: Qwen/Qwen2.5-7B-Instruct\n');
    });
    test(`${v}: quiet with NPROC_PER_NODE or NNODES in ENV`, () => {
      assert.deepEqual(withCode('ENV:\n  NPROC_PER_NODE: 1\n', code, o), []);
      assert.deepEqual(withCode('ENV:\n  NNODES: 2\n  MASTER_ADDR: 10.0.0.1\n', code, o), []);
    });
  }
  test('without an ENV block the fix adds one before the first key', () => {
    const text = '# megatron sft\nmodel: Qwen/Qwen2.5-7B-Instruct\nlr: 1.0e-5\n';
    const d = withCode(text, code, V4)[0]!;
    assert.equal(applyFix(text, d.fixes![0]!), '# megatron sft\nENV:\n  NPROC_PER_NODE: "1"\nmodel: Qwen/Qwen2.5-7B-Instruct\nlr: 1.0e-5\n');
    assert.deepEqual(withCode(applyFix(text, d.fixes![0]!), code, V4), []);
  });
  test('an empty ENV: gets the variable', () => {
    const text = 'ENV:\nmodel: Qwen/Qwen2.5-7B-Instruct\n';
    const fixed = applyFix(text, withCode(text, code, V4)[0]!.fixes![0]!);
    assert.equal(fixed, 'ENV:\n  NPROC_PER_NODE: "1"\nmodel: Qwen/Qwen2.5-7B-Instruct\n');
    assert.deepEqual(withCode(fixed, code, V4), []);
  });
  test('quiet when the shell provides it, or a scheduler exports the rendezvous variables', () => {
    assert.deepEqual(withCode('model: m\n', code, shell(V4, { NPROC_PER_NODE: '8' })), []);
    assert.deepEqual(withCode('model: m\n', code, shell(V4, { RANK: '0', WORLD_SIZE: '8', MASTER_ADDR: 'h', MASTER_PORT: '1' })), []);
    assert.equal(withCode('model: m\n', code, shell(V4, { RANK: '0', WORLD_SIZE: '8' })).length, 1);
  });
  test('quiet when the client launches on chosen GPUs (it passes NPROC_PER_NODE)', () => {
    assert.deepEqual(withCode('model: m\n', code, { ...V4, launch: { visibleGpus: 2 } }), []);
  });
  test('megatron rlhf with use_ray is started by Ray; swift commands are not megatron launches', () => {
    assert.deepEqual(withCode('use_ray: true\n', code, { version: '4.5.2', command: 'megatron rlhf' }), []);
    assert.equal(withCode('rlhf_type: dpo\n', code, { version: '4.5.2', command: 'megatron rlhf' }).length, 1);
    assert.deepEqual(withCode('model: m\n', code, { version: '4.5.2', command: 'swift sft' }), []);
    assert.deepEqual(withCode('model: m\nto_mcore: true\n', code, { version: '3.4.1', command: 'swift export' }), []);
  });
  test('no fix when the visible GPUs cannot hold the parallel layout', () => {
    const text = 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\ntensor_model_parallel_size: 4\n';
    const d = withCode(text, code, V4)[0]!;
    assert.deepEqual(d.fixes ?? [], []);
  });
});

describe('nproc-exceeds-visible-devices', () => {
  const code = 'nproc-exceeds-visible-devices';
  for (const [v, o] of BOTH) {
    test(`${v}: fires when NPROC_PER_NODE is above the CUDA_VISIBLE_DEVICES count`, () => {
      const text = 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: 4\n';
      const [d] = withCode(text, code, o);
      assert.ok(d);
      assert.equal(d.severity, 'error');
      assert.equal(d.key, 'NPROC_PER_NODE');
      assert.equal(covered(text, d), 'NPROC_PER_NODE');
      assert.match(d.message, /only 2 GPUs are visible/);
      const [fixed] = assertFixesWork(text, code, o);
      assert.equal(fixed, 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: "2"\n');
    });
    test(`${v}: boundary: equal counts are fine, one more is not`, () => {
      assert.deepEqual(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2"\n  NPROC_PER_NODE: 3\n', code, o), []);
      assert.equal(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2"\n  NPROC_PER_NODE: 4\n', code, o).length, 1);
    });
  }
  test('the launch choice counts when CUDA_VISIBLE_DEVICES is not in ENV', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 8\n';
    const d = withCode(text, code, { ...V4, launch: { visibleGpus: 4 } })[0]!;
    assert.match(d.message, /only 4 GPUs are visible \(the 4 GPUs chosen for the launch\)/);
    assert.deepEqual(withCode(text, code, V4), [], 'unknown GPUs: silent');
  });
  test('an empty CUDA_VISIBLE_DEVICES hides every GPU', () => {
    assert.match(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: ""\n  NPROC_PER_NODE: 1\n', code, V4)[0]!.message, /only 0 GPUs/);
  });
  test('silent when a value is not a literal (shell reference) or the shell overrides it (4.5.2)', () => {
    assert.deepEqual(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: $N\n', code, V4), []);
    assert.deepEqual(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: $GPUS\n  NPROC_PER_NODE: 4\n', code, V4), []);
    assert.deepEqual(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: 4\n', code, shell(V4, { NPROC_PER_NODE: '2' })), []);
  });
  test('GPU UUIDs count as devices', () => {
    assert.equal(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "GPU-1a2b,GPU-3c4d"\n  NPROC_PER_NODE: 3\n', code, V4).length, 1);
  });
  test('no fix when the smaller world breaks the parallel layout', () => {
    const d = withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: 4\ntensor_model_parallel_size: 4\n', code, V4)[0]!;
    assert.deepEqual(d.fixes ?? [], []);
  });
});

describe('nproc-below-visible-devices', () => {
  const code = 'nproc-below-visible-devices';
  for (const [v, o] of BOTH) {
    test(`${v}: info when GPUs stay idle; both fixes silence it`, () => {
      const text = 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2,3"\n  NPROC_PER_NODE: 2\n';
      const [d] = withCode(text, code, o);
      assert.ok(d);
      assert.equal(d.severity, 'info');
      assert.match(d.message, /2 GPUs stay idle \(2, 3\)/);
      const fixed = assertFixesWork(text, code, o);
      assert.deepEqual(fixed, [
        'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2,3"\n  NPROC_PER_NODE: "4"\n',
        'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: 2\n',
      ]);
      assert.equal(d.fixes![0]!.preferred, true);
    });
    test(`${v}: quiet when every visible GPU gets a process`, () => {
      assert.deepEqual(withCode('ENV:\n  CUDA_VISIBLE_DEVICES: "0,1"\n  NPROC_PER_NODE: 2\n', code, o), []);
    });
  }
  test('when all GPUs would break the layout only the trimming fix is offered, and preferred', () => {
    const text = 'ENV:\n  CUDA_VISIBLE_DEVICES: "0,1,2"\n  NPROC_PER_NODE: 2\ntensor_model_parallel_size: 2\n';
    const d = withCode(text, code, V4)[0]!;
    assert.equal(d.fixes!.length, 1);
    assert.equal(d.fixes![0]!.preferred, true);
    assert.match(applyFix(text, d.fixes![0]!), /CUDA_VISIBLE_DEVICES: "0,1"/);
  });
});

describe('multinode rendezvous', () => {
  for (const [v, o] of BOTH) {
    test(`${v}: multinode-requires-master-addr fires without MASTER_ADDR, quiet with it (ENV or shell)`, () => {
      const text = 'ENV:\n  NNODES: 2\n  NPROC_PER_NODE: 8\n';
      const [d] = withCode(text, 'multinode-requires-master-addr', o);
      assert.ok(d);
      assert.equal(d.severity, 'warning');
      assert.equal(covered(text, d), 'NNODES');
      assert.match(d.message, /127\.0\.0\.1/);
      assert.deepEqual(withCode(`${text}  MASTER_ADDR: 10.0.0.1\n`, 'multinode-requires-master-addr', o), []);
      assert.deepEqual(withCode(text, 'multinode-requires-master-addr', shell(o, { MASTER_ADDR: '10.0.0.1' })), []);
    });
    test(`${v}: multinode-requires-node-rank needs a known shell without NODE_RANK`, () => {
      const text = 'ENV:\n  NNODES: 2\n  NPROC_PER_NODE: 8\n  MASTER_ADDR: 10.0.0.1\n';
      assert.deepEqual(withCode(text, 'multinode-requires-node-rank', o), [], 'shell unknown: silent');
      const [d] = withCode(text, 'multinode-requires-node-rank', shell(o, {}));
      assert.ok(d);
      assert.match(d.message, /0 to 1/);
      assert.deepEqual(withCode(text, 'multinode-requires-node-rank', shell(o, { NODE_RANK: '1' })), []);
      assert.deepEqual(withCode(`${text}  NODE_RANK: 0\n`, 'multinode-requires-node-rank', shell(o, {})), []);
    });
  }
  test('one node, or a node count from a scheduler variable, is not multi-node', () => {
    for (const nn of ['1', '$WORLD_SIZE']) {
      const text = `ENV:\n  NNODES: "${nn}"\n  NPROC_PER_NODE: 8\n`;
      assert.deepEqual(withCode(text, 'multinode-requires-master-addr', V4), []);
      assert.deepEqual(withCode(text, 'multinode-requires-node-rank', shell(V4, {})), []);
    }
  });
});

describe('nnodes-without-nproc-per-node', () => {
  const code = 'nnodes-without-nproc-per-node';
  for (const [v, o] of BOTH) {
    test(`${v}: info, and says the world size torchrun ends up with`, () => {
      const text = 'ENV:\n  NNODES: 2\n  MASTER_ADDR: 10.0.0.1\n';
      const [d] = withCode(text, code, o);
      assert.ok(d);
      assert.equal(d.severity, 'info');
      assert.equal(covered(text, d), 'NNODES');
      assert.match(d.message, /2 GPUs in total, one per node/);
      assert.deepEqual(d.fixes ?? [], [], 'GPU count per node unknown: no fix');
    });
  }
  test('offers NPROC_PER_NODE from CUDA_VISIBLE_DEVICES', () => {
    const text = 'ENV:\n  NNODES: 2\n  MASTER_ADDR: 10.0.0.1\n  CUDA_VISIBLE_DEVICES: "0,1,2,3"\n';
    const [fixed] = assertFixesWork(text, code, V4);
    assert.match(fixed!, /NPROC_PER_NODE: "4"/);
  });
  test('quiet with NPROC_PER_NODE, with the platform variable PET_NPROC_PER_NODE, or a scheduler NNODES', () => {
    assert.deepEqual(withCode('ENV:\n  NNODES: 2\n  NPROC_PER_NODE: 8\n', code, V4), []);
    assert.deepEqual(withCode('ENV:\n  NNODES: 2\n', code, shell(V4, { PET_NPROC_PER_NODE: '8' })), []);
    assert.deepEqual(withCode('ENV:\n  NNODES: $WORLD_SIZE\n', code, V4), []);
  });
});

describe('yaml-env-shell-precedence', () => {
  const code = 'yaml-env-shell-precedence';
  test('4.5.2: info on each ENV variable the shell already sets differently', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 4\n  MASTER_PORT: 29500\n';
    const found = withCode(text, code, shell(V4, { NPROC_PER_NODE: '8', MASTER_PORT: '29500' }));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'info');
    assert.equal(covered(text, found[0]!), 'NPROC_PER_NODE');
    assert.match(found[0]!.message, /keeps the shell's value/);
  });
  test('silent when the shell is unknown or agrees, and on 3.4.1 (the extension passes ENV itself)', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 4\n';
    assert.deepEqual(withCode(text, code, V4), []);
    assert.deepEqual(withCode(text, code, shell(V4, { NPROC_PER_NODE: '4' })), []);
    assert.deepEqual(withCode(text, code, shell(V3, { NPROC_PER_NODE: '8' })), []);
  });
});

describe('yaml-config-unsupported-before-v4-1', () => {
  const code = 'yaml-config-unsupported-before-v4-1';
  test('3.4.1: a modeline launching a .yaml file is an error on the file name; the fix removes it', () => {
    const text = '# megatron sft train.yml ms-swift=3.4.1\ntensor_model_parallel_size: 2\n';
    const [d] = withCode(text, code, V3);
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.equal(covered(text, d), 'train.yml');
    const fixed = applyFix(text, d.fixes![0]!);
    assert.equal(fixed, '# megatron sft ms-swift=3.4.1\ntensor_model_parallel_size: 2\n');
    assert.deepEqual(withCode(fixed, code, V3), []);
  });
  test('a config the launcher expands into flags, a .json file and 4.5.2 are fine', () => {
    assert.deepEqual(withCode('# megatron sft ms-swift=3.4.1\ntensor_model_parallel_size: 2\n', code, V3), []);
    assert.deepEqual(withCode('# megatron sft args.json\ntensor_model_parallel_size: 2\n', code, V3), []);
    assert.deepEqual(withCode('# megatron sft cfg.yaml\ntensor_model_parallel_size: 2\n', code, V4), []);
  });
});

describe('cuda-device-max-connections-default', () => {
  const code = 'cuda-device-max-connections-default';
  test('3.4.1: a value other than 1 is overwritten (warning); both fixes work', () => {
    const text = 'ENV:\n  NPROC_PER_NODE: 1\n  CUDA_DEVICE_MAX_CONNECTIONS: 8\n';
    const [d] = withCode(text, code, V3);
    assert.ok(d);
    assert.equal(d.severity, 'warning');
    assert.equal(covered(text, d), 'CUDA_DEVICE_MAX_CONNECTIONS');
    assert.match(d.message, /"8"/);
    const fixed = assertFixesWork(text, code, V3);
    assert.deepEqual(fixed, ['ENV:\n  NPROC_PER_NODE: 1\n  CUDA_DEVICE_MAX_CONNECTIONS: "1"\n', 'ENV:\n  NPROC_PER_NODE: 1\n']);
    assert.deepEqual(withCode('ENV:\n  CUDA_DEVICE_MAX_CONNECTIONS: 1\n', code, V3), []);
  });
  test('4.5.2: info only with TP or CP > 1, and not with Megatron-FSDP', () => {
    const base = 'ENV:\n  NPROC_PER_NODE: 2\n  CUDA_DEVICE_MAX_CONNECTIONS: 8\n';
    const [d] = withCode(`${base}tensor_model_parallel_size: 2\nsequence_parallel: true\n`, code, V4);
    assert.ok(d);
    assert.equal(d.severity, 'info');
    assert.match(d.message, /keeps/);
    assert.equal(withCode(`${base}context_parallel_size: 2\n`, code, V4).length, 1);
    assert.deepEqual(withCode(base, code, V4), []);
    assert.deepEqual(withCode(`${base}tensor_model_parallel_size: 2\nuse_megatron_fsdp: true\n`, code, V4), []);
  });
});
