#!/usr/bin/env node
'use strict';
// The long fuzz run: 100,000 mutated example/doc configs through the whole pure pipeline (parseConfig, checkText
// with every rule, completion and hover at random positions, symbols, folding, buildCommand), the same generator
// and property as test/fuzz/pipeline.test.ts. Unlike the test it does not stop at the first failure: it counts
// failures by stage and error, keeps the first input of each kind, and prints how to reproduce them.
//
// Needs `npm run build` (out/test/fuzz/pipeline.js) and the root devDependency fast-check.
// Usage: node bench/fuzz.js [--runs 100000] [--seed N] [--max-seconds 1800] [--bound-ms 1000] [--out FILE]
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(option('--runs', 100000));
const SEED = Number(option('--seed', Date.now() % 2 ** 31));
const MAX_SECONDS = Number(option('--max-seconds', 1800));
const BOUND_MS = Number(option('--bound-ms', 1000));
const BATCH = 1000;
const outFile = option('--out', path.join(os.tmpdir(), `ms-swift-studio-fuzz-${SEED}.json`));

let fc;
let P;
try {
  fc = require('fast-check');
  P = require(path.join(ROOT, 'out', 'test', 'fuzz', 'pipeline.js'));
} catch (e) {
  process.stderr.write(`fuzz: ${e.message}\nRun npm ci and npm run build (or npx tsc -p .) first.\n`);
  process.exit(2);
}

const seeds = P.seedTexts();
const arb = fc.tuple(P.mutatedConfigArb(seeds), P.positionsArb());
const failures = new Map(); // kind -> { count, first: { batch, index, text, positions, message } }
let done = 0;
let slow = 0;
let slowest = { ms: 0, what: '' };
const started = Date.now();
process.stdout.write(`fuzz: ${RUNS} cases, seed ${SEED}, per-call bound ${BOUND_MS} ms (reproduce: node bench/fuzz.js --seed ${SEED} --runs ${RUNS})\n`);

function record(kind, batch, index, c, positions, message) {
  const f = failures.get(kind);
  if (f) f.count++;
  else failures.set(kind, { count: 1, first: { batch, index, seed: c.seed, mutations: c.mutations, text: c.text, positions, message } });
}

outer: for (let batch = 0; done < RUNS; batch++) {
  const n = Math.min(BATCH, RUNS - done);
  // each batch has its own seed derived from the run's seed, so any case is reproducible from (seed, batch, index)
  const cases = fc.sample(arb, { seed: (SEED + batch * 7919) | 0, numRuns: n });
  for (let index = 0; index < cases.length; index++) {
    const [c, raw] = cases[index];
    const positions = P.toPositions(c.text, raw);
    try {
      const run = P.runPipeline(c.text, positions);
      if (run.slowest.ms > slowest.ms) slowest = { ms: run.slowest.ms, what: run.slowest.what };
      if (run.slowest.ms > BOUND_MS) {
        slow++;
        record(`slow: ${run.slowest.what.replace(/@.*/, '')} > ${BOUND_MS} ms`, batch, index, c, positions, `${run.slowest.ms.toFixed(0)} ms`);
      }
    } catch (e) {
      const stage = e instanceof P.PipelineFailure ? e.stage.replace(/@.*/, '') : 'harness';
      const err = e instanceof P.PipelineFailure ? e.error : e;
      const message = err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
      record(`${stage}: ${message.replace(/\d+/g, 'N').slice(0, 160)}`, batch, index, c, positions, err instanceof Error ? err.stack : message);
    }
    done++;
    if ((Date.now() - started) / 1000 > MAX_SECONDS) {
      process.stdout.write(`fuzz: stopping at the time limit (${MAX_SECONDS} s)\n`);
      break outer;
    }
  }
  const s = (Date.now() - started) / 1000;
  if (batch % 10 === 9 || done >= RUNS) process.stdout.write(`fuzz: ${done} cases, ${s.toFixed(0)} s, ${[...failures.values()].reduce((a, f) => a + f.count, 0)} failures\n`);
}

const seconds = (Date.now() - started) / 1000;
const total = [...failures.values()].reduce((a, f) => a + f.count, 0);
process.stdout.write(`\nfuzz: ${done} cases in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(0)} cases/s), seed ${SEED}\n`);
process.stdout.write(`fuzz: slowest call ${slowest.what} ${slowest.ms.toFixed(1)} ms; calls over ${BOUND_MS} ms: ${slow}\n`);
if (total === 0) {
  process.stdout.write('fuzz: no failures\n');
} else {
  process.stdout.write(`fuzz: ${total} failures of ${failures.size} kinds:\n`);
  for (const [kind, f] of failures) process.stdout.write(`  ${f.count} × ${kind}\n      first: batch ${f.first.batch} index ${f.first.index}; input ${JSON.stringify(f.first.text).slice(0, 200)}\n`);
  fs.writeFileSync(outFile, JSON.stringify({ seed: SEED, runs: done, failures: Object.fromEntries(failures) }, null, 1));
  process.stdout.write(`fuzz: inputs written to ${outFile}\n`);
}
process.exitCode = total === 0 ? 0 : 1;
