/**
 * Improved precision and recall (Kynkäänniemi et al. 2019, "Improved precision and recall metric
 * for assessing generative models"). Each set's manifold is the union of balls around its points
 * with radius = distance to the k-th nearest other point of the same set (k = 3). Precision is the
 * fraction of generated samples inside the real manifold; recall the fraction of real samples inside
 * the generated one. Distances are Euclidean in feature space and the test is `≤`, as in
 * NVlabs/stylegan2-ada-pytorch metrics/precision_recall.py.
 *
 * Bootstrap replicates: a resample's manifold is made of its distinct items, with radii to the k-th
 * nearest distinct *other* item (a copy of a point is not its neighbour, or radii would collapse to
 * 0). Radii of a resample can only grow, up to the distance to the `candidates`-th neighbour, so one
 * pass over the distances keeps every pair any replicate can need, and replicates are table lookups.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFeatureSetPair, assertPositiveInteger, type FeatureSet } from './features';

const METRIC = 'precisionRecall';

export interface PrecisionRecall {
  precision: number;
  recall: number;
}

export interface PrecisionRecallOptions {
  /** k of the k-th nearest neighbour radius. */
  k: number;
  /** Neighbours kept per point for resampled radii (≥ k); at most n − 1. */
  candidates: number;
  /** Rows per distance block (memory: rows × n floats). */
  blockRows?: number;
}

/** The nearest other points of each point, nearest first: `index[i * width + r]`, squared distances alike. */
interface NeighbourLists {
  width: number;
  index: Int32Array;
  distance: Float32Array;
}

/** Pairs (point, other-set point) with their squared distances, grouped by point (CSR). */
interface CandidatePairs {
  offsets: Int32Array;
  other: Int32Array;
  distance: Float32Array;
}

/** Everything replicates need: neighbour lists within each set and candidate pairs across them. */
export interface ManifoldComparison {
  k: number;
  real: NeighbourLists;
  fake: NeighbourLists;
  /** For each fake point, the real points whose largest possible ball contains it. */
  fakeInReal: CandidatePairs;
  /** For each real point, the fake points whose largest possible ball contains it. */
  realInFake: CandidatePairs;
}

/** Visits row blocks of the squared Euclidean distances between rows of `a` and rows of `b`. */
function forEachDistanceBlock(a: tf.Tensor2D, b: tf.Tensor2D, blockRows: number, visit: (start: number, block: tf.Tensor2D) => void): void {
  const bNorms = tf.tidy(() => tf.sum(tf.square(b), 1).expandDims(0));
  try {
    for (let start = 0; start < a.shape[0]; start += blockRows) {
      const rows = Math.min(blockRows, a.shape[0] - start);
      tf.tidy(() => {
        const block = tf.slice(a, [start, 0], [rows, -1]);
        const aNorms = tf.sum(tf.square(block), 1).expandDims(1);
        // ‖a‖² + ‖b‖² − 2aᵀb can round below zero for (near-)identical rows.
        visit(start, tf.relu(tf.sub(tf.add(aNorms, bNorms), tf.mul(2, tf.matMul(block, b, false, true)))) as tf.Tensor2D);
      });
    }
  } finally {
    bNorms.dispose();
  }
}

function neighbourLists(x: tf.Tensor2D, width: number, blockRows: number): NeighbourLists {
  const n = x.shape[0];
  const index = new Int32Array(n * width);
  const distance = new Float32Array(n * width);
  forEachDistanceBlock(x, x, blockRows, (start, block) => {
    const { values, indices } = tf.topk(tf.neg(block), width + 1);
    const v = values.dataSync();
    const idx = indices.dataSync();
    for (let r = 0; r < block.shape[0]; r++) {
      const self = start + r;
      let kept = 0;
      for (let c = 0; c <= width && kept < width; c++) {
        const j = idx[r * (width + 1) + c]!;
        if (j === self) continue;
        index[self * width + kept] = j;
        distance[self * width + kept] = -v[r * (width + 1) + c]!;
        kept++;
      }
    }
  });
  return { width, index, distance };
}

class PairCollector {
  private other: Int32Array = new Int32Array(1024);
  private distance: Float32Array = new Float32Array(1024);
  private owner: Int32Array = new Int32Array(1024);
  size = 0;

  add(owner: number, other: number, distance: number): void {
    if (this.size === this.other.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T): T => {
        const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      [this.other, this.distance, this.owner] = [grow(this.other), grow(this.distance), grow(this.owner)];
    }
    this.owner[this.size] = owner;
    this.other[this.size] = other;
    this.distance[this.size++] = distance;
  }

  /** Groups the pairs by owner (counting sort). */
  grouped(owners: number): CandidatePairs {
    const offsets = new Int32Array(owners + 1);
    for (let p = 0; p < this.size; p++) offsets[this.owner[p]! + 1]!++;
    for (let i = 0; i < owners; i++) offsets[i + 1]! += offsets[i]!;
    const cursor = offsets.slice(0, owners);
    const other = new Int32Array(this.size);
    const distance = new Float32Array(this.size);
    for (let p = 0; p < this.size; p++) {
      const at = cursor[this.owner[p]!]!++;
      other[at] = this.other[p]!;
      distance[at] = this.distance[p]!;
    }
    return { offsets, other, distance };
  }
}

function lastColumn(lists: NeighbourLists): Float32Array {
  return Float32Array.from({ length: lists.index.length / lists.width }, (_, i) => lists.distance[(i + 1) * lists.width - 1]!);
}

/** Prepares `real` against `fake`: one pass over all pairwise distances. */
export function compareManifolds(real: FeatureSet, fake: FeatureSet, o: PrecisionRecallOptions): ManifoldComparison {
  assertFeatureSetPair(real, fake, METRIC, o.k + 1);
  assertPositiveInteger(o.k, 'k', METRIC);
  if (!Number.isInteger(o.candidates) || o.candidates < o.k) throw new RangeError(`${METRIC}: candidates must be an integer ≥ k (${o.k}), found ${o.candidates}`);
  const blockRows = o.blockRows ?? 1000;
  assertPositiveInteger(blockRows, 'blockRows', METRIC);
  const x = tf.tensor2d(real.data, [real.n, real.dim]);
  const y = tf.tensor2d(fake.data, [fake.n, fake.dim]);
  try {
    const realLists = neighbourLists(x, Math.min(o.candidates, real.n - 1), blockRows);
    const fakeLists = neighbourLists(y, Math.min(o.candidates, fake.n - 1), blockRows);
    const realMax = lastColumn(realLists);
    const fakeMax = lastColumn(fakeLists);
    const fakeInReal = new PairCollector();
    const realInFake = new PairCollector();
    forEachDistanceBlock(x, y, blockRows, (start, block) => {
      const d = block.dataSync();
      for (let r = 0; r < block.shape[0]; r++) {
        const i = start + r;
        const row = r * fake.n;
        for (let j = 0; j < fake.n; j++) {
          const dij = d[row + j]!;
          if (dij <= realMax[i]!) fakeInReal.add(j, i, dij);
          if (dij <= fakeMax[j]!) realInFake.add(i, j, dij);
        }
      }
    });
    return { k: o.k, real: realLists, fake: fakeLists, fakeInReal: fakeInReal.grouped(fake.n), realInFake: realInFake.grouped(real.n) };
  } finally {
    tf.dispose([x, y]);
  }
}

/** Squared radius of every included point: its k-th nearest included other point (see the module comment). */
function resampledRadii(lists: NeighbourLists, counts: Uint16Array, k: number): Float32Array {
  const n = counts.length;
  const radii = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!counts[i]) continue;
    let found = 0;
    let radius = lists.distance[(i + 1) * lists.width - 1]!;
    for (let r = 0; r < lists.width; r++) {
      if (counts[lists.index[i * lists.width + r]!]! > 0 && ++found === k) {
        radius = lists.distance[i * lists.width + r]!;
        break;
      }
    }
    radii[i] = radius;
  }
  return radii;
}

/** Share of `counts`-weighted points inside the union of the other set's included balls. */
function coveredShare(pairs: CandidatePairs, counts: Uint16Array, otherCounts: Uint16Array, otherRadii: Float32Array): number {
  let covered = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!counts[i]) continue;
    total += counts[i]!;
    for (let p = pairs.offsets[i]!; p < pairs.offsets[i + 1]!; p++) {
      const j = pairs.other[p]!;
      if (otherCounts[j]! > 0 && pairs.distance[p]! <= otherRadii[j]!) {
        covered += counts[i]!;
        break;
      }
    }
  }
  return covered / total;
}

/** Precision and recall of one resample (multiplicities per item; all ones is the plain metric). */
export function precisionRecallOf(c: ManifoldComparison, realCounts: Uint16Array, fakeCounts: Uint16Array): PrecisionRecall {
  const realRadii = resampledRadii(c.real, realCounts, c.k);
  const fakeRadii = resampledRadii(c.fake, fakeCounts, c.k);
  return {
    precision: coveredShare(c.fakeInReal, fakeCounts, realCounts, realRadii),
    recall: coveredShare(c.realInFake, realCounts, fakeCounts, fakeRadii),
  };
}

export function precisionRecall(real: FeatureSet, fake: FeatureSet, o: PrecisionRecallOptions): PrecisionRecall {
  const comparison = compareManifolds(real, fake, o);
  return precisionRecallOf(comparison, new Uint16Array(real.n).fill(1), new Uint16Array(fake.n).fill(1));
}
