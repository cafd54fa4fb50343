/** Reading a training step's losses back from the device, then disposing them. */
import * as tf from '@tensorflow/tfjs';
import type { StepLosses, StepLossTensors } from './types';

export function readLosses(losses: StepLossTensors): StepLosses {
  try {
    return Object.fromEntries(Object.entries(losses).map(([name, t]) => [name, t.dataSync()[0]!]));
  } finally {
    tf.dispose(Object.values(losses));
  }
}

/** As `readLosses`, awaiting each read: the only kind of read the WebGPU backend does reliably. */
export async function readLossesAsync(losses: StepLossTensors): Promise<StepLosses> {
  // Every read settles before anything is disposed, even when one fails.
  const reads = await Promise.allSettled(Object.values(losses).map((t) => t.data()));
  tf.dispose(Object.values(losses));
  const failed = reads.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return Object.fromEntries(Object.keys(losses).map((name, i) => [name, (reads[i] as PromiseFulfilledResult<ArrayLike<number>>).value[0]!]));
}

/**
 * `f()`, disposing the loss tensors a step has kept so far (`tf.keep`: no tidy frees them) if it
 * throws, e.g. on a backend without a kernel the backward pass needs.
 */
export function disposingOnError<T>(kept: Partial<Record<string, tf.Tensor>>, f: () => T): T {
  try {
    return f();
  } catch (error) {
    tf.dispose(Object.values(kept).filter((t): t is tf.Tensor => t !== undefined));
    throw error;
  }
}
