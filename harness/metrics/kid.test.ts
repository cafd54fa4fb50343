import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../models/backend';
import { createRng } from '../../models/seed';
import { resampleCounts } from './bootstrap';
import type { FeatureSet } from './features';
import { drawSubsets, kernelInceptionDistance, kidReplicates } from './kid';

function set(rows: number[][]): FeatureSet {
  return { data: Float32Array.from(rows.flat()), n: rows.length, dim: rows[0]!.length };
}

function gaussianSet(n: number, dim: number, shift: number, seed: number): FeatureSet {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: n * dim }, () => shift + rng.normal()), n, dim };
}

/** Reference: the unbiased MMD² of two whole sets, by explicit double loops in float64. */
function referenceMmd(x: FeatureSet, y: FeatureSet): number {
  const k = (a: FeatureSet, i: number, b: FeatureSet, j: number) => {
    let dot = 0;
    for (let d = 0; d < a.dim; d++) dot += a.data[i * a.dim + d]! * b.data[j * b.dim + d]!;
    return (dot / a.dim + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.n; i++) for (let j = 0; j < x.n; j++) if (i !== j) xx += k(x, i, x, j);
  for (let i = 0; i < y.n; i++) for (let j = 0; j < y.n; j++) if (i !== j) yy += k(y, i, y, j);
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) xy += k(x, i, y, j);
  return xx / (x.n * (x.n - 1)) + yy / (y.n * (y.n - 1)) - (2 * xy) / (x.n * y.n);
}

const options = { subsets: 100, subsetSize: 1000, seed: 1 };

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('by hand in one dimension: X = {0, 1}, Y = {1, 2} gives 1 + 27 − 2·37/4 = 9.5', () => {
  const result = kernelInceptionDistance(set([[0], [1]]), set([[1], [2]]), options);
  expect(result.subsetSize).toBe(2);
  expect(result.value).toBeCloseTo(9.5, 5);
  expect(result.std).toBeCloseTo(0, 5); // every subset is the whole set
});

test('with subsets as large as the sets, every subset gives the reference MMD²', () => {
  const x = gaussianSet(40, 5, 0, 1);
  const y = gaussianSet(30, 5, 0.3, 2);
  const result = kernelInceptionDistance(gaussianSet(30, 5, 0, 1), y, { ...options, subsets: 3, subsetSize: 30 });
  expect(result.value).toBeCloseTo(referenceMmd(gaussianSet(30, 5, 0, 1), y), 4);
  // Smaller subsets average to the same quantity.
  const sub = kernelInceptionDistance(x, y, { ...options, subsets: 400, subsetSize: 10 });
  expect(sub.value).toBeCloseTo(referenceMmd(x, y), 1);
});

/** The rows `indices` of `s`. */
function rowsOf(s: FeatureSet, indices: Int32Array): FeatureSet {
  return { data: Float32Array.from(Array.from(indices).flatMap((i) => Array.from(s.data.subarray(i * s.dim, (i + 1) * s.dim)))), n: indices.length, dim: s.dim };
}

test.each([
  // n²(d + subsets) < subsets·m²·d: read off the whole kernel matrix with indicator matrices (as the evaluation's 2000 vs 1000).
  ['whole-matrix path', 40, 64, 20, 30],
  // Otherwise each subset's kernel is gathered and batched.
  ['batched path', 200, 4, 10, 5],
])('subsets smaller than the sets (%s): the mean of each subset pair’s MMD² by double loops', (_path, n, dim, m, subsets) => {
  const x = gaussianSet(n, dim, 0, 11);
  const y = gaussianSet(n, dim, 0.3, 12);
  const result = kernelInceptionDistance(x, y, { subsets, subsetSize: m, seed: 3 });
  const [xs, ys] = [drawSubsets(n, m, subsets, 3, 'real'), drawSubsets(n, m, subsets, 3, 'fake')];
  const reference = xs.reduce((sum, xi, s) => sum + referenceMmd(rowsOf(x, xi), rowsOf(y, ys[s]!)), 0) / subsets;
  expect(Math.abs(result.value - reference)).toBeLessThan(1e-4 * Math.max(1, Math.abs(reference)));
  expect(result.subsetSize).toBe(m);
});

test('identical sets and samples of one distribution give ≈ 0, shifted sets clearly more', () => {
  const x = gaussianSet(600, 8, 0, 3);
  const shifted = kernelInceptionDistance(x, gaussianSet(600, 8, 0.5, 4), { ...options, subsets: 5 }).value;
  const sameDistribution = kernelInceptionDistance(x, gaussianSet(600, 8, 0, 9), { ...options, subsets: 5 }).value;
  // A set against itself is not two independent samples: the k(xᵢ, xᵢ) terms in the cross sum make
  // the unbiased estimate slightly negative, −2/(m(m−1)) Σᵢ (k(xᵢ, xᵢ) − mean_j k(xᵢ, xⱼ)).
  const same = kernelInceptionDistance(x, x, { ...options, subsets: 5 }).value;
  expect(shifted).toBeGreaterThan(1);
  expect(Math.abs(sameDistribution)).toBeLessThan(0.01 * shifted);
  expect(same).toBeLessThan(0);
  expect(Math.abs(same)).toBeLessThan(0.05 * shifted);
});

test('seeded and independent of the subset batch size', () => {
  const x = gaussianSet(200, 4, 0, 5);
  const y = gaussianSet(150, 4, 0.2, 6);
  const a = kernelInceptionDistance(x, y, { ...options, subsets: 7, subsetSize: 50 });
  const b = kernelInceptionDistance(x, y, { ...options, subsets: 7, subsetSize: 50, subsetsPerBatch: 3 });
  expect(b.value).toBeCloseTo(a.value, 5);
  expect(kernelInceptionDistance(x, y, { ...options, subsets: 7, subsetSize: 50, seed: 2 }).value).not.toBeCloseTo(a.value, 5);
});

/** Reference: the U-statistic over pairs of distinct items of a weighted multiset, by double loops. */
function referenceWeightedMmd(x: FeatureSet, cx: Uint16Array, y: FeatureSet, cy: Uint16Array): number {
  const k = (a: FeatureSet, i: number, b: FeatureSet, j: number) => {
    let dot = 0;
    for (let d = 0; d < a.dim; d++) dot += a.data[i * a.dim + d]! * b.data[j * b.dim + d]!;
    return (dot / a.dim + 1) ** 3;
  };
  const within = (s: FeatureSet, c: Uint16Array) => {
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < s.n; i++) {
      for (let j = 0; j < s.n; j++) {
        if (i === j) continue;
        sum += c[i]! * c[j]! * k(s, i, s, j);
        pairs += c[i]! * c[j]!;
      }
    }
    return sum / pairs;
  };
  let cross = 0;
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) cross += cx[i]! * cy[j]! * k(x, i, y, j);
  const total = (c: Uint16Array) => c.reduce((s, v) => s + v, 0);
  return within(x, cx) + within(y, cy) - (2 * cross) / (total(cx) * total(cy));
}

test('replicates: unit counts give the complete U-statistic; copies of one item are never paired', () => {
  const x = gaussianSet(50, 3, 0, 7);
  const y = gaussianSet(40, 3, 0.4, 8);
  const ones = (n: number) => new Uint16Array(n).fill(1);
  const [full] = kidReplicates(x, y, [ones(50)], [ones(40)], 16);
  expect(full).toBeCloseTo(referenceMmd(x, y), 4);
  const cx = resampleCounts(50, 3, 1, 'x');
  const cy = resampleCounts(40, 3, 1, 'y');
  const replicates = kidReplicates(x, y, cx, cy, 16);
  replicates.forEach((value, r) => expect(value).toBeCloseTo(referenceWeightedMmd(x, cx[r]!, y, cy[r]!), 4));
});

test('replicates of samples from one distribution stay centred near 0 (no upward bias from copies)', () => {
  const x = gaussianSet(300, 4, 0, 10);
  const y = gaussianSet(300, 4, 0, 11);
  const replicates = kidReplicates(x, y, resampleCounts(300, 40, 1, 'x'), resampleCounts(300, 40, 1, 'y'));
  const mean = replicates.reduce((s, v) => s + v, 0) / replicates.length;
  const spread = Math.sqrt(replicates.reduce((s, v) => s + (v - mean) ** 2, 0) / replicates.length);
  expect(Math.abs(mean - kidReplicates(x, y, [new Uint16Array(300).fill(1)], [new Uint16Array(300).fill(1)])[0]!)).toBeLessThan(spread);
});

test('invalid input is a RangeError naming the metric', () => {
  const x = gaussianSet(10, 2, 0, 1);
  expect(() => kernelInceptionDistance(set([[1]]), x, options)).toThrow(/kid: expected at least 2 feature vectors, found 1/);
  expect(() => kernelInceptionDistance(x, gaussianSet(10, 3, 0, 1), options)).toThrow(/kid: feature dimensions differ \(2 vs 3\)/);
  const nan = gaussianSet(10, 2, 0, 1);
  nan.data[0] = NaN;
  expect(() => kernelInceptionDistance(x, nan, options)).toThrow(/kid: feature value 0 is NaN/);
  expect(() => kernelInceptionDistance(x, x, { ...options, subsets: 0 })).toThrow(/kid: subsets must be an integer ≥ 1, found 0/);
  for (const bad of [0, -1, Number.NaN]) {
    expect(() => kernelInceptionDistance(x, x, { ...options, subsetsPerBatch: bad })).toThrow(new RegExp(`kid: subsetsPerBatch must be an integer ≥ 1, found ${bad}`));
  }
});

test('replicates refuse counts that are not a resample of the set, before making any tensor', () => {
  const x = gaussianSet(4, 2, 0, 1);
  const before = tf.memory().numTensors;
  const ones = new Uint16Array(4).fill(1);
  expect(() => kidReplicates(x, x, [ones], [new Uint16Array(3).fill(1)])).toThrow(/kid: resample counts cover 3 items, expected 4/);
  expect(() => kidReplicates(x, x, [ones], [new Uint16Array(4).fill(2)])).toThrow(/kid: resample 0 draws 8 items, expected 4 \(as many as the set holds\)/);
  expect(() => kidReplicates(x, x, [ones], [ones], 0)).toThrow(/kid: blockRows must be an integer ≥ 1, found 0/);
  expect(tf.memory().numTensors).toBe(before);
});

test('a resample that repeats one real item n times leaves no pairs: its replicate is NaN, which the interval refuses', () => {
  const replicates = kidReplicates(set([[0], [1]]), set([[1], [2]]), [Uint16Array.of(2, 0)], [Uint16Array.of(1, 1)]);
  expect(Number.isNaN(replicates[0])).toBe(true);
});
