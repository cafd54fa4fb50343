/** Every default of the report in one table; commands/report.ts and the tests override fields. */
import { join, resolve } from 'node:path';
import type { ModelKind } from '../../models/types';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export const REPORT_DEFAULTS = {
  /** Output folder: report.json, index.html, assets/, report.png, report.pdf. */
  outDir: join(PROJECT_ROOT, 'reports'),
  /** What rendering writes into the report folder (and what a build without rendering removes, so no older picture passes for the new report). */
  renderedFiles: { png: 'report.png', pdf: 'report.pdf' },
  metricsPath: join(PROJECT_ROOT, 'reports', 'metrics.json'),
  benchPath: join(PROJECT_ROOT, 'reports', 'bench.json'),
  checkpointsDir: join(PROJECT_ROOT, 'models', 'checkpoints'),
  alphaSweepDir: join(PROJECT_ROOT, 'models', 'checkpoints', 'vae-alpha-sweep'),
  snapshotsDir: join(PROJECT_ROOT, 'snapshots'),
  goldenFailuresDir: join(PROJECT_ROOT, 'reports', 'golden-failures'),

  /** Seed of the fixed latents (samples, interpolation ends, inversion starts). */
  seed: 1,
  /** Test images in the reconstruction rows and samples per model (one row of tiles each). */
  columns: 10,
  /** Interpolation steps between the two fixed latents, ends included. */
  interpolationSteps: 10,
  /** Nearest-neighbour upscale of a 28×28 tile: 3 px per pixel keeps a 10-tile row under 900 px. */
  tileScale: 3,
  tileGap: 2,

  // GAN inversion uses the metrics' settings (harness/metrics/defaults.ts), so the pictures show
  // exactly what the inversion numbers measure.

  /** Zoom panel: a 14×14 crop around the shoe's middle, 14× so single pixels are 14 px squares. */
  zoomCrop: { x: 7, y: 7, size: 14, scale: 14 },
  /** Scale of the whole image shown beside the crop (three panels of 5·28 + 14·14 px fit one row). */
  zoomFullScale: 5,
  /** Which sample (same z in every model) and which test image the zoom panel uses. */
  zoomIndex: 0,

  /** Test images whose VAE reconstructions are scored for sharpness (the evaluation scores samples only). */
  reconstructionSharpnessImages: 500,

  /** Curves: at most this many points per series (bucket means), to keep report.json small. */
  maxCurvePoints: 300,
  /**
   * "The loss tracks quality" when the Spearman correlation with the Fréchet distance is at least
   * this; "says little" when its absolute value is below it. 0.5 is the usual line between a weak
   * and a moderate rank correlation.
   */
  trackingThreshold: 0.5,
} as const;

export const MODEL_LABELS: Record<ModelKind, string> = { vae: 'VAE', dcgan: 'DCGAN', 'wgan-gp': 'WGAN-GP' };

export function modelLabel(kind: string): string {
  return MODEL_LABELS[kind as ModelKind] ?? kind;
}

/** What makes a model's checkpoint and log, for the reasons a section gives when they are missing. */
export function trainCommand(kind: string): string {
  return `train and publish it with \`npm run train -- --model ${kind} --publish\` (or scripts/train-all.sh)`;
}
