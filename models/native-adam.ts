/**
 * One Adam update as TensorFlow's fused `ResourceApplyAdam`, on the native backend.
 *
 * tfjs's Adam arithmetic is ~13 elementwise TensorFlow ops, each a full pass over every parameter
 * (1.0 M in the VAE, where it was a fifth of the step). `ResourceApplyAdam` updates parameters and
 * both moments in one multithreaded pass, but only inside TensorFlow resource variables, which
 * tfjs-node's tensors are not. So the flat parameters and moments are copied into three scratch
 * resource variables, updated there and read back (reads share the buffer). The update alone on
 * 1.0 M parameters, without the concatenations and the split around it: 2.8–3.7 ms this way
 * against 7.6–9.6 ms for tfjs's ops (alternating, one process).
 *
 * The result is tfjs's Adam up to float32 rounding. TensorFlow adds ε to √v, not to √v̂, so it is
 * passed as ε·√(1 − β₂ᵗ), which makes the two the same formula. TensorFlow forms 1 − β in float32
 * from the float32 β, where tfjs forms it in double: for β₂ = 0.999 the new gradient's weight in
 * the second moment is 1.3e-5 smaller, relatively (both are roundings of 0.001). Used on both
 * native backends; on `tensorflow-gpu` (its variables on the GPU) it is untested, like that backend.
 */
import * as tf from '@tensorflow/tfjs';
import { float32Attr, type NativeBackend } from './native-backend';

/** TensorFlow's ResourceHandle::ANONYMOUS_NAME: a variable owned by its handle, freed with it. */
const ANONYMOUS_VARIABLE = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

export interface AdamHyperparameters {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Flat (1-D) parameters and moments. */
export interface AdamState {
  params: tf.Tensor;
  firstMoment: tf.Tensor;
  secondMoment: tf.Tensor;
}

/** Three scratch resource variables of one size (parameters, first and second moment), reused by every update. */
export class NativeAdam {
  private readonly handles: tf.Tensor[];

  constructor(
    private readonly backend: NativeBackend,
    size: number,
  ) {
    const { TF_ATTR_STRING, TF_ATTR_SHAPE } = backend.binding;
    const attrs = [
      { name: 'container', type: TF_ATTR_STRING, value: '' },
      { name: 'shared_name', type: TF_ATTR_STRING, value: ANONYMOUS_VARIABLE },
      float32Attr(backend, 'dtype'),
      { name: 'shape', type: TF_ATTR_SHAPE, value: [size] },
    ];
    this.handles = [0, 1, 2].map(() => tf.keep(backend.executeSingleOutput('VarHandleOp', attrs, [])));
  }

  /**
   * The updated state, new tensors; `accBeta1`/`accBeta2` are β₁ᵗ and β₂ᵗ of this step. Disposes
   * `state.params` (pass a tensor of your own, e.g. a concatenation of the variables).
   */
  update(state: AdamState, gradient: tf.Tensor, accBeta1: tf.Tensor, accBeta2: tf.Tensor, h: AdamHyperparameters): AdamState {
    const { backend, handles } = this;
    const dtype = [float32Attr(backend, 'dtype')];
    return tf.tidy(() => {
      [state.params, state.firstMoment, state.secondMoment].forEach((value, i) => backend.executeMultipleOutputs('AssignVariableOp', dtype, [handles[i]!, value], 0));
      state.params.dispose(); // so that the kernel updates its buffer in place instead of copying it
      const epsilon = tf.mul(tf.sqrt(tf.sub(1, accBeta2)), h.epsilon);
      const scalars = [accBeta1, accBeta2, tf.scalar(h.learningRate), tf.scalar(h.beta1), tf.scalar(h.beta2), epsilon];
      backend.executeMultipleOutputs('ResourceApplyAdam', [float32Attr(backend)], [...handles, ...scalars, gradient], 0);
      const [params, firstMoment, secondMoment] = handles.map((handle) => backend.executeSingleOutput('ReadVariableOp', dtype, [handle]));
      return { params: params!, firstMoment: firstMoment!, secondMoment: secondMoment! };
    });
  }

  dispose(): void {
    tf.dispose(this.handles);
  }
}
