/** Known answers for the VAE loss: KL summed over latent dimensions, α·MSE averaged over pixels, both averaged over the batch. */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../backend';
import { klDivergence, vaeLoss } from './model';

beforeAll(async () => {
  await useBackend('tensorflow');
});

const value = (t: tf.Tensor) => t.dataSync()[0]!;

test('KL(N(μ, σ²) ‖ N(0, I)): 0 at the prior, d/2 at μ = 1, d·(1 − ln 2)/2 at σ² = 2', () => {
  const d = 100;
  const zeros = tf.zeros([3, d]) as tf.Tensor2D;
  expect(value(klDivergence(zeros, zeros))).toBeCloseTo(0, 6);
  expect(value(klDivergence(tf.ones([3, d]) as tf.Tensor2D, zeros))).toBeCloseTo(d / 2, 4);
  expect(value(klDivergence(zeros, tf.fill([3, d], Math.LN2) as tf.Tensor2D))).toBeCloseTo((d * (1 - Math.LN2)) / 2, 4);
});

test('KL is summed over dimensions and averaged over the batch', () => {
  // Sample 1: μ = 2 in one dimension (KL 2); sample 2: at the prior (KL 0); mean 1.
  const mu = tf.tensor2d([[2, 0, 0], [0, 0, 0]]);
  expect(value(klDivergence(mu, tf.zeros([2, 3]) as tf.Tensor2D))).toBeCloseTo(1, 6);
});

test('loss = KL + α·MSE, the MSE averaged over pixels and batch', () => {
  const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
  // One image reconstructed as 0.5 everywhere (squared error 0.25 per pixel), the other exactly.
  const reconstruction = tf.concat([tf.fill([1, 28, 28, 1], 0.5), tf.zeros([1, 28, 28, 1])]) as tf.Tensor4D;
  const mu = tf.tensor2d([[1, 0], [0, 0]]);
  const out = vaeLoss(x, reconstruction, mu, tf.zeros([2, 2]) as tf.Tensor2D, 2000);
  expect(value(out.mse)).toBeCloseTo(0.125, 6);
  expect(value(out.kl)).toBeCloseTo(0.25, 6);
  expect(value(out.loss)).toBeCloseTo(0.25 + 2000 * 0.125, 3);
});
