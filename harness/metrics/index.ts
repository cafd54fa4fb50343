/**
 * The one entry point: `computeMetrics` scores generative models against real test images.
 *
 * Features are extracted once per image set (real test images, reference images, each model's
 * samples) and shared by Fréchet distance, KID, precision/recall and feature-space path length.
 * Every result carries a value, a seeded percentile-bootstrap interval, n and its settings.
 *
 * Per model, with defaults from defaults.ts (METRIC_DEFAULTS):
 * - reconstructionMse, classFlipRate: on test images; models with an encoder decode the encoder
 *   mean, GANs are inverted by latent optimisation (fewer images, `inversionImages`).
 * - pathLengthPixels, pathLengthFeatures: StyleGAN-style path length (Karras et al. 2019).
 * - neighbourhoodSpread: per-pixel std of decodings in a small latent ball.
 * - laplacianVariance, tenengrad, highFrequencyShare: sharpness, with the ratio to real images.
 * - frechetDistance (Heusel et al. 2017), kid (Bińkowski et al. 2018), precision and recall
 *   (Kynkäänniemi et al. 2019): samples against real test images in classifier features.
 * The reference block scores real data the same way (classifier error, sharpness, and real images
 * from another split against the test images: the floor a perfect generator would reach).
 */
import { CLASS_NAMES } from '../../models/data/fashion-mnist';
import { PIXELS, gather, type ImageSet } from '../../models/data/shoes';
import { createRng, deriveSeed, permutation } from '../../models/seed';
import type { GenerativeModel } from '../../models/types';
import { fixedLatents, generateImages, reconstructImages } from '../samples/generate';
import { biasShiftedEstimate, bootstrapMean, bootstrapMeans, estimateFromReplicates, ratioEstimate, resampleCounts, type BootstrapMeans, type Estimate } from './bootstrap';
import { classFlips, type ClassFlips, type Labeller } from './class-flip';
import { resolveMetricOptions, type MetricOptions } from './defaults';
import { extractFeatures, type FeatureExtractor, type FeatureSet } from './features';
import { frechetDistance, frechetDistanceReplicates } from './frechet-distance';
import { invertImages } from './inversion';
import { kernelInceptionDistance, kidReplicates } from './kid';
import { ballNeighbours, pathEndpoints, pathLengthFromImages, spreadOfDecodings, type TrimmedMean } from './path-length';
import { compareManifolds, precisionRecallOf } from './precision-recall';
import { reconstructionMse } from './reconstruction-mse';
import { sharpness } from './sharpness';
import type {
  BootstrapSettings,
  MetricKey,
  MetricsDocument,
  ModelEvaluation,
  ModelMetrics,
  PerClass,
  RealReference,
  ReconstructionSettings,
  SetMetrics,
  SharpnessMetrics,
} from './types';

export * from './types';
export { METRIC_DEFAULTS, resolveMetricOptions, type MetricOptions } from './defaults';
export type { FeatureExtractor, FeatureSet } from './features';
export type { Labeller } from './class-flip';

/** Every per-model metric, in report order. */
export const METRIC_KEYS: readonly MetricKey[] = [
  'reconstructionMse',
  'classFlipRate',
  'pathLengthPixels',
  'pathLengthFeatures',
  'neighbourhoodSpread',
  'laplacianVariance',
  'tenengrad',
  'highFrequencyShare',
  'frechetDistance',
  'kid',
  'precision',
  'recall',
];

/** How to read each metric: its label, which direction is better, and where it comes from. */
export const METRIC_INFO: Record<MetricKey, { label: string; better: 'lower' | 'higher' | 'near-real' | 'none'; source: string }> = {
  reconstructionMse: { label: 'reconstruction MSE', better: 'lower', source: 'pixel MSE; GANs via latent optimisation' },
  classFlipRate: { label: 'class-flip rate', better: 'lower', source: 'project classifier on reconstructions' },
  pathLengthPixels: { label: 'path length (pixels)', better: 'lower', source: 'Karras et al. 2019 (StyleGAN PPL)' },
  pathLengthFeatures: { label: 'path length (features)', better: 'lower', source: 'Karras et al. 2019 (StyleGAN PPL)' },
  neighbourhoodSpread: { label: 'neighbourhood spread', better: 'none', source: 'per-pixel std in a latent ball' },
  laplacianVariance: { label: 'Laplacian variance', better: 'near-real', source: 'Pech-Pacheco et al. 2000' },
  tenengrad: { label: 'Tenengrad', better: 'near-real', source: 'Tenenbaum 1970; Krotkov 1987' },
  highFrequencyShare: { label: 'high-frequency share', better: 'near-real', source: '2-D DFT energy above a radius' },
  frechetDistance: { label: 'Fréchet distance', better: 'lower', source: 'Heusel et al. 2017' },
  kid: { label: 'KID', better: 'lower', source: 'Bińkowski et al. 2018' },
  precision: { label: 'precision', better: 'higher', source: 'Kynkäänniemi et al. 2019' },
  recall: { label: 'recall', better: 'higher', source: 'Kynkäänniemi et al. 2019' },
};

export interface MetricsInput {
  models: readonly GenerativeModel[];
  /** Real test images: the reconstruction targets and the distribution samples are compared with. */
  real: ImageSet;
  /** Real images from another split (e.g. train), scored like samples: the floor of the set metrics. */
  reference?: ImageSet;
  /** Feature space of the distribution metrics (the project classifier's penultimate layer). */
  features: FeatureExtractor;
  /** Labels images for the class-flip rate (the project classifier). */
  labeller: Labeller;
  /** Name of the labelling classifier, recorded in settings. */
  labellerName?: string;
  /** Progress lines (stage names); silent by default. */
  log?: (line: string) => void;
}

/** Images behind the numbers, for `--export`; not part of the JSON document. */
export interface ModelImages {
  samples: Float32Array;
  reconstructions: Float32Array;
  /** Indices into the real test set of the reconstructed images. */
  reconstructionTargets: Int32Array;
}

export interface MetricsRun {
  document: MetricsDocument;
  images: Partial<Record<GenerativeModel['kind'], ModelImages>>;
}

/** Runs named stages and records their wall-clock time. */
function stageTimer(log?: (line: string) => void) {
  const timings: Record<string, number> = {};
  return {
    timings,
    time<T>(stage: string, run: () => T): T {
      log?.(stage);
      const started = performance.now();
      const result = run();
      timings[stage] = (timings[stage] ?? 0) + performance.now() - started;
      return result;
    },
  };
}

const bootstrapSettings = (o: MetricOptions): BootstrapSettings => ({ resamples: o.bootstrapResamples, confidence: o.confidence, method: 'percentile', over: 'items' });
const setBootstrapSettings = (o: MetricOptions, method: BootstrapSettings['method'] = 'percentile'): BootstrapSettings => ({
  resamples: o.setBootstrapResamples, confidence: o.confidence, method, over: 'sets',
});
const bootstrapOptions = (o: MetricOptions, stream: string) => ({ resamples: o.bootstrapResamples, confidence: o.confidence, seed: deriveSeed(o.seed, stream) });

function className(label: number): string {
  return CLASS_NAMES[label] ?? `class ${label}`;
}

function perClassEstimates(values: ArrayLike<number>, labels: Uint8Array, o: MetricOptions, stream: string): Record<string, Estimate> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const group = groups.get(labels[i]!) ?? [];
    group.push(values[i]!);
    groups.set(labels[i]!, group);
  }
  const out: Record<string, Estimate> = {};
  for (const [label, group] of [...groups].sort(([a], [b]) => a - b)) out[className(label)] = bootstrapMean(group, bootstrapOptions(o, `${stream}/${label}`), stream);
  return out;
}

/** FD, KID and precision/recall of `fake` against `real`, each with a set bootstrap. */
function setMetrics(real: FeatureSet, fake: FeatureSet, realCounts: Uint16Array[], fakeCounts: Uint16Array[], o: MetricOptions, features: string, timer: ReturnType<typeof stageTimer>): SetMetrics {
  const base = { features, realImages: real.n, bootstrap: setBootstrapSettings(o) };
  const estimate = (value: number, replicates: ArrayLike<number>) => estimateFromReplicates(value, replicates, fake.n, o.confidence);
  const frechet = timer.time('frechetDistance', () =>
    biasShiftedEstimate(frechetDistance(real, fake), frechetDistanceReplicates(real, fake, realCounts, fakeCounts), fake.n, o.confidence, [0, Infinity]));
  const kid = timer.time('kid', () => {
    const value = kernelInceptionDistance(real, fake, { subsets: o.kidSubsets, subsetSize: o.kidSubsetSize, seed: o.seed, subsetsPerBatch: 10 });
    return { ...estimate(value.value, kidReplicates(real, fake, realCounts, fakeCounts)), subsetSize: value.subsetSize, subsetStd: value.std };
  });
  const pr = timer.time('precisionRecall', () => {
    const comparison = compareManifolds(real, fake, { k: o.precisionRecallNeighbours, candidates: o.precisionRecallCandidates });
    const value = precisionRecallOf(comparison, new Uint16Array(real.n).fill(1), new Uint16Array(fake.n).fill(1));
    const replicates = realCounts.map((c, r) => precisionRecallOf(comparison, c, fakeCounts[r]!));
    const share = (v: number, r: number[]) => biasShiftedEstimate(v, r, fake.n, o.confidence, [0, 1]);
    return {
      precision: share(value.precision, replicates.map((r) => r.precision)),
      recall: share(value.recall, replicates.map((r) => r.recall)),
    };
  });
  const prSettings = { ...base, bootstrap: setBootstrapSettings(o, 'bias-shifted percentile'), k: o.precisionRecallNeighbours };
  return {
    frechetDistance: { ...frechet, settings: { ...base, bootstrap: setBootstrapSettings(o, 'bias-shifted percentile') } },
    kid: {
      value: kid.value, ci: kid.ci, n: kid.n,
      settings: { ...base, subsets: o.kidSubsets, subsetSize: kid.subsetSize, subsetStd: kid.subsetStd, kernel: '(xᵀy/d + 1)³' },
    },
    precision: { ...pr.precision, settings: prSettings },
    recall: { ...pr.recall, settings: prSettings },
  };
}

function sharpnessMeans(images: Float32Array, o: MetricOptions, stream: string): BootstrapMeans {
  const s = sharpness(images, { highFrequencyRadius: o.highFrequencyRadius, batchSize: o.batchSize });
  return bootstrapMeans([s.laplacianVariance, s.tenengrad, s.highFrequencyShare], bootstrapOptions(o, stream), 'sharpness');
}

function sharpnessMetrics(means: BootstrapMeans, o: MetricOptions): SharpnessMetrics {
  const settings = { images: means.estimates[0]!.n, bootstrap: bootstrapSettings(o) };
  return {
    laplacianVariance: { ...means.estimates[0]!, settings },
    tenengrad: { ...means.estimates[1]!, settings },
    highFrequencyShare: { ...means.estimates[2]!, settings: { ...settings, highFrequencyRadius: o.highFrequencyRadius } },
  };
}

function withRatios(model: BootstrapMeans, real: BootstrapMeans, o: MetricOptions): ModelMetrics['laplacianVariance'][] {
  const plain = sharpnessMetrics(model, o);
  return [plain.laplacianVariance, plain.tenengrad, plain.highFrequencyShare].map((m, k) => ({ ...m, ratioToReal: ratioEstimate(model, real, k, o.confidence) }));
}

function pathLengthResult(t: TrimmedMean, space: 'pixels' | 'features', o: MetricOptions, pairs: number, features: string, stream: string): ModelMetrics['pathLengthPixels'] {
  // Trimmed once on the full sample (as StyleGAN), then the mean of what is kept is bootstrapped.
  const estimate = bootstrapMean(t.kept, bootstrapOptions(o, stream), stream);
  return {
    ...estimate,
    value: t.value,
    n: pairs,
    settings: {
      space, ...(space === 'features' ? { features } : {}), pairs, kept: t.kept.length, epsilon: o.pathLengthEpsilon,
      interpolation: o.pathLengthInterpolation, trimPercentiles: o.pathLengthTrimPercentiles, bootstrap: bootstrapSettings(o),
    },
  };
}

/** The test images every model reconstructs: a seeded subset, the same for every model (GANs get its head). */
export function reconstructionTargets(realCount: number, count: number, seed: number): Int32Array {
  return permutation(realCount, createRng(deriveSeed(seed, 'reconstruction-targets'))).slice(0, Math.min(count, realCount)).sort();
}

function reconstructionMetrics(model: GenerativeModel, input: MetricsInput, o: MetricOptions, timer: ReturnType<typeof stageTimer>) {
  const encoder = Boolean(model.encode);
  const targets = reconstructionTargets(input.real.count, encoder ? o.reconstructionImages : Math.min(o.inversionImages, o.reconstructionImages), o.seed);
  const originals = gather(input.real, targets);
  const labels = Uint8Array.from(targets, (i) => input.real.labels[i]!);
  const reconstructions = encoder
    ? timer.time('reconstruct', () => reconstructImages(model, originals, o.batchSize))
    : timer.time('inversion', () =>
        invertImages(model, originals, { steps: o.inversionSteps, restarts: o.inversionRestarts, learningRate: o.inversionLearningRate, seed: o.seed }).reconstructions);
  const settings: ReconstructionSettings = {
    method: encoder ? 'encoder-mean' : 'inversion',
    images: targets.length,
    ...(encoder ? {} : { inversion: { steps: o.inversionSteps, restarts: o.inversionRestarts, learningRate: o.inversionLearningRate } }),
    bootstrap: bootstrapSettings(o),
  };
  const mse = reconstructionMse(originals, reconstructions, labels);
  const flips = timer.time('classFlip', () => classFlips(labels, input.labeller(reconstructions, targets.length)));
  return {
    images: { reconstructions, targets },
    reconstructionMse: {
      ...bootstrapMean(mse.perImage, bootstrapOptions(o, `mse/${model.kind}`), 'reconstructionMse'),
      perClass: perClassEstimates(mse.perImage, labels, o, `mse/${model.kind}`),
      settings,
    },
    classFlipRate: flipResult(flips, labels, o, `flip/${model.kind}`, { ...settings, classifier: input.labellerName ?? 'labeller' }),
  };
}

function flipResult<S extends object>(flips: ClassFlips, labels: Uint8Array, o: MetricOptions, stream: string, settings: S): { settings: S } & Estimate & PerClass {
  return { ...bootstrapMean(flips.flipped, bootstrapOptions(o, stream), 'classFlipRate'), perClass: perClassEstimates(flips.flipped, labels, o, stream), settings };
}

interface RealData {
  features: FeatureSet;
  counts: Uint16Array[];
  sharpness: BootstrapMeans;
}

function evaluateModel(model: GenerativeModel, input: MetricsInput, real: RealData, o: MetricOptions): { evaluation: ModelEvaluation; images: ModelImages } {
  const timer = stageTimer((stage) => input.log?.(`${model.kind}: ${stage}`));
  const latents = fixedLatents(o.samples, model.latentDim, o.seed, 'samples');
  const samples = timer.time('generate', () => generateImages(model, latents, o.batchSize));
  const features = timer.time('features', () => extractFeatures(input.features, samples, o.samples, o.batchSize));
  const sets = setMetrics(real.features, features, real.counts, resampleCounts(o.samples, o.setBootstrapResamples, o.seed, `samples/${model.kind}`), o, input.features.name, timer);
  const [laplacianVariance, tenengrad, highFrequencyShare] = timer.time('sharpness', () => withRatios(sharpnessMeans(samples, o, `sharpness/${model.kind}`), real.sharpness, o));

  const pairs = o.pathLengthSamples;
  const reuseSamples = o.pathLengthInterpolation === 'direction' && pairs <= o.samples;
  const path = timer.time('pathLength', () => {
    const ends = pathEndpoints(model.latentDim, { count: pairs, epsilon: o.pathLengthEpsilon, interpolation: o.pathLengthInterpolation, seed: o.seed, starts: reuseSamples ? latents : undefined });
    const startImages = reuseSamples ? samples.subarray(0, pairs * PIXELS) : generateImages(model, ends.start, o.batchSize);
    return pathLengthFromImages(startImages, generateImages(model, ends.end, o.batchSize), {
      epsilon: o.pathLengthEpsilon, trimPercentiles: o.pathLengthTrimPercentiles, features: input.features, batchSize: o.batchSize,
      startFeatures: reuseSamples ? features.data.subarray(0, pairs * features.dim) : undefined,
    });
  });
  const spread = timer.time('spread', () => {
    const centres = fixedLatents(o.spreadCentres, model.latentDim, o.seed, 'spread-centres');
    const decodings = generateImages(model, ballNeighbours(model.latentDim, { centres, neighbours: o.spreadNeighbours, radius: o.spreadRadius, seed: o.seed }), o.batchSize);
    return spreadOfDecodings(decodings, o.spreadNeighbours);
  });
  const reconstruction = reconstructionMetrics(model, input, o, timer);

  const metrics: ModelMetrics = {
    reconstructionMse: reconstruction.reconstructionMse,
    classFlipRate: reconstruction.classFlipRate,
    pathLengthPixels: pathLengthResult(path.pixels, 'pixels', o, pairs, input.features.name, `path/pixels/${model.kind}`),
    pathLengthFeatures: pathLengthResult(path.features!, 'features', o, pairs, input.features.name, `path/features/${model.kind}`),
    neighbourhoodSpread: {
      ...bootstrapMean(spread, bootstrapOptions(o, `spread/${model.kind}`), 'neighbourhoodSpread'),
      settings: { centres: o.spreadCentres, neighbours: o.spreadNeighbours, radius: o.spreadRadius, bootstrap: bootstrapSettings(o) },
    },
    laplacianVariance: laplacianVariance!,
    tenengrad: tenengrad!,
    highFrequencyShare: highFrequencyShare!,
    ...sets,
  };
  return {
    evaluation: { kind: model.kind, latentDim: model.latentDim, samples: o.samples, metrics, timingsMs: timer.timings },
    images: { samples, reconstructions: reconstruction.images.reconstructions, reconstructionTargets: reconstruction.images.targets },
  };
}

function realReference(input: MetricsInput, real: RealData, o: MetricOptions, timer: ReturnType<typeof stageTimer>): RealReference {
  const labels = timer.time('real: classifier', () => input.labeller(input.real.images, input.real.count));
  const reference: RealReference = {
    ...sharpnessMetrics(real.sharpness, o),
    classFlipRate: flipResult(classFlips(input.real.labels, labels), input.real.labels, o, 'flip/real', {
      classifier: input.labellerName ?? 'labeller', images: input.real.count, bootstrap: bootstrapSettings(o),
    }),
  };
  if (input.reference) {
    const count = Math.min(o.samples, input.reference.count);
    const images = input.reference.images.subarray(0, count * PIXELS);
    const features = timer.time('reference: features', () => extractFeatures(input.features, images, count, o.batchSize));
    const counts = resampleCounts(count, o.setBootstrapResamples, o.seed, 'samples/reference');
    const setTimer = stageTimer((stage) => input.log?.(`reference: ${stage}`));
    reference.sets = { ...setMetrics(real.features, features, real.counts, counts, o, input.features.name, setTimer), source: 'real images from another split', images: count };
  }
  return reference;
}

/**
 * Scores every model in `input.models` (see the module comment for the metrics). Pure apart from
 * the tf computation: no files are read or written. Options default to METRIC_DEFAULTS.
 */
export function computeMetrics(input: MetricsInput, options: Partial<MetricOptions> = {}): MetricsRun {
  const o = resolveMetricOptions(options);
  if (input.real.count < o.precisionRecallNeighbours + 1) throw new RangeError(`computeMetrics: expected at least ${o.precisionRecallNeighbours + 1} real test images (k + 1 for precision/recall's k = ${o.precisionRecallNeighbours}), found ${input.real.count}`);
  const started = performance.now();
  const timer = stageTimer(input.log);
  const realFeatures = timer.time('real: features', () => extractFeatures(input.features, input.real.images, input.real.count, o.batchSize));
  const real: RealData = {
    features: realFeatures,
    // One set of real-data resamples for every model, so their set metrics are paired.
    counts: resampleCounts(input.real.count, o.setBootstrapResamples, o.seed, 'real'),
    sharpness: timer.time('real: sharpness', () => sharpnessMeans(input.real.images, o, 'sharpness/real')),
  };
  const reference = realReference(input, real, o, timer);
  const referenceMs = performance.now() - started;
  const models: MetricsDocument['models'] = {};
  const images: MetricsRun['images'] = {};
  for (const model of input.models) {
    const result = evaluateModel(model, input, real, o);
    models[model.kind] = result.evaluation;
    images[model.kind] = result.images;
  }
  const total = performance.now() - started;
  const inversion = Object.values(models).reduce((s, m) => s + (m?.timingsMs.inversion ?? 0), 0);
  return {
    document: {
      seed: o.seed,
      options: o,
      features: { extractor: input.features.name, dim: input.features.dim },
      real: { split: 'test', classes: input.real.classes, images: input.real.count },
      reference,
      models,
      timingsMs: { total, inversion, excludingInversion: total - inversion, reference: referenceMs },
    },
    images,
  };
}
