// The Python environment probe, with stand-in interpreters (no real ms-swift needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultInterpreter, missingFor, probePython } from '../../client/src/host/python';

test('the real python3 answers the probe; missing pieces are named with the install command', async () => {
  const r = await probePython('/usr/bin/python3');
  assert.ok(r.ok, r.ok ? '' : r.reason);
  if (!r.ok) return;
  assert.match(r.env.version, /^3\./);
  assert.equal(typeof r.env.packages, 'object');
  const env = { ...r.env, packages: {}, tools: { megatron: null, swift: null } };
  assert.match(missingFor(env, 'megatron')!, /ms-swift is not installed .* -m pip install ms-swift/);
  assert.match(missingFor({ ...env, packages: { 'ms-swift': '4.5.2' } }, 'megatron')!, /megatron-core is not installed/);
  assert.match(missingFor({ ...env, packages: { 'ms-swift': '4.5.2', 'megatron-core': '0.18.0' } }, 'megatron')!, /launcher was not found/);
  assert.equal(missingFor({ ...env, packages: { 'ms-swift': '4.5.2', 'megatron-core': '0.18.0' }, tools: { megatron: '/x/megatron', swift: null } }, 'megatron'), undefined);
});

test('a missing interpreter, a failing one, and an activation command that fails are clear errors', async () => {
  const missing = await probePython('/nonexistent/python');
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /was not found.*msSwiftStudio\.python\.interpreter/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mss-py-'));
  const bad = path.join(dir, 'python');
  fs.writeFileSync(bad, '#!/bin/sh\necho "Traceback: boom" >&2\nexit 1\n');
  fs.chmodSync(bad, 0o755);
  const failing = await probePython(bad);
  assert.match(!failing.ok ? failing.reason : '', /failed: Traceback: boom/);
  const act = await probePython('/usr/bin/python3', { activation: 'false' });
  assert.match(!act.ok ? act.reason : '', /activation command "false" failed/);
  const viaActivation = await probePython('/usr/bin/python3', { activation: 'true' });
  assert.ok(viaActivation.ok);
});

test('interpreter choice: setting, then the Python extension, then python3', () => {
  assert.equal(defaultInterpreter(' /opt/env/bin/python ', '/ext/python'), '/opt/env/bin/python');
  assert.equal(defaultInterpreter('', '/ext/python'), '/ext/python');
  assert.equal(defaultInterpreter(undefined, undefined), process.platform === 'win32' ? 'python' : 'python3');
});
