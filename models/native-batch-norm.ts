/**
 * Batch normalisation in training as libtensorflow's fused kernels on the native backend.
 *
 * In training, tfjs-layers' BatchNormalization computes `tf.moments` (Mean, Sub, Square, Mean),
 * normalises with them and updates the moving averages; tfjs differentiates all of that op by op,
 * through the moments too. TensorFlow's `FusedBatchNorm` (is_training) computes the batch
 * statistics and the normalised output in one kernel, and `FusedBatchNormGrad` the three gradients
 * in another. The two sum in another order than tfjs's ops, so training results differ in the last
 * bits (tested against tfjs's own layer); inference, with the moving averages, is unchanged.
 * A DCGAN step (two such layers in the generator) runs 374 TensorFlow ops instead of 493; its
 * steps, alternating with tfjs's layer in one process: 0.80–0.93× (five runs); WGAN-GP 0.94–0.98×.
 *
 * The kernel's second and third outputs, the batch mean and (biased) variance, feed only the moving
 * averages, which are not differentiated: the gradient ignores anything sent back into them.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchNormalization } from '@tensorflow/tfjs-layers/dist/layers/normalization';
import { float32Attr, NATIVE_BACKEND as NATIVE, type NativeBackend } from './native-backend';

const BATCH_NORM_TRAINING = 'NativeBatchNormTraining';
const BATCH_NORM_TRAINING_GRAD = 'NativeBatchNormTrainingGrad';

interface BatchNormTrainingAttrs {
  epsilon: number;
}

function batchNormAttrs(backend: NativeBackend, epsilon: number) {
  const { TF_ATTR_FLOAT, TF_ATTR_STRING, TF_ATTR_BOOL } = backend.binding;
  return [
    float32Attr(backend),
    { name: 'epsilon', type: TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: TF_ATTR_BOOL, value: true },
  ];
}

/** Runs one of the fused ops and keeps the outputs at `keep`, disposing the others. */
function runFused(backend: NativeBackend, name: string, epsilon: number, inputs: tf.TensorInfo[], keep: number[]): tf.Tensor[] {
  const outputs = backend.executeMultipleOutputs(name, batchNormAttrs(backend, epsilon), inputs, 5);
  tf.dispose(outputs.filter((_, i) => !keep.includes(i)));
  return keep.map((i) => outputs[i]!);
}

function registerKernels(): void {
  tf.registerKernel({
    kernelName: BATCH_NORM_TRAINING,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
      const empty = tf.tensor1d([], 'float32');
      // Outputs: y, batch mean, batch variance with Bessel's correction, then the mean and the biased
      // variance the gradient needs ("reserve space"); tfjs-layers' moving variance is the biased one.
      const kept = runFused(backend as unknown as NativeBackend, 'FusedBatchNorm', epsilon, [inputs.x!, inputs.scale!, inputs.offset!, empty, empty], [0, 3, 4]);
      empty.dispose();
      return kept;
    },
  });
  tf.registerKernel({
    kernelName: BATCH_NORM_TRAINING_GRAD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
      // Outputs: dx, d scale, d offset, then two unused reserve spaces.
      const { dy, x, scale, mean, variance } = inputs;
      return runFused(backend as unknown as NativeBackend, 'FusedBatchNormGrad', epsilon, [dy!, x!, scale!, mean!, variance!], [0, 1, 2]);
    },
  });
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAINING,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, [x, scale, mean, variance], attrs) => {
      const dy = (dys as tf.Tensor[])[0]!;
      // One kernel computes all three, so all three are computed here, not in each input's closure.
      const [dx, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { dy, x: x!, scale: scale!, mean: mean!, variance: variance! }, attrs) as tf.Tensor[];
      return { x: () => dx!, scale: () => dScale!, offset: () => dOffset! };
    },
  });
}

/** Normalised x, batch mean and biased batch variance over every axis but the last of an NHWC x. */
export function batchNormTraining(x: tf.Tensor4D, scale: tf.Tensor1D, offset: tf.Tensor1D, epsilon: number): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  const attrs: BatchNormTrainingAttrs = { epsilon };
  return tf.engine().runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, attrs as unknown as tf.NamedAttrMap) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
}

const registered = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
if (!registered) throw new Error('tfjs-layers did not register BatchNormalization; is @tensorflow/tfjs loaded?');
const BatchNormalizationLayer = registered[0] as unknown as typeof BatchNormalization;

type BatchNormArgs = Parameters<typeof tf.layers.batchNormalization>[0];

/** The fields of tfjs-layers' BatchNormalization that the fused call reads (declared private there). */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/**
 * tfjs-layers' own BatchNormalization class (its saved topology and checkpoints are unchanged) whose
 * training call runs the fused kernels on the native backend, for float32 inputs of rank 2 or 4
 * normalised over the last axis with both scale and offset; anything else is tfjs-layers' call.
 */
class FusedTrainingBatchNormalization extends BatchNormalizationLayer {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const layer = this as unknown as BatchNormFields;
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    const lastAxis = layer.axis === -1 || layer.axis === x.rank - 1;
    const fused = kwargs.training === true && tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined
      && x.dtype === 'float32' && (x.rank === 2 || x.rank === 4) && lastAxis && layer.center && layer.scale;
    if (!fused) return super.call(inputs, kwargs as never) as tf.Tensor;
    return tf.tidy(() => {
      const x4 = (x.rank === 4 ? x : tf.reshape(x, [x.shape[0]!, 1, 1, x.shape[1]!])) as tf.Tensor4D;
      const [y, mean, variance] = batchNormTraining(x4, layer.gamma.read() as tf.Tensor1D, layer.beta.read() as tf.Tensor1D, layer.epsilon);
      // tfjs-layers' moving-average update, op for op.
      for (const [average, batch] of [[layer.movingMean, mean], [layer.movingVariance, variance]] as const) {
        const previous = average.read();
        average.write(tf.sub(previous, tf.mul(tf.sub(previous, batch), 1 - layer.momentum)));
      }
      return x.rank === 4 ? y : tf.reshape(y, x.shape);
    });
  }
}

export function fusedTrainingBatchNormalization(args?: BatchNormArgs): tf.layers.Layer {
  return new FusedTrainingBatchNormalization(args);
}

/** Installs the kernels and gradient above, once per tfjs instance; call after tfjs-node registered its backend. */
export function installNativeBatchNorm(): void {
  if (tf.getKernel(BATCH_NORM_TRAINING, NATIVE) || !tf.getKernel(tf.FusedBatchNorm, NATIVE)) return;
  registerKernels();
}
