/**
 * The images the goldens guard (and the report shows), each a plain function of a model and the
 * fixed inputs in fixtures/goldens.ts: reconstructions or inversions of fixed test images, samples
 * from shared latents, and interpolation strips.
 */
import { SANDAL, SNEAKER, PIXELS, type ImageSet } from '../../models/data/shoes';
import type { GenerativeModel } from '../../models/types';
import { GOLDEN_FIXTURES } from '../../fixtures/goldens';
import { invertImages } from '../metrics/inversion';
import { slerp } from '../metrics/path-length';
import { fixedLatents, generateImages, reconstructImages } from './generate';

export type Fixtures = typeof GOLDEN_FIXTURES;

/** The first `count` test images alternating sandal and sneaker, in test-set order. */
export function alternatingTestImages(test: ImageSet, count: number): ImageSet {
  const byClass = [SANDAL, SNEAKER].map((c) => Array.from(test.labels.keys()).filter((i) => test.labels[i] === c));
  const picked = Array.from({ length: count }, (_, k) => byClass[k % 2]![Math.floor(k / 2)]!);
  const images = new Float32Array(count * PIXELS);
  picked.forEach((i, k) => images.set(test.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS));
  return { images, labels: Uint8Array.from(picked, (i) => test.labels[i]!), count, classes: [SANDAL, SNEAKER] };
}

/** VAE: decoder(encoder mean); GANs: G(z*) with z* found by seeded latent optimisation. */
export function reconstructionFigure(model: GenerativeModel, originals: Float32Array, f: Fixtures = GOLDEN_FIXTURES): Float32Array {
  if (model.encode) return reconstructImages(model, originals);
  return invertImages(model, originals, { steps: f.inversionSteps, restarts: 1, learningRate: f.inversionLearningRate, seed: f.latentSeed }).reconstructions;
}

export function sampleFigure(model: GenerativeModel, f: Fixtures = GOLDEN_FIXTURES): Float32Array {
  return generateImages(model, fixedLatents(f.samples, model.latentDim, f.latentSeed, 'samples'));
}

/** Rows of spherical interpolation between pairs of fixed latents, ends included. */
export function interpolationFigure(model: GenerativeModel, f: Fixtures = GOLDEN_FIXTURES): Float32Array {
  const d = model.latentDim;
  const ends = fixedLatents(2 * f.interpolationStrips, d, f.latentSeed, 'interpolation');
  const latents = new Float32Array(f.interpolationStrips * f.interpolationSteps * d);
  for (let s = 0; s < f.interpolationStrips; s++) {
    const a = ends.subarray(2 * s * d, (2 * s + 1) * d);
    const b = ends.subarray((2 * s + 1) * d, (2 * s + 2) * d);
    for (let k = 0; k < f.interpolationSteps; k++) latents.set(slerp(a, b, k / (f.interpolationSteps - 1)), (s * f.interpolationSteps + k) * d);
  }
  return generateImages(model, latents);
}
