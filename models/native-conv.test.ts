import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';
import { EIGEN_MAX_CHANNELS, explicitPaddings, runsInEigen } from './native-conv';
import { normalArray } from './seed';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number;
const convInfo = (input: Shape4, filter: Shape4, stride: number, pad: Pad, format: 'channelsLast' | 'channelsFirst' = 'channelsLast') =>
  tf.backend_util.computeConv2DInfo(input, filter, stride, 1, pad, undefined, false, format);

describe('which transposed convolutions run in Eigen', () => {
  test('results with at most EIGEN_MAX_CHANNELS channels, channels last, SAME or VALID padding', () => {
    for (const channels of [1, 3, EIGEN_MAX_CHANNELS]) expect(runsInEigen(convInfo([64, 28, 28, channels], [4, 4, channels, 32], 2, 'same'))).toBe(true);
    expect(runsInEigen(convInfo([64, 28, 28, 1], [4, 4, 1, 32], 2, 'valid'))).toBe(true);
    for (const channels of [EIGEN_MAX_CHANNELS + 1, 32]) expect(runsInEigen(convInfo([64, 14, 14, channels], [4, 4, channels, 64], 2, 'same'))).toBe(false);
    expect(runsInEigen(convInfo([64, 1, 28, 28], [4, 4, 1, 32], 2, 'same', 'channelsFirst'))).toBe(false);
    // Numeric padding stays with tfjs-node's kernel, which refuses it at any channel count.
    expect(runsInEigen(convInfo([64, 28, 28, 1], [4, 4, 1, 32], 2, 1))).toBe(false);
  });

  test('explicit paddings are the ones SAME and VALID stand for (TensorFlow puts the odd one after)', () => {
    expect(explicitPaddings(convInfo([1, 28, 28, 1], [4, 4, 1, 8], 2, 'same').padInfo)).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
    expect(explicitPaddings(convInfo([1, 5, 6, 1], [2, 3, 1, 8], 1, 'same').padInfo)).toEqual([0, 0, 0, 1, 1, 1, 0, 0]);
    expect(explicitPaddings(convInfo([1, 28, 28, 1], [4, 4, 1, 8], 2, 'valid').padInfo)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

interface Case {
  name: string;
  input: Shape4;
  filter: Shape4;
  stride: number;
  pad: 'same' | 'valid';
  /** The padding TensorFlow is given: EXPLICIT where this kernel takes over. */
  padding: 'EXPLICIT' | 'SAME' | 'VALID';
}
// Image-shaped outputs (1 and 3 channels, Eigen) and a wide one (oneDNN), odd sizes and both paddings.
const CASES: Case[] = [
  { name: '32 → 1 channel, 14 → 28, stride 2, same', input: [4, 28, 28, 1], filter: [4, 4, 1, 32], stride: 2, pad: 'same', padding: 'EXPLICIT' },
  { name: '8 → 3 channels, 7 → 15, stride 2, valid', input: [3, 15, 15, 3], filter: [3, 3, 3, 8], stride: 2, pad: 'valid', padding: 'EXPLICIT' },
  { name: '6 → 1 channel, 9 × 11, stride 1, same', input: [2, 9, 11, 1], filter: [2, 3, 1, 6], stride: 1, pad: 'same', padding: 'EXPLICIT' },
  { name: '5 → 2 channels, 8 → 15, stride 2, same with odd total padding', input: [2, 15, 15, 2], filter: [4, 4, 2, 5], stride: 2, pad: 'same', padding: 'EXPLICIT' },
  { name: '4 → 1 channel, 7 → 16, stride 2, valid not fitting exactly', input: [2, 16, 16, 1], filter: [3, 3, 1, 4], stride: 2, pad: 'valid', padding: 'EXPLICIT' },
  { name: '8 → 16 channels (oneDNN), stride 2, same', input: [2, 10, 10, 16], filter: [4, 4, 16, 8], stride: 2, pad: 'same', padding: 'SAME' },
];

/** tf.conv2dTranspose and the input gradient of tf.conv2d, on seeded data, on the active backend. */
function results({ input, filter, stride, pad }: Case): Float32Array[] {
  return tf.tidy(() => {
    const outShape = convInfo(input, filter, stride, pad).outShape;
    const dy = tf.tensor4d(normalArray(outShape.reduce((a, b) => a * b), 1), outShape);
    const w = tf.tensor4d(normalArray(filter.reduce((a, b) => a * b), 2), filter);
    const x = tf.tensor4d(normalArray(input.reduce((a, b) => a * b), 3), input);
    const transposed = tf.conv2dTranspose(dy, w, input, stride, pad);
    const inputGradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, w, stride, pad), dy)))(x);
    return [transposed, inputGradient].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('on the native backend', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  test.each(CASES)('$name: goes to TensorFlow with $padding padding', (c) => {
    const backend = tf.backend() as unknown as { executeSingleOutput: (name: string, attrs: { name: string; value: unknown }[]) => unknown };
    const spy = jest.spyOn(backend, 'executeSingleOutput');
    try {
      results(c);
      const paddings = spy.mock.calls.filter(([name]) => name === 'Conv2DBackpropInput').map(([, attrs]) => attrs.find((a) => a.name === 'padding')!.value);
      // The transposed convolution and the input gradient.
      expect(paddings).toEqual([c.padding, c.padding]);
    } finally {
      spy.mockRestore();
    }
  });

  test.each(CASES)('$name: transposed convolution and input gradient match the wasm backend', async (c) => {
    const native = results(c);
    let reference: Float32Array[];
    try {
      await useBackend('wasm');
      reference = results(c);
    } finally {
      await useBackend('tensorflow');
    }
    native.forEach((values, k) => {
      const scale = Math.max(...reference[k]!.map(Math.abs));
      const worst = Math.max(...values.map((v, i) => Math.abs(v - reference[k]![i]!)));
      expect(worst).toBeLessThan(1e-5 * scale);
    });
  });
});
