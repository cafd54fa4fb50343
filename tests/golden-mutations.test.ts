/**
 * Proof that the goldens guard: each realistic change to a model, a loss, the data normalisation or
 * a seed makes the relevant committed golden or baseline fail, while the unchanged pipeline passes.
 * Comparisons run programmatically against the committed files and never write.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_FIXTURES } from '../fixtures/goldens';
import { updateModeOf, type JestSnapshotState } from '../harness/golden/update-mode';
import { allowedDiffPixels, checkBaseline, imagesToGrid, metricsBaselinePath, perturbWeights, readBaselines, resolveCompareOptions } from '../harness/golden';
import { reconstructionFigure, sampleFigure } from '../harness/samples/figures';
import { useBackend, type BackendInfo } from '../models/backend';
import { checkpointDir } from '../models/registry';
import { REFERENCE_VAE } from '../models/vae/config';
import { vaeGenerative } from '../models/vae/model';
import { MODEL_KINDS, type GenerativeModel, type ModelKind } from '../models/types';
import { generatorAsGenerative } from '../models/gan/networks';
import { COLUMNS, FIGURES, PROJECT_ROOT, compareWithGolden, goldenOriginals, loadCommittedModels, type Figure } from './golden-figures';
import { lossTraceEntries, trainingRegressionRun } from './training';

/**
 * Under -u the golden and training files rewrite the goldens and baselines these proofs read, on
 * the other worker, so the proofs would race them: they are skipped then, and run on the plain run
 * that must follow an update anyway.
 */
const proof = updateModeOf(expect.getState().snapshotState as Partial<JestSnapshotState> | undefined) === 'all' ? test.skip : test;

let backend: BackendInfo;
let models: Record<ModelKind, GenerativeModel>;
let originals: Float32Array;

beforeAll(async () => {
  backend = await useBackend('tensorflow');
  models = await loadCommittedModels();
  originals = goldenOriginals();
});

/** A committed network re-read with its topology edited, weights unchanged. */
async function loadEdited(kind: ModelKind, name: string, edit: (topology: string) => string): Promise<tf.LayersModel> {
  const dir = checkpointDir(kind);
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const group = json.weightsManifest[0];
  const bin = readFileSync(join(dir, group.paths[0]));
  const topology = JSON.parse(edit(JSON.stringify(json.modelTopology)));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: group.weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length) }));
}

proof('control: the unchanged pipeline matches its goldens (so the failures below are the mutations)', () => {
  expect(compareWithGolden('vae-samples', sampleFigure(models.vae))).toBeNull();
  expect(compareWithGolden('vae-reconstructions', reconstructionFigure(models.vae, originals))).toBeNull();
  expect(compareWithGolden('dcgan-samples', sampleFigure(models.dcgan))).toBeNull();
});

/** A fresh copy of the committed model with the network `figure` is drawn through perturbed: reconstructions go through the VAE's encoder. */
async function perturbedFor(figure: Figure, relative: number): Promise<{ model: GenerativeModel; restore: () => void }> {
  if (figure.kind !== 'vae') {
    const generator = await loadEdited(figure.kind, 'generator', (t) => t);
    return { model: generatorAsGenerative(figure.kind, generator, models[figure.kind].latentDim), restore: perturbWeights(generator, relative, 1) };
  }
  const [encoder, decoder] = [await loadEdited('vae', 'encoder', (t) => t), await loadEdited('vae', 'decoder', (t) => t)];
  const restore = perturbWeights(figure.name.endsWith('reconstructions') ? encoder : decoder, relative, 1);
  return { model: vaeGenerative(encoder, decoder, REFERENCE_VAE.latentDim), restore };
}

/** Differing pixels the default comparison allows in the grid of `images`. */
function allowedPixels(images: Float32Array): number {
  const grid = imagesToGrid(images, COLUMNS);
  return allowedDiffPixels(resolveCompareOptions({}), grid.width * grid.height);
}

/** A mutation must fail its golden by at least three times the pixels the comparison allows, not by one. */
function expectFailsWithMargin(name: string, images: Float32Array, suite?: string): void {
  const allowed = allowedPixels(images);
  expect(allowed).toBeGreaterThan(0);
  expect(compareWithGolden(name, images, suite)?.diffPixels ?? 0).toBeGreaterThanOrEqual(3 * allowed);
}

proof.each(FIGURES.map((f) => [f.name, f] as const))('%s fails, with a margin, when its network’s weights move by 0.5%%', async (_name, figure) => {
  const { model, restore } = await perturbedFor(figure, 0.005);
  expectFailsWithMargin(figure.name, figure.make(model, originals));
  restore();
  expect(compareWithGolden(figure.name, figure.make(model, originals))).toBeNull();
});

proof('swapping an activation (decoder ReLU → ELU) fails the samples golden', async () => {
  const decoder = await loadEdited('vae', 'decoder', (t) => t.replace('"activation":"relu","use_bias":true,"bias_initializer":{"class_name":"Zeros","config":{}},"bias_regularizer":null,"activity_regularizer":null,"bias_constraint":null,"name":"dec_deconv1"', '"activation":"elu","use_bias":true,"bias_initializer":{"class_name":"Zeros","config":{}},"bias_regularizer":null,"activity_regularizer":null,"bias_constraint":null,"name":"dec_deconv1"'));
  expect(decoder.getLayer('dec_deconv1').getConfig().activation).toBe('elu');
  const encoder = await loadEdited('vae', 'encoder', (t) => t);
  expectFailsWithMargin('vae-samples', sampleFigure(vaeGenerative(encoder, decoder, REFERENCE_VAE.latentDim)));
});

proof('shifting the data normalisation ([0, 1] → [−1, 1]) fails the reconstructions golden', () => {
  const shifted = originals.map((v) => v * 2 - 1);
  expectFailsWithMargin('vae-reconstructions', reconstructionFigure(models.vae, shifted));
});

proof('changing the sampling seed fails the samples goldens', () => {
  const otherSeed = { ...GOLDEN_FIXTURES, latentSeed: GOLDEN_FIXTURES.latentSeed + 1 };
  for (const kind of ['vae', 'dcgan', 'wgan-gp'] as const) expectFailsWithMargin(`${kind}-samples`, sampleFigure(models[kind], otherSeed));
});

proof.each(MODEL_KINDS)('%s: dropping the last training step fails its training golden, with a margin', async (kind) => {
  const suite = join(PROJECT_ROOT, 'tests', 'training-regression.test.ts');
  const samplesAfter = async (steps: number) => sampleFigure((await trainingRegressionRun(kind, backend, { steps })).trainable.asGenerative());
  const name = `training-${kind}-tensorflow`;
  expect(compareWithGolden(name, await samplesAfter(GOLDEN_FIXTURES.trainingSteps), suite)).toBeNull();
  expectFailsWithMargin(name, await samplesAfter(GOLDEN_FIXTURES.trainingSteps - 1), suite);
});

proof('changing α fails the VAE training-regression baseline', async () => {
  const baselines = readBaselines(metricsBaselinePath(PROJECT_ROOT));
  const failures = (alpha: number) =>
    trainingRegressionRun('vae', backend, { alpha }).then((r) =>
      lossTraceEntries('vae', 'tensorflow', r).map(([key, value]) => (baselines[key] ? checkBaseline(key, baselines[key]!, value) : `no baseline ${key}`)).filter(Boolean),
    );
  expect(await failures(REFERENCE_VAE.alpha)).toEqual([]);
  expect((await failures(REFERENCE_VAE.alpha * 1.5)).length).toBeGreaterThan(0);
});
