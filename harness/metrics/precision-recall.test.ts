import { useBackend } from '../../models/backend';
import { createRng } from '../../models/seed';
import { resampleCounts } from './bootstrap';
import type { FeatureSet } from './features';
import { compareManifolds, precisionRecall, precisionRecallOf } from './precision-recall';

function set(points: number[][]): FeatureSet {
  return { data: Float32Array.from(points.flat()), n: points.length, dim: points[0]!.length };
}

const grid = (side: number) => Array.from({ length: side * side }, (_, i) => [Math.floor(i / side), i % side]);
const unitSquare = [[0, 0], [0, 1], [1, 0], [1, 1]];
const farSquare = [[20, 20], [20, 21], [21, 20], [21, 21]];
const options = { k: 3, candidates: 20 };

/**
 * Reference: brute force over a weighted multiset, where an item's radius is the distance to its
 * k-th nearest distinct other included item (copies excluded), and `≤` decides membership.
 */
function referencePr(real: FeatureSet, fake: FeatureSet, k: number, realCounts: Uint16Array, fakeCounts: Uint16Array) {
  const d2 = (a: FeatureSet, i: number, b: FeatureSet, j: number) => {
    let s = 0;
    for (let t = 0; t < a.dim; t++) s += (a.data[i * a.dim + t]! - b.data[j * b.dim + t]!) ** 2;
    return s;
  };
  const radii = (s: FeatureSet, counts: Uint16Array) =>
    Array.from({ length: s.n }, (_, i) => {
      const others = [];
      for (let j = 0; j < s.n; j++) if (j !== i && counts[j]! > 0) others.push(d2(s, i, s, j));
      return others.sort((a, b) => a - b)[k - 1]!;
    });
  const share = (a: FeatureSet, aCounts: Uint16Array, b: FeatureSet, bCounts: Uint16Array, bRadii: number[]) => {
    let covered = 0;
    let total = 0;
    for (let i = 0; i < a.n; i++) {
      total += aCounts[i]!;
      let inside = false;
      for (let j = 0; j < b.n; j++) if (bCounts[j]! > 0 && d2(a, i, b, j) <= bRadii[j]!) inside = true;
      if (inside) covered += aCounts[i]!;
    }
    return covered / total;
  };
  return {
    precision: share(fake, fakeCounts, real, realCounts, radii(real, realCounts)),
    recall: share(real, realCounts, fake, fakeCounts, radii(fake, fakeCounts)),
  };
}

function gaussianPoints(n: number, shift: number, seed: number): FeatureSet {
  const rng = createRng(seed);
  return { data: Float32Array.from({ length: n * 4 }, () => shift + rng.normal()), n, dim: 4 };
}

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('by hand: a 5×5 real grid against a unit square on it plus a far square', () => {
  // Real radii² (3rd neighbour): 1 inside and along edges, 2 at corners. The unit square lies on
  // the grid (precision 4/8); its own radii² are 2, which cover the 3×3 corner block: recall 9/25.
  const result = precisionRecall(set(grid(5)), set([...unitSquare, ...farSquare]), options);
  expect(result.precision).toBeCloseTo(4 / 8, 12);
  expect(result.recall).toBeCloseTo(9 / 25, 12);
});

test('boundary: a point exactly at the k-th neighbour distance is inside (≤)', () => {
  // Corner (0,0) of the grid has radius² 2; (-1,-1) is at distance² 2 from it.
  expect(precisionRecall(set(grid(5)), set([[-1, -1], [30, 30], [30, 31], [31, 30]]), options).precision).toBeCloseTo(1 / 4, 12);
  expect(precisionRecall(set(grid(5)), set([[-1.01, -1], [30, 30], [30, 31], [31, 30]]), options).precision).toBe(0);
});

test('a set against itself has precision = recall = 1', () => {
  const points = gaussianPoints(50, 0, 1);
  expect(precisionRecall(points, points, options)).toEqual({ precision: 1, recall: 1 });
});

test('matches the brute-force reference on random sets, plain and resampled', () => {
  const real = gaussianPoints(60, 0, 2);
  const fake = gaussianPoints(45, 0.7, 3);
  const ones = (n: number) => new Uint16Array(n).fill(1);
  const comparison = compareManifolds(real, fake, options);
  expect(precisionRecallOf(comparison, ones(60), ones(45))).toEqual(referencePr(real, fake, 3, ones(60), ones(45)));
  const realCounts = resampleCounts(60, 10, 1, 'real');
  const fakeCounts = resampleCounts(45, 10, 1, 'fake');
  for (let r = 0; r < 10; r++) {
    const ours = precisionRecallOf(comparison, realCounts[r]!, fakeCounts[r]!);
    const reference = referencePr(real, fake, 3, realCounts[r]!, fakeCounts[r]!);
    expect(ours.precision).toBeCloseTo(reference.precision, 12);
    expect(ours.recall).toBeCloseTo(reference.recall, 12);
  }
});

test('invalid input is a RangeError naming the metric', () => {
  const points = gaussianPoints(10, 0, 1);
  expect(() => precisionRecall(set([[0, 0], [1, 1], [2, 2]]), set(grid(3)), options)).toThrow(/precisionRecall: expected at least 4 feature vectors, found 3/);
  expect(() => precisionRecall(points, set(grid(4)), options)).toThrow(/precisionRecall: feature dimensions differ \(4 vs 2\)/);
  const nan = gaussianPoints(10, 0, 1);
  nan.data[7] = NaN;
  expect(() => precisionRecall(points, nan, options)).toThrow(/precisionRecall: feature value 7 is NaN/);
  expect(() => precisionRecall(points, points, { k: 3, candidates: 2 })).toThrow(/precisionRecall: candidates must be an integer ≥ k \(3\), found 2/);
  expect(() => precisionRecall(points, points, { k: 3, candidates: 4.5 })).toThrow(/precisionRecall: candidates must be an integer ≥ k \(3\), found 4\.5/);
  expect(() => precisionRecall(points, points, { k: 3, candidates: 5, blockRows: 0 })).toThrow(/precisionRecall: blockRows must be an integer ≥ 1, found 0/);
});
