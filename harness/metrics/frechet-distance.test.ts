import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { useBackend } from '../../models/backend';
import { createRng } from '../../models/seed';
import { resampleCounts } from './bootstrap';
import type { FeatureSet } from './features';
import { frechetDistance, frechetDistanceFromStats, frechetDistanceReplicates, gaussianStats, resampledGaussianStats } from './frechet-distance';

function gaussianSet(n: number, means: number[], sds: number[], seed: number): FeatureSet {
  const rng = createRng(seed);
  const dim = means.length;
  return { data: Float32Array.from({ length: n * dim }, (_, i) => means[i % dim]! + sds[i % dim]! * rng.normal()), n, dim };
}

function diagonal(values: number[]): Float64Array {
  const d = values.length;
  const m = new Float64Array(d * d);
  values.forEach((v, i) => (m[i * d + i] = v));
  return m;
}

/**
 * Reference by another route than the code's: tr √(Σ₁Σ₂) = Σ √λᵢ over the eigenvalues of the
 * non-symmetric product Σ₁Σ₂ itself (ml-matrix's general Hessenberg–QR solver; they are real and
 * ≥ 0, being those of Σ₁^½ Σ₂ Σ₁^½), with no matrix square root formed.
 */
function referenceDistance(a: { mean: number[]; covariance: Matrix }, b: { mean: number[]; covariance: Matrix }): number {
  const eig = new EigenvalueDecomposition(a.covariance.mmul(b.covariance), { assumeSymmetric: false });
  expect(Math.max(...eig.imaginaryEigenvalues.map(Math.abs))).toBeLessThan(1e-8);
  const traceSqrt = eig.realEigenvalues.reduce((s, x) => s + Math.sqrt(Math.max(x, 0)), 0);
  const meanTerm = a.mean.reduce((s, m, i) => s + (m - b.mean[i]!) ** 2, 0);
  return meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * traceSqrt;
}

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('a set against itself is 0', () => {
  const set = gaussianSet(500, [1, -2, 0.5, 3], [1, 0.5, 2, 0.1], 1);
  expect(frechetDistance(set, set)).toBeLessThan(1e-6);
});

test('diagonal Gaussians match the closed form Σ(μ₁−μ₂)² + Σ(σ₁ + σ₂ − 2√(σ₁σ₂)) over variances σ', () => {
  const a = { mean: Float64Array.from([0, 1, 2]), covariance: diagonal([1, 4, 9]) };
  const b = { mean: Float64Array.from([1, 1, 0]), covariance: diagonal([4, 1, 9]) };
  const closedForm = 1 + 0 + 4 + (1 + 4 - 2 * 2) + (4 + 1 - 2 * 2) + (9 + 9 - 2 * 9);
  expect(frechetDistanceFromStats(a, b)).toBeCloseTo(closedForm, 10);
});

test('2×2 covariances that do not commute match the closed form tr√(Σ₁Σ₂) = √(tr Σ₁Σ₂ + 2√(det Σ₁ det Σ₂))', () => {
  // For 2×2 M with eigenvalues λ₁, λ₂ ≥ 0: (√λ₁ + √λ₂)² = tr M + 2√det M. Σ₁Σ₂ ≠ Σ₂Σ₁ here.
  const s1 = [2, 1, 1, 2];
  const s2 = [1, 0, 0, 3];
  const product = [s1[0]! * s2[0]! + s1[1]! * s2[2]!, 0, 0, s1[2]! * s2[1]! + s1[3]! * s2[3]!];
  const traceSqrt = Math.sqrt(product[0]! + product[3]! + 2 * Math.sqrt((2 * 2 - 1) * (1 * 3)));
  const closedForm = (1 - 0) ** 2 + (0 - 2) ** 2 + (2 + 2) + (1 + 3) - 2 * traceSqrt;
  const ours = frechetDistanceFromStats(
    { mean: Float64Array.from([1, 0]), covariance: Float64Array.from(s1) },
    { mean: Float64Array.from([0, 2]), covariance: Float64Array.from(s2) },
  );
  expect(ours).toBeCloseTo(closedForm, 12);
});

test('full covariances match tr √(Σ₁Σ₂) from the eigenvalues of the non-symmetric product', () => {
  const rng = createRng(7);
  const randomCov = (d: number) => {
    const g = Matrix.from1DArray(d, d, Array.from({ length: d * d }, () => rng.normal()));
    return g.mmul(g.transpose()).add(Matrix.eye(d).mul(0.1));
  };
  const d = 16;
  const a = { mean: Array.from({ length: d }, () => rng.normal()), covariance: randomCov(d) };
  const b = { mean: Array.from({ length: d }, () => rng.normal()), covariance: randomCov(d) };
  const ours = frechetDistanceFromStats(
    { mean: Float64Array.from(a.mean), covariance: Float64Array.from(a.covariance.to1DArray()) },
    { mean: Float64Array.from(b.mean), covariance: Float64Array.from(b.covariance.to1DArray()) },
  );
  expect(ours).toBeCloseTo(referenceDistance(a, b), 8);
});

test('singular covariances (dead features) are handled exactly', () => {
  const a = { mean: Float64Array.from([0, 0]), covariance: diagonal([1, 0]) };
  const b = { mean: Float64Array.from([0, 0]), covariance: diagonal([4, 0]) };
  expect(frechetDistanceFromStats(a, b)).toBeCloseTo(1 + 4 - 2 * 2, 12);
});

test('large samples of two known Gaussians approach the closed form', () => {
  const a = gaussianSet(20000, [0, 0], [1, 2], 2);
  const b = gaussianSet(20000, [1, 0], [2, 2], 3);
  const closedForm = 1 + (1 + 4 - 2 * 2) + 0;
  expect(frechetDistance(a, b)).toBeCloseTo(closedForm, 1);
});

test('resampled statistics with all counts 1 equal the plain statistics', () => {
  const set = gaussianSet(300, [1, 2, 3], [1, 2, 3], 4);
  const [resampled] = resampledGaussianStats(set, [new Uint16Array(300).fill(1)]);
  const plain = gaussianStats(set);
  resampled!.mean.forEach((m, d) => expect(m).toBeCloseTo(plain.mean[d]!, 4));
  resampled!.covariance.forEach((c, i) => expect(c).toBeCloseTo(plain.covariance[i]!, 3));
});

test('bootstrap replicates scatter around the value', () => {
  const a = gaussianSet(400, [0, 0], [1, 1], 5);
  const b = gaussianSet(400, [0.5, 0], [1, 1], 6);
  const value = frechetDistance(a, b);
  const replicates = frechetDistanceReplicates(a, b, resampleCounts(400, 30, 1, 'a'), resampleCounts(400, 30, 1, 'b'));
  const sorted = Array.from(replicates).sort((x, y) => x - y);
  expect(sorted[0]!).toBeLessThan(value);
  expect(sorted[29]!).toBeGreaterThan(value);
});

test('invalid input is a RangeError naming the metric', () => {
  const set = gaussianSet(10, [0, 0], [1, 1], 1);
  expect(() => frechetDistance({ data: new Float32Array(0), n: 0, dim: 2 }, set)).toThrow(/frechetDistance: expected at least 2 feature vectors, found 0/);
  expect(() => frechetDistance(set, gaussianSet(10, [0, 0, 0], [1, 1, 1], 1))).toThrow(/frechetDistance: feature dimensions differ \(2 vs 3\)/);
  const nan = gaussianSet(10, [0, 0], [1, 1], 1);
  nan.data[3] = NaN;
  expect(() => frechetDistance(set, nan)).toThrow(/frechetDistance: feature value 3 is NaN/);
  expect(() => frechetDistance({ ...set, n: 11 }, set)).toThrow(/frechetDistance: expected 11×2 = 22 values, found 20/);
  expect(() => resampledGaussianStats(set, [new Uint16Array(10).fill(2)])).toThrow(/frechetDistance: resample 0 draws 20 items, expected 10 \(as many as the set holds\)/);
  expect(() => resampledGaussianStats(set, [new Uint16Array(9).fill(1)])).toThrow(/frechetDistance: resample counts cover 9 items, expected 10/);
});
