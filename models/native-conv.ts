/**
 * Transposed convolutions into a few channels through TensorFlow's Eigen kernel, not oneDNN.
 *
 * With oneDNN on (models/backend.ts), libtensorflow runs `Conv2DBackpropInput` (tfjs's
 * conv2dTranspose, and every convolution's input gradient) through oneDNN, which is slow when the
 * result has few channels. Batch 64, 14×14 → 28×28, kernel 4, stride 2, on 2 cores: 32 → 1 channel
 * took 5.0–6.3 ms in oneDNN and 0.63–0.78 ms in Eigen; 64 → 1, 128 → 1, 64 → 2, 64 → 3 and
 * 32 → 4 were 4.2–7.4× faster in Eigen. Wider results are faster in oneDNN (64 → 32 channels at
 * 7×7: 2.8 vs 3.4 ms; 128 → 64: 8.2 vs 31 ms), so they stay there. The models' image layers
 * (the decoder's and generators' last layer, the first layer's input gradient) are the slow case.
 *
 * libtensorflow 2.9's eager oneDNN rewrite (`RewriteConv2D` in mkl_eager_op_rewrite.cc) skips ops
 * with explicit padding, so tfjs's SAME/VALID padding is passed as the explicit numbers it stands
 * for. This depends on that rewrite rule: re-measure it when libtensorflow changes. Eigen sums in
 * another order, so results differ from oneDNN's in the last bits (tested against the wasm
 * backend). Steps with lazy-conv2d.ts, alternating with the code before in one process: VAE
 * 0.89–0.93×, DCGAN 0.85–0.86×, WGAN-GP 0.83–0.97× (harness/bench/MEASUREMENTS.md).
 */
import * as tf from '@tensorflow/tfjs';
import { float32Attr, NATIVE_BACKEND as NATIVE, type NativeBackend } from './native-backend';

/** Results with at most this many channels run in Eigen (measured faster up to 4, slower at 32). */
export const EIGEN_MAX_CHANNELS = 4;

/** TensorFlow's `explicit_paddings` (NHWC: batch, height, width, channels; before and after each). */
export function explicitPaddings({ top, bottom, left, right }: tf.backend_util.PadInfo): number[] {
  return [0, 0, top, bottom, left, right, 0, 0];
}

/** SAME or VALID padding, channels last, few result channels; everything else keeps tfjs-node's kernel. */
export function runsInEigen(convInfo: tf.backend_util.Conv2DInfo): boolean {
  const { dataFormat, inChannels, padInfo } = convInfo;
  return dataFormat === 'channelsLast' && inChannels <= EIGEN_MAX_CHANNELS && (padInfo.type === 'SAME' || padInfo.type === 'VALID');
}

function conv2dBackpropInputEigen(dy: tf.TensorInfo, filter: tf.TensorInfo, convInfo: tf.backend_util.Conv2DInfo, backend: NativeBackend): tf.Tensor {
  const { TF_ATTR_INT, TF_ATTR_STRING, TF_ATTR_BOOL } = backend.binding;
  const attrs = [
    float32Attr(backend),
    { name: 'strides', type: TF_ATTR_INT, value: [1, convInfo.strideHeight, convInfo.strideWidth, 1] },
    { name: 'use_cudnn_on_gpu', type: TF_ATTR_BOOL, value: true },
    { name: 'padding', type: TF_ATTR_STRING, value: 'EXPLICIT' },
    { name: 'explicit_paddings', type: TF_ATTR_INT, value: explicitPaddings(convInfo.padInfo) },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'dilations', type: TF_ATTR_INT, value: [1, 1, 1, 1] },
  ];
  return tf.tidy(() => backend.executeSingleOutput(tf.Conv2DBackpropInput, attrs, [tf.tensor1d(convInfo.inShape, 'int32'), filter, dy]));
}

/** Replaces tfjs-node's Conv2DBackpropInput kernel, once per tfjs instance; call after tfjs-node registered its backend. */
export function installNativeConv(): void {
  const original = tf.getKernel(tf.Conv2DBackpropInput, NATIVE);
  if (!original || (original as { eigen?: true }).eigen) return;
  tf.unregisterKernel(tf.Conv2DBackpropInput, NATIVE);
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropInput,
    backendName: NATIVE,
    eigen: true,
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const convInfo = tf.backend_util.computeConv2DInfo(
        inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
        tf.backend_util.convertConv2DDataFormat(dataFormat),
      );
      if (!runsInEigen(convInfo)) return original.kernelFunc(args);
      return conv2dBackpropInputEigen(dy, filter, convInfo, args.backend as NativeBackend);
    },
  } as tf.KernelConfig);
}
