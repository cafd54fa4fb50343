/**
 * A tensor's values, computed inside tf.tidy and read outside it.
 *
 * Never return a typed array from tf.tidy: tidy searches its result for tensors to keep, and it
 * visits a typed array element by element (measured: 210 ms for one batch of 500 VAE samples,
 * four times the decoder's own kernels).
 */
import * as tf from '@tensorflow/tfjs';

/** `build` must return a new tensor: it is disposed once read. */
export function tidyValues<T extends tf.TypedArray = Float32Array>(build: () => tf.Tensor): T {
  const tensor = tf.tidy(build);
  try {
    return tensor.dataSync() as T;
  } finally {
    tensor.dispose();
  }
}
