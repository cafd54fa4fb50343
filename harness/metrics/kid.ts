/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimate
 * of MMD² with the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³,
 *   MMD²ᵤ = Σᵢ≠ⱼ k(xᵢ, xⱼ) / m(m−1) + Σᵢ≠ⱼ k(yᵢ, yⱼ) / m(m−1) − 2 Σᵢⱼ k(xᵢ, yⱼ) / m²,
 * averaged over random subsets of m items drawn without replacement from each set, as in
 * torch-fidelity (torch_fidelity/metric_kid.py, `mmd2` and `kid_features_to_metric`; subsets of
 * 1000, 100 of them). Subset kernels are batched tf matrix products, or read off the whole kernel
 * matrix when a set is small enough for that to be cheaper (see `subsetKernelSums`).
 *
 * Bootstrap replicates use the complete U-statistic (all pairs, which the subset average estimates)
 * under resampling multiplicities c. Pairs of copies of one item are left out, as a U-statistic
 * pairs distinct draws: counting them would add k(xᵢ, xᵢ) terms and bias every replicate upward.
 * Within a set that is (cᵀKc − Σᵢ cᵢ²Kᵢᵢ) / (N² − Σᵢ cᵢ²), so one pass over the kernel matrices
 * serves every replicate at once.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, permutation } from '../../models/seed';
import { assertResampleCounts } from './bootstrap';
import { assertFeatureSetPair, assertPositiveInteger, type FeatureSet } from './features';
import { tidyValues } from '../../models/tensor-values';

const METRIC = 'kid';

export interface KidOptions {
  subsets: number;
  /** Items per subset; capped at the smaller set. */
  subsetSize: number;
  seed: number;
  /** Subsets per tf batch (memory: 3 × batch × m² floats). */
  subsetsPerBatch?: number;
}

export interface KidResult {
  /** Mean of the subset estimates. */
  value: number;
  /** Standard deviation of the subset estimates (torch-fidelity's `kernel_inception_distance_std`). */
  std: number;
  subsetSize: number;
  subsets: number;
}

/** k(x, y) = (xᵀy / d + 1)³ for all rows of x against all rows of y (batched or not). */
export function cubicPolynomialKernel<T extends tf.Tensor2D | tf.Tensor3D>(x: T, y: T): T {
  return tf.tidy(() => {
    const dim = x.shape[x.rank - 1]!;
    const base = tf.add(tf.matMul(tf.div(x, dim) as T, y, false, true), 1);
    // Cheaper and more precise than tf.pow(base, 3).
    return tf.mul(tf.square(base), base) as T;
  });
}

/** k(x, x) for every row: (‖x‖² / d + 1)³. */
function selfKernel<T extends tf.Tensor2D | tf.Tensor3D>(z: T): tf.Tensor {
  return tf.tidy(() => {
    const base = tf.add(tf.div(tf.sum(tf.square(z), z.rank - 1), z.shape[z.rank - 1]!), 1);
    return tf.mul(tf.square(base), base);
  });
}

function sumInFloat64(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum;
}

/** `count` subsets of `m` of `n` items, each drawn without replacement (a seeded permutation's first `m`), for one side. */
export function drawSubsets(n: number, m: number, count: number, seed: number, side: 'real' | 'fake'): Int32Array[] {
  return Array.from({ length: count }, (_, s) => permutation(n, createRng(deriveSeed(seed, METRIC, side, s))).slice(0, m));
}

/** `n × columns` matrix with 1 where column s's subset holds item i. */
function indicatorMatrix(subsets: readonly Int32Array[], n: number): tf.Tensor2D {
  const out = new Float32Array(n * subsets.length);
  subsets.forEach((subset, s) => subset.forEach((i) => (out[i * subsets.length + s] = 1)));
  return tf.tensor2d(out, [n, subsets.length]);
}

/**
 * Σ_{i ∈ Aₛ, j ∈ Bₛ} k(aᵢ, bⱼ) for every subset pair s (i = j included). When the whole kernel
 * matrix is cheaper than one per subset (a set not much larger than the subsets, like 2000 real
 * test images), it is computed once in row blocks and the subsets are read off with indicator
 * matrices; otherwise subsets are gathered and their kernels batched.
 */
function subsetKernelSums(a: tf.Tensor2D, b: tf.Tensor2D, subsetsA: readonly Int32Array[], subsetsB: readonly Int32Array[], perBatch: number): Float64Array {
  const [na, nb, dim] = [a.shape[0], b.shape[0], a.shape[1]];
  const count = subsetsA.length;
  const m = subsetsA[0]!.length;
  if (na * nb * (dim + count) < count * m * m * dim) {
    const [wa, wb] = [indicatorMatrix(subsetsA, na), indicatorMatrix(subsetsB, nb)];
    try {
      return weightedKernelSums(a, b, wa, wb, 1000);
    } finally {
      tf.dispose([wa, wb]);
    }
  }
  const sums = new Float64Array(count);
  for (let start = 0; start < count; start += perBatch) {
    const batch = Math.min(perBatch, count - start);
    const gathered = (z: tf.Tensor2D, subsets: readonly Int32Array[]) => {
      const indices = new Int32Array(batch * m);
      for (let s = 0; s < batch; s++) indices.set(subsets[start + s]!, s * m);
      return tf.reshape(tf.gather(z, indices), [batch, m, dim]) as tf.Tensor3D;
    };
    // Row sums in float32, totals in float64: MMD² is a small difference of large sums.
    const rowSums = tidyValues(() => tf.sum(cubicPolynomialKernel(gathered(a, subsetsA), gathered(b, subsetsB)), 2));
    for (let s = 0; s < batch; s++) sums[start + s] = sumInFloat64(rowSums, s * m, (s + 1) * m);
  }
  return sums;
}

export function kernelInceptionDistance(real: FeatureSet, fake: FeatureSet, o: KidOptions): KidResult {
  assertFeatureSetPair(real, fake, METRIC, 2);
  assertPositiveInteger(o.subsets, 'subsets', METRIC);
  if (!Number.isInteger(o.subsetSize) || o.subsetSize < 2) throw new RangeError(`${METRIC}: subset size must be an integer ≥ 2, found ${o.subsetSize}`);
  const m = Math.min(o.subsetSize, real.n, fake.n);
  const perBatch = o.subsetsPerBatch ?? 10;
  assertPositiveInteger(perBatch, 'subsetsPerBatch', METRIC);
  const realSubsets = drawSubsets(real.n, m, o.subsets, o.seed, 'real');
  const fakeSubsets = drawSubsets(fake.n, m, o.subsets, o.seed, 'fake');
  const x = tf.tensor2d(real.data, [real.n, real.dim]);
  const y = tf.tensor2d(fake.data, [fake.n, fake.dim]);
  try {
    const selfTerms = (z: tf.Tensor2D, subsets: Int32Array[]) => {
      const k = tidyValues(() => selfKernel(z));
      return subsets.map((subset) => subset.reduce((sum, i) => sum + k[i]!, 0));
    };
    const xx = subsetKernelSums(x, x, realSubsets, realSubsets, perBatch);
    const yy = subsetKernelSums(y, y, fakeSubsets, fakeSubsets, perBatch);
    const xy = subsetKernelSums(x, y, realSubsets, fakeSubsets, perBatch);
    const [dx, dy] = [selfTerms(x, realSubsets), selfTerms(y, fakeSubsets)];
    const estimates = Float64Array.from({ length: o.subsets }, (_, s) =>
      (xx[s]! - dx[s]! + yy[s]! - dy[s]!) / (m * (m - 1)) - (2 * xy[s]!) / (m * m));
    const value = sumInFloat64(estimates) / o.subsets;
    const variance = estimates.reduce((sum, e) => sum + (e - value) ** 2, 0) / o.subsets;
    return { value, std: Math.sqrt(variance), subsetSize: m, subsets: o.subsets };
  } finally {
    tf.dispose([x, y]);
  }
}

/** cᵣᵀ K c'ᵣ for every column r of the weights, over row blocks of the kernel of x against y. */
function weightedKernelSums(x: tf.Tensor2D, y: tf.Tensor2D, cx: tf.Tensor2D, cy: tf.Tensor2D, blockRows: number): Float64Array {
  const replicates = cx.shape[1];
  const totals = new Float64Array(replicates);
  for (let start = 0; start < x.shape[0]; start += blockRows) {
    const rows = Math.min(blockRows, x.shape[0] - start);
    const part = tidyValues(() => {
      const k = cubicPolynomialKernel(tf.slice(x, [start, 0], [rows, -1]), y);
      return tf.sum(tf.mul(tf.matMul(k, cy), tf.slice(cx, [start, 0], [rows, -1])), 0);
    });
    part.forEach((v, r) => (totals[r]! += v));
  }
  return totals;
}

/**
 * The complete unbiased MMD² of each resample pair (`countsReal[r]`, `countsFake[r]`), over pairs of
 * distinct items (see the module comment); all counts 1 is the plain complete U-statistic.
 */
export function kidReplicates(real: FeatureSet, fake: FeatureSet, countsReal: readonly Uint16Array[], countsFake: readonly Uint16Array[], blockRows = 1000): Float64Array {
  assertFeatureSetPair(real, fake, METRIC, 2);
  if (countsReal.length !== countsFake.length) throw new RangeError(`${METRIC}: ${countsReal.length} resamples of the real set but ${countsFake.length} of the fake set`);
  const replicates = countsReal.length;
  assertPositiveInteger(blockRows, 'blockRows', METRIC);
  assertResampleCounts(countsReal, real.n, METRIC);
  assertResampleCounts(countsFake, fake.n, METRIC);
  const countMatrix = (counts: readonly Uint16Array[], n: number) => {
    const out = new Float32Array(n * replicates);
    counts.forEach((c, r) => c.forEach((v, i) => (out[i * replicates + r] = v)));
    return tf.tensor2d(out, [n, replicates]);
  };
  const sumOfSquares = (counts: readonly Uint16Array[]) => counts.map((c) => c.reduce((s, v) => s + v * v, 0));
  const x = tf.tensor2d(real.data, [real.n, real.dim]);
  const y = tf.tensor2d(fake.data, [fake.n, fake.dim]);
  const cx = countMatrix(countsReal, real.n);
  const cy = countMatrix(countsFake, fake.n);
  try {
    // Σᵢ cᵢ² k(zᵢ, zᵢ): the copy-with-copy pairs to leave out.
    const copyPairs = (z: tf.Tensor2D, c: tf.Tensor2D) => tidyValues(() => tf.matMul(selfKernel(z).expandDims(0) as tf.Tensor2D, tf.square(c)));
    const xx = weightedKernelSums(x, x, cx, cx, blockRows);
    const yy = weightedKernelSums(y, y, cy, cy, blockRows);
    const xy = weightedKernelSums(x, y, cx, cy, blockRows);
    const dx = copyPairs(x, cx);
    const dy = copyPairs(y, cy);
    const [sx, sy] = [sumOfSquares(countsReal), sumOfSquares(countsFake)];
    const [n, m] = [real.n, fake.n];
    return Float64Array.from({ length: replicates }, (_, r) =>
      (xx[r]! - dx[r]!) / (n * n - sx[r]!) + (yy[r]! - dy[r]!) / (m * m - sy[r]!) - (2 * xy[r]!) / (n * m));
  } finally {
    tf.dispose([x, y, cx, cy]);
  }
}
