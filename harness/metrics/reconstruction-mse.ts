/** Reconstruction error: mean squared pixel difference per image, overall and per class. */
import { PIXELS } from '../../models/data/shoes';
import { assertSameShape, imageCount } from './images';

const METRIC = 'reconstructionMse';

export interface ReconstructionMse {
  /** MSE of each image, averaged over its 784 pixels. */
  perImage: Float64Array;
  /** Mean of `perImage`. */
  overall: number;
  /** Mean MSE per label, for the labels present. */
  perClass: Map<number, { mse: number; n: number }>;
}

export function perImageMse(originals: Float32Array, reconstructions: Float32Array): Float64Array {
  const count = imageCount(originals, METRIC);
  imageCount(reconstructions, METRIC);
  assertSameShape(originals, reconstructions, METRIC);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let sum = 0;
    for (let p = k * PIXELS; p < (k + 1) * PIXELS; p++) sum += (originals[p]! - reconstructions[p]!) ** 2;
    out[k] = sum / PIXELS;
  }
  return out;
}

/** Indices of each label, in first-seen order. */
export function indicesByLabel(labels: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const group = groups.get(labels[i]!) ?? [];
    group.push(i);
    groups.set(labels[i]!, group);
  }
  return groups;
}

export function reconstructionMse(originals: Float32Array, reconstructions: Float32Array, labels: Uint8Array): ReconstructionMse {
  const perImage = perImageMse(originals, reconstructions);
  if (labels.length !== perImage.length) {
    throw new RangeError(`${METRIC}: expected one label per image (${perImage.length}), found ${labels.length}`);
  }
  const perClass = new Map<number, { mse: number; n: number }>();
  for (const [label, indices] of indicesByLabel(labels)) {
    perClass.set(label, { mse: indices.reduce((s, i) => s + perImage[i]!, 0) / indices.length, n: indices.length });
  }
  return { perImage, overall: perImage.reduce((s, v) => s + v, 0) / perImage.length, perClass };
}
