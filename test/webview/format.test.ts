// Number formatting of the metrics webview: axis ticks (SI suffixes, short exponents) and exact hover values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStep, formatTick, formatTicks, formatValue, trimZeros } from '../../client/webview/metrics/math/format';
import { linearTicks, logTicks } from '../../client/webview/metrics/math/scale';

test('formatTick: fixed, SI and exponent forms with the decimals the step needs', () => {
  const cases: Array<[number, number, string]> = [
    [0, 0.5, '0'],
    [0.5, 0.5, '0.5'],
    [1, 0.5, '1'],
    [1.8, 0.1, '1.8'],
    [2.25, 0.05, '2.25'],
    [40, 10, '40'],
    [-3, 1, '-3'],
    [1000, 200, '1k'],
    [1200, 200, '1.2k'],
    [3200, 100, '3.2k'],
    [200_000, 50_000, '200k'],
    [1_050_000, 50_000, '1.05M'],
    [2e9, 1e9, '2G'],
    [999_999, 1, '999.999k'],
    [1e-5, 1e-5, '1e-5'],
    [2.5e-5, 5e-6, '2.5e-5'],
    [-4e-4, 1e-4, '-4e-4'],
    [0.001, 0.0005, '0.001'],
    [0.0015, 0.0005, '0.0015'],
    [3e15, 1e15, '3e15'],
    [1e-20, 1, '0'],
    [NaN, 1, 'NaN'],
    [Infinity, 1, '∞'],
  ];
  for (const [v, step, want] of cases) assert.equal(formatTick(v, step), want, `formatTick(${v}, ${step})`);
});

test('formatTicks: distinct, short labels for generated ticks', () => {
  assert.deepEqual(formatTicks(linearTicks(0, 200_000, 4)), ['0', '50k', '100k', '150k', '200k']);
  assert.deepEqual(formatTicks(linearTicks(0, 1e-4, 2)), ['0', '5e-5', '1e-4']);
  assert.deepEqual(formatTicks([0, 2e-5, 4e-5, 6e-5, 8e-5, 1e-4]), ['0', '2e-5', '4e-5', '6e-5', '8e-5', '1e-4']);
  assert.deepEqual(formatTicks(logTicks(1e-6, 1e-2)), ['1e-6', '1e-5', '1e-4', '0.001', '0.01']);
  assert.deepEqual(formatTicks(logTicks(1, 1e6, 8)), ['1', '10', '100', '1k', '10k', '100k', '1M']);
  assert.deepEqual(formatTicks(logTicks(1, 1e6, 5)), ['1', '100', '10k', '1M']);
  assert.deepEqual(formatTicks([1.8, 1.9, 2, 2.1]), ['1.8', '1.9', '2', '2.1']);
  assert.deepEqual(formatTicks([5]), ['5']);
  for (const [lo, hi] of [[0, 1], [1.83, 2.31], [12_345, 12_350], [-3.7, 12.2], [1e-7, 3e-5], [3e9, 7.5e10], [0.9999, 1.0001]] as const) {
    const labels = formatTicks(linearTicks(lo, hi, 5));
    assert.equal(new Set(labels).size, labels.length, `distinct labels for ${lo}..${hi}: ${labels}`);
    assert.ok(labels.every((l) => l.length <= 9), `short labels: ${labels}`);
  }
});

test('formatValue: 7 significant digits, plain in [1e-4, 1e7), exponent outside, non-finite named', () => {
  const cases: Array<[number, string]> = [
    [2.000990867614746, '2.000991'],
    [0.5, '0.5'],
    [1, '1'],
    [0, '0'],
    [-0.25, '-0.25'],
    [0.0001234, '0.0001234'],
    [1234567.89, '1234568'],
    [9.999500434787478e-6, '9.9995e-6'],
    [1.2345678e9, '1.234568e9'],
    [1e-5, '1e-5'],
    [3.4028234663852886e38, '3.402823e38'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
    [-Infinity, '-∞'],
  ];
  for (const [v, want] of cases) assert.equal(formatValue(v), want, `formatValue(${v})`);
  // float32 values survive the round trip through 7 significant digits... to float32 precision.
  const f = new Float32Array([0.1, 2.000991, 123.456, 7.77e-6]);
  for (const v of f) assert.equal(Math.fround(Number(formatValue(v))), v);
});

test('formatStep and trimZeros', () => {
  assert.equal(formatStep(123456), '123456');
  assert.equal(formatStep(0), '0');
  assert.equal(formatStep(2.5), '2.5');
  assert.equal(trimZeros('1.500'), '1.5');
  assert.equal(trimZeros('2.000'), '2');
  assert.equal(trimZeros('100'), '100');
});
