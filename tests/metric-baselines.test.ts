/**
 * Metric baselines and the seed article's claims, on the committed checkpoints with a fixed, smaller
 * sample than `evaluate` uses. Each value must stay inside the band stored in snapshots/metrics.json
 * (±1% of the value when written, class-flip rates exactly; updated only with `npm test -- -u`). The claims hold with their
 * intervals: the lower end of one interval above the upper end of the other.
 */
import { METRIC_DEFAULTS, METRIC_KEYS, computeMetrics, type MetricKey, type MetricsDocument, type MetricOptions } from '../harness/metrics';
import { bootstrapMean } from '../harness/metrics/bootstrap';
import { classifierFeatureExtractor } from '../harness/metrics/classifier-features';
import { sharpness } from '../harness/metrics/sharpness';
import { useBackend } from '../models/backend';
import { predictLabels } from '../models/classifier/model';
import { loadClassifier } from '../models/classifier/load';
import { PIXELS, gather, head, loadShoes } from '../models/data/shoes';
import { MODEL_KINDS, type ModelKind } from '../models/types';
import { loadCommittedModels } from './golden-figures';

/** Smaller than METRIC_DEFAULTS so `npm test` stays short; the same every run. */
const BASELINE_OPTIONS: Partial<MetricOptions> = {
  samples: 500,
  reconstructionImages: 500,
  inversionImages: 8,
  inversionSteps: 30,
  inversionRestarts: 1,
  pathLengthSamples: 100,
  spreadCentres: 16,
  kidSubsets: 20,
  kidSubsetSize: 250,
  bootstrapResamples: 100,
  setBootstrapResamples: 20,
};

let document: MetricsDocument;
let vaeReconstructions: { originals: Float32Array; reconstructions: Float32Array };

beforeAll(async () => {
  await useBackend('tensorflow');
  const models = await loadCommittedModels();
  const classifier = await loadClassifier();
  const real = head(loadShoes('test'), 500);
  const run = computeMetrics(
    {
      models: MODEL_KINDS.map((k) => models[k]),
      real,
      reference: head(loadShoes('train'), 500),
      features: classifierFeatureExtractor(classifier),
      labeller: (images, count) => predictLabels(classifier, images, count),
    },
    BASELINE_OPTIONS,
  );
  document = run.document;
  const vae = run.images.vae!;
  vaeReconstructions = { originals: gather(real, vae.reconstructionTargets), reconstructions: vae.reconstructions };
});

const metric = (kind: ModelKind, key: MetricKey) => document.models[kind]!.metrics[key];

/**
 * The evaluation is seeded: on this machine values repeat run to run to under 1e-7, path lengths
 * (finite differences) to 0.4%. 1% leaves room for that and another CPU's rounding and still
 * catches a change of the models or the metric code. (Bands from the bootstrap intervals were
 * ±2–125% wide: a 20% worse Fréchet distance passed.) A rate of counted images must repeat
 * exactly: a count moves only when an image changes class, and one image either way was ±12.5%
 * of the GANs' 8 inversions, which let their flip rate double or fall to 0.
 */
const METRIC_TOLERANCE = 0.01;
const bandOf = (key: MetricKey) => ({ tolerance: key === 'classFlipRate' ? 0 : METRIC_TOLERANCE });

describe('baselines', () => {
  test.each(MODEL_KINDS)('%s: every metric inside its band', (kind) => {
    const metrics = document.models[kind]!.metrics;
    expect(Object.keys(metrics).sort()).toEqual([...METRIC_KEYS].sort());
    for (const key of METRIC_KEYS) {
      expect(metrics[key].value).toMatchMetricBaseline(`metrics.${kind}.${key}`, bandOf(key));
    }
  });
});

describe("the seed article's claims", () => {
  const SHARPNESS: MetricKey[] = ['laplacianVariance', 'tenengrad', 'highFrequencyShare'];

  test.each(['dcgan', 'wgan-gp'] as const)('%s samples are sharper than the VAE’s on every sharpness measure', (gan) => {
    for (const key of SHARPNESS) expect(metric(gan, key).ci[0]).toBeGreaterThan(metric('vae', key).ci[1]);
  });

  test('VAE reconstructions are blurrier than the originals they reconstruct', () => {
    const options = { resamples: 200, confidence: 0.95, seed: 1 };
    const of = (images: Float32Array) => sharpness(images, { highFrequencyRadius: METRIC_DEFAULTS.highFrequencyRadius });
    const originals = of(vaeReconstructions.originals);
    const reconstructions = of(vaeReconstructions.reconstructions);
    expect(vaeReconstructions.reconstructions.length / PIXELS).toBe(500);
    for (const key of ['laplacianVariance', 'tenengrad', 'highFrequencyShare'] as const) {
      const real = bootstrapMean(originals[key], options);
      const recon = bootstrapMean(reconstructions[key], options);
      expect(real.ci[0]).toBeGreaterThan(recon.ci[1]);
    }
  });

  test('GAN samples are closer to the real distribution than VAE samples (Fréchet distance)', () => {
    for (const gan of ['dcgan', 'wgan-gp'] as const) expect(metric(gan, 'frechetDistance').ci[1]).toBeLessThan(metric('vae', 'frechetDistance').ci[0]);
  });
});
