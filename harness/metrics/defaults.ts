/**
 * Every default of the metrics harness in one flat table. `computeMetrics`, the `evaluate` command
 * and the tests all read it, so the library, the CLI and the recorded settings cannot drift.
 */
import { DEFAULT_CLASSES } from '../../models/data/shoes';

export const METRIC_DEFAULTS = {
  /** Evaluation seed; every random stream (latents, subsets, resamples) is derived from it by name. */
  seed: 1,
  /** Generated samples per model; 2000 matches the sandal + sneaker test set, and FD's bias depends on n. */
  samples: 2000,
  /** Fashion-MNIST classes the models were trained on (sandal, sneaker). */
  classes: DEFAULT_CLASSES,
  /** Images per tf batch: large enough to amortise op overhead, small enough to stay in cache-sized tensors. */
  batchSize: 500,

  /** Test images reconstructed by models with an encoder: all of them, one pass is cheap. */
  reconstructionImages: 2000,
  /** Test images inverted per GAN: each costs steps × restarts generator passes. */
  inversionImages: 100,
  /** Adam steps per inversion; the MSE of DCGAN-sized generators flattens out well before 200. */
  inversionSteps: 200,
  /** Random starts per image; the non-convex objective has poor local minima, the best start is kept. */
  inversionRestarts: 3,
  /** Adam step size on z; latents are N(0, I), so 0.05 moves a coordinate its own scale in ~20 steps. */
  inversionLearningRate: 0.05,

  /** Latent pairs for path length; each costs one extra generator and feature pass. */
  pathLengthSamples: 1000,
  /** Finite-difference step of Karras et al. 2019 (StyleGAN, PPL), small enough to be local in float32. */
  pathLengthEpsilon: 1e-4,
  /** `direction`: z + εu with a random unit u; `lerp`/`slerp`: StyleGAN's path between two latents. */
  pathLengthInterpolation: 'direction' as PathInterpolation,
  /** StyleGAN drops distances below the 1st and above the 99th percentile: rare cliffs dominate the mean. */
  pathLengthTrimPercentiles: [1, 99] as readonly [number, number],

  /** Centres for neighbourhood spread. */
  spreadCentres: 64,
  /** Decodings per centre; 16 gives a stable per-pixel std. */
  spreadNeighbours: 16,
  /** Ball radius in latent space: 5% of a typical ‖z‖ ≈ √100 = 10, local but far above float noise. */
  spreadRadius: 0.5,

  /** Frequency radius (in DFT index units) above which energy counts as high: half of Nyquist (14). */
  highFrequencyRadius: 7,

  /** KID subsets and subset size: torch-fidelity's defaults (Bińkowski et al. 2018 used the same). */
  kidSubsets: 100,
  kidSubsetSize: 1000,

  /** k of the k-NN radii, as in Kynkäänniemi et al. 2019. */
  precisionRecallNeighbours: 3,
  /**
   * Neighbours kept per point for bootstrap replicates, where only distinct resampled points count:
   * each is kept with p ≈ 0.632, so the k-th kept one lies within 20 with probability 1 − 1e-6.
   */
  precisionRecallCandidates: 20,

  /** Percentile-bootstrap resamples for per-item metrics (MSE, sharpness, path length…). */
  bootstrapResamples: 1000,
  /**
   * Resamples for set metrics (FD, KID, precision/recall); each one re-evaluates the whole metric.
   * Few, so the 95 % ends sit near the extreme replicates and move with the resample seed: a
   * review recomputed FD's interval (real train vs test images, FD 0.035) under 12 seeds and its
   * upper end ranged 0.096–0.178. The claims decided on these intervals have far wider margins
   * (VAE ~35 vs GANs 3.6–5.9); a closer comparison needs more resamples.
   */
  setBootstrapResamples: 50,
  /** Two-sided coverage of every interval. */
  confidence: 0.95,
};

export type PathInterpolation = 'direction' | 'lerp' | 'slerp';
export type MetricOptions = typeof METRIC_DEFAULTS;

/**
 * Counts below which a metric has nothing to measure: a spread needs two decodings around a centre,
 * a KID pair or a path-length mean two items (`samples` is checked against k below).
 */
const AT_LEAST: Partial<Record<keyof MetricOptions, number>> = { spreadNeighbours: 2, kidSubsetSize: 2, pathLengthSamples: 2 };

/** Options that measure rather than count; every other number must be an integer. */
const REAL_VALUED: ReadonlySet<string> = new Set(['inversionLearningRate', 'pathLengthEpsilon', 'spreadRadius', 'highFrequencyRadius', 'confidence']);

export function resolveMetricOptions(options: Partial<MetricOptions> = {}): MetricOptions {
  const resolved = { ...METRIC_DEFAULTS, ...options };
  for (const [key, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || key === 'seed') continue;
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`metric option ${key}: expected a number > 0, found ${value}`);
    if (!REAL_VALUED.has(key) && !Number.isInteger(value)) throw new RangeError(`metric option ${key}: expected an integer, found ${value}`);
    const least = AT_LEAST[key as keyof MetricOptions];
    if (least !== undefined && value < least) throw new RangeError(`metric option ${key}: expected at least ${least}, found ${value}`);
  }
  const [lo, hi] = resolved.pathLengthTrimPercentiles;
  if (!(lo >= 0 && lo < hi && hi <= 100)) throw new RangeError(`metric option pathLengthTrimPercentiles: expected 0 ≤ lo < hi ≤ 100, found [${lo}, ${hi}]`);
  if (!['direction', 'lerp', 'slerp'].includes(resolved.pathLengthInterpolation)) {
    throw new RangeError(`metric option pathLengthInterpolation: expected direction, lerp or slerp, found '${resolved.pathLengthInterpolation}'`);
  }
  if (!Number.isSafeInteger(resolved.seed)) throw new RangeError(`metric option seed: expected an integer, found ${resolved.seed}`);
  if (!(resolved.confidence < 1)) throw new RangeError(`metric option confidence: expected a number in (0, 1), found ${resolved.confidence}`);
  // Checked here, before any model runs: precision/recall find k neighbours among the other samples.
  const k = resolved.precisionRecallNeighbours;
  if (resolved.samples < k + 1) throw new RangeError(`metric option samples: expected at least precisionRecallNeighbours + 1 = ${k + 1}, found ${resolved.samples}`);
  if (resolved.precisionRecallCandidates < k) throw new RangeError(`metric option precisionRecallCandidates: expected at least precisionRecallNeighbours = ${k}, found ${resolved.precisionRecallCandidates}`);
  return resolved;
}
