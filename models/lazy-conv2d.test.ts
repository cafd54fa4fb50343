import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';
import { lazyGradientConv2d } from './lazy-conv2d';
import { normalArray } from './seed';

type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];
const INPUT: [number, number, number, number] = [3, 9, 9, 2];
const CASES: (ConvArgs & { label: string })[] = [
  { label: 'linear, same, stride 2', filters: 4, kernelSize: 4, strides: 2, padding: 'same' },
  { label: 'relu, valid, stride 1', filters: 3, kernelSize: 3, padding: 'valid', activation: 'relu' },
  { label: 'no bias, same, stride 1', filters: 5, kernelSize: 2, padding: 'same', useBias: false },
];

/** The standard and the lazy layer, built on INPUT with the same (random, nonzero) weights. */
function pair(args: ConvArgs): [tf.layers.Layer, tf.layers.Layer] {
  const standard = tf.layers.conv2d(args);
  const lazy = lazyGradientConv2d(args);
  for (const layer of [standard, lazy]) layer.build(INPUT);
  const weights = standard.getWeights().map((w, i) => tf.tensor(normalArray(w.size, 40 + i), w.shape));
  for (const layer of [standard, lazy]) layer.setWeights(weights);
  tf.dispose(weights);
  return [standard, lazy];
}

const values = (ts: tf.Tensor[]) => ts.map((t) => Float32Array.from(t.dataSync()));

/** Output (inference and training) and the gradients of Σ c·y with respect to input, kernel and bias. */
function outputsAndGradients(layer: tf.layers.Layer, x: tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    const c = tf.tensor(normalArray(inference.size, 7), inference.shape);
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(c, layer.apply(v, { training: true }) as tf.Tensor)) as tf.Scalar;
    const dx = tf.grad(loss)(x);
    const { grads } = tf.variableGrads(() => loss(x), layer.trainableWeights.map((w) => w.read() as tf.Variable));
    return values([inference, dx, ...Object.values(grads)]);
  });
}

async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  return (await tf.profile(() => tf.tidy(f))).kernelNames;
}

describe('lazyGradientConv2d', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  test.each(CASES)('$label: outputs and gradients are the same bits as tf.layers.conv2d', ({ label: _, ...args }) => {
    const [standard, lazy] = pair(args);
    const x = tf.tensor4d(normalArray(INPUT.reduce((a, b) => a * b), 5), INPUT);
    const expected = outputsAndGradients(standard, x);
    expect(expected).toHaveLength(args.useBias === false ? 3 : 4);
    expect(outputsAndGradients(lazy, x)).toEqual(expected);
    tf.dispose([x, ...standard.weights.map((w) => w.read()), ...lazy.weights.map((w) => w.read())]);
  });

  test('computes only the gradient asked for (tf.layers.conv2d computes both)', async () => {
    const [standard, lazy] = pair(CASES[0]!);
    const x = tf.tensor4d(normalArray(INPUT.reduce((a, b) => a * b), 5), INPUT);
    const inputGradient = (layer: tf.layers.Layer) => () => tf.grad((v) => tf.sum(layer.apply(v, { training: true }) as tf.Tensor))(x);
    const kernelGradient = (layer: tf.layers.Layer) => () =>
      tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, [layer.trainableWeights[0]!.read() as tf.Variable]).value;
    expect(await kernelsOf(inputGradient(standard))).toContain('Conv2DBackpropFilter');
    expect(await kernelsOf(inputGradient(lazy))).not.toContain('Conv2DBackpropFilter');
    expect(await kernelsOf(kernelGradient(standard))).toContain('Conv2DBackpropInput');
    expect(await kernelsOf(kernelGradient(lazy))).not.toContain('Conv2DBackpropInput');
    x.dispose();
  });

  test('saves as a plain Conv2D, which tf.models.modelFromJSON reads back', async () => {
    const input = tf.input({ shape: INPUT.slice(1) });
    const model = tf.model({ inputs: input, outputs: lazyGradientConv2d({ filters: 2, kernelSize: 3, name: 'lazy_conv' }).apply(input) as tf.SymbolicTensor });
    const topology = model.toJSON(undefined, false) as { config: { layers: { class_name: string; name: string }[] } };
    expect(topology.config.layers.find((l) => l.name === 'lazy_conv')?.class_name).toBe('Conv2D');
    const restored = await tf.models.modelFromJSON(topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
    expect(restored.getLayer('lazy_conv').getClassName()).toBe('Conv2D');
  });

  test('channelsFirst is refused, naming the layer', () => {
    expect(() => lazyGradientConv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'disc_x' })).toThrow(
      "disc_x: dataFormat: expected 'channelsLast', found 'channelsFirst'",
    );
  });
});
