/**
 * Activation gradients as libtensorflow's own one-kernel ops on the native backend.
 *
 * tfjs differentiates ReLU as `dy · step(x)`, and tfjs-node builds `step` from seven kernels
 * (IsNan, Greater, Fill ×2, Select ×2, plus scalar tensors); LeakyReLU's gradient is Greater,
 * Multiply and Select. Each kernel costs tens of microseconds in the N-API binding, which
 * dominates the small VAE (see harness/bench/README.md). On `tensorflow` this module makes:
 * - `Step` four kernels (IsNan, Relu, Sign, Select), same values: 1 where x > 0, alpha elsewhere,
 *   NaN stays NaN (fused conv/dense layers call it for their ReLU gradient);
 * - ReLU's gradient one `ReluGrad` kernel, LeakyReLU's one `LeakyReluGrad` kernel, with a
 *   gradient of their own so the WGAN-GP penalty can differentiate them again.
 * Values are the same as tfjs's formulas (select by x > 0, then the same float32 product), so
 * training is bit-for-bit unchanged (tested in models/native-gradients.test.ts). Other backends
 * keep tfjs's own formulas.
 */
import * as tf from '@tensorflow/tfjs';

/** The public surface of tfjs-node's NodeJSKernelBackend that custom kernels use. */
interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: { name: string; type: number; value: number }[], inputs: tf.TensorInfo[]): tf.Tensor;
}

const NATIVE = 'tensorflow';
const RELU_GRAD = 'NativeReluGrad';
const LEAKY_RELU_GRAD = 'NativeLeakyReluGrad';

function floatAttrs(backend: NativeBackend, alpha?: number) {
  const type = { name: 'T', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
  return alpha === undefined ? [type] : [type, { name: 'alpha', type: backend.binding.TF_ATTR_FLOAT, value: alpha }];
}

function registerStep(): void {
  const original = tf.getKernel(tf.Step, NATIVE);
  if (!original) return;
  tf.unregisterKernel(tf.Step, NATIVE);
  tf.registerKernel({
    kernelName: tf.Step,
    backendName: NATIVE,
    kernelFunc: (args) => {
      const { alpha } = args.attrs as unknown as tf.StepAttrs;
      const x = args.inputs.x as tf.TensorInfo;
      if (alpha !== 0 || x.dtype !== 'float32') return original.kernelFunc(args);
      const backend = args.backend as unknown as NativeBackend;
      const run = (name: string, inputs: tf.TensorInfo[]) => backend.executeSingleOutput(name, floatAttrs(backend), inputs);
      return tf.tidy(() => run('Select', [run('IsNan', [x]), x, run('Sign', [run('Relu', [x])])]));
    },
  });
}

function registerNativeKernels(): void {
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend }) =>
      (backend as unknown as NativeBackend).executeSingleOutput('ReluGrad', floatAttrs(backend as unknown as NativeBackend), [inputs.dy!, inputs.x!]),
  });
  tf.registerKernel({
    kernelName: LEAKY_RELU_GRAD,
    backendName: NATIVE,
    kernelFunc: ({ inputs, backend, attrs }) =>
      (backend as unknown as NativeBackend).executeSingleOutput('LeakyReluGrad', floatAttrs(backend as unknown as NativeBackend, attrs!.alpha as number), [
        inputs.dy!,
        inputs.x!,
      ]),
  });
}

const onNative = () => tf.getBackend() === NATIVE;
const reluGrad = (dy: tf.Tensor, x: tf.Tensor): tf.Tensor =>
  onNative() ? (tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor) : tf.mul(dy, tf.step(tf.cast(x, 'float32')));
const leakyReluGrad = (dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor =>
  onNative()
    ? (tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha } as unknown as tf.NamedAttrMap) as tf.Tensor)
    : tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));

function registerGradients(): void {
  tf.registerGradient({ kernelName: tf.Relu, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => reluGrad(dy as tf.Tensor, x!) }) });
  tf.registerGradient({
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => leakyReluGrad(dy as tf.Tensor, x!, (attrs as unknown as tf.LeakyReluAttrs).alpha) }),
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

let installed = false;

/** Installs the kernels and gradients above; call after the native backend is registered. */
export function installNativeGradients(): void {
  if (installed) return;
  registerStep();
  registerNativeKernels();
  registerGradients();
  installed = true;
}
