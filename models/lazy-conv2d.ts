/**
 * `tf.layers.conv2d` whose gradients are computed only when asked for.
 *
 * tfjs-layers' Conv2D runs `tf.fused.conv2d`, whose custom gradient computes the input and the
 * kernel gradients together whenever either is needed. So the GAN generator step pays for the
 * discriminator's kernel gradients, the discriminator step for the input gradient into the images,
 * and the WGAN-GP penalty's inner gradient for kernel gradients it never uses. `tf.conv2d` then
 * `tf.add` have separate, lazy gradients and run the same kernels in the same order (tfjs-node's
 * fused conv is a Conv2D then an Add), so outputs and gradients are the same bits (tested).
 * Alone (native-conv.ts on), alternating steps in one process: DCGAN 0.90–0.98×, WGAN-GP 0.90–0.92×.
 *
 * It is tfjs-layers' own Conv2D class (found in the serialization registry, so no layer is built
 * and no default name taken) with `call` replaced: weights, initialisers and the saved topology
 * (class name `Conv2D`) are unchanged, and `tf.loadLayersModel` reads its checkpoints as plain
 * Conv2D.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional';

type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];

const registered = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D;
if (!registered) throw new Error('tfjs-layers did not register Conv2D; is @tensorflow/tfjs loaded?');
const Conv2DLayer = registered[0] as unknown as typeof Conv2D;

class LazyGradientConv2D extends Conv2DLayer {
  constructor(args: ConvArgs) {
    super(args);
    if (this.dataFormat !== 'channelsLast') throw new RangeError(`${this.name}: dataFormat: expected 'channelsLast', found '${this.dataFormat}'`);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const kernel = this.kernel.read() as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2d(x, kernel, this.strides as [number, number], this.padding as 'same' | 'valid', 'NHWC', this.dilationRate as [number, number]);
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activation.apply(y);
    });
  }
}

export function lazyGradientConv2d(args: ConvArgs): tf.layers.Layer {
  return new LazyGradientConv2D(args);
}
