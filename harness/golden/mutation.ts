/**
 * Mutation checks for golden suites: perturb a model's weights slightly and show that its golden
 * then fails (`expect(grid).not.toMatchGoldenImage(name)`), proving the golden's thresholds can see
 * a real model change and not only tolerate backend noise.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, normalTensor } from '../../models/seed';

/**
 * Adds seeded Gaussian noise to every trainable weight, in place: w ← w + relative·rms(w)·ε,
 * ε ~ N(0, 1) seeded per weight (by `originalName`, stable whatever else the process loaded), so
 * `relative` is the noise size relative to each tensor's own scale (all-zero tensors, e.g. fresh
 * biases, stay zero). Non-trainable weights (batch-norm moving statistics) are left alone: noise
 * there can make a variance negative.
 * Returns `restore`, which puts the original weights back and frees the copies.
 */
export function perturbWeights(model: tf.LayersModel, relative: number, seed: number): () => void {
  if (!(relative >= 0) || !Number.isFinite(relative)) throw new RangeError(`perturbWeights: relative must be a finite number ≥ 0, found ${relative}`);
  const originals = model.trainableWeights.map((w) => ({ weight: w, value: w.read().clone() }));
  for (const { weight, value } of originals) {
    const perturbed = tf.tidy(() => {
      const rms = tf.sqrt(tf.mean(tf.square(value)));
      const noise = normalTensor(value.shape, deriveSeed(seed, 'perturb', weight.originalName));
      return tf.add(value, tf.mul(noise, tf.mul(rms, relative)));
    });
    weight.write(perturbed);
    perturbed.dispose();
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    for (const { weight, value } of originals) {
      weight.write(value);
      value.dispose();
    }
  };
}

/** Runs `fn` with perturbed weights and restores them afterwards, even when `fn` throws. */
export async function withPerturbedWeights<T>(model: tf.LayersModel, relative: number, seed: number, fn: () => T | Promise<T>): Promise<T> {
  const restore = perturbWeights(model, relative, seed);
  try {
    return await fn();
  } finally {
    restore();
  }
}
