import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';
import { imagesToTensor } from './layers';
import { createTrainable } from './registry';
import { disposingOnError, readLosses, readLossesAsync } from './step-losses';
import { syntheticShoes } from './testing';

afterAll(() => useBackend('tensorflow'));

const batchOf = (n: number) => imagesToTensor(syntheticShoes(n, 3).images, n);

test('readLossesAsync gives readLosses’ names, order and values, and leaves no tensor behind', async () => {
  await useBackend('tensorflow');
  const batch = batchOf(8);
  const [a, b] = [createTrainable('vae', 5), createTrainable('vae', 5)];
  const synchronous = readLosses(a.step(batch, 1));
  const awaited = await readLossesAsync(b.step(batch, 1));
  expect(Object.keys(awaited)).toEqual(['loss', 'kl', 'mse']);
  expect(awaited).toEqual(synchronous);
  const before = tf.memory().numTensors; // after the first step made the optimiser's state
  await readLossesAsync(b.step(batch, 2));
  expect(tf.memory().numTensors).toBe(before);
});

test('disposingOnError disposes what a step kept when it throws, and nothing when it returns', () => {
  const kept = { kl: tf.keep(tf.scalar(1)), mse: tf.scalar(2) };
  expect(disposingOnError(kept, () => 3)).toBe(3);
  expect(kept.kl.isDisposed || kept.mse.isDisposed).toBe(false);
  expect(() => disposingOnError(kept, () => {
    throw new Error('no kernel');
  })).toThrow('no kernel');
  expect([kept.kl.isDisposed, kept.mse.isDisposed]).toEqual([true, true]);
});
