/**
 * Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017):
 * ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁^½ Σ₂ Σ₁^½)^½).
 * The trace term uses symmetric eigendecompositions (ml-matrix), so it is exact for PSD inputs
 * rather than the Newton–Schulz approximation; tr((Σ₁Σ₂)^½) equals tr((Σ₁^½Σ₂Σ₁^½)^½).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { assertFeatureSet, type FeatureSet } from './features';

export interface GaussianStats {
  mean: Float64Array;
  covariance: Matrix;
}

/** Mean and unbiased covariance of `n` feature vectors. */
export function gaussianStats(set: FeatureSet): GaussianStats {
  assertFeatureSet(set, 'gaussianStats', 2);
  const { data, n, dim } = set;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += data[i * dim + d]! / n;
  const centred = new Matrix(n, dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) centred.set(i, d, data[i * dim + d]! - mean[d]!);
  const covariance = centred.transpose().mmul(centred).div(n - 1);
  return { mean, covariance };
}

/** Symmetric PSD square root; tiny negative eigenvalues from rounding are clamped to zero. */
export function symmetricSqrt(m: Matrix): Matrix {
  const symmetric = m.add(m.transpose()).div(2);
  const eig = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const roots = eig.realEigenvalues.map((x) => Math.sqrt(Math.max(x, 0)));
  return v.mmul(Matrix.diag(roots)).mmul(v.transpose());
}

export function frechetDistanceFromStats(a: GaussianStats, b: GaussianStats): number {
  if (a.mean.length !== b.mean.length) {
    throw new RangeError(`frechetDistance: feature dimensions differ (${a.mean.length} vs ${b.mean.length})`);
  }
  let meanTerm = 0;
  a.mean.forEach((m, d) => (meanTerm += (m - b.mean[d]!) ** 2));
  const rootA = symmetricSqrt(a.covariance);
  const cross = symmetricSqrt(rootA.mmul(b.covariance).mmul(rootA));
  const value = meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * cross.trace();
  return Math.max(value, 0);
}

export function frechetDistance(a: FeatureSet, b: FeatureSet): number {
  return frechetDistanceFromStats(gaussianStats(a), gaussianStats(b));
}
