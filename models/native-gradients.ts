/**
 * Activation gradients as libtensorflow's own fused ops on the native backend.
 *
 * tfjs differentiates ReLU as `dy · step(x)`, and tfjs-node builds `step` from seven kernels
 * (IsNan, Greater, Fill ×2, Select ×2, plus scalar tensors); LeakyReLU's gradient is Greater,
 * Multiply and Select. Each kernel costs tens of microseconds in the N-API binding, which
 * dominates the small VAE (see harness/bench/MEASUREMENTS.md). On `tensorflow`, for float32, this makes:
 * - ReLU's gradient one `ReluGrad`: `dy · (x > 0)`, the same float32 product as tfjs's
 *   `dy · step(x)`, so the same bits (±0 and infinities included), except where x is NaN: 0·dy
 *   there, NaN in tfjs. Keeping tfjs's NaN costs two more kernels (IsNan, Select), measured
 *   0.83–0.90× instead of 0.74–0.85× tfjs's VAE step time, and buys nothing: ReLU passes a NaN
 *   input on to its output, so the loss is NaN and models/train.ts stops before that step counts;
 * - `Step` (alpha 0; fused conv/dense layers call it for their ReLU gradient) four kernels,
 *   `Select(IsNan(x), x, ReluGrad(OnesLike(x), x))`: 1 where x > 0, +0 elsewhere, NaN kept;
 * - LeakyReLU's gradient one `LeakyReluGrad`: `x > 0 ? dy : dy · alpha`, tfjs's select, NaN too;
 * each with a gradient of its own, so the WGAN-GP penalty can differentiate them again.
 * Tested bit for bit against tfjs's own gradients and kernels on wasm. Other backends and dtypes
 * keep tfjs's own.
 */
import * as tf from '@tensorflow/tfjs';
import { float32Attr, NATIVE_BACKEND as NATIVE, type NativeBackend } from './native-backend';

const RELU_GRAD = 'NativeReluGrad';
const LEAKY_RELU_GRAD = 'NativeLeakyReluGrad';

/** Runs TensorFlow ops on float32 tensors through the native backend. */
function nativeOps(backend: unknown) {
  const native = backend as NativeBackend;
  const { TF_ATTR_FLOAT } = native.binding;
  return (name: string, inputs: tf.TensorInfo[], alpha?: number) =>
    native.executeSingleOutput(name, [float32Attr(native), ...(alpha === undefined ? [] : [{ name: 'alpha', type: TF_ATTR_FLOAT, value: alpha }])], inputs);
}

function registerKernels(): void {
  const step = tf.getKernel(tf.Step, NATIVE)!;
  tf.unregisterKernel(tf.Step, NATIVE);
  tf.registerKernel({
    kernelName: tf.Step,
    backendName: NATIVE,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if ((args.attrs as unknown as tf.StepAttrs).alpha !== 0 || x.dtype !== 'float32') return step.kernelFunc(args);
      const op = nativeOps(args.backend);
      // tfjs's step keeps NaN; TensorFlow's comparison (inside ReluGrad) does not.
      return tf.tidy(() => op('Select', [op('IsNan', [x]), x, op('ReluGrad', [op('OnesLike', [x]), x])]));
    },
  });
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend }) => nativeOps(backend)('ReluGrad', [inputs.dy!, inputs.x!]),
  });
  tf.registerKernel({
    kernelName: LEAKY_RELU_GRAD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend, attrs }) => nativeOps(backend)('LeakyReluGrad', [inputs.dy!, inputs.x!], attrs!.alpha as number),
  });
}

const onNative = (...tensors: tf.Tensor[]) => tf.getBackend() === NATIVE && tensors.every((t) => t.dtype === 'float32');

/**
 * `x` again, same data and no copy, but with no history on the gradient tape. An activation's
 * gradient depends on x only through the mask x > 0, whose derivative is 0, so a second-order
 * gradient (WGAN-GP's penalty) has nothing to send back through what produced x; from the taped
 * x, tfjs sent zeros back through the critic's whole forward pass on the interpolates (8.35 GFLOP,
 * 16 % of a WGAN-GP step's FLOPs, harness/bench/flops.test.ts). Adding those zeros changed no bit.
 */
function untaped(x: tf.Tensor): tf.Tensor {
  tf.backend().incRef(x.dataId); // the alias holds a reference of its own, released when it is disposed
  return tf.engine().makeTensorFromDataId(x.dataId, x.shape, x.dtype);
}

function registerGradients(): void {
  const relu = tf.getGradient(tf.Relu)!;
  const leakyRelu = tf.getGradient(tf.LeakyRelu)!;
  const reluGrad = (dy: tf.Tensor, x: tf.Tensor) => tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor;
  const leakyReluGrad = (dy: tf.Tensor, x: tf.Tensor, alpha: number) =>
    tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha } as unknown as tf.NamedAttrMap) as tf.Tensor;
  tf.registerGradient({
    ...relu,
    gradFunc: (dy, saved, attrs) => (onNative(dy as tf.Tensor, saved[0]!) ? { x: () => reluGrad(dy as tf.Tensor, untaped(saved[0]!)) } : relu.gradFunc(dy, saved, attrs)),
  });
  tf.registerGradient({
    ...leakyRelu,
    gradFunc: (dy, saved, attrs) =>
      onNative(dy as tf.Tensor, saved[0]!)
        ? { x: () => leakyReluGrad(dy as tf.Tensor, untaped(saved[0]!), (attrs as unknown as tf.LeakyReluAttrs).alpha) }
        : leakyRelu.gradFunc(dy, saved, attrs),
  });
  // Both gradients are linear in dy and piecewise constant in x.
  tf.registerGradient({
    kernelName: RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (ddy, [x]) => ({ dy: () => reluGrad(ddy as tf.Tensor, x!), x: () => tf.zerosLike(x!) }),
  });
  tf.registerGradient({
    kernelName: LEAKY_RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (ddy, [x], attrs) => ({ dy: () => leakyReluGrad(ddy as tf.Tensor, x!, attrs.alpha as number), x: () => tf.zerosLike(x!) }),
  });
}

/** Installs the kernels and gradients above, once per tfjs instance; call after tfjs-node registered its backend. */
export function installNativeGradients(): void {
  if (tf.getKernel(RELU_GRAD, NATIVE) || !tf.getKernel(tf.Step, NATIVE)) return;
  registerKernels();
  registerGradients();
}
