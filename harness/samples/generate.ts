/** Turns latents into images (row-major 28×28 in [0, 1]) in batches, and fixed latents from seeds. */
import * as tf from '@tensorflow/tfjs';
import type { GenerativeModel } from '../../models/types';
import { deriveSeed, normalArray } from '../../models/seed';
import { tidyValues } from '../../models/tensor-values';
import { PIXELS } from '../../models/data/shoes';
import { imagesToTensor } from '../../models/layers';

export function fixedLatents(count: number, latentDim: number, seed: number, purpose: string): Float32Array {
  return normalArray(count * latentDim, deriveSeed(seed, 'latents', purpose));
}

export function generateImages(model: GenerativeModel, latents: Float32Array, batch = 500): Float32Array {
  const count = latents.length / model.latentDim;
  if (!Number.isInteger(count)) throw new RangeError(`latents: ${latents.length} values is not a multiple of latent size ${model.latentDim}`);
  const out = new Float32Array(count * PIXELS);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const z = latents.subarray(start * model.latentDim, (start + n) * model.latentDim);
    out.set(tidyValues(() => model.generate(tf.tensor2d(z, [n, model.latentDim]))), start * PIXELS);
  }
  return out;
}

/** VAE reconstructions: encoder mean → decoder. */
export function reconstructImages(model: GenerativeModel, images: Float32Array, batch = 500): Float32Array {
  if (!model.encode) throw new Error(`${model.kind} has no encoder; use latent inversion instead`);
  const count = images.length / PIXELS;
  const out = new Float32Array(images.length);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    out.set(
      tidyValues(() => model.generate(model.encode!(imagesToTensor(images.subarray(start * PIXELS, (start + n) * PIXELS), n)))),
      start * PIXELS,
    );
  }
  return out;
}
