/** `train` and `train-classifier`: CLI glue around models/train.ts with a progress bar. */
import { SingleBar, Presets } from 'cli-progress';
import type { LayersModel } from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendInfo } from '../models/backend';
import { MANIFEST_FILE, loadNetwork, readManifest, saveCheckpoint } from '../models/checkpoint';
import { CLASSIFIER_CLASSES, accuracy, predictLabels, trainClassifier } from '../models/classifier/model';
import { CLASSIFIER_DIR, loadClassifier } from '../models/classifier/load';
import { datasetChecksums } from '../models/data/fashion-mnist';
import { PIXELS, SANDAL, SNEAKER, head, loadShoes, type ImageSet } from '../models/data/shoes';
import { runEnvironment } from '../models/environment';
import { checkpointDir, INFERENCE_NETWORKS } from '../models/registry';
import { LOG_FILE, assertCheckpointFolder, assertNotReplacing, imagesPerStep, train, type StepRecord } from '../models/train';
import type { GenerativeModel, ModelKind } from '../models/types';
import { classifierFeatureExtractor } from '../harness/metrics/classifier-features';
import { extractFeatures } from '../harness/metrics/features';
import { quantileSorted } from '../harness/metrics/bootstrap';
import { frechetDistance } from '../harness/metrics/frechet-distance';
import { fixedLatents, generateImages } from '../harness/samples/generate';

export const QUALITY_SAMPLES = 500;
const WARM_UP_STEPS = 10;

interface TrainCommand {
  kind: ModelKind;
  steps?: number;
  epochs?: number;
  batch: number;
  seed: number;
  alpha?: number;
  classes: number[];
  outDir: string;
  resume?: boolean;
  overwrite?: boolean;
  checkpointEvery: number;
  qualityEvery: number;
  publish?: boolean;
  /** Where --publish writes (default: the committed checkpoint's folder; tests give a temporary one). */
  publishDir?: string;
  backend: BackendInfo;
  dataDir?: string;
}

/** --steps, else --epochs (10 when neither is given) whole passes over the data, each step taking imagesPerStep images. */
export function trainingSteps(o: Pick<TrainCommand, 'kind' | 'batch' | 'steps' | 'epochs'>, data: Pick<ImageSet, 'count' | 'classes'>): number {
  return o.steps ?? (o.epochs ?? 10) * Math.floor(data.count / imagesPerStep(o.kind, o.batch, data));
}

/**
 * The first QUALITY_SAMPLES real test images and the Fréchet distance of as many images to them,
 * in the shoe classifier's features: the training quality signal and the α sweep's score.
 */
export async function qualityReference(classes: readonly number[], dataDir?: string) {
  const extractor = classifierFeatureExtractor(await loadClassifier());
  const real = head(loadShoes('test', classes, dataDir), QUALITY_SAMPLES);
  const realFeatures = extractFeatures(extractor, real.images, real.count);
  return { real, frechetTo: (images: Float32Array) => frechetDistance(extractFeatures(extractor, images, images.length / PIXELS), realFeatures) };
}

/** Fréchet distance between fixed samples and the fixed test images; none without a classifier. */
async function qualitySignal(seed: number, classes: number[], dataDir?: string) {
  if (!existsSync(join(CLASSIFIER_DIR, MANIFEST_FILE))) return undefined;
  const reference = await qualityReference(classes, dataDir);
  return (model: GenerativeModel) => reference.frechetTo(generateImages(model, fixedLatents(QUALITY_SAMPLES, model.latentDim, seed, 'quality')));
}

function formatLosses(r: StepRecord): string {
  return Object.entries(r)
    .filter(([k]) => k !== 'step' && k !== 'ms')
    .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
    .join('  ');
}

export async function runTraining(o: TrainCommand): Promise<void> {
  const publishDir = o.publishDir ?? checkpointDir(o.kind);
  // Refused before training, not after it.
  if (o.publish) assertCheckpointFolder(publishDir, '--publish');
  assertNotReplacing(o.outDir, o);
  const data = loadShoes('train', o.classes, o.dataDir);
  const steps = trainingSteps(o, data);
  const quality = o.qualityEvery > 0 ? await qualitySignal(o.seed, o.classes, o.dataDir) : undefined;
  if (o.qualityEvery > 0 && !quality) console.error('[train] no classifier checkpoint yet: quality signal off (run `npm run train-classifier` first)');
  const bar = new SingleBar({ format: '{model} [{bar}] {value}/{total} | {losses} | {rate} steps/s | ETA {eta_formatted}', etaBuffer: 50 }, Presets.shades_classic);
  const started = performance.now();
  let counted = 0;
  bar.start(steps, 0, { model: o.kind, losses: '', rate: '-' });
  const result = await train({
    ...o, steps, batchSize: o.batch, data, quality, backend: o.backend,
    onStep: (r) => {
      counted++;
      const rate = (counted / ((performance.now() - started) / 1000)).toFixed(1);
      bar.update(r.step + 1, { losses: formatLosses(r), rate });
    },
  });
  bar.stop();
  // This process's steps only (a resumed run's log holds the earlier ones too), without its first
  // steps (oneDNN primitive caches, Adam's slots) when it took more.
  const own = result.log.slice(result.start);
  const timed = own.length > WARM_UP_STEPS ? own.slice(WARM_UP_STEPS) : own;
  const median = quantileSorted(timed.map((r) => r.ms).sort((a, b) => a - b), 0.5);
  console.log(`[train] ${o.kind}: ${steps} steps, median ${median.toFixed(1)} ms/step; checkpoint in ${o.outDir}`);
  if (o.publish) {
    const target = publishDir;
    const manifest = readManifest<object>(o.outDir);
    const inference: Record<string, LayersModel> = Object.fromEntries(INFERENCE_NETWORKS[o.kind].map((name) => [name, result.trainable.networks[name]!]));
    await saveCheckpoint(target, {
      networks: inference,
      manifest: { ...manifest, medianStepMs: median, weights: 'float16' },
      extra: { [LOG_FILE]: readFileSync(join(o.outDir, LOG_FILE)) },
    }, { half: true });
    console.log(`[train] published float16 inference checkpoint to ${target}`);
  }
}

/** `model` as a float16 checkpoint holds it: saved at half precision and loaded back. */
async function asFloat16(model: LayersModel): Promise<LayersModel> {
  const dir = mkdtempSync(join(tmpdir(), 'classifier-float16-'));
  try {
    await saveCheckpoint(dir, { networks: { classifier: model }, manifest: {} }, { half: true });
    return await loadNetwork(dir, 'classifier');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Trains the shoe classifier and writes its float16 checkpoint to `outDir` (default: the committed one's folder). */
export async function runClassifierTraining(o: { steps: number; seed: number; backend: BackendInfo; dataDir?: string; outDir?: string }): Promise<void> {
  const outDir = o.outDir ?? CLASSIFIER_DIR;
  assertCheckpointFolder(outDir, o.outDir ? '--out' : 'train-classifier');
  const trainSet = loadShoes('train', CLASSIFIER_CLASSES, o.dataDir);
  const testSet = loadShoes('test', CLASSIFIER_CLASSES, o.dataDir);
  const bar = new SingleBar({ format: 'classifier [{bar}] {value}/{total} | loss {loss}' }, Presets.shades_classic);
  bar.start(o.steps, 0, { loss: '-' });
  const model = trainClassifier(trainSet, { seed: o.seed, steps: o.steps, batchSize: 64, onStep: (s, loss) => bar.update(s + 1, { loss: loss.toFixed(4) }) });
  bar.stop();
  // Scored as committed: with its weights rounded to float16, saved and loaded back.
  const committed = await asFloat16(model);
  const predicted = predictLabels(committed, testSet.images, testSet.count);
  committed.dispose();
  const testAccuracy = accuracy(predicted, testSet.labels);
  const sandalVsSneaker = accuracy(predicted, testSet.labels, [SANDAL, SNEAKER]);
  console.log(`[classifier] float16 weights: test accuracy ${(testAccuracy * 100).toFixed(2)}% (3 classes), ${(sandalVsSneaker * 100).toFixed(2)}% on sandal vs sneaker`);
  await saveCheckpoint(outDir, {
    networks: { classifier: model },
    manifest: {
      kind: 'classifier', classes: CLASSIFIER_CLASSES, seed: o.seed, steps: o.steps, batchSize: 64,
      testAccuracy, sandalVsSneakerAccuracy: sandalVsSneaker, testImages: testSet.count,
      environment: runEnvironment(o.backend), data: datasetChecksums(), weights: 'float16', savedAt: new Date().toISOString(),
    },
  }, { half: true });
  console.log(`[classifier] saved to ${outDir}`);
}
