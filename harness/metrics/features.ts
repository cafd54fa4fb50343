/**
 * Feature sets and the one feature-extractor interface: every distribution metric (Fréchet
 * distance, KID, precision/recall) reads `FeatureSet`s, whatever network produced them.
 */
import * as tf from '@tensorflow/tfjs';
import { tidyValues } from '../../models/tensor-values';
import { PIXELS } from '../../models/data/shoes';
import { imagesToTensor } from '../../models/layers';

/** `n` feature vectors of `dim` values, row-major. */
export interface FeatureSet {
  data: Float32Array;
  n: number;
  dim: number;
}

export interface FeatureExtractor {
  name: string;
  dim: number;
  /** Features of images `[n, 28, 28, 1]` in [0, 1]. */
  extract(images: tf.Tensor4D): tf.Tensor2D;
}

export function assertFeatureSet(set: FeatureSet, metric: string, minN = 1): void {
  if (set.n < minN) throw new RangeError(`${metric}: expected at least ${minN} feature vectors, found ${set.n}`);
  if (set.data.length !== set.n * set.dim) {
    throw new RangeError(`${metric}: expected ${set.n}×${set.dim} = ${set.n * set.dim} values, found ${set.data.length}`);
  }
  for (let i = 0; i < set.data.length; i++) {
    if (!Number.isFinite(set.data[i])) throw new RangeError(`${metric}: feature value ${i} is ${set.data[i]}`);
  }
}

/** A count option (subsets per batch, rows per block …): an integer ≥ 1; anything else would loop forever or skip work silently. */
export function assertPositiveInteger(value: number, name: string, metric: string): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${metric}: ${name} must be an integer ≥ 1, found ${value}`);
}

/** Two sets a set metric compares: each valid with at least `minN` vectors, both of one dimension. */
export function assertFeatureSetPair(a: FeatureSet, b: FeatureSet, metric: string, minN: number): void {
  assertFeatureSet(a, metric, minN);
  assertFeatureSet(b, metric, minN);
  if (a.dim !== b.dim) throw new RangeError(`${metric}: feature dimensions differ (${a.dim} vs ${b.dim})`);
}

/** Runs `extractor` over `count` images (row-major 28×28 in [0, 1]) in batches. */
export function extractFeatures(extractor: FeatureExtractor, images: Float32Array, count: number, batch = 500): FeatureSet {
  const data = new Float32Array(count * extractor.dim);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const values = tidyValues(() => extractor.extract(imagesToTensor(images.subarray(start * PIXELS, (start + n) * PIXELS), n)));
    data.set(values, start * extractor.dim);
  }
  return { data, n: count, dim: extractor.dim };
}
