/**
 * The one source of randomness. A run has one integer seed (recorded in its manifest); every
 * stream of random numbers (weight init, shuffling, per-step noise) gets its own seed derived
 * from it by name, so adding a stream never shifts another.
 *
 * TF.js traps this avoids: `tf.randomNormal` treats seed 0 as "no seed" (Math.random), and a fixed
 * seed gives the same noise on every call, so noise seeds are derived per step.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';

const UINT32 = 2 ** 32;

/** FNV-1a over the seed and the path, mixed with a murmur3 finaliser; never 0. */
export function deriveSeed(seed: number, ...path: (string | number)[]): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let hash = 0x811c9dc5;
  for (const char of `${seed}/${path.join('/')}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return ((hash >>> 0) % (UINT32 - 1)) + 1;
}

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  const next = seedrandom.alea(String(seed));
  const uniform = () => next();
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    int: (n) => Math.floor(uniform() * n),
  };
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Standard-normal tensor from a seed that must be non-zero (see the module comment). */
export function normalTensor(shape: number[], seed: number): tf.Tensor {
  if (!Number.isInteger(seed) || seed <= 0) throw new RangeError(`noise seed must be a positive integer, got ${seed}`);
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** Standard-normal values from a seeded generator, for fixed latents stored as plain numbers. */
export function normalArray(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => rng.normal());
}
