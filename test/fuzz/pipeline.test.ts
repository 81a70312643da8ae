// Property-based fuzzing of the whole pure pipeline with mutated example and doc configs: no exception escapes
// (buildCommand's CommandBuildError is the one documented error), no rule throws, and every call returns within
// a bound. The seed is fixed so that a failure reproduces; FUZZ_SEED / FUZZ_RUNS override it
// (`npm run fuzz` runs 100,000 cases through bench/fuzz.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mutatedConfigArb, PipelineFailure, positionsArb, runPipeline, seedTexts, toPositions } from './pipeline';

const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.FUZZ_RUNS ?? 4000);
/** a single call on a mutated example config; generous, it only catches hangs and blow-ups */
const CALL_BOUND_MS = 1000;

test(`mutated configs go through the whole pipeline without exceptions (${RUNS} cases, seed ${SEED})`, () => {
  const seeds = seedTexts();
  assert.ok(seeds.length >= 20, 'examples and doc configs found');
  const started = process.hrtime.bigint();
  let worst = { what: '', ms: 0 };
  fc.assert(
    fc.property(mutatedConfigArb(seeds), positionsArb(), ({ text }, raw) => {
      let run;
      try {
        run = runPipeline(text, toPositions(text, raw));
      } catch (e) {
        if (e instanceof PipelineFailure) assert.fail(`${e.message}\n${e.error instanceof Error ? e.error.stack : ''}`);
        throw e;
      }
      if (run.slowest.ms > worst.ms) worst = run.slowest;
      assert.ok(run.slowest.ms < CALL_BOUND_MS, `${run.slowest.what} took ${run.slowest.ms.toFixed(0)} ms`);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`# fuzz: ${RUNS} cases in ${seconds.toFixed(1)} s; slowest call ${worst.what} ${worst.ms.toFixed(1)} ms\n`);
});
