import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { createRng } from '../../models/seed';
import { pivotedCholesky, symmetricEigenvalues } from './linalg';

function randomSymmetricPsd(d: number, rank: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const g = Matrix.from1DArray(d, rank, Array.from({ length: d * rank }, () => rng.normal()));
  return Float64Array.from(g.mmul(g.transpose()).to1DArray());
}

const sorted = (values: ArrayLike<number>) => Array.from(values).sort((x, y) => x - y);

test.each([
  [1, 1],
  [2, 2],
  [7, 7],
  [64, 64],
  [64, 20],
])('eigenvalues of a %i×%i PSD matrix of rank %i match ml-matrix', (d, rank) => {
  const a = randomSymmetricPsd(d, rank, d + rank);
  const ours = sorted(symmetricEigenvalues(a, d));
  const reference = sorted(new EigenvalueDecomposition(Matrix.from1DArray(d, d, Array.from(a)), { assumeSymmetric: true }).realEigenvalues);
  const scale = Math.max(...reference.map(Math.abs));
  ours.forEach((lambda, i) => expect(Math.abs(lambda - reference[i]!)).toBeLessThan(1e-10 * scale));
});

test('eigenvalues of a diagonal and of a known 2×2 matrix', () => {
  expect(sorted(symmetricEigenvalues([3, 0, 0, 0, 1, 0, 0, 0, 2], 3))).toEqual([1, 2, 3]);
  const [lo, hi] = sorted(symmetricEigenvalues([2, 1, 1, 2], 2));
  expect(lo).toBeCloseTo(1, 12);
  expect(hi).toBeCloseTo(3, 12);
});

test('pivoted Cholesky reproduces a singular PSD matrix and finds its rank', () => {
  const d = 10;
  const a = randomSymmetricPsd(d, 4, 3);
  const { factor, rank } = pivotedCholesky(a, d);
  expect(rank).toBe(4);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < rank; k++) sum += factor[i * rank + k]! * factor[j * rank + k]!;
      expect(sum).toBeCloseTo(a[i * d + j]!, 9);
    }
  }
  expect(pivotedCholesky(new Float64Array(9), 3).rank).toBe(0);
});

test('wrong sizes are RangeErrors', () => {
  expect(() => symmetricEigenvalues([1, 2, 3], 2)).toThrow(RangeError);
  expect(() => pivotedCholesky([1, 2, 3], 2)).toThrow(RangeError);
});
