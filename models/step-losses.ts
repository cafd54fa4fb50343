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
  try {
    const values = await Promise.all(Object.values(losses).map((t) => t.data()));
    return Object.fromEntries(Object.keys(losses).map((name, i) => [name, values[i]![0]!]));
  } finally {
    tf.dispose(Object.values(losses));
  }
}
