/**
 * The part of tfjs-node's NodeJSKernelBackend that this project's native kernels (native-gradients.ts,
 * native-conv.ts, native-batch-norm.ts, native-adam.ts) and the bench's op profile
 * (harness/bench/op-profile.ts) use. Every TensorFlow op tfjs-node runs goes through
 * `executeSingleOutput` or `executeMultipleOutputs`.
 */
import type * as tf from '@tensorflow/tfjs';

export const NATIVE_BACKEND = 'tensorflow';

export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

export interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_ATTR_SHAPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
}

/** An op's type attribute (`T`, or `dtype` for the variable ops) set to float32. */
export function float32Attr(backend: NativeBackend, name = 'T'): OpAttr {
  return { name, type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
}

export function isNativeBackend(backend: unknown): backend is NativeBackend {
  const b = backend as Partial<NativeBackend> | null;
  return typeof b?.executeSingleOutput === 'function' && typeof b.executeMultipleOutputs === 'function';
}
