/** Synthetic data (never dataset images) for tests and benchmark inputs, and weight fingerprints. */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { createRng } from './seed';
import type { ImageSet } from './data/shoes';
import type { Trainable } from './types';

/** `count` smooth random blobs in [0, 1] with labels alternating 5 and 7. */
export function syntheticShoes(count: number, seed = 1): ImageSet {
  const rng = createRng(seed);
  const images = new Float32Array(count * 784);
  for (let k = 0; k < count; k++) {
    const cx = 8 + rng.uniform() * 12;
    const cy = 8 + rng.uniform() * 12;
    const r = 3 + rng.uniform() * 6;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      images[k * 784 + y * 28 + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
    }
  }
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => (i % 2 ? 5 : 7)), count, classes: [5, 7] };
}

export function weightsHash(models: Record<string, tf.LayersModel>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(models).sort()) {
    for (const w of models[name]!.getWeights()) hash.update(new Uint8Array((w.dataSync() as Float32Array).buffer));
  }
  return hash.digest('hex');
}

export function trainableHash(t: Trainable): string {
  return weightsHash(t.networks);
}
