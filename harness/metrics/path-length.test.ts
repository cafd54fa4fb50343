import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../models/backend';
import { createRng, deriveSeed, normalArray } from '../../models/seed';
import type { GenerativeModel } from '../../models/types';
import type { FeatureExtractor } from './features';
import { slerp } from '../samples/latent';
import { neighbourhoodSpread, pathEndpoints, pathLength, spreadOfDecodings, trimmedMean } from './path-length';

const PIXELS = 784;
const LATENT = 4;

/** G(z) = Az: `matrix` is LATENT × 784, row-major. */
function linearModel(matrix: Float32Array): GenerativeModel {
  const a = tf.tensor2d(matrix, [LATENT, PIXELS]);
  return { kind: 'vae', latentDim: LATENT, generate: (z) => tf.tidy(() => tf.reshape(tf.matMul(z, a), [z.shape[0], 28, 28, 1]) as tf.Tensor4D) };
}

/** c times the embedding of z into the first pixels: path length c² for unit directions. */
function scaledEmbedding(c: number): Float32Array {
  const m = new Float32Array(LATENT * PIXELS);
  for (let i = 0; i < LATENT; i++) m[i * PIXELS + i] = c;
  return m;
}

function randomMatrix(seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: LATENT * PIXELS }, () => rng.normal() * 0.1);
}

const base = { count: 200, epsilon: 1e-2, interpolation: 'direction' as const, seed: 1, trimPercentiles: [1, 99] as const };

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('G(z) = c·embedding(z) has path length c² in every direction', () => {
  const result = pathLength(linearModel(scaledEmbedding(3)), base);
  result.pixels.distances.forEach((d) => expect(d).toBeCloseTo(9, 2));
  expect(result.pixels.value).toBeCloseTo(9, 2);
});

test('the default ε = 1e-4 is still accurate in float32', () => {
  expect(pathLength(linearModel(scaledEmbedding(3)), { ...base, epsilon: 1e-4 }).pixels.value).toBeCloseTo(9, 1);
});

test('G(z) = Az gives ‖Au‖² per pair, and E‖Au‖² = ‖A‖²_F / d over random unit u', () => {
  const a = randomMatrix(2);
  const result = pathLength(linearModel(a), { ...base, count: 1000 });
  const ends = pathEndpoints(LATENT, { ...base, count: 1000 });
  for (const k of [0, 1, 500]) {
    let expected = 0;
    for (let p = 0; p < PIXELS; p++) {
      let au = 0;
      for (let i = 0; i < LATENT; i++) au += (a[i * PIXELS + p]! * (ends.end[k * LATENT + i]! - ends.start[k * LATENT + i]!)) / base.epsilon;
      expected += au ** 2;
    }
    expect(result.pixels.distances[k]).toBeCloseTo(expected, 2);
  }
  const frobenius = a.reduce((s, v) => s + v * v, 0);
  const mean = result.pixels.distances.reduce((s, v) => s + v, 0) / 1000;
  expect(mean / (frobenius / LATENT)).toBeCloseTo(1, 1);
});

test('lerp steps ε(z₂ − z₁), so G(z) = c·embedding(z) gives c²‖z₂ − z₁‖² whatever t', () => {
  const options = { ...base, interpolation: 'lerp' as const, count: 20 };
  const result = pathLength(linearModel(scaledEmbedding(2)), options);
  // The pairs, drawn here as the metric documents them: z₁ and z₂ from the run seed's named streams.
  const z1 = normalArray(20 * LATENT, deriveSeed(base.seed, 'pathLength', 'z1'));
  const z2 = normalArray(20 * LATENT, deriveSeed(base.seed, 'pathLength', 'z2'));
  for (let k = 0; k < 20; k++) {
    let squared = 0;
    for (let i = k * LATENT; i < (k + 1) * LATENT; i++) squared += (z2[i]! - z1[i]!) ** 2;
    expect(result.pixels.distances[k]! / (4 * squared)).toBeCloseTo(1, 2);
  }
});

test('slerp runs from z₁ to z₂ along the great circle, keeping equal norms', () => {
  const z1 = [3, 0, 0, 0];
  const z2 = [0, 3, 0, 0];
  expect(Array.from(slerp(z1, z2, 0))).toEqual(z1);
  Array.from(slerp(z1, z2, 1)).forEach((v, i) => expect(v).toBeCloseTo(z2[i]!, 12));
  const mid = slerp(z1, z2, 0.5);
  expect(mid[0]).toBeCloseTo(3 / Math.SQRT2, 12);
  expect(mid[1]).toBeCloseTo(3 / Math.SQRT2, 12);
  // Speed along the arc is angle × radius = (π/2)·3 at every t.
  for (const t of [0.1, 0.5, 0.9]) {
    const [a, b] = [slerp(z1, z2, t), slerp(z1, z2, t + 1e-6)];
    expect(Math.hypot(...a.map((v, i) => b[i]! - v)) / 1e-6).toBeCloseTo((3 * Math.PI) / 2, 4);
  }
});

test('feature-space distances use the extractor', () => {
  // Features: twice the first four pixels, so distances are 4× the pixel ones.
  const doubled: FeatureExtractor = {
    name: 'first-pixels-doubled',
    dim: LATENT,
    extract: (images) => tf.tidy(() => tf.mul(tf.slice(tf.reshape(images, [images.shape[0], PIXELS]), [0, 0], [-1, LATENT]), 2) as tf.Tensor2D),
  };
  const result = pathLength(linearModel(scaledEmbedding(3)), { ...base, features: doubled });
  expect(result.features!.value).toBeCloseTo(36, 1);
});

test('trimmed mean drops values outside the 1st–99th percentiles (numpy lower / higher)', () => {
  const values = Float64Array.from({ length: 1001 }, (_, i) => (i === 1000 ? 1e9 : i));
  const trimmed = trimmedMean(values, [1, 99]);
  expect(trimmed.bounds).toEqual([10, 990]);
  expect(trimmed.value).toBe(500);
  expect(trimmed.kept).toHaveLength(981);
});

test('neighbourhood spread: by hand, and zero for a model that ignores z', () => {
  const twoImages = new Float32Array(2 * PIXELS).fill(1, PIXELS);
  expect(Array.from(spreadOfDecodings(twoImages, 2))).toEqual([0.5]);
  const centres = new Float32Array(3 * LATENT);
  const options = { centres, neighbours: 8, radius: 0.5, seed: 1 };
  expect(Array.from(neighbourhoodSpread(linearModel(new Float32Array(LATENT * PIXELS)), options))).toEqual([0, 0, 0]);
  const one = neighbourhoodSpread(linearModel(scaledEmbedding(1)), options);
  const two = neighbourhoodSpread(linearModel(scaledEmbedding(2)), options);
  one.forEach((s, k) => {
    expect(s).toBeGreaterThan(0);
    expect(two[k]! / s).toBeCloseTo(2, 5);
  });
});

test('invalid input is a RangeError naming the metric', () => {
  expect(() => pathEndpoints(LATENT, { ...base, count: 0 })).toThrow(/pathLength: expected at least 1 latent pair, found 0/);
  expect(() => pathEndpoints(LATENT, { ...base, epsilon: 0 })).toThrow(/pathLength: epsilon must be > 0, found 0/);
  expect(() => trimmedMean([], [1, 99])).toThrow(/pathLength: expected at least one distance/);
  const nanModel: GenerativeModel = { kind: 'vae', latentDim: LATENT, generate: (z) => tf.fill([z.shape[0], 28, 28, 1], NaN) as tf.Tensor4D };
  expect(() => pathLength(nanModel, base)).toThrow(/pathLength: distance of pair 0 is NaN/);
  expect(() => neighbourhoodSpread(linearModel(scaledEmbedding(1)), { centres: new Float32Array(3), neighbours: 8, radius: 0.5, seed: 1 })).toThrow(
    /neighbourhoodSpread: expected centres as rows of 4 latents, found 3 values/,
  );
});
