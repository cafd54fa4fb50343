/**
 * Synthetic stand-ins for generator output, for the golden tests: soft-edged blobs on black, as
 * a VAE or GAN draws a shoe. Made from formulas and a seed, never cut from the dataset.
 */
import { createRng } from '../../models/seed';
import { toRgba } from './png';
import { imagesToGrid } from './grid';
import type { GridOptions, RgbaImage } from './types';

export const SIDE = 28;

/**
 * `count` soft ellipses (row-major 28×28 floats in [0, 1]); centre, radii and brightness vary
 * with the seed. Edges fall off over about two pixels, like a decoder's sigmoid output.
 */
export function softBlobs(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(count * SIDE * SIDE);
  for (let k = 0; k < count; k++) {
    const cx = 10 + rng.uniform() * 8;
    const cy = 10 + rng.uniform() * 8;
    const rx = 6 + rng.uniform() * 5;
    const ry = 3 + rng.uniform() * 4;
    const peak = 0.7 + rng.uniform() * 0.3;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const r = Math.hypot((x - cx) / rx, (y - cy) / ry);
        out[k * SIDE * SIDE + y * SIDE + x] = peak / (1 + Math.exp(-(1 - r) / 0.08));
      }
    }
  }
  return out;
}

/** Each image moved `dx` pixels right (columns shifted in from the left are black). */
export function shiftRight(images: Float32Array, dx: number): Float32Array {
  const out = new Float32Array(images.length);
  for (let row = 0; row < images.length / SIDE; row++) {
    for (let x = dx; x < SIDE; x++) out[row * SIDE + x] = images[row * SIDE + x - dx]!;
  }
  return out;
}

/** Adds uniform noise in [−amplitude, +amplitude] to every value (seeded). */
export function withNoise(images: Float32Array, amplitude: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return images.map((v) => v + (rng.uniform() * 2 - 1) * amplitude);
}

export function gridRgba(images: Float32Array, columns: number, options: GridOptions = {}): RgbaImage {
  return toRgba(imagesToGrid(images, columns, options));
}
