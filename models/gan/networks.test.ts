import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../backend';
import { normalArray } from '../seed';
import { buildDiscriminator, logitsOfBoth } from './networks';

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('logitsOfBoth: one pass gives each image the logit it has alone, real first, and the same weight gradients', () => {
  const discriminator = buildDiscriminator(3);
  const apply = (x: tf.Tensor4D) => discriminator.apply(x, { training: true }) as tf.Tensor;
  const images = (n: number, seed: number) => tf.tensor4d(normalArray(n * 784, seed), [n, 28, 28, 1]);
  const [real, fake] = [images(4, 1), images(3, 2)];
  const [realLogits, fakeLogits] = logitsOfBoth(apply, real, fake);
  expect(realLogits.shape).toEqual([4, 1]);
  expect(fakeLogits.shape).toEqual([3, 1]);
  expect(Array.from(realLogits.dataSync())).toEqual(Array.from(apply(real).dataSync()).map((v) => expect.closeTo(v, 5)));
  expect(Array.from(fakeLogits.dataSync())).toEqual(Array.from(apply(fake).dataSync()).map((v) => expect.closeTo(v, 5)));

  const variables = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gradients = (loss: () => tf.Scalar) => Object.values(tf.variableGrads(loss, variables).grads).map((g) => Array.from(g.dataSync()));
  const lossOf = ([r, f]: tf.Tensor[]) => tf.sub(tf.mean(r!), tf.mean(tf.square(f!))) as tf.Scalar;
  const onePass = gradients(() => lossOf(logitsOfBoth(apply, real, fake)));
  const twoPasses = gradients(() => lossOf([apply(real), apply(fake)]));
  twoPasses.forEach((expected, i) => expect(onePass[i]).toEqual(expected.map((v) => expect.closeTo(v, 5))));
});
