import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../models/backend';
import { createRng, normalArray } from '../../models/seed';
import type { GenerativeModel } from '../../models/types';
import { invertImages } from './inversion';
import { tidyValues } from '../../models/tensor-values';

const PIXELS = 784;
const LATENT = 3;

/** G(z) = sigmoid(Az) with a fixed well-conditioned A (3 × 784): the optimum of each target is its z*. */
function tinyGenerator(): GenerativeModel {
  const rng = createRng(11);
  const a = tf.tensor2d(Float32Array.from({ length: LATENT * PIXELS }, (_, i) => (i % PIXELS) % LATENT === Math.floor(i / PIXELS) ? 1 : 0.05 * rng.normal()), [LATENT, PIXELS]);
  return { kind: 'dcgan', latentDim: LATENT, generate: (z) => tf.tidy(() => tf.reshape(tf.sigmoid(tf.matMul(z, a)), [z.shape[0], 28, 28, 1]) as tf.Tensor4D) };
}

const options = { steps: 300, restarts: 2, learningRate: 0.05, seed: 1 };

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('recovers the latents of images the generator made', () => {
  const model = tinyGenerator();
  // Moderate latents: far out, sigmoid saturates and z is only determined loosely.
  const truth = normalArray(4 * LATENT, 5).map((v) => v * 0.5);
  const targets = tidyValues(() => model.generate(tf.tensor2d(truth, [4, LATENT])));
  invertImages(model, targets, { ...options, steps: 1 }); // first use creates tf's cached constants
  const before = tf.memory().numTensors;
  const result = invertImages(model, targets, options);
  expect(tf.memory().numTensors).toBe(before);
  result.latents.forEach((z, i) => expect(z).toBeCloseTo(truth[i]!, 1));
  result.mse.forEach((m) => expect(m).toBeLessThan(1e-5));
  // Reconstructions are G(best z) and the reported MSE is theirs.
  for (let k = 0; k < 4; k++) {
    let sum = 0;
    for (let p = k * PIXELS; p < (k + 1) * PIXELS; p++) sum += (result.reconstructions[p]! - targets[p]!) ** 2;
    expect(sum / PIXELS).toBeCloseTo(result.mse[k]!, 6);
  }
});

test('keeps the best restart, and batching does not change the result', () => {
  const model = tinyGenerator();
  const targets = tidyValues(() => model.generate(tf.tensor2d(normalArray(5 * LATENT, 6), [5, LATENT])));
  const short = { ...options, steps: 20, restarts: 3 };
  const whole = invertImages(model, targets, short);
  for (let k = 0; k < 5; k++) expect(whole.mse[k]).toBe(Math.min(...whole.restartMse.subarray(k * 3, k * 3 + 3)));
  const batched = invertImages(model, targets, { ...short, batchSize: 2 });
  batched.latents.forEach((z, i) => expect(z).toBeCloseTo(whole.latents[i]!, 4));
});

test('invalid input is a RangeError naming the metric', () => {
  const model = tinyGenerator();
  expect(() => invertImages(model, new Float32Array(0), options)).toThrow(/inversion: expected at least one 28×28 image, found none/);
  expect(() => invertImages(model, new Float32Array(PIXELS), { ...options, steps: 0 })).toThrow(/inversion: steps must be an integer ≥ 1, found 0/);
  expect(() => invertImages(model, new Float32Array(PIXELS).fill(NaN), options)).toThrow(/inversion: pixel 0 of image 0 is NaN/);
});
