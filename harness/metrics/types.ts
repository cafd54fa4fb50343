/**
 * The metrics contract: what `computeMetrics` returns and what `evaluate` writes as JSON. Readers
 * (the report, the terminal table) depend on this file only.
 */
import type { RunEnvironment } from '../../models/environment';
import type { ModelKind } from '../../models/types';
import type { Estimate } from './bootstrap';
import type { MetricOptions, PathInterpolation } from './defaults';

export type { Estimate };

export interface BootstrapSettings {
  resamples: number;
  confidence: number;
  /** `percentile`, or `bias-shifted percentile` where resampling biases the statistic (FD, precision, recall). */
  method: 'percentile' | 'bias-shifted percentile';
  /** What is resampled: items (images, pairs) or both whole sets. */
  over: 'items' | 'sets';
}

/** A metric's value, percentile-bootstrap interval, item count, and the settings that produced it. */
export interface MetricResult<S extends object = { bootstrap: BootstrapSettings }> extends Estimate {
  settings: S;
}

/** Per Fashion-MNIST class name (e.g. "Sandal"). */
export interface PerClass {
  perClass: Record<string, Estimate>;
}

/** Model mean over real-data mean, with a bootstrap interval. */
export interface RatioToReal {
  ratioToReal: Estimate;
}

export interface ReconstructionSettings {
  /** `encoder-mean`: decoder(encoder mean); `inversion`: latent optimisation (GANs). */
  method: 'encoder-mean' | 'inversion';
  images: number;
  inversion?: { steps: number; restarts: number; learningRate: number };
  bootstrap: BootstrapSettings;
}

export interface ClassFlipSettings extends ReconstructionSettings {
  classifier: string;
}

export interface PathLengthSettings {
  space: 'pixels' | 'features';
  features?: string;
  pairs: number;
  /** Pairs left after percentile trimming. */
  kept: number;
  epsilon: number;
  interpolation: PathInterpolation;
  trimPercentiles: readonly [number, number];
  bootstrap: BootstrapSettings;
}

export interface SpreadSettings {
  centres: number;
  neighbours: number;
  radius: number;
  bootstrap: BootstrapSettings;
}

export interface SharpnessSettings {
  images: number;
  highFrequencyRadius?: number;
  bootstrap: BootstrapSettings;
}

export interface SetMetricSettings {
  features: string;
  /** Real test images the samples are compared with. */
  realImages: number;
  bootstrap: BootstrapSettings;
}

export interface KidSettings extends SetMetricSettings {
  subsets: number;
  subsetSize: number;
  /** Standard deviation over subsets (torch-fidelity's `kernel_inception_distance_std`). */
  subsetStd: number;
  kernel: '(xᵀy/d + 1)³';
}

export interface PrecisionRecallSettings extends SetMetricSettings {
  k: number;
}

export interface SetMetrics {
  frechetDistance: MetricResult<SetMetricSettings>;
  kid: MetricResult<KidSettings>;
  precision: MetricResult<PrecisionRecallSettings>;
  recall: MetricResult<PrecisionRecallSettings>;
}

export interface SharpnessMetrics<Extra = object> {
  laplacianVariance: MetricResult<SharpnessSettings> & Extra;
  tenengrad: MetricResult<SharpnessSettings> & Extra;
  highFrequencyShare: MetricResult<SharpnessSettings> & Extra;
}

export interface ModelMetrics extends SetMetrics, SharpnessMetrics<RatioToReal> {
  reconstructionMse: MetricResult<ReconstructionSettings> & PerClass;
  classFlipRate: MetricResult<ClassFlipSettings> & PerClass;
  pathLengthPixels: MetricResult<PathLengthSettings>;
  pathLengthFeatures: MetricResult<PathLengthSettings>;
  neighbourhoodSpread: MetricResult<SpreadSettings>;
}

export type MetricKey = keyof ModelMetrics;

export interface ModelEvaluation {
  kind: ModelKind;
  latentDim: number;
  samples: number;
  metrics: ModelMetrics;
  /** Wall-clock milliseconds per stage (generate, features, set metrics, inversion, …). */
  timingsMs: Record<string, number>;
}

/** What real data scores: the floor (set metrics) and the targets (sharpness, class flips). */
export interface RealReference extends SharpnessMetrics {
  /** The classifier's error on the real test images: the class-flip rate of a perfect reconstruction. */
  classFlipRate: MetricResult<{ classifier: string; images: number; bootstrap: BootstrapSettings }> & PerClass;
  /** Real images from another split scored like a model's samples, when given. */
  sets?: SetMetrics & { source: string; images: number };
}

export interface MetricsDocument {
  seed: number;
  options: MetricOptions;
  features: { extractor: string; dim: number };
  real: { split: string; classes: readonly number[]; images: number };
  reference: RealReference;
  models: Partial<Record<ModelKind, ModelEvaluation>>;
  timingsMs: { total: number; inversion: number; excludingInversion: number; reference: number };
}

/** A model the evaluate command could not load, with the reason. */
export interface MissingModel {
  status: 'missing';
  reason: string;
}

export interface EvaluatedModel {
  status: 'evaluated';
  checkpoint: string;
  /** Training step and seed recorded in the checkpoint manifest. */
  step?: number;
  trainingSeed?: number;
  /** sha256 of the checkpoint's manifest.json: which checkpoint was scored (a retrained one can repeat the step). */
  manifestSha256?: string;
}

/** The JSON file `evaluate` writes. */
export interface EvaluationDocument {
  schema: 'vae-vs-gan/evaluation@1';
  createdAt: string;
  environment: RunEnvironment;
  seeds: { evaluation: number; training: Partial<Record<ModelKind, number>> };
  checkpoints: Record<ModelKind, EvaluatedModel | MissingModel>;
  classifier: { checkpoint: string; testAccuracy?: number };
  metrics: MetricsDocument;
}
