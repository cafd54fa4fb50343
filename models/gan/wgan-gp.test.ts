/** Known answers for WGAN-GP's gradient penalty, E[(‖∇x̂ C(x̂)‖₂ − 1)²]. */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../backend';
import { gradientPenalty } from './wgan-gp';

beforeAll(async () => {
  await useBackend('tensorflow');
});

const images = (n: number, v: number) => tf.fill([n, 28, 28, 1], v) as tf.Tensor4D;

test('a linear critic C(x) = w·x has gradient w at every interpolate: penalty (‖w‖ − 1)²', () => {
  const w = tf.fill([1, 28, 28, 1], 0.1); // ‖w‖ = 0.1 · 28 = 2.8
  const linear = (x: tf.Tensor4D) => tf.sum(tf.mul(x, w), [1, 2, 3]);
  const penalty = gradientPenalty(linear, images(4, 1), images(4, -1), 7);
  expect(penalty.dataSync()[0]).toBeCloseTo((2.8 - 1) ** 2, 4);
});

test('C(x) = ½‖x‖² has gradient x̂: between real 1 and fake 1 (x̂ = 1, ‖x̂‖ = 28) the penalty is 27²', () => {
  const half = (x: tf.Tensor4D) => tf.mul(0.5, tf.sum(tf.square(x), [1, 2, 3]));
  expect(gradientPenalty(half, images(2, 1), images(2, 1), 3).dataSync()[0]).toBeCloseTo(27 ** 2, 2);
});

test('a critic with unit gradient norm everywhere has no penalty', () => {
  const unit = (x: tf.Tensor4D) => tf.mul(1 / 28, tf.sum(x, [1, 2, 3])); // ‖∇‖ = 28 · (1/28) = 1
  expect(gradientPenalty(unit, images(3, 0.3), images(3, -0.2), 11).dataSync()[0]).toBeCloseTo(0, 6);
});

test('interpolates x̂ = ε·real + (1 − ε)·fake, one ε per sample: with C = ½‖x‖², real 1 and fake 0, ‖∇‖ = 28·ε', () => {
  const half = (x: tf.Tensor4D) => tf.mul(0.5, tf.sum(tf.square(x), [1, 2, 3]));
  const seed = 13;
  // The ε the penalty draws: tf.randomUniform with its seed repeats the same numbers.
  const eps = Array.from(tf.randomUniform([4, 1, 1, 1], 0, 1, 'float32', seed).dataSync());
  const expected = eps.reduce((sum, e) => sum + (28 * e - 1) ** 2, 0) / eps.length;
  expect(new Set(eps.map((e) => e.toFixed(3))).size).toBe(4);
  expect(gradientPenalty(half, images(4, 1), images(4, 0), seed).dataSync()[0]).toBeCloseTo(expected, 2);
});
