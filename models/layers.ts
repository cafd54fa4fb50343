/** Small builders shared by the networks: every layer is named and seeded from the run seed. */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from './seed';

export type Initialised = { name: string; kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform> };

/** Glorot-uniform kernels seeded per layer name (Keras' default initialiser, made reproducible). */
export function seeded(seed: number, name: string): Initialised {
  return { name, kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'init', name) }) };
}

export function imagesToTensor(images: Float32Array, count: number): tf.Tensor4D {
  return tf.tensor4d(images, [count, 28, 28, 1]);
}

/** [-1, 1] → [0, 1], for tanh generators. */
export function tanhToUnit(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(x, 0.5), 0.5));
}
