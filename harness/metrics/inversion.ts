/**
 * GAN inversion by latent optimisation (as in Creswell & Bharath 2018, "Inverting the generator of
 * a generative adversarial network"; Abdal et al. 2019, Image2StyleGAN): for each target image x,
 * minimise MSE(G(z), x) over z with Adam for a fixed number of steps from R seeded N(0, I) starts,
 * and keep the start that ends with the lowest MSE. GANs have no encoder, so this is how their
 * reconstruction error and class-flip rate are measured.
 *
 * Images and their restarts are optimised together in batches. The loss is the sum of per-item
 * MSEs, and Adam's state is per coordinate, so each item follows the same path whatever the batch;
 * starts are seeded per image index and restart, so results do not depend on the batch size.
 */
import * as tf from '@tensorflow/tfjs';
import { PIXELS } from '../../models/data/shoes';
import { deriveSeed, normalArray } from '../../models/seed';
import type { GenerativeModel } from '../../models/types';
import { imageCount } from './images';
import { tidyValues } from '../../models/tensor-values';
import { imagesToTensor } from '../../models/layers';

const METRIC = 'inversion';

export interface InversionOptions {
  steps: number;
  restarts: number;
  learningRate: number;
  seed: number;
  /** Target images per optimisation batch (each carries `restarts` latents). */
  batchSize?: number;
}

export interface Inversion {
  /** Best latent per image, `count × latentDim`. */
  latents: Float32Array;
  /** G(best latent) per image, row-major 28×28. */
  reconstructions: Float32Array;
  /** Final MSE of the best start per image. */
  mse: Float64Array;
  /** Final MSE of every start, `count × restarts`. */
  restartMse: Float64Array;
}

function assertOptions(o: InversionOptions): void {
  for (const key of ['steps', 'restarts'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`${METRIC}: ${key} must be an integer ≥ 1, found ${o[key]}`);
  }
  if (!(o.learningRate > 0)) throw new RangeError(`${METRIC}: learningRate must be > 0, found ${o.learningRate}`);
}

/** Seeded starting latents for images `first … first + count − 1`, every restart of an image adjacent. */
export function inversionStarts(first: number, count: number, restarts: number, latentDim: number, seed: number): Float32Array {
  const out = new Float32Array(count * restarts * latentDim);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < restarts; r++) out.set(normalArray(latentDim, deriveSeed(seed, METRIC, first + i, r)), (i * restarts + r) * latentDim);
  }
  return out;
}

/** Optimises one batch; returns final latents and per-item MSE for every (image, restart). */
function optimiseBatch(model: GenerativeModel, targets: tf.Tensor4D, starts: Float32Array, o: InversionOptions): { z: Float32Array; mse: Float32Array } {
  const items = starts.length / model.latentDim;
  // Inside tidy, so the initial tensor is released once the variable holds its data.
  const z = tf.tidy(() => tf.variable(tf.tensor2d(starts, [items, model.latentDim]), true));
  const optimizer = tf.train.adam(o.learningRate);
  const perItemMse = () => tf.mean(tf.squaredDifference(model.generate(z), targets), [1, 2, 3]);
  try {
    for (let step = 0; step < o.steps; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => tf.sum(perItemMse()) as tf.Scalar, false, [z]);
      });
    }
    return { z: z.dataSync() as Float32Array, mse: tidyValues(perItemMse) };
  } finally {
    optimizer.dispose();
    z.dispose();
  }
}

export function invertImages(model: GenerativeModel, targets: Float32Array, o: InversionOptions): Inversion {
  const count = imageCount(targets, METRIC);
  assertOptions(o);
  const batch = o.batchSize ?? 50;
  const d = model.latentDim;
  const latents = new Float32Array(count * d);
  const mse = new Float64Array(count);
  const restartMse = new Float64Array(count * o.restarts);
  for (let first = 0; first < count; first += batch) {
    const n = Math.min(batch, count - first);
    const repeatedTargets = tf.tidy(() => {
      const t = imagesToTensor(targets.subarray(first * PIXELS, (first + n) * PIXELS), n);
      // Every restart of image i sits next to it: rows i·R … i·R + R − 1.
      return tf.reshape(tf.tile(tf.expandDims(t, 1), [1, o.restarts, 1, 1, 1]), [n * o.restarts, 28, 28, 1]) as tf.Tensor4D;
    });
    try {
      const result = optimiseBatch(model, repeatedTargets, inversionStarts(first, n, o.restarts, d, o.seed), o);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let r = 0; r < o.restarts; r++) {
          restartMse[(first + i) * o.restarts + r] = result.mse[i * o.restarts + r]!;
          if (result.mse[i * o.restarts + r]! < result.mse[i * o.restarts + best]!) best = r;
        }
        mse[first + i] = result.mse[i * o.restarts + best]!;
        latents.set(result.z.subarray((i * o.restarts + best) * d, (i * o.restarts + best + 1) * d), (first + i) * d);
      }
    } finally {
      repeatedTargets.dispose();
    }
  }
  const reconstructions = new Float32Array(count * PIXELS);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    reconstructions.set(tidyValues(() => model.generate(tf.tensor2d(latents.subarray(start * d, (start + n) * d), [n, d]))), start * PIXELS);
  }
  return { latents, reconstructions, mse, restartMse };
}
