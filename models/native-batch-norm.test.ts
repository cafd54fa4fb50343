import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';
import { batchNormTraining, fusedTrainingBatchNormalization } from './native-batch-norm';
import { normalArray } from './seed';

const SHAPES = [{ label: 'dense, 16 × 37', shape: [16, 37] }, { label: 'convolutional, 4 × 5 × 5 × 6', shape: [4, 5, 5, 6] }];
const MOMENTUM = 0.9;

/** The standard and the fused layer, built on `shape` with the same random gamma, beta and moving averages. */
function pair(shape: number[]): [tf.layers.Layer, tf.layers.Layer] {
  const standard = tf.layers.batchNormalization({ momentum: MOMENTUM });
  const fused = fusedTrainingBatchNormalization({ momentum: MOMENTUM });
  for (const layer of [standard, fused]) layer.build(shape);
  const channels = shape.at(-1)!;
  const weights = [1, 0, 0, 1].map((centre, i) => tf.tensor1d(normalArray(channels, 20 + i).map((v) => centre + 0.3 * v)));
  for (const layer of [standard, fused]) layer.setWeights(weights);
  tf.dispose(weights);
  return [standard, fused];
}

const values = (ts: tf.Tensor[]) => ts.map((t) => Float32Array.from(t.dataSync()));

/** Training output, the gradients of Σ c·y with respect to x, gamma and beta, then the moving mean and variance. */
function trainingResults(layer: tf.layers.Layer, x: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const c = tf.tensor(normalArray(x.size, 7), x.shape);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(c, layer.apply(v, { training: true }) as tf.Tensor)) as tf.Scalar;
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const dx = tf.grad(loss)(x);
    const { grads } = tf.variableGrads(() => loss(x), layer.trainableWeights.map((w) => w.read() as tf.Variable));
    return values([y, dx, ...Object.values(grads), ...layer.getWeights().slice(2)]);
  });
}

/** Largest difference relative to the largest magnitude of `expected`, per array. */
function relativeErrors(actual: Float32Array[], expected: Float32Array[]): number[] {
  return expected.map((e, k) => {
    const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    return e.reduce((m, v, i) => Math.max(m, Math.abs(v - actual[k]![i]!)), 0) / scale;
  });
}

const inputOf = (shape: number[]) => tf.tensor(normalArray(shape.reduce((a, b) => a * b), 5).map((v) => 0.5 + 2 * v), shape);

describe('on the native backend', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  test.each(SHAPES)('$label: training output, gradients and moving averages agree with tf.layers.batchNormalization to float precision', ({ shape }) => {
    const [standard, fused] = pair(shape);
    const x = inputOf(shape);
    const expected = trainingResults(standard, x);
    const actual = trainingResults(fused, x);
    expect(actual).toHaveLength(6);
    for (const error of relativeErrors(actual, expected)) expect(error).toBeLessThan(1e-5);
    x.dispose();
  });

  test('known answer: the moving variance moves towards the biased batch variance', () => {
    // Channel values 1 and 5: mean 3, biased variance 4 (Bessel's correction would give 8); the
    // moving averages start at 0 and 1.
    const layer = fusedTrainingBatchNormalization({ momentum: MOMENTUM, epsilon: 1e-3 });
    const x = tf.tensor2d([[1], [5]]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const [, , movingMean, movingVariance] = layer.getWeights().map((w) => w.dataSync()[0]!);
    expect(Array.from(y.dataSync())).toEqual([expect.closeTo(-2 / Math.sqrt(4.001), 6), expect.closeTo(2 / Math.sqrt(4.001), 6)]);
    expect(movingMean).toBeCloseTo(0.9 * 0 + 0.1 * 3, 6);
    expect(movingVariance).toBeCloseTo(0.9 * 1 + 0.1 * 4, 6);
    tf.dispose([x, y]);
  });

  test('the kernel alone returns its three outputs and keeps nothing else', () => {
    const x = inputOf(SHAPES[1]!.shape) as tf.Tensor4D;
    const [scale, offset] = [tf.ones([6]) as tf.Tensor1D, tf.zeros([6]) as tf.Tensor1D];
    const before = tf.memory().numTensors;
    const outputs = batchNormTraining(x, scale, offset, 1e-3);
    expect(outputs.map((t) => t.shape)).toEqual([x.shape, [6], [6]]);
    tf.dispose(outputs);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, scale, offset]);
  });

  test('runs as the two fused kernels in training, and leaves no tensor behind', async () => {
    const { shape } = SHAPES[1]!;
    const [, fused] = pair(shape);
    const x = inputOf(shape);
    const step = () => tf.variableGrads(() => tf.sum(fused.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, fused.trainableWeights.map((w) => w.read() as tf.Variable));
    const { kernelNames } = await tf.profile(() => tf.tidy(() => void step()));
    expect(kernelNames).toEqual(expect.arrayContaining(['NativeBatchNormTraining', 'NativeBatchNormTrainingGrad']));
    expect(kernelNames).not.toContain('Mean');
    const before = tf.memory().numTensors;
    tf.tidy(() => void step());
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  test('inference is tfjs-layers’ own call: the same bits', () => {
    const { shape } = SHAPES[1]!;
    const x = inputOf(shape);
    const [standard, fused] = pair(shape);
    const [a, b] = [standard, fused].map((layer) => layer.apply(x, { training: false }) as tf.Tensor);
    expect(values([b!])).toEqual(values([a!]));
    tf.dispose([x, a!, b!]);
  });

  test('saves as a plain BatchNormalization, which tf.models.modelFromJSON reads back', async () => {
    const input = tf.input({ shape: [6] });
    const model = tf.model({ inputs: input, outputs: fusedTrainingBatchNormalization({ name: 'fused_bn' }).apply(input) as tf.SymbolicTensor });
    const topology = model.toJSON(undefined, false) as { config: { layers: { class_name: string; name: string }[] } };
    expect(topology.config.layers.find((l) => l.name === 'fused_bn')?.class_name).toBe('BatchNormalization');
    const restored = await tf.models.modelFromJSON(topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
    expect(restored.getLayer('fused_bn').getClassName()).toBe('BatchNormalization');
  });
});

describe('on the cpu backend', () => {
  afterAll(() => useBackend('tensorflow'));

  test('training is tfjs-layers’ own call: the same bits', async () => {
    await useBackend('cpu');
    const { shape } = SHAPES[0]!;
    const x = inputOf(shape);
    const [standard, fused] = pair(shape);
    expect(trainingResults(fused, x)).toEqual(trainingResults(standard, x));
    x.dispose();
  });
});
