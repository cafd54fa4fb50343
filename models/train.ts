/**
 * The one training loop: seeded batches, per-step noise seeds, a JSONL log of every step, atomic
 * checkpoints with optimiser state, `--resume`, and a stop on the first non-finite loss or weight.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertWritableFolder, interruptedFolderWrite } from './atomic-write';
import type { BackendInfo } from './backend';
import { MANIFEST_FILE, readManifest, restoreNetwork, restoreOptimizer, saveCheckpoint } from './checkpoint';
import { datasetChecksums } from './data/fashion-mnist';
import { batchIndices, gather, toPixelRange, type ImageSet } from './data/shoes';
import { runEnvironment, type RunEnvironment } from './environment';
import { imagesToTensor } from './layers';
import { batchesPerStep, createTrainable, referenceConfig, type ModelOptions } from './registry';
import { deriveSeed } from './seed';
import { readLosses } from './step-losses';
import type { GenerativeModel, ModelKind, StepLosses, Trainable } from './types';

export const LOG_FILE = 'log.jsonl';

/** Steps between checkpoints unless told otherwise (there is always one at the end). */
export const CHECKPOINT_EVERY = 500;

export interface TrainOptions extends ModelOptions {
  kind: ModelKind;
  steps: number;
  batchSize: number;
  seed: number;
  outDir: string;
  data: ImageSet;
  backend: BackendInfo;
  /** Continue from the checkpoint in `outDir`. */
  resume?: boolean;
  /** Replace a checkpoint already in `outDir` (refused otherwise: it may hold the only full-precision state of a long run). */
  overwrite?: boolean;
  /** Save a checkpoint every this many steps (and at the end). */
  checkpointEvery?: number;
  /** Record `quality` every this many steps (0: never). */
  qualityEvery?: number;
  /** A quality signal on a fixed batch (lower is better), e.g. a Fréchet distance. */
  quality?: (model: GenerativeModel) => number;
  onStep?: (record: StepRecord) => void;
  /** Warnings that do not stop the run (default: console.warn). */
  onNote?: (text: string) => void;
}

export interface StepRecord extends StepLosses {
  step: number;
  ms: number;
}

export interface TrainResult {
  trainable: Trainable;
  steps: number;
  /** The step this process began at: 0, or the resumed checkpoint's. */
  start: number;
  /** Every step of the run, the resumed checkpoint's included. */
  log: StepRecord[];
}

/** A process that trained the checkpoint, from `fromStep` on; a resumed run lists each. */
export interface RunSegment {
  /** null: from a manifest that predates this list, which named only the process that saved it. */
  fromStep: number | null;
  environment: RunEnvironment;
}

export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

export function validateTrainOptions(o: Pick<TrainOptions, 'kind' | 'steps' | 'batchSize' | 'seed' | 'alpha' | 'checkpointEvery' | 'qualityEvery'>): void {
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`--steps: expected an integer ≥ 1, found ${o.steps}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`--batch: expected an integer ≥ 1, found ${o.batchSize}`);
  if (!Number.isSafeInteger(o.seed)) throw new RangeError(`--seed: expected an integer, found ${o.seed}`);
  if (o.alpha !== undefined && !(o.alpha > 0)) throw new RangeError(`--alpha: expected a number > 0, found ${o.alpha}`);
  if (o.checkpointEvery !== undefined && !(Number.isInteger(o.checkpointEvery) && o.checkpointEvery >= 1)) throw new RangeError(`--checkpoint-every: expected an integer ≥ 1, found ${o.checkpointEvery}`);
  if (o.qualityEvery !== undefined && !(Number.isInteger(o.qualityEvery) && o.qualityEvery >= 0)) throw new RangeError(`--quality-every: expected an integer ≥ 0, found ${o.qualityEvery}`);
  if (o.alpha !== undefined && o.kind !== 'vae') throw new RangeError(`--alpha: only the VAE has an α (its MSE weight), found --alpha ${o.alpha} with --model ${o.kind}`);
}

/**
 * What a resumed run must share with the checkpoint it continues, as the manifest records it. The
 * backend too: another one rounds differently (tfjs's Adam instead of TensorFlow's fused kernel),
 * so the weights would not be an uninterrupted run's.
 */
export interface RunIdentity {
  kind: string;
  seed: number;
  config: object;
  batchSize: number;
  classes: readonly number[];
  backend: string | undefined;
}

/** Each of `keys` whose value (compared as JSON) differs: `key <saved> there, <wanted> asked` (or `here`). */
export function runDifferences<K extends string>(saved: Record<K, unknown>, wanted: Record<K, unknown>, keys: readonly K[], wantedIs = 'asked'): string[] {
  return keys
    .filter((key) => JSON.stringify(saved[key]) !== JSON.stringify(wanted[key]))
    .map((key) => `${key} ${JSON.stringify(saved[key])} there, ${JSON.stringify(wanted[key])} ${wantedIs}`);
}

/** Why `--resume` cannot continue the run in `dir` with `wanted`, or undefined when it can. */
export function resumeMismatch(dir: string, saved: RunIdentity, wanted: RunIdentity): string | undefined {
  const differences = runDifferences(saved, wanted, ['kind', 'seed', 'config', 'batchSize', 'classes', 'backend']);
  return differences.length ? `--resume: the run in ${dir} differs: ${differences.join('; ')}` : undefined;
}

/**
 * What a resumed run changes in the setup that can move the last bits of a step (reductions split
 * by thread, kernels of another version): `key <there> there, <here> here`. Keys the checkpoint
 * did not record are not compared.
 */
export function setupChanges(saved: Partial<RunEnvironment> | undefined, now: RunEnvironment): string[] {
  const recorded = (['tfjs', 'libtensorflow', 'threads', 'platform'] as const).filter((key) => saved?.[key] !== undefined);
  const here = Object.fromEntries(recorded.map((key) => [key, now[key] ?? null])) as Record<(typeof recorded)[number], unknown>;
  return runDifferences(saved as Record<(typeof recorded)[number], unknown>, here, recorded, 'here');
}

function firstNonFinite(losses: StepLosses): string | undefined {
  return Object.entries(losses).find(([, v]) => !Number.isFinite(v))?.[0];
}

function nonFiniteWeight(trainable: Trainable): string | undefined {
  for (const [net, model] of Object.entries(trainable.networks)) {
    for (const w of model.weights) {
      const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(w.read()))).dataSync()[0]);
      if (bad) return `${net}/${w.originalName}`;
    }
  }
  return undefined;
}

/** The resumed checkpoint's step log: one record for each of steps 0 … upToStep − 1, in order. */
function readLog(outDir: string, upToStep: number): StepRecord[] {
  const path = join(outDir, LOG_FILE);
  if (!existsSync(path)) throw new Error(`--resume: expected the step log ${path} beside the checkpoint, found none`);
  const records = readFileSync(path, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    const found = `found ${JSON.stringify(line.slice(0, 60))}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new Error(`--resume: ${path}:${i + 1}: expected a JSON step record, ${found} (${(error as Error).message})`);
    }
    if (typeof record !== 'object' || record === null || !Number.isSafeInteger((record as StepRecord).step)) {
      throw new Error(`--resume: ${path}:${i + 1}: expected a step record with an integer "step", ${found}`);
    }
    return [record as StepRecord];
  });
  const log = records.filter((r) => r.step < upToStep);
  const gap = log.findIndex((r, i) => r.step !== i);
  if (gap >= 0 || log.length !== upToStep) {
    throw new Error(`--resume: ${path}: expected records of steps 0–${upToStep - 1} in order, found ${gap >= 0 ? `step ${log[gap]!.step} at record ${gap + 1}` : `${log.length} records`}`);
  }
  return log;
}

/**
 * Checkpoints replace the whole of `outDir` (written beside it, then renamed in), so a folder that
 * holds anything but an earlier checkpoint is refused rather than emptied; so is a file, before
 * any training. `flag` names where the folder came from.
 */
export function assertCheckpointFolder(outDir: string, flag = '--out'): void {
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw new Error(`${flag}: expected a folder for the checkpoint, found the file ${outDir}`);
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new Error(`${flag}: ${outDir} holds ${entries.length} files but no checkpoint (${MANIFEST_FILE}); checkpoints replace the whole folder, so choose an empty or new one`);
    }
  }
  assertWritableFolder(outDir, flag, { replaced: true });
}

/** A run that neither resumes nor was told to overwrite must not replace the checkpoint in `outDir`. */
export function assertNotReplacing(outDir: string, o: Pick<TrainOptions, 'resume' | 'overwrite'>): void {
  if (o.resume || o.overwrite || !existsSync(join(outDir, MANIFEST_FILE))) return;
  throw new Error(`--out: ${outDir} already holds a checkpoint (${MANIFEST_FILE}); pass --resume to continue it or --overwrite to replace it`);
}

/** Images one step of `kind` takes (`batchesPerStep` batches); more than the data holds is an error naming --batch. */
export function imagesPerStep(kind: ModelKind, batchSize: number, data: Pick<ImageSet, 'count' | 'classes'>): number {
  const images = batchSize * batchesPerStep(kind);
  if (images > data.count) {
    throw new RangeError(`--batch: a ${kind} step takes ${images} images (${batchesPerStep(kind)} × ${batchSize}), more than the ${data.count} training images of classes ${data.classes.join(',')}`);
  }
  return images;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  validateTrainOptions(o);
  const stepImages = imagesPerStep(o.kind, o.batchSize, o.data);
  assertCheckpointFolder(o.outDir);
  assertNotReplacing(o.outDir, o);
  const trainable = createTrainable(o.kind, o.seed, o);
  const pixels = toPixelRange(o.data.images, trainable.pixelRange);
  let start = 0;
  const environment = runEnvironment(o.backend);
  let runs: RunSegment[] = [{ fromStep: 0, environment }];
  if (o.resume) {
    if (!existsSync(join(o.outDir, MANIFEST_FILE))) throw new Error(`--resume: expected a checkpoint in ${o.outDir}, found no ${MANIFEST_FILE} there${interruptedFolderWrite(o.outDir)}`);
    const manifest = readManifest<Omit<RunIdentity, 'backend'> & { step: unknown; environment?: RunEnvironment; runs?: RunSegment[] }>(o.outDir);
    // Classes are a set (the images follow dataset order), in either record: runs before --classes was sorted kept the order given.
    const asSet = (classes: unknown) => (Array.isArray(classes) ? [...classes].sort((a, b) => a - b) : classes);
    const saved = { ...manifest, classes: asSet(manifest.classes) as number[], backend: manifest.environment?.backend };
    const mismatch = resumeMismatch(o.outDir, saved, { kind: o.kind, seed: o.seed, config: referenceConfig(o.kind, o), batchSize: o.batchSize, classes: asSet(o.data.classes) as number[], backend: environment.backend });
    if (mismatch) throw new Error(mismatch);
    const changes = setupChanges(manifest.environment, environment);
    if (changes.length) (o.onNote ?? console.warn)(`--resume: ${o.outDir} was trained on another setup (${changes.join('; ')}): the weights will not be bit-identical to an uninterrupted run's; the manifest's runs record each setup`);
    if (!Number.isSafeInteger(manifest.step) || (manifest.step as number) < 0) throw new Error(`--resume: ${o.outDir}/${MANIFEST_FILE}: expected the step reached as an integer ≥ 0, found ${JSON.stringify(manifest.step)}`);
    start = manifest.step as number;
    if (start >= o.steps) throw new RangeError(`--steps: the checkpoint in ${o.outDir} is at step ${start}; expected more steps than that, found ${o.steps}`);
    const earlier = manifest.runs ?? (manifest.environment ? [{ fromStep: null, environment: manifest.environment }] : []);
    runs = [...earlier, { fromStep: start, environment }];
    for (const [name, model] of Object.entries(trainable.networks)) await restoreNetwork(o.outDir, name, model);
    for (const [name, opt] of Object.entries(trainable.optimizers)) await restoreOptimizer(o.outDir, name, opt);
  }
  const log = o.resume ? readLog(o.outDir, start) : [];
  const manifestFor = (step: number) => ({
    kind: o.kind,
    config: referenceConfig(o.kind, o),
    seed: o.seed,
    step,
    batchSize: o.batchSize,
    classes: o.data.classes,
    trainImages: o.data.count,
    environment,
    runs,
    data: datasetChecksums(),
    savedAt: new Date().toISOString(),
  });
  /** The step of the checkpoint now in `outDir` from this run (or the one resumed), if any. */
  let lastSaved: number | undefined = o.resume ? start : undefined;
  const checkpoint = async (step: number) => {
    await saveCheckpoint(o.outDir, {
      networks: trainable.networks,
      optimizers: trainable.optimizers,
      manifest: manifestFor(step),
      extra: { [LOG_FILE]: log.map((r) => JSON.stringify(r)).join('\n') + '\n' },
    });
    lastSaved = step;
  };
  const kept = () => (lastSaved === undefined ? `No checkpoint was saved in ${o.outDir}.` : `The last good checkpoint (step ${lastSaved}) in ${o.outDir} is kept.`);

  const every = o.checkpointEvery ?? CHECKPOINT_EVERY;
  for (let step = start; step < o.steps; step++) {
    const began = performance.now();
    const losses = readLosses(tf.tidy(() => {
      const batch = imagesToTensor(gather({ ...o.data, images: pixels }, batchIndices(o.data.count, stepImages, o.seed, step)), stepImages);
      return trainable.step(batch, deriveSeed(o.seed, 'noise', step));
    }));
    const record: StepRecord = { step, ...losses, ms: performance.now() - began };
    const bad = firstNonFinite(losses);
    if (bad) {
      throw new TrainingDivergedError(`step ${step}: loss '${bad}' is ${losses[bad]}; stopped. ${kept()}`);
    }
    if (o.quality && o.qualityEvery && (step + 1) % o.qualityEvery === 0) record.quality = o.quality(trainable.asGenerative());
    log.push(record);
    o.onStep?.(record);
    const done = step + 1;
    if (done % every === 0 || done === o.steps) {
      const badWeight = nonFiniteWeight(trainable);
      if (badWeight) throw new TrainingDivergedError(`step ${step}: weight ${badWeight} is not finite; stopped. ${kept()}`);
      await checkpoint(done);
    }
  }
  return { trainable, steps: o.steps, start, log };
}
