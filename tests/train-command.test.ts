/**
 * `npm run train -- --publish` and `npm run train-classifier` end to end, in this process, on a few
 * steps of the real training split: the float16 checkpoints they write (here into temporary
 * folders instead of models/checkpoints/).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassifierTraining, runTraining, trainingSteps } from '../commands/train';
import { loadNetwork, readManifest } from '../models/checkpoint';
import { loadClassifier } from '../models/classifier/load';
import { accuracy, CLASSIFIER_CLASSES, predictLabels } from '../models/classifier/model';
import { DEFAULT_CLASSES, loadShoes } from '../models/data/shoes';
import { useBackend } from '../models/backend';
import { toFloat16Bits } from '../models/float16';
import { loadGenerative } from '../models/registry';
import { LOG_FILE } from '../models/train';

const scratch = mkdtempSync(join(tmpdir(), 'train-command-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('steps: --steps as given, else --epochs (10 by default) whole passes of the images a step takes', () => {
  const data = { count: 100, classes: [5, 7] };
  expect(trainingSteps({ kind: 'vae', batch: 8, steps: 7 }, data)).toBe(7);
  expect(trainingSteps({ kind: 'vae', batch: 8, epochs: 2 }, data)).toBe(24); // 12 steps of 8 per pass
  expect(trainingSteps({ kind: 'wgan-gp', batch: 8, epochs: 2 }, data)).toBe(4); // 5 × 8 images a step
  expect(trainingSteps({ kind: 'dcgan', batch: 8 }, data)).toBe(120);
});

test('--publish writes the float16 inference checkpoint of the weights the run trained, with its manifest and step log', async () => {
  const backend = await useBackend('tensorflow');
  const outDir = join(scratch, 'run');
  const publishDir = join(scratch, 'published');
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await runTraining({
      kind: 'vae', steps: 2, batch: 8, seed: 3, classes: [...DEFAULT_CLASSES], outDir, checkpointEvery: 100, qualityEvery: 0,
      publish: true, publishDir, backend, dataDir: process.env.FASHION_MNIST_DIR,
    });
  } finally {
    log.mockRestore();
  }
  const manifest = readManifest<{ kind: string; step: number; weights: string; medianStepMs: number; networks: string[] }>(publishDir);
  expect(manifest).toMatchObject({ kind: 'vae', step: 2, weights: 'float16', networks: ['encoder', 'decoder'] });
  const stepLog = readFileSync(join(publishDir, LOG_FILE), 'utf8');
  expect(stepLog).toBe(readFileSync(join(outDir, LOG_FILE), 'utf8'));
  // Two steps, fewer than the warm-up left out: the median of both is their mean.
  const stepMs = stepLog.trim().split('\n').map((line) => (JSON.parse(line) as { ms: number }).ms);
  expect(stepMs).toHaveLength(2);
  expect(manifest.medianStepMs).toBeCloseTo((stepMs[0]! + stepMs[1]!) / 2, 10);
  for (const name of ['encoder', 'decoder']) {
    const trained = await loadNetwork(outDir, name);
    const published = await loadNetwork(publishDir, name);
    const values = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const [full, half] = [values(trained), values(published)];
    expect(half).toHaveLength(full.length);
    // Every published weight is the trained one rounded to float16, stored in two bytes.
    expect(half.every((v, i) => toFloat16Bits(v) === toFloat16Bits(full[i]!))).toBe(true);
    expect(half.some((v, i) => v !== full[i])).toBe(true);
    expect(statSync(join(publishDir, `${name}.weights.bin`)).size).toBe(2 * full.length);
    trained.dispose();
    published.dispose();
  }
  const generative = await loadGenerative('vae', publishDir);
  expect(generative.latentDim).toBe(100);
});

test('train-classifier writes a float16 checkpoint and records a test accuracy equal to that file’s, over the whole test split', async () => {
  const backend = await useBackend('tensorflow');
  const outDir = join(scratch, 'classifier');
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await runClassifierTraining({ steps: 3, seed: 2, backend, dataDir: process.env.FASHION_MNIST_DIR, outDir });
  } finally {
    log.mockRestore();
  }
  const manifest = readManifest<{ testAccuracy: number; testImages: number; weights: string; steps: number }>(outDir);
  expect(manifest).toMatchObject({ weights: 'float16', steps: 3 });
  const test = loadShoes('test', CLASSIFIER_CLASSES, process.env.FASHION_MNIST_DIR);
  // Guards the record against the file (a different checkpoint, or accuracy over other images);
  // after 3 steps scoring the float32 weights gives the same figure, so not the rounding itself.
  const written = await loadClassifier(outDir);
  expect(accuracy(predictLabels(written, test.images, test.count), test.labels)).toBe(manifest.testAccuracy);
  expect(manifest.testImages).toBe(test.count);
  written.dispose();
});
