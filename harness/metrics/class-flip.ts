/**
 * Class-flip rate: the share of reconstructions that the project classifier assigns to another class
 * than the original image's label. A reconstruction that turns a sandal into a sneaker keeps a low
 * pixel error yet loses what the image is; MSE alone does not see that.
 */
import { imageCount } from './images';
import { indicesByLabel } from './reconstruction-mse';

const METRIC = 'classFlipRate';

/** Fashion-MNIST labels for `count` images (e.g. `predictLabels` of models/classifier/model.ts). */
export type Labeller = (images: Float32Array, count: number) => Uint8Array;

export interface ClassFlips {
  /** 1 where the predicted label differs from the original one. */
  flipped: Uint8Array;
  rate: number;
  perClass: Map<number, { rate: number; n: number }>;
}

/** Compares original labels with the labels predicted for their reconstructions. */
export function classFlips(originalLabels: Uint8Array, predictedLabels: Uint8Array): ClassFlips {
  if (originalLabels.length === 0) throw new RangeError(`${METRIC}: expected at least one label, found none`);
  if (predictedLabels.length !== originalLabels.length) {
    throw new RangeError(`${METRIC}: ${originalLabels.length} original labels but ${predictedLabels.length} predicted ones`);
  }
  const flipped = originalLabels.map((label, i) => (predictedLabels[i] === label ? 0 : 1));
  const perClass = new Map<number, { rate: number; n: number }>();
  for (const [label, indices] of indicesByLabel(originalLabels)) {
    perClass.set(label, { rate: indices.reduce((s, i) => s + flipped[i]!, 0) / indices.length, n: indices.length });
  }
  return { flipped, rate: flipped.reduce((s, f) => s + f, 0) / flipped.length, perClass };
}

export function classFlipRate(reconstructions: Float32Array, originalLabels: Uint8Array, labeller: Labeller): ClassFlips {
  const count = imageCount(reconstructions, METRIC);
  if (originalLabels.length !== count) {
    throw new RangeError(`${METRIC}: expected one label per reconstruction (${count}), found ${originalLabels.length}`);
  }
  const predicted = labeller(reconstructions, count);
  if (predicted.length !== count) throw new RangeError(`${METRIC}: the labeller returned ${predicted.length} labels for ${count} images`);
  return classFlips(originalLabels, predicted);
}

