// A failed run's log tail: the cause, and the config line to mark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { failuresOf, lineOfKey, logTail } from '../../client/src/host/failures';
import { REPO_ROOT } from '../helpers';

const FIX = path.join(REPO_ROOT, 'test', 'metrics', 'fixtures');

test('the key of a failed rule is found in the config, top-level or under ENV', () => {
  const text = '# megatron sft\nENV:\n  NPROC_PER_NODE: "2"\nrecompute_method: uniform\nlr: 1\n';
  assert.equal(lineOfKey(text, 'recompute_method'), 3);
  assert.equal(lineOfKey(text, 'NPROC_PER_NODE'), 2);
  assert.equal(lineOfKey(text, 'missing'), undefined);
  assert.equal(lineOfKey('a.b: 1\nab: 2\n', 'a.b'), 0);
});

test('failures of real-looking logs: remaining argv names the keys; a long log is read from its end', () => {
  const f = failuresOf(path.join(FIX, 'remaining-argv.log'));
  const unknown = f.find((x) => x.kind === 'unknown-arguments');
  assert.ok(unknown && unknown.keys && unknown.keys.length > 0, JSON.stringify(f.map((x) => x.kind)));
  const oom = failuresOf(path.join(FIX, 'cuda-oom-torch2.log'));
  assert.ok(oom.some((x) => x.kind === 'cuda-oom'));
  assert.deepEqual(failuresOf(path.join(FIX, 'healthy-run.log')).filter((x) => x.kind !== 'child-failed'), []);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-tail-'));
  const big = path.join(dir, 'big.log');
  fs.writeFileSync(big, 'x'.repeat(1024 * 1024) + '\nTAIL\n');
  assert.ok(logTail(big, 1024).endsWith('TAIL\n'));
  assert.equal(logTail(path.join(dir, 'missing.log')), '');
});
