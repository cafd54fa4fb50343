import { biasShiftedEstimate, bootstrapMean, bootstrapMeans, percentileInterval, quantileSorted, ratioEstimate, resampleCounts } from './bootstrap';

const options = { resamples: 1000, confidence: 0.95, seed: 1 };

test('quantiles interpolate linearly like numpy', () => {
  const sorted = [1, 2, 3, 4];
  expect(quantileSorted(sorted, 0)).toBe(1);
  expect(quantileSorted(sorted, 0.5)).toBe(2.5);
  expect(quantileSorted(sorted, 1)).toBe(4);
  const [lo, hi] = percentileInterval(Float64Array.from({ length: 101 }, (_, i) => 100 - i), 0.9);
  expect(lo).toBeCloseTo(5, 12);
  expect(hi).toBeCloseTo(95, 12);
});

test('a constant statistic has a degenerate interval at its value', () => {
  const e = bootstrapMean(new Float64Array(50).fill(3), options);
  expect(e).toEqual({ value: 3, ci: [3, 3], n: 50 });
});

test('the interval brackets the mean and matches the normal approximation for a large sample', () => {
  const values = Float64Array.from({ length: 2000 }, (_, i) => i % 2); // mean 0.5, sd 0.5
  const e = bootstrapMean(values, options);
  const halfWidth = (1.96 * 0.5) / Math.sqrt(2000);
  expect(e.value).toBe(0.5);
  expect(e.ci[0]).toBeCloseTo(0.5 - halfWidth, 2);
  expect(e.ci[1]).toBeCloseTo(0.5 + halfWidth, 2);
});

test('seeded: same seed, same interval; another seed, another one', () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i));
  expect(bootstrapMean(values, options)).toEqual(bootstrapMean(values, options));
  expect(bootstrapMean(values, { ...options, seed: 2 }).ci).not.toEqual(bootstrapMean(values, options).ci);
});

test('paired series share resamples, so a ratio of a series to twice itself is exactly 1/2', () => {
  const a = Float64Array.from({ length: 100 }, (_, i) => 1 + (i % 7));
  const b = a.map((v) => 2 * v);
  const both = bootstrapMeans([a, b], options);
  expect(both.replicates[1]!.every((v, r) => Math.abs(v - 2 * both.replicates[0]![r]!) < 1e-12)).toBe(true);
  const ratio = ratioEstimate(bootstrapMeans([a], options), bootstrapMeans([b], options), 0, 0.95);
  expect(ratio.value).toBeCloseTo(0.5, 12);
  expect(ratio.ci[0]).toBeCloseTo(0.5, 12);
});

test('a ratio between two series of one paired bootstrap divides replicate by replicate', () => {
  const a = Float64Array.from({ length: 40 }, (_, i) => 1 + (i % 7));
  const means = bootstrapMeans([a, a.map((v) => v * 3)], options);
  // Every resample draws the same items from both series, so every replicate ratio is exactly 1/3.
  const ratio = ratioEstimate(means, means, 0, 0.95, 1);
  expect(ratio.value).toBeCloseTo(1 / 3, 12);
  expect(ratio.ci[0]).toBeCloseTo(1 / 3, 12);
  expect(ratio.ci[1]).toBeCloseTo(1 / 3, 12);
  expect(ratio.n).toBe(40);
});

test('the bias-shifted interval moves by mean(replicates) − value', () => {
  const replicates = Float64Array.from({ length: 101 }, (_, i) => 10 + i / 10); // mean 15, percentiles 10.25 and 19.75
  const e = biasShiftedEstimate(12, replicates, 7, 0.95);
  expect(e.value).toBe(12);
  expect(e.n).toBe(7);
  expect(e.ci[0]).toBeCloseTo(10.25 - 3, 10);
  expect(e.ci[1]).toBeCloseTo(19.75 - 3, 10);
  expect(biasShiftedEstimate(12, replicates, 7, 0.95, [8, 16]).ci).toEqual([8, 16]);
});

test('resample counts draw n items with replacement', () => {
  const counts = resampleCounts(30, 5, 1);
  expect(counts).toHaveLength(5);
  for (const c of counts) expect(c.reduce((s, v) => s + v, 0)).toBe(30);
  expect(resampleCounts(30, 5, 1)).toEqual(counts);
});

test('invalid input is a RangeError naming the metric', () => {
  expect(() => bootstrapMean([], options, 'pathLength')).toThrow(/pathLength: expected at least one value/);
  expect(() => bootstrapMean([1, NaN], options, 'pathLength')).toThrow(/pathLength: value 1 of series 0 is NaN/);
  expect(() => bootstrapMean([1], { ...options, resamples: 0 }, 'x')).toThrow(/x: bootstrap resamples must be an integer ≥ 1, found 0/);
  expect(() => bootstrapMeans([[1, 2], [1]], options, 'x')).toThrow(/x: series 1 has 1 values, expected 2/);
});

test('a replicate that is not finite is an error, not a NaN interval', () => {
  expect(() => percentileInterval([1, Number.NaN, 2, Number.POSITIVE_INFINITY], 0.95)).toThrow(/^bootstrap: 2 of 4 replicates are not finite .*too few items for this metric$/);
});
