/**
 * The report's pictures, made from the committed checkpoints with fixed latents: test originals
 * with VAE reconstructions and GAN inversions, samples from shared z, interpolation strips, and
 * the images of the zoom panel. Whatever cannot be made (no data, no checkpoint) becomes a
 * `Missing` row with the reason; this module never fails the report for a missing input.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { interruptedFolderWrite } from '../../models/atomic-write';
import type { BackendInfo } from '../../models/backend';
import { predictLabels } from '../../models/classifier/model';
import { CLASS_NAMES } from '../../models/data/fashion-mnist';
import { DEFAULT_CLASSES, PIXELS, loadShoes } from '../../models/data/shoes';
import { loadNetwork } from '../../models/checkpoint';
import { loadGenerative } from '../../models/registry';
import { MODEL_KINDS, type GenerativeModel, type ModelKind } from '../../models/types';
import { METRIC_DEFAULTS } from '../metrics/defaults';
import { reconstructionSharpness } from '../metrics/sharpness';
import { alternatingTestImages, reconstructOrInvert } from '../samples/figures';
import { fixedLatents, generateImages, reconstructImages } from '../samples/generate';
import { slerpPath } from '../samples/latent';
import type { ImageBatch, ImageInputs, ImageRowInput, ZoomInput } from './build';
import { REPORT_DEFAULTS, modelLabel, trainCommand } from './defaults';
import { displayPath, errorText, missing } from './inputs';
import { REAL, RECONSTRUCTION_SHARPNESS } from './metrics';
import type { Maybe, MetricRow, TileLabel } from './types';

export interface ImageOptions {
  checkpointsDir?: string;
  dataDir?: string;
  seed?: number;
  columns?: number;
  interpolationSteps?: number;
  zoomIndex?: number;
  /** Test images whose VAE reconstructions are scored for sharpness (0: skip). */
  sharpnessImages?: number;
  backend?: BackendInfo;
}

type Resolved = Required<Omit<ImageOptions, 'dataDir' | 'backend'>> & Pick<ImageOptions, 'dataDir' | 'backend'>;

// ─── Rows ────────────────────────────────────────────────────────────────────────────────────

function className(label: number): string {
  return CLASS_NAMES[label] ?? `class ${label}`;
}

type Classifier = (images: Float32Array, count: number) => Uint8Array;

/** Captions from the classifier's reading; flagged where it differs from the source image's label. */
function readLabels(classify: Classifier | undefined, images: Float32Array, count: number, truth?: Uint8Array): TileLabel[] | undefined {
  if (!classify) return undefined;
  const predicted = classify(images, count);
  return Array.from(predicted, (p, i) => {
    const t = truth?.[i];
    const swapped = t !== undefined && p !== t;
    return { text: swapped ? `→ ${className(p)}` : className(p), flag: swapped || undefined, title: swapped ? `classifier reads ${className(p)}; the test image is a ${className(t)}` : undefined };
  });
}

/** `columns` test images, alternating the chosen classes in test-set order (sandal, sneaker, …). */
function pickOriginals(o: Resolved): Maybe<{ images: Float32Array; labels: Uint8Array }> {
  let set;
  try {
    set = loadShoes('test', DEFAULT_CLASSES, o.dataDir);
  } catch (error) {
    return missing(`test images unavailable: ${errorText(error)}`);
  }
  const { images, labels } = alternatingTestImages(set, o.columns, DEFAULT_CLASSES);
  return { status: 'ok', images, labels };
}

function batch(pixels: Float32Array, labels?: TileLabel[]): { status: 'ok'; batch: ImageBatch } {
  return { status: 'ok', batch: { pixels, count: pixels.length / PIXELS, labels } };
}

/**
 * Sharpness (Laplacian variance) of the first `count` test images and of their VAE reconstructions,
 * with a paired percentile bootstrap (the same resamples for both), as two metric rows.
 */
export function reconstructionSharpnessRows(model: GenerativeModel, count: number, dataDir: string | undefined, seed: number): MetricRow[] {
  const test = loadShoes('test', DEFAULT_CLASSES, dataDir);
  const n = Math.min(count, test.count);
  const originals = test.images.subarray(0, n * PIXELS);
  const { originals: r, reconstructions: v } = reconstructionSharpness(originals, reconstructImages(model, originals), {
    highFrequencyRadius: METRIC_DEFAULTS.highFrequencyRadius,
    resamples: METRIC_DEFAULTS.bootstrapResamples,
    confidence: METRIC_DEFAULTS.confidence,
    seed,
    stream: 'report/reconstruction-sharpness',
  });
  return [
    { metric: RECONSTRUCTION_SHARPNESS, subject: REAL, value: r.value, interval: r.ci, n },
    { metric: RECONSTRUCTION_SHARPNESS, subject: modelLabel('vae'), value: v.value, interval: v.ci, n, ratioToReal: v.ratioToReal.value, ratioInterval: v.ratioToReal.ci },
  ];
}

// ─── Everything ──────────────────────────────────────────────────────────────────────────────

/** Why a model's row is missing: no folder at all is "not trained yet"; a folder that fails to load says which file and why. */
export function unloadableCheckpoint(kind: ModelKind, dir: string, error: unknown): string {
  const interrupted = interruptedFolderWrite(dir);
  if (interrupted) return `no ${modelLabel(kind)} checkpoint in ${displayPath(dir)}${interrupted}.`;
  if (!existsSync(dir)) return `no ${modelLabel(kind)} checkpoint in ${displayPath(dir)}; ${trainCommand(kind)}.`;
  return `${modelLabel(kind)} checkpoint cannot be loaded: ${errorText(error)}`;
}

export async function imagesFromCheckpoints(options: ImageOptions = {}): Promise<ImageInputs> {
  const d = REPORT_DEFAULTS;
  const o: Resolved = {
    checkpointsDir: d.checkpointsDir,
    seed: d.seed,
    columns: d.columns,
    interpolationSteps: d.interpolationSteps,
    zoomIndex: d.zoomIndex,
    sharpnessImages: d.reconstructionSharpnessImages,
    ...options,
  };

  const models = new Map<ModelKind, Maybe<{ model: GenerativeModel }>>();
  for (const kind of MODEL_KINDS) {
    const dir = join(o.checkpointsDir, kind);
    try {
      models.set(kind, { status: 'ok', model: await loadGenerative(kind, dir) });
    } catch (error) {
      models.set(kind, missing(unloadableCheckpoint(kind, dir, error)));
    }
  }

  let classify: Classifier | undefined;
  try {
    const classifier = await loadNetwork(join(o.checkpointsDir, 'classifier'), 'classifier');
    classify = (images, count) => predictLabels(classifier, images, count);
  } catch {
    classify = undefined;
  }
  const classifierNote = classify ? '' : ' (no classifier checkpoint: no class captions)';

  // (a) originals, VAE reconstructions, GAN inversions
  const originals = pickOriginals(o);
  const reconstructions: ImageRowInput[] = [];
  if (originals.status === 'ok') {
    const count = originals.labels.length;
    reconstructions.push({
      label: 'Test images',
      note: `first ${count} sandals and sneakers of the test split, alternating`,
      ...batch(originals.images, Array.from(originals.labels, (l) => ({ text: className(l) }))),
    });
    for (const kind of MODEL_KINDS) {
      const m = models.get(kind)!;
      const isVae = kind === 'vae';
      const label = isVae ? 'VAE reconstruction' : `${modelLabel(kind)} inversion`;
      const inv = METRIC_DEFAULTS;
      const note = isVae ? 'decoder(encoder mean)' : `G(z*): best of ${inv.inversionRestarts} starts after ${inv.inversionSteps} Adam steps on pixel MSE`;
      if (m.status === 'missing') {
        reconstructions.push({ label, note, ...m });
        continue;
      }
      try {
        const images = reconstructOrInvert(m.model, originals.images, { steps: inv.inversionSteps, restarts: inv.inversionRestarts, learningRate: inv.inversionLearningRate, seed: o.seed });
        reconstructions.push({ label, note: note + classifierNote, ...batch(images, readLabels(classify, images, count, originals.labels)) });
      } catch (error) {
        reconstructions.push({ label, note, ...missing(`${label} failed: ${errorText(error)}`) });
      }
    }
  } else {
    reconstructions.push({ label: 'Test images', ...originals });
  }

  // (b) samples from shared z, (c) interpolation between shared ends
  const samples: ImageRowInput[] = [];
  const interpolations: ImageRowInput[] = [];
  const sampleImages = new Map<ModelKind, Float32Array>();
  for (const kind of MODEL_KINDS) {
    const m = models.get(kind)!;
    const label = modelLabel(kind);
    if (m.status === 'missing') {
      samples.push({ label, ...m });
      interpolations.push({ label, ...m });
      continue;
    }
    const dim = m.model.latentDim;
    try {
      const z = fixedLatents(o.columns, dim, o.seed, 'report-samples');
      const images = generateImages(m.model, z);
      sampleImages.set(kind, images);
      samples.push({ label, note: `z_1 … z_${o.columns} ~ N(0, I), ${dim} dims, seed ${o.seed}${classifierNote}`, ...batch(images, readLabels(classify, images, o.columns)) });
    } catch (error) {
      samples.push({ label, ...missing(`${label} sampling failed: ${errorText(error)}`) });
    }
    try {
      const ends = fixedLatents(2, dim, o.seed, 'report-interpolation');
      const path = slerpPath(ends.subarray(0, dim), ends.subarray(dim), o.interpolationSteps);
      interpolations.push({ label, note: `${o.interpolationSteps} steps, slerp z_a → z_b`, ...batch(generateImages(m.model, path)) });
    } catch (error) {
      interpolations.push({ label, ...missing(`${label} interpolation failed: ${errorText(error)}`) });
    }
  }

  // (d) zoom: one original, one VAE sample, one GAN sample (same z)
  const k = o.zoomIndex;
  const one = (images: Float32Array | undefined) => images?.slice(k * PIXELS, (k + 1) * PIXELS);
  const zoomOf = (label: string, image: Float32Array | undefined, why: string): ZoomInput =>
    image && image.length === PIXELS ? { label, status: 'ok', image } : { label, ...missing(why) };
  const ganKind: ModelKind = sampleImages.has('dcgan') ? 'dcgan' : 'wgan-gp';
  const zoom: ZoomInput[] = [
    zoomOf(`Original (test image ${k + 1})`, originals.status === 'ok' ? one(originals.images) : undefined, originals.status === 'missing' ? originals.reason : 'no test image'),
    zoomOf(`VAE sample z_${k + 1}`, one(sampleImages.get('vae')), reasonOf(models.get('vae')!, 'VAE')),
    zoomOf(`${modelLabel(ganKind)} sample z_${k + 1}`, one(sampleImages.get(ganKind)), reasonOf(models.get(ganKind)!, 'GAN')),
  ];

  // The sharpness of reconstructions, which the evaluation does not score (see metrics.ts).
  const measurements: MetricRow[] = [];
  const vae = models.get('vae')!;
  if (vae.status === 'ok' && o.sharpnessImages > 0 && originals.status === 'ok') {
    try {
      measurements.push(...reconstructionSharpnessRows(vae.model, o.sharpnessImages, o.dataDir, o.seed));
    } catch (error) {
      console.error(`[report] reconstruction sharpness not measured: ${errorText(error)}`);
    }
  }

  const seeds = [{ what: 'report latents (samples, interpolation, inversion starts) and bootstrap', seed: o.seed }];
  const sources = [displayPath(o.checkpointsDir) + '/{vae,dcgan,wgan-gp,classifier}', 'Fashion-MNIST test split'];
  const backend = o.backend
    ? { name: o.backend.backend, description: o.backend.description, tfjs: o.backend.tfjs, libtensorflow: o.backend.libtensorflow }
    : { name: tf.getBackend(), description: `backend ${tf.getBackend()}, tfjs ${tf.version_core}`, tfjs: tf.version_core };
  return { reconstructions, samples, interpolations, zoom, measurements, sources, seeds, backend };
}

function reasonOf(m: Maybe<{ model: GenerativeModel }>, what: string): string {
  return m.status === 'missing' ? m.reason : `${what} sampling failed`;
}
