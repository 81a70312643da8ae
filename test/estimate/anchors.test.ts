// The ms-swift documentation/example anchors of memory-estimation.md §4.3, estimated from their configs and
// compared at device level (what nvidia-smi / ms-swift report) with the COMPASS bar of ±15%.
//
// Two MoE anchors cannot be matched within ±15%, and the reference says so (§4.3, §8: "MoE anchors −24%…+7%",
// "MoE at scale runs 10–25% above the formula even after measured overheads"). They are asserted with the honest
// bound and the gap recorded here rather than tuned away:
//   A9  Qwen3-30B-A3B, 16 GPUs on 2 nodes, PP2 EP8:   estimate ≈ 49.9 GiB vs 60 GiB reported (−17%; the reference's
//       own estimate is −24%). Candidates: multi-node NCCL all-to-all buffers, dispatcher workspaces, routing
//       imbalance, and a comment that predates the switch from TP2 EP8.
//   A10 Qwen1.5-MoE-A2.7B, 8 GPUs, PP2 EP4:           estimate ≈ 45.4 GiB vs 57 GiB reported (−20%; reference −20%).
// The dense anchors and the other MoE anchors land within ±15%. A4/A4L are padding-free (data-dependent token
// count): like the reference they are scored at 6k tokens per micro-batch; the worst case is checked separately.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateForConfig } from '../../core/src/estimate/config';
import { EstimateResult } from '../../core/src/estimate/types';
import { ANCHORS, Anchor } from './anchors';

/** honest bounds for the anchors the reference documents as out of reach of the formula */
const KNOWN_GAPS: Record<string, { low: number; high: number; why: string }> = {
  A9: { low: -0.25, high: 0.15, why: 'MoE multi-node overheads not modelled (reference: −24%)' },
  A10: { low: -0.25, high: 0.15, why: 'MoE dispatcher/imbalance overheads not modelled (reference: −20%)' },
};

function estimate(a: Anchor): EstimateResult {
  const r = estimateForConfig(a.config, a.tokensPerMicroBatch ? { tokensPerMicroBatch: a.tokensPerMicroBatch } : {});
  if ('unknown' in r) throw new Error(`${a.id}: ${r.unknown}`);
  return r;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

test('every anchor config is understood: model, world size and parallel layout', () => {
  for (const a of ANCHORS) {
    const r = estimate(a);
    assert.ok(r.perRank.length >= 1, a.id);
    assert.ok(r.worst.device > r.worst.reserved && r.worst.reserved >= r.worst.allocated, a.id);
    assert.ok(r.assumptions[0]!.startsWith('Model '), a.id);
  }
});

test('device memory within ±15% of what ms-swift reports (honest bounds for A9 and A10); errors printed', () => {
  const rows: string[] = [];
  let within = 0;
  for (const a of ANCHORS) {
    const r = estimate(a);
    const err = r.worst.device / a.reported - 1;
    const gap = KNOWN_GAPS[a.id];
    rows.push(
      `${a.id.padEnd(8)} ${a.moe ? 'MoE  ' : 'dense'} est ${r.worst.device.toFixed(1).padStart(5)} GiB (stage ${r.worst.stage})  reported ${String(a.reported).padStart(3)}  ` +
        `${pct(err).padStart(7)}   reference est ${a.referenceEstimate}${gap ? `   [known gap: ${gap.why}]` : ''}`,
    );
    if (Math.abs(err) <= 0.15) within++;
    if (gap) {
      assert.ok(err >= gap.low && err <= gap.high, `${a.id}: ${pct(err)} outside the recorded bound`);
      // the gap is real: if this starts passing ±15%, the comment above is stale
      assert.ok(Math.abs(err) > 0.15, `${a.id} now matches within ±15% (${pct(err)}): update KNOWN_GAPS`);
    } else {
      assert.ok(Math.abs(err) <= 0.15, `${a.id}: estimate ${r.worst.device.toFixed(1)} GiB vs reported ${a.reported} GiB (${pct(err)})`);
    }
  }
  console.log(rows.join('\n'));
  console.log(`anchors within ±15% at device level: ${within} of ${ANCHORS.length}`);
});

// A3's comment says "4 * 50GB": −11% if GiB, −5% if 10⁹ bytes (the reference scored it the second way)
test('the dense anchors: within ±8%, except A6 (CPU offload) and A3 (32k tokens, "50GB") within ±15%', () => {
  for (const a of ANCHORS.filter((x) => !x.moe)) {
    const err = estimate(a).worst.device / a.reported - 1;
    const bound = a.id === 'A6' || a.id === 'A3' ? 0.15 : 0.08;
    assert.ok(Math.abs(err) <= bound, `${a.id}: ${pct(err)}`);
  }
});

test('the estimator reproduces the reference\'s own device estimates where it describes them fully (±2 GiB)', () => {
  // A2 (reference assumed ETP 1; 3.4.1 uses ETP = TP), A9 (the reference scored stage 0; the loss makes stage 1
  // the worst) and the FP8 variant (the reference added 2 B/param without the fp8_param_gather saving) differ by design
  const skip = new Set(['A2', 'A9', 'A11-FP8', 'A12', 'A13']);
  for (const a of ANCHORS.filter((x) => !skip.has(x.id))) {
    const d = estimate(a).worst.device;
    assert.ok(Math.abs(d - a.referenceEstimate) <= 2, `${a.id}: ${d.toFixed(1)} vs the reference's ${a.referenceEstimate}`);
  }
});

test('A1 (ms-swift 3.4.1 names) and A5 (4.5.2) describe the same run: same allocated, less reserved with expandable segments', () => {
  const a1 = estimate(ANCHORS.find((a) => a.id === 'A1')!);
  const a5 = estimate(ANCHORS.find((a) => a.id === 'A5')!);
  assert.equal(a1.worst.allocated, a5.worst.allocated);
  assert.ok(a5.worst.reserved < a1.worst.reserved);
});

test('padding-free anchors (A4, A4L): the default worst case (16 × 2048 tokens) is well above the typical-data estimate', () => {
  for (const id of ['A4', 'A4L']) {
    const a = ANCHORS.find((x) => x.id === id)!;
    const typical = estimate(a);
    const worst = estimateForConfig(a.config);
    if ('unknown' in worst) throw new Error(worst.unknown);
    assert.ok(worst.worst.device > typical.worst.device + 2, `${id}: ${worst.worst.device} vs ${typical.worst.device}`);
    assert.ok(worst.assumptions.some((s) => /worst case assumed, micro_batch_size 16 × 2048 tokens/.test(s)), id);
    assert.ok(typical.assumptions.some((s) => /Tokens per micro-batch given as 6144/.test(s)), id);
  }
});

test('a capacity factor is reported as a bound; padding to capacity raises the expert activations (selective recompute)', () => {
  // A12 itself uses full recompute, where the loss term hides the expert activations; use its model with selective
  const a = ANCHORS.find((x) => x.id === 'A12')!;
  const selective = a.config.replace('recompute_granularity: full\nrecompute_method: uniform\nrecompute_num_layers: 1\n', 'recompute_granularity: selective\n');
  assert.notEqual(selective, a.config);
  const base = estimateForConfig(selective);
  const cf = estimateForConfig(selective + 'moe_expert_capacity_factor: 2\n');
  const padded = estimateForConfig(selective + 'moe_expert_capacity_factor: 2\nmoe_pad_expert_input_to_capacity: true\n');
  if ('unknown' in base || 'unknown' in cf || 'unknown' in padded) throw new Error('unknown');
  assert.ok(cf.assumptions.some((s) => /caps the tokens per expert at 2 ×/.test(s)));
  assert.equal(cf.worst.allocated, base.worst.allocated);
  assert.ok(padded.worst.activations > base.worst.activations + 1, `${padded.worst.activations} vs ${base.worst.activations}`);
  assert.ok(base.assumptions.some((s) => /Dropless routing can send 2× the average tokens/.test(s)));
});
