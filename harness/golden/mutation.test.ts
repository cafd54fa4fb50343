import * as tf from '@tensorflow/tfjs';
import { perturbWeights, withPerturbedWeights } from './mutation';

// A tiny dense model on the pure-JS backend: the helper only touches weights.
function tinyModel(): tf.LayersModel {
  const model = tf.sequential({ name: 'tiny' });
  model.add(tf.layers.dense({ units: 8, inputShape: [4], name: 'tiny_dense', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.batchNormalization({ name: 'tiny_bn' }));
  model.add(tf.layers.dense({ units: 2, name: 'tiny_out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return model;
}

const values = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
const kernel = (model: tf.LayersModel) => model.getLayer('tiny_dense').getWeights()[0]!;

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // no "install the node backend" banner
  await tf.setBackend('cpu');
});

let model: tf.LayersModel;
beforeEach(() => (model = tinyModel()));
afterEach(() => model.dispose());

test('perturbs trainable weights by about `relative` of their RMS, and restore puts them back exactly', () => {
  const before = values(model);
  const rms = tf.tidy(() => tf.sqrt(tf.mean(tf.square(kernel(model)))).dataSync()[0]!);
  const original = kernel(model).clone();
  const restore = perturbWeights(model, 0.05, 7);
  const noiseRms = tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.sub(kernel(model), original)))).dataSync()[0]!);
  expect(noiseRms / rms).toBeGreaterThan(0.03);
  expect(noiseRms / rms).toBeLessThan(0.07);
  restore();
  expect(values(model)).toEqual(before);
  original.dispose();
});

test('leaves zero tensors (fresh biases) and non-trainable batch-norm statistics alone', () => {
  const bias = Array.from(model.getLayer('tiny_dense').getWeights()[1]!.dataSync());
  const movingVariance = Array.from(model.getLayer('tiny_bn').getWeights()[3]!.dataSync());
  const restore = perturbWeights(model, 0.5, 7);
  expect(Array.from(model.getLayer('tiny_dense').getWeights()[1]!.dataSync())).toEqual(bias);
  expect(Array.from(model.getLayer('tiny_bn').getWeights()[3]!.dataSync())).toEqual(movingVariance);
  restore();
});

test('is deterministic per seed and differs between seeds', () => {
  const at = (seed: number) => {
    const restore = perturbWeights(model, 0.1, seed);
    const v = values(model);
    restore();
    return v;
  };
  expect(at(3)).toEqual(at(3));
  expect(at(3)).not.toEqual(at(4));
});

test('withPerturbedWeights restores even when the callback throws, and leaks no tensors', async () => {
  const before = values(model);
  const tensors = tf.memory().numTensors;
  await expect(withPerturbedWeights(model, 0.1, 1, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(values(model)).toEqual(before);
  expect(await withPerturbedWeights(model, 0.1, 1, () => values(model))).not.toEqual(before);
  expect(tf.memory().numTensors).toBe(tensors);
});

test('rejects a negative or non-finite size', () => {
  expect(() => perturbWeights(model, -0.1, 1)).toThrow(/relative must be a finite number ≥ 0/);
  expect(() => perturbWeights(model, Number.POSITIVE_INFINITY, 1)).toThrow(/relative/);
});
