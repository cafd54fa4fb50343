import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';
import { normalArray } from './seed';

const ALPHA = 0.2;
// Negative, signed zero, positive, NaN and infinite inputs, plus random ones; upstream gradients
// with their own NaN and infinities, against negative and positive inputs.
const SPECIAL = [-2, -0.5, -0, 0, 0.5, 3, Number.NaN, Infinity, -Infinity, -1, 1, -1, 1];
const X = Float32Array.from([...SPECIAL, ...normalArray(3000, 11)]);
const DY = Float32Array.from(normalArray(X.length, 12), (v, i) => [Number.NaN, Number.NaN, Infinity, -Infinity][i - 9] ?? v);
const C = normalArray(X.length, 13);
const FINITE = SPECIAL.length;

const values = (t: tf.Tensor) => Float32Array.from(t.dataSync());

function firstOrder(): Record<string, Float32Array> {
  return tf.tidy(() => {
    const x = tf.tensor1d(X);
    const dy = tf.tensor1d(DY);
    const vjp = (f: (x: tf.Tensor) => tf.Tensor) => values(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy)))(x));
    return {
      relu: vjp((v) => tf.relu(v)),
      leakyRelu: vjp((v) => tf.leakyRelu(v, ALPHA)),
      step: values(tf.step(tf.tensor1d([Number.NaN, -1, -0, 0, 2, Infinity, -Infinity]))),
    };
  });
}

describe('on the native backend', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  test('ReLU and LeakyReLU gradients run as the native kernels, not as tfjs’s step and multiply', async () => {
    const x = tf.tensor1d(X);
    const kernels = async (f: () => tf.Tensor) => (await tf.profile(() => tf.tidy(f))).kernelNames;
    expect(await kernels(() => tf.grad((v: tf.Tensor) => tf.relu(v))(x))).toEqual(expect.arrayContaining(['NativeReluGrad']));
    expect(await kernels(() => tf.grad((v: tf.Tensor) => tf.relu(v))(x))).not.toContain('Multiply');
    expect(await kernels(() => tf.grad((v: tf.Tensor) => tf.leakyRelu(v, ALPHA))(x))).toEqual(expect.arrayContaining(['NativeLeakyReluGrad']));
    x.dispose();
  });

  test('gradients and step are bit-identical to tfjs’s own (its gradients and kernels on wasm), ±0 and ∞ included', async () => {
    const native = firstOrder();
    await useBackend('wasm');
    const reference = firstOrder();
    await useBackend('tensorflow');
    // The one documented difference: ReLU's gradient at a NaN input is 0·dy natively, NaN in tfjs.
    const nanInput = SPECIAL.findIndex(Number.isNaN);
    expect([native.relu![nanInput], reference.relu![nanInput]]).toEqual([0 * DY[nanInput]!, Number.NaN]);
    native.relu![nanInput] = Number.NaN;
    // toEqual tells +0 from −0 and takes NaN as equal to NaN.
    expect(native).toEqual(reference);
    expect(Array.from(native.step!)).toEqual([Number.NaN, 0, 0, 0, 1, 1, 0]);
    expect(Array.from(native.relu!.slice(0, 6))).toEqual([DY[0]! * 0, DY[1]! * 0, DY[2]! * 0, DY[3]! * 0, DY[4]!, DY[5]!]);
    expect(native.leakyRelu!.slice(0, 2)).toEqual(Float32Array.from([DY[0]! * Math.fround(ALPHA), DY[1]! * Math.fround(ALPHA)]));
    expect(Array.from(native.relu!.slice(9, FINITE))).toEqual([Number.NaN, Number.NaN, Number.NaN, -Infinity]);
  });

  test('LeakyReLU’s gradient can be differentiated again (the WGAN-GP penalty does)', () => {
    // h(c) = Σ (∂/∂x Σ c·leaky(x))² = Σ c²·leaky′(x)², so ∂h/∂c = 2c·leaky′(x)².
    const got = tf.tidy(() => {
      const x = tf.tensor1d(X);
      const inner = (c: tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(c, tf.leakyRelu(v, ALPHA))))(x);
      return values(tf.grad((c: tf.Tensor) => tf.sum(tf.square(inner(c))))(tf.tensor1d(C)));
    });
    const slope = (x: number) => (x > 0 ? 1 : Math.fround(ALPHA));
    const expected = Float32Array.from(X, (x, i) => 2 * C[i]! * slope(x) ** 2);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });
});
