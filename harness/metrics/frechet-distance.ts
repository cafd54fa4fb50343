/**
 * Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, "GANs trained
 * by a two time-scale update rule converge to a local Nash equilibrium"):
 * ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁^½ Σ₂ Σ₁^½)^½).
 *
 * The trace term is Σᵢ √λᵢ over the eigenvalues of Σ₁^½ Σ₂ Σ₁^½, with Σ₁^½ the symmetric PSD
 * square root from ml-matrix's symmetric eigendecomposition: real and symmetric by construction
 * (scipy.linalg.sqrtm, which pytorch-fid calls on the non-symmetric Σ₁Σ₂, uses a blocked Schur
 * method and can return small imaginary parts that it then discards).
 */
import * as tf from '@tensorflow/tfjs';
import { assertResampleCounts } from './bootstrap';
import { assertFeatureSet, assertFeatureSetPair, type FeatureSet } from './features';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { tidyValues } from '../../models/tensor-values';

const METRIC = 'frechetDistance';

export interface GaussianStats {
  mean: Float64Array;
  /** `dim × dim`, row-major. */
  covariance: Float64Array;
}

/** Mean and unbiased covariance of `n` feature vectors, in float64. */
export function gaussianStats(set: FeatureSet): GaussianStats {
  assertFeatureSet(set, METRIC, 2);
  const { data, n, dim } = set;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += data[i * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= n;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) centred[d] = data[i * dim + d]! - mean[d]!;
    for (let r = 0; r < dim; r++) {
      const x = centred[r]!;
      for (let c = r; c < dim; c++) covariance[r * dim + c]! += x * centred[c]!;
    }
  }
  for (let r = 0; r < dim; r++) {
    for (let c = r; c < dim; c++) covariance[c * dim + r] = covariance[r * dim + c] = covariance[r * dim + c]! / (n - 1);
  }
  return { mean, covariance };
}

function assertStats(s: GaussianStats, name: string): void {
  const dim = s.mean.length;
  if (dim === 0) throw new RangeError(`${METRIC}: ${name} statistics have no dimensions`);
  if (s.covariance.length !== dim * dim) {
    throw new RangeError(`${METRIC}: ${name} covariance has ${s.covariance.length} values, expected ${dim}×${dim}`);
  }
  if (![...s.mean, ...s.covariance].every(Number.isFinite)) throw new RangeError(`${METRIC}: ${name} statistics contain NaN or infinite values`);
}

function symmetricEigen(m: Matrix): EigenvalueDecomposition {
  return new EigenvalueDecomposition(m.add(m.transpose()).div(2), { assumeSymmetric: true });
}

/** Symmetric PSD square root; eigenvalues below zero from rounding are clamped to zero. */
export function symmetricSqrt(m: Matrix): Matrix {
  const eig = symmetricEigen(m);
  const v = eig.eigenvectorMatrix;
  return v.mmul(Matrix.diag(eig.realEigenvalues.map((x) => Math.sqrt(Math.max(x, 0))))).mmul(v.transpose());
}

/** tr((Σ₁^½ Σ₂ Σ₁^½)^½) (see the module comment). */
export function traceSqrtProduct(a: Float64Array, b: Float64Array, dim: number): number {
  const rootA = symmetricSqrt(Matrix.from1DArray(dim, dim, a));
  const inner = rootA.mmul(Matrix.from1DArray(dim, dim, b)).mmul(rootA);
  return symmetricEigen(inner).realEigenvalues.reduce((sum, lambda) => sum + Math.sqrt(Math.max(lambda, 0)), 0);
}

export function frechetDistanceFromStats(a: GaussianStats, b: GaussianStats): number {
  assertStats(a, 'first');
  assertStats(b, 'second');
  const dim = a.mean.length;
  if (b.mean.length !== dim) throw new RangeError(`${METRIC}: feature dimensions differ (${dim} vs ${b.mean.length})`);
  let value = 0;
  for (let d = 0; d < dim; d++) value += (a.mean[d]! - b.mean[d]!) ** 2 + a.covariance[d * dim + d]! + b.covariance[d * dim + d]!;
  value -= 2 * traceSqrtProduct(a.covariance, b.covariance, dim);
  // Rounding can leave −1e-12 for identical sets; a distance is never negative.
  return Math.max(value, 0);
}

export function frechetDistance(a: FeatureSet, b: FeatureSet): number {
  assertFeatureSetPair(a, b, METRIC, 2);
  return frechetDistanceFromStats(gaussianStats(a), gaussianStats(b));
}

/**
 * Statistics of bootstrap resamples given as multiplicities (`counts[r][i]` copies of item i), as tf
 * matrix products Xᵀ diag(c) X, one per resample (measured faster than one product over all
 * resamples, which must materialise every xᵢ ⊗ xᵢ). Features are centred on the full-set mean
 * first, so float32 sums stay accurate.
 */
export function resampledGaussianStats(set: FeatureSet, counts: readonly Uint16Array[]): GaussianStats[] {
  const { mean } = gaussianStats(set);
  const { n, dim } = set;
  assertResampleCounts(counts, n, METRIC);
  const centred = tf.tidy(() => tf.sub(tf.tensor2d(set.data, [n, dim]), tf.tensor1d(Float32Array.from(mean))));
  try {
    return counts.map((c) => {
      const weighted = tf.tidy(() => tf.mul(centred, tf.tensor2d(Float32Array.from(c), [n, 1])));
      let sums: Float32Array;
      let moments: Float32Array;
      try {
        sums = tidyValues(() => tf.sum(weighted, 0));
        moments = tidyValues(() => tf.matMul(weighted, centred, true, false));
      } finally {
        weighted.dispose();
      }
      const shift = Float64Array.from(sums, (v) => v / n);
      const covariance = new Float64Array(dim * dim);
      for (let r = 0; r < dim; r++) {
        for (let k = 0; k < dim; k++) covariance[r * dim + k] = (moments[r * dim + k]! - n * shift[r]! * shift[k]!) / (n - 1);
      }
      return { mean: shift.map((v, d) => v + mean[d]!), covariance };
    });
  } finally {
    centred.dispose();
  }
}

/** The distance for each pair of resamples (`countsA[r]`, `countsB[r]`). */
export function frechetDistanceReplicates(a: FeatureSet, b: FeatureSet, countsA: readonly Uint16Array[], countsB: readonly Uint16Array[]): Float64Array {
  if (countsA.length !== countsB.length) throw new RangeError(`${METRIC}: ${countsA.length} resamples of the first set but ${countsB.length} of the second`);
  const statsA = resampledGaussianStats(a, countsA);
  const statsB = resampledGaussianStats(b, countsB);
  return Float64Array.from(statsA, (s, r) => frechetDistanceFromStats(s, statsB[r]!));
}
