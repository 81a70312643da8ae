// Paths to the shared fixture runs, for the metrics tests.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, SHARED } from '../helpers';

export const RUN = path.join(SHARED, 'fixtures', 'device-run');
export const LOG_FIXTURES = path.join(REPO_ROOT, 'test', 'metrics', 'fixtures');

/** The one event file of a fixture run (megatron-v3, swift-v4, long). */
export function eventFileOf(run: string): string {
  const dir = path.join(RUN, run, 'runs');
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
  assert.equal(files.length, 1, `one event file in ${dir}`);
  return path.join(dir, files[0]!);
}

export function readLogFixture(name: string): string {
  return fs.readFileSync(path.join(LOG_FIXTURES, name), 'utf8');
}
