/**
 * One Adam update as TensorFlow's fused `ResourceApplyAdam`, on the native backend.
 *
 * tfjs's Adam arithmetic is ~13 elementwise TensorFlow ops, each a full pass over every parameter
 * (1.0 M in the VAE, where it was a fifth of the step). `ResourceApplyAdam` updates parameters and
 * both moments in one multithreaded pass, but only inside TensorFlow resource variables, which
 * tfjs-node's tensors are not. So the flat parameters and moments live in three resource
 * variables: the moments stay there, the parameters are read back after each step (a read shares
 * the buffer until the next update) and loaded again only when the caller's variables changed. The
 * update alone on 1.0 M parameters, without the concatenations and the split around it: 2.8–3.7 ms
 * with all three copied in each step against 7.6–9.6 ms for tfjs's ops (alternating, one process).
 * Keeping them there removed a concatenation of the parameters and three assignments from a step,
 * and the kernel took 1.4 ms instead of 2.0 in one VAE profile each (no longer copying the
 * moments, which were shared with tfjs's tensors, is the likely cause).
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

/** Three resource variables of one size: the flat parameters and both moments. */
export class NativeAdam {
  private readonly handles: tf.Tensor[];

  /** Takes `firstMoment` and `secondMoment` (flat, one size) over: disposed once loaded; untouched if this throws. */
  constructor(
    private readonly backend: NativeBackend,
    firstMoment: tf.Tensor,
    secondMoment: tf.Tensor,
  ) {
    const { TF_ATTR_STRING, TF_ATTR_SHAPE } = backend.binding;
    const attrs = [
      { name: 'container', type: TF_ATTR_STRING, value: '' },
      { name: 'shared_name', type: TF_ATTR_STRING, value: ANONYMOUS_VARIABLE },
      float32Attr(backend, 'dtype'),
      { name: 'shape', type: TF_ATTR_SHAPE, value: firstMoment.shape },
    ];
    const handles: tf.Tensor[] = [];
    this.handles = handles;
    try {
      for (let i = 0; i < 3; i++) handles.push(tf.keep(backend.executeSingleOutput('VarHandleOp', attrs, [])));
      this.assign(1, firstMoment);
      this.assign(2, secondMoment);
    } catch (error) {
      tf.dispose(handles);
      throw error;
    }
    tf.dispose([firstMoment, secondMoment]);
  }

  /**
   * One step; returns the new flat parameters (a new tensor). `params`, when given, are loaded
   * first and disposed; without them the step continues from the parameters it returned last.
   * `accBeta1`/`accBeta2` are β₁ᵗ and β₂ᵗ of this step.
   */
  update(params: tf.Tensor | undefined, gradient: tf.Tensor, accBeta1: tf.Tensor, accBeta2: tf.Tensor, h: AdamHyperparameters): tf.Tensor {
    const { backend, handles } = this;
    if (params) {
      this.assign(0, params);
      params.dispose();
    }
    return tf.tidy(() => {
      const epsilon = tf.mul(tf.sqrt(tf.sub(1, accBeta2)), h.epsilon);
      const scalars = [accBeta1, accBeta2, tf.scalar(h.learningRate), tf.scalar(h.beta1), tf.scalar(h.beta2), epsilon];
      backend.executeMultipleOutputs('ResourceApplyAdam', [float32Attr(backend)], [...handles, ...scalars, gradient], 0);
      return this.read(0);
    });
  }

  /** The flat moments, new tensors. Dispose them before the next step, or it copies the moments first. */
  moments(): [tf.Tensor, tf.Tensor] {
    return [this.read(1), this.read(2)];
  }

  dispose(): void {
    tf.dispose(this.handles);
  }

  /** The caller then disposes `value`, so that no tensor shares the variable's buffer and the kernel updates it in place instead of copying it. */
  private assign(index: number, value: tf.Tensor): void {
    this.backend.executeMultipleOutputs('AssignVariableOp', [float32Attr(this.backend, 'dtype')], [this.handles[index]!, value], 0);
  }

  /** Shares the variable's buffer until the next update (which then copies it). */
  private read(index: number): tf.Tensor {
    return this.backend.executeSingleOutput('ReadVariableOp', [float32Attr(this.backend, 'dtype')], [this.handles[index]!]);
  }
}
