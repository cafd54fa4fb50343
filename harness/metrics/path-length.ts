/**
 * Latent-neighbourhood smoothness.
 *
 * Path length, after StyleGAN's perceptual path length (Karras et al. 2019, "A style-based generator
 * architecture for GANs", §3; NVlabs/stylegan metrics/perceptual_path_length.py):
 *   E[ d(G(a), G(b)) ] / ε²  with b an ε-step from a along a latent path,
 * d the squared Euclidean distance in pixels or in a feature space (StyleGAN uses LPIPS), and the
 * mean taken after dropping values below the 1st and above the 99th percentile. Paths:
 * - `direction`: a = z ~ N(0, I), b = z + εu for a random unit u; for G(z) = Az this is ‖Au‖².
 * - `lerp` / `slerp`: a, b at t and t + ε, t ~ U(0, 1), between z₁, z₂ ~ N(0, I). Slerp is the
 *   great-circle path (Shoemake 1985; White 2016) on unnormalised z, not StyleGAN's unit-sphere
 *   one, because our generators see unnormalised z (it keeps the norm only between ends of equal
 *   norm; for two N(0, I) draws in 100 dimensions the norms agree within a few percent).
 *
 * Neighbourhood spread: decode K points drawn uniformly from a ball of radius r around z and take
 * the per-pixel standard deviation, averaged over pixels: how much a small latent move changes the
 * image, without the ε → 0 limit.
 */
import { PIXELS } from '../../models/data/shoes';
import { createRng, deriveSeed, normalArray } from '../../models/seed';
import type { GenerativeModel } from '../../models/types';
import { generateImages } from '../samples/generate';
import { lerp, slerp } from '../samples/latent';
import type { PathInterpolation } from './defaults';
import { extractFeatures, type FeatureExtractor } from './features';

const METRIC = 'pathLength';

export interface PathEndpoints {
  /** `count × latentDim` latents a and b, ε apart along the path. */
  start: Float32Array;
  end: Float32Array;
  count: number;
}

export interface PathEndpointOptions {
  count: number;
  epsilon: number;
  interpolation: PathInterpolation;
  seed: number;
  /** `direction` only: start from these latents (e.g. the ones already decoded as samples). */
  starts?: Float32Array;
}

/** Seeded latent pairs ε apart along the chosen kind of path. */
export function pathEndpoints(latentDim: number, o: PathEndpointOptions): PathEndpoints {
  if (!Number.isInteger(o.count) || o.count < 1) throw new RangeError(`${METRIC}: expected at least 1 latent pair, found ${o.count}`);
  if (!(o.epsilon > 0)) throw new RangeError(`${METRIC}: epsilon must be > 0, found ${o.epsilon}`);
  const size = o.count * latentDim;
  const start = new Float32Array(size);
  const end = new Float32Array(size);
  if (o.interpolation === 'direction') {
    if (o.starts && o.starts.length < size) throw new RangeError(`${METRIC}: ${o.starts.length / latentDim} start latents for ${o.count} pairs`);
    start.set(o.starts ? o.starts.subarray(0, size) : normalArray(size, deriveSeed(o.seed, METRIC, 'z')));
    const directions = normalArray(size, deriveSeed(o.seed, METRIC, 'u'));
    for (let k = 0; k < o.count; k++) {
      let norm = 0;
      for (let i = k * latentDim; i < (k + 1) * latentDim; i++) norm += directions[i]! ** 2;
      norm = Math.sqrt(norm);
      // Computed in float64 and rounded once, so b − a is ε·u up to one float32 rounding of b.
      for (let i = k * latentDim; i < (k + 1) * latentDim; i++) end[i] = start[i]! + (o.epsilon * directions[i]!) / norm;
    }
    return { start, end, count: o.count };
  }
  const z1 = normalArray(size, deriveSeed(o.seed, METRIC, 'z1'));
  const z2 = normalArray(size, deriveSeed(o.seed, METRIC, 'z2'));
  const rng = createRng(deriveSeed(o.seed, METRIC, 't'));
  const path = o.interpolation === 'slerp' ? slerp : lerp;
  for (let k = 0; k < o.count; k++) {
    const a = z1.subarray(k * latentDim, (k + 1) * latentDim);
    const b = z2.subarray(k * latentDim, (k + 1) * latentDim);
    const t = rng.uniform();
    start.set(path(a, b, t), k * latentDim);
    end.set(path(a, b, t + o.epsilon), k * latentDim);
  }
  return { start, end, count: o.count };
}

/** ‖aᵢ − bᵢ‖² / ε² for each of the rows (of `width` values) of `a` and `b`. */
export function scaledSquaredDistances(a: Float32Array, b: Float32Array, width: number, epsilon: number): Float64Array {
  if (a.length !== b.length || a.length % width !== 0) {
    throw new RangeError(`${METRIC}: endpoint arrays differ or are not rows of ${width} (${a.length} vs ${b.length} values)`);
  }
  const out = new Float64Array(a.length / width);
  for (let k = 0; k < out.length; k++) {
    let sum = 0;
    for (let i = k * width; i < (k + 1) * width; i++) sum += (a[i]! - b[i]!) ** 2;
    if (!Number.isFinite(sum)) throw new RangeError(`${METRIC}: distance of pair ${k} is ${sum}`);
    out[k] = sum / epsilon ** 2;
  }
  return out;
}

export interface TrimmedMean {
  value: number;
  /** The values kept, in input order. */
  kept: Float64Array;
  /** Percentile bounds used, inclusive. */
  bounds: [number, number];
}

/**
 * Mean of the values between two percentiles, inclusive: StyleGAN's `np.percentile(…, 1,
 * interpolation='lower')` and `(…, 99, interpolation='higher')`, so the bounds are sample values.
 */
export function trimmedMean(values: ArrayLike<number>, percentiles: readonly [number, number]): TrimmedMean {
  if (values.length === 0) throw new RangeError(`${METRIC}: expected at least one distance, found none`);
  const sorted = Float64Array.from(values).sort();
  const position = (p: number) => ((sorted.length - 1) * p) / 100;
  const bounds: [number, number] = [sorted[Math.floor(position(percentiles[0]))]!, sorted[Math.ceil(position(percentiles[1]))]!];
  const kept = Float64Array.from(values).filter((v) => v >= bounds[0] && v <= bounds[1]);
  return { value: kept.reduce((s, v) => s + v, 0) / kept.length, kept, bounds };
}

export interface PathLengthOptions extends PathEndpointOptions {
  trimPercentiles: readonly [number, number];
  batchSize?: number;
  /** Also measure distances in this feature space. */
  features?: FeatureExtractor;
}

export interface PathLength {
  pixels: TrimmedMean & { distances: Float64Array };
  features?: TrimmedMean & { distances: Float64Array };
}

/** Path length of a model from decoded endpoints (start images may be reused samples). */
export function pathLengthFromImages(
  startImages: Float32Array,
  endImages: Float32Array,
  o: Pick<PathLengthOptions, 'epsilon' | 'trimPercentiles' | 'features' | 'batchSize'> & { startFeatures?: Float32Array },
): PathLength {
  const pixels = scaledSquaredDistances(startImages, endImages, PIXELS, o.epsilon);
  const result: PathLength = { pixels: { ...trimmedMean(pixels, o.trimPercentiles), distances: pixels } };
  if (o.features) {
    const count = startImages.length / PIXELS;
    const a = o.startFeatures ?? extractFeatures(o.features, startImages, count, o.batchSize).data;
    const b = extractFeatures(o.features, endImages, count, o.batchSize).data;
    const inFeatures = scaledSquaredDistances(a, b, o.features.dim, o.epsilon);
    result.features = { ...trimmedMean(inFeatures, o.trimPercentiles), distances: inFeatures };
  }
  return result;
}

export function pathLength(model: GenerativeModel, o: PathLengthOptions): PathLength {
  const ends = pathEndpoints(model.latentDim, o);
  return pathLengthFromImages(generateImages(model, ends.start, o.batchSize), generateImages(model, ends.end, o.batchSize), o);
}

export interface SpreadOptions {
  /** `count × latentDim` centres. */
  centres: Float32Array;
  neighbours: number;
  radius: number;
  seed: number;
  batchSize?: number;
}

/** Points uniform in the ball of `radius` around each centre: direction uniform, length r·U^(1/d). */
export function ballNeighbours(latentDim: number, o: SpreadOptions): Float32Array {
  const centres = o.centres.length / latentDim;
  const out = new Float32Array(centres * o.neighbours * latentDim);
  const directions = normalArray(out.length, deriveSeed(o.seed, 'spread', 'direction'));
  const rng = createRng(deriveSeed(o.seed, 'spread', 'radius'));
  for (let p = 0; p < centres * o.neighbours; p++) {
    const c = Math.floor(p / o.neighbours);
    let norm = 0;
    for (let i = 0; i < latentDim; i++) norm += directions[p * latentDim + i]! ** 2;
    const length = (o.radius * rng.uniform() ** (1 / latentDim)) / Math.sqrt(norm);
    for (let i = 0; i < latentDim; i++) out[p * latentDim + i] = o.centres[c * latentDim + i]! + length * directions[p * latentDim + i]!;
  }
  return out;
}

/** Per centre: the mean over pixels of the standard deviation over its K decodings. */
export function spreadOfDecodings(images: Float32Array, neighbours: number): Float64Array {
  const groups = images.length / (PIXELS * neighbours);
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`neighbourhoodSpread: ${images.length / PIXELS} images are not groups of ${neighbours}`);
  const out = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    let total = 0;
    for (let p = 0; p < PIXELS; p++) {
      let sum = 0;
      let squares = 0;
      for (let k = 0; k < neighbours; k++) {
        const v = images[(g * neighbours + k) * PIXELS + p]!;
        sum += v;
        squares += v * v;
      }
      const mean = sum / neighbours;
      total += Math.sqrt(Math.max(squares / neighbours - mean * mean, 0));
    }
    out[g] = total / PIXELS;
  }
  return out;
}

export function neighbourhoodSpread(model: GenerativeModel, o: SpreadOptions): Float64Array {
  if (o.centres.length === 0 || o.centres.length % model.latentDim !== 0) {
    throw new RangeError(`neighbourhoodSpread: expected centres as rows of ${model.latentDim} latents, found ${o.centres.length} values`);
  }
  if (!Number.isInteger(o.neighbours) || o.neighbours < 2) throw new RangeError(`neighbourhoodSpread: expected ≥ 2 neighbours, found ${o.neighbours}`);
  if (!(o.radius > 0)) throw new RangeError(`neighbourhoodSpread: radius must be > 0, found ${o.radius}`);
  return spreadOfDecodings(generateImages(model, ballNeighbours(model.latentDim, o), o.batchSize), o.neighbours);
}
