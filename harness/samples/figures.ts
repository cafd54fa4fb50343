/**
 * The images the goldens guard (and the report shows), each a plain function of a model and the
 * fixed inputs in fixtures/goldens.ts: reconstructions or inversions of fixed test images, samples
 * from shared latents, and interpolation strips.
 */
import { SANDAL, SNEAKER, gather, type ImageSet } from '../../models/data/shoes';
import type { GenerativeModel } from '../../models/types';
import { GOLDEN_FIXTURES } from '../../fixtures/goldens';
import { invertImages, type InversionOptions } from '../metrics/inversion';
import { fixedLatents, generateImages, reconstructImages } from './generate';
import { slerpPath } from './latent';

export type Fixtures = typeof GOLDEN_FIXTURES;

/**
 * The first `count` images of `test` alternating between `classes` in test-set order (sandal,
 * sneaker, sandal, …); once a class runs out, the others go on alone.
 */
export function alternatingTestImages(test: ImageSet, count: number, classes: readonly number[] = [SANDAL, SNEAKER]): ImageSet {
  const byClass = classes.map((c) => Array.from(test.labels.keys()).filter((i) => test.labels[i] === c));
  const picked: number[] = [];
  for (let k = 0; picked.length < count && byClass.some((list) => k < list.length); k++) {
    for (const list of byClass) if (picked.length < count && k < list.length) picked.push(list[k]!);
  }
  return { images: gather(test, picked), labels: Uint8Array.from(picked, (i) => test.labels[i]!), count: picked.length, classes: [...classes] };
}

/** VAE: decoder(encoder mean); GANs: G(z*) with z* found by seeded latent optimisation. */
export function reconstructOrInvert(model: GenerativeModel, originals: Float32Array, inversion: InversionOptions): Float32Array {
  return model.encode ? reconstructImages(model, originals) : invertImages(model, originals, inversion).reconstructions;
}

/** `reconstructOrInvert` with the goldens' inversion settings: one start per image. */
export function reconstructionFigure(model: GenerativeModel, originals: Float32Array, f: Fixtures = GOLDEN_FIXTURES): Float32Array {
  return reconstructOrInvert(model, originals, { steps: f.inversionSteps, restarts: 1, learningRate: f.inversionLearningRate, seed: f.latentSeed });
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
    latents.set(slerpPath(a, b, f.interpolationSteps), s * f.interpolationSteps * d);
  }
  return generateImages(model, latents);
}
