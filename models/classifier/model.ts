/**
 * The project's shoe classifier (sandal, sneaker, ankle boot). Its predictions give the class-flip
 * rate; its penultimate layer is the feature space for Fréchet distance, KID and precision/recall.
 */
import * as tf from '@tensorflow/tfjs';
import { ANKLE_BOOT, SANDAL, SNEAKER, batchIndices, gather, type ImageSet } from '../data/shoes';
import { imagesToTensor, seeded } from '../layers';
import { deriveSeed } from '../seed';
import { tidyValues } from '../tensor-values';

export const CLASSIFIER_CLASSES: readonly number[] = [SANDAL, SNEAKER, ANKLE_BOOT];
export const FEATURE_LAYER = 'cls_features';
export const FEATURE_DIM = 64;

export function buildClassifier(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1], name: 'cls_input' });
  let h = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', ...seeded(seed, 'cls_conv1') }).apply(input);
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'cls_pool1' }).apply(h);
  h = tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', ...seeded(seed, 'cls_conv2') }).apply(h);
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'cls_pool2' }).apply(h);
  h = tf.layers.flatten({ name: 'cls_flatten' }).apply(h);
  h = tf.layers.dense({ units: FEATURE_DIM, activation: 'relu', ...seeded(seed, FEATURE_LAYER) }).apply(h);
  const out = tf.layers.dense({ units: CLASSIFIER_CLASSES.length, ...seeded(seed, 'cls_logits') }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'classifier' });
}

/** Labels → index in CLASSIFIER_CLASSES (−1 for classes it does not know). */
export function classIndices(labels: Uint8Array): Int32Array {
  return Int32Array.from(labels, (l) => CLASSIFIER_CLASSES.indexOf(l));
}

export function trainClassifier(data: ImageSet, opts: { seed: number; steps: number; batchSize: number; onStep?: (step: number, loss: number) => void }): tf.LayersModel {
  const targets = classIndices(data.labels);
  const stray = targets.findIndex((t) => t < 0);
  if (stray >= 0) throw new RangeError(`classifier: expected training labels among ${CLASSIFIER_CLASSES.join(', ')}, found ${data.labels[stray]} (image ${stray})`);
  const model = buildClassifier(opts.seed);
  const optimizer = tf.train.adam(1e-3);
  for (let step = 0; step < opts.steps; step++) {
    const idx = batchIndices(data.count, opts.batchSize, deriveSeed(opts.seed, 'classifier'), step);
    const loss = tf.tidy(() => {
      const x = imagesToTensor(gather(data, idx), opts.batchSize);
      const y = tf.oneHot(tf.tensor1d(Array.from(idx, (i) => targets[i]!), 'int32'), CLASSIFIER_CLASSES.length);
      return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    });
    opts.onStep?.(step, loss.dataSync()[0]!);
    loss.dispose();
  }
  optimizer.dispose();
  return model;
}

/** Predicted Fashion-MNIST labels, in batches. */
export function predictLabels(model: tf.LayersModel, images: Float32Array, count: number, batch = 500): Uint8Array {
  const out = new Uint8Array(count);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const argmax = tidyValues<Int32Array>(() => tf.argMax(model.apply(imagesToTensor(images.subarray(start * 784, (start + n) * 784), n), { training: false }) as tf.Tensor, 1));
    argmax.forEach((k, i) => (out[start + i] = CLASSIFIER_CLASSES[k]!));
  }
  return out;
}

/** A model that maps images to the penultimate-layer features. */
export function featureModel(classifier: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: classifier.inputs, outputs: classifier.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor });
}

export function accuracy(predicted: Uint8Array, labels: Uint8Array, among?: readonly number[]): number {
  let right = 0;
  let total = 0;
  predicted.forEach((p, i) => {
    if (among && !among.includes(labels[i]!)) return;
    total++;
    if (p === labels[i]) right++;
  });
  return right / total;
}
