/**
 * What the benchmark times, one definition per task: a training step of each reference model,
 * sampling throughput per model, golden comparison throughput and the distribution metrics.
 * Definitions build their own inputs (seeded synthetic images and latents: timing does not depend
 * on pixel values) and dispose everything they made. run.ts times them.
 */
import * as tf from '@tensorflow/tfjs';
import { toPixelRange } from '../../models/data/shoes';
import { REFERENCE_WGAN_GP } from '../../models/gan/config';
import { batchesPerStep, createTrainable } from '../../models/registry';
import { syntheticShoes } from '../../models/testing';
import { deriveSeed, normalArray } from '../../models/seed';
import { readLosses } from '../../models/step-losses';
import { MODEL_KINDS, type ModelKind, type Trainable } from '../../models/types';
import { compareImages } from '../golden/compare';
import { imagesToGrid } from '../golden/grid';
import { toRgba } from '../golden/png';
import type { FeatureSet } from '../metrics/features';
import { frechetDistance } from '../metrics/frechet-distance';
import { computeMetrics } from '../metrics';
import { classifierFeatureExtractor } from '../metrics/classifier-features';
import { buildClassifier, predictLabels } from '../../models/classifier/model';
import { fixedLatents, generateImages } from '../samples/generate';
import { BENCH_DEFAULTS } from './defaults';
import { modelCosts, sumPasses, samplingPasses, trainingStepPasses, type ModelCosts } from './flops';
import type { Prepared, TimingOptions } from './measure';
import type { BenchBackend, TaskFlops, TaskGroup, Throughput } from './types';

export interface TaskDefinition {
  name: string;
  group: TaskGroup;
  model: ModelKind | null;
  itemsPerIteration: number;
  unit: Throughput['unit'];
  /** TensorFlow.js kernels the backend must register (none for plain-JS tasks). */
  kernels: readonly string[];
  flops: TaskFlops | null;
  /** Caps the run's timing for tasks whose one iteration takes seconds (`taskTiming`). */
  timing?: Partial<TimingOptions>;
  prepare(): Prepared;
}

export interface TaskContext {
  batch: number;
  seed: number;
  /** FLOP model of each reference model (numbers only; see `measureModelCosts`). */
  costs: Record<ModelKind, ModelCosts>;
}

/** Convolution training needs all three conv kernels; wasm lacks the filter gradient (tfjs#8474). */
export const TRAINING_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;
/** Transposed convolutions run as Conv2DBackpropInput. */
export const SAMPLING_KERNELS = ['Conv2DBackpropInput'] as const;

function toTaskFlops(passes: ReturnType<typeof sumPasses>): TaskFlops {
  return { perIteration: passes.total, forward: passes.forward, backward: passes.backward, method: 'exact-per-op' };
}

/** Builds each reference model once on the active backend and keeps only its FLOP model. */
export function measureModelCosts(seed: number): Record<ModelKind, ModelCosts> {
  const out = {} as Record<ModelKind, ModelCosts>;
  for (const kind of MODEL_KINDS) {
    const trainable = createTrainable(kind, seed);
    out[kind] = modelCosts(kind, trainable.networks);
    disposeTrainable(trainable);
  }
  return out;
}

export function disposeTrainable(t: Trainable): void {
  for (const net of Object.values(t.networks)) net.dispose();
  for (const opt of Object.values(t.optimizers)) opt.dispose();
}

function trainStepTask(kind: ModelKind, ctx: TaskContext): TaskDefinition {
  const nCritic = REFERENCE_WGAN_GP.nCritic;
  return {
    name: `train-step/${kind}`,
    group: 'train-step',
    model: kind,
    itemsPerIteration: 1,
    unit: 'steps/s',
    kernels: TRAINING_KERNELS,
    flops: toTaskFlops(sumPasses(trainingStepPasses(ctx.costs[kind], ctx.batch, nCritic))),
    prepare() {
      const trainable = createTrainable(kind, ctx.seed);
      const images = ctx.batch * batchesPerStep(kind);
      const batch = tf.tensor4d(toPixelRange(syntheticShoes(images, ctx.seed).images, trainable.pixelRange), [images, 28, 28, 1]);
      let noiseSeed = deriveSeed(ctx.seed, 'bench', 'noise');
      return {
        iterate: () => void readLosses(trainable.step(batch, noiseSeed++)),
        dispose: () => {
          batch.dispose();
          disposeTrainable(trainable);
        },
      };
    },
  };
}

function sampleTask(kind: ModelKind, ctx: TaskContext): TaskDefinition {
  const n = BENCH_DEFAULTS.sampleBatch;
  return {
    name: `sample/${kind}`,
    group: 'sample',
    model: kind,
    itemsPerIteration: n,
    unit: 'images/s',
    kernels: SAMPLING_KERNELS,
    flops: toTaskFlops(sumPasses(samplingPasses(ctx.costs[kind], n))),
    prepare() {
      const trainable = createTrainable(kind, ctx.seed);
      const model = trainable.asGenerative();
      const latents = fixedLatents(n, model.latentDim, ctx.seed, 'bench');
      return { iterate: () => void generateImages(model, latents, n), dispose: () => disposeTrainable(trainable) };
    },
  };
}

/** pixelmatch through the golden harness' comparator, on two 8×8 grids of 28×28 images that differ. */
function goldenTask(ctx: TaskContext): TaskDefinition {
  const { rows, cols } = BENCH_DEFAULTS.goldenGrid;
  const count = rows * cols;
  return {
    name: 'golden/pixelmatch-grid',
    group: 'golden',
    model: null,
    itemsPerIteration: count,
    unit: 'images/s',
    kernels: [],
    flops: null,
    prepare() {
      const images = syntheticShoes(count, ctx.seed).images;
      const changed = images.map((v, i) => (i % 97 === 0 ? 1 - v : v));
      const expected = toRgba(imagesToGrid(images, cols));
      const actual = toRgba(imagesToGrid(changed, cols));
      return {
        iterate: () => {
          if (compareImages(expected, actual) === null) throw new Error('golden bench: the two grids were expected to differ');
        },
        dispose: () => undefined,
      };
    },
  };
}

/** Single metrics timed on their own, on `metricsSamples` feature vectors (the whole evaluation is evaluationTask). */
export const METRIC_CASES: readonly { name: string; run(a: FeatureSet, b: FeatureSet): number }[] = [
  { name: 'frechet-distance', run: frechetDistance },
];

function metricsTask(c: (typeof METRIC_CASES)[number], ctx: TaskContext): TaskDefinition {
  const n = BENCH_DEFAULTS.metricsSamples;
  const dim = BENCH_DEFAULTS.metricsFeatureDim;
  return {
    name: `metrics/${c.name}`,
    group: 'metrics',
    model: null,
    itemsPerIteration: n,
    unit: 'samples/s',
    kernels: [],
    flops: null,
    prepare() {
      const a: FeatureSet = { data: normalArray(n * dim, deriveSeed(ctx.seed, 'bench', 'features-a')), n, dim };
      const b: FeatureSet = { data: normalArray(n * dim, deriveSeed(ctx.seed, 'bench', 'features-b')).map((v) => 0.9 * v + 0.1), n, dim };
      return {
        iterate: () => {
          if (!Number.isFinite(c.run(a, b))) throw new Error(`metrics bench: ${c.name} is not finite`);
        },
        dispose: () => undefined,
      };
    },
  };
}

/** Tasks a TensorFlow.js backend runs: training steps, then sampling, smallest model first. */
export function modelTasks(ctx: TaskContext): TaskDefinition[] {
  const bySize = [...MODEL_KINDS].sort(
    (a, b) => sumPasses(trainingStepPasses(ctx.costs[a], 1)).total - sumPasses(trainingStepPasses(ctx.costs[b], 1)).total,
  );
  return [...bySize.map((k) => trainStepTask(k, ctx)), ...bySize.map((k) => sampleTask(k, ctx))];
}

/**
 * The whole evaluation (`computeMetrics`) on `metricsSamples` samples of an untrained reference VAE
 * against 2,000 synthetic "test" images: generating the samples, classifier features, every metric
 * and its bootstrap interval. The VAE reconstructs through its encoder, so GAN inversion (timed in
 * the evaluation's own `timingsMs`) is not part of it. Native backend only: seconds per iteration.
 */
export function evaluationTask(ctx: TaskContext): TaskDefinition {
  const n = BENCH_DEFAULTS.metricsSamples;
  return {
    name: 'metrics/compute-metrics',
    group: 'metrics',
    model: 'vae',
    itemsPerIteration: n,
    unit: 'samples/s',
    kernels: [],
    flops: null,
    timing: BENCH_DEFAULTS.evaluationTiming,
    prepare() {
      const trainable = createTrainable('vae', ctx.seed);
      const classifier = buildClassifier(ctx.seed);
      const real = syntheticShoes(2000, ctx.seed);
      const input = {
        models: [trainable.asGenerative()],
        real,
        features: classifierFeatureExtractor(classifier),
        labeller: (images: Float32Array, count: number) => predictLabels(classifier, images, count),
      };
      return {
        iterate: () => void computeMetrics(input, { samples: n, seed: ctx.seed }),
        dispose: () => {
          disposeTrainable(trainable);
          classifier.dispose();
        },
      };
    },
  };
}

/** Tasks that no TensorFlow.js backend runs (backend `js`). */
export function jsTasks(ctx: TaskContext): TaskDefinition[] {
  return [goldenTask(ctx), ...METRIC_CASES.map((c) => metricsTask(c, ctx))];
}

export function taskId(name: string, backend: BenchBackend): string {
  return `${name}@${backend}`;
}

/** `taskId` read back: the name and the backend of `name@backend`. */
export function splitTaskId(id: string): { name: string; backend: BenchBackend } {
  const at = id.lastIndexOf('@');
  return { name: id.slice(0, at), backend: id.slice(at + 1) as BenchBackend };
}

/** `--only a,b`: a task is kept when any filter is a substring of its id (`name@backend`). */
export function matchesOnly(id: string, only: readonly string[]): boolean {
  return only.length === 0 || only.some((f) => id.includes(f));
}

/** What `backend` times (`js`: the tasks no TensorFlow.js backend runs), kept by the `--only` filters. */
export function tasksFor(backend: BenchBackend, ctx: TaskContext, only: readonly string[] = []): TaskDefinition[] {
  const all = backend === 'js' ? jsTasks(ctx) : backend === 'tensorflow' ? [...modelTasks(ctx), evaluationTask(ctx)] : modelTasks(ctx);
  return all.filter((d) => matchesOnly(taskId(d.name, backend), only));
}

/** The `--only` filters that select none of `ids`: a typo would otherwise time nothing and exit 0. */
export function unmatchedFilters(only: readonly string[], ids: readonly string[]): string[] {
  return only.filter((f) => !ids.some((id) => id.includes(f)));
}
