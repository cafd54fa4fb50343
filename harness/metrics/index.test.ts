import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../models/backend';
import { loadClassifier } from '../../models/classifier/load';
import { predictLabels } from '../../models/classifier/model';
import { head, loadShoes } from '../../models/data/shoes';
import { createTrainable } from '../../models/registry';
import type { GenerativeModel } from '../../models/types';
import { classifierFeatureExtractor } from './classifier-features';
import { fixedLatents } from '../samples/generate';
import { resolveMetricOptions } from './defaults';
import { METRIC_KEYS, computeMetrics, type MetricOptions, type MetricsInput } from './index';
import { pathLength } from './path-length';

/** Small enough for two cores: every stage runs, none for long. */
const tiny: Partial<MetricOptions> = {
  samples: 40,
  reconstructionImages: 20,
  inversionImages: 3,
  inversionSteps: 3,
  inversionRestarts: 2,
  pathLengthSamples: 20,
  spreadCentres: 3,
  spreadNeighbours: 4,
  kidSubsets: 4,
  kidSubsetSize: 20,
  precisionRecallCandidates: 8,
  bootstrapResamples: 50,
  setBootstrapResamples: 4,
};

let input: MetricsInput;
let models: GenerativeModel[];

beforeAll(async () => {
  await useBackend('tensorflow');
  const classifier = await loadClassifier();
  const test = loadShoes('test');
  models = [createTrainable('vae', 1).asGenerative(), createTrainable('dcgan', 1).asGenerative()];
  input = {
    models,
    real: head(test, 60),
    reference: head(loadShoes('train'), 40),
    features: classifierFeatureExtractor(classifier),
    labeller: (images, count) => predictLabels(classifier, images, count),
    labellerName: 'shoe-classifier',
  };
});

test('scores untrained models: every metric has a value, an interval around it, n and settings', () => {
  const { document, images } = computeMetrics(input, tiny);
  for (const kind of ['vae', 'dcgan'] as const) {
    const evaluation = document.models[kind]!;
    expect(evaluation.samples).toBe(40);
    for (const key of METRIC_KEYS) {
      const metric = evaluation.metrics[key];
      expect(Number.isFinite(metric.value)).toBe(true);
      expect(metric.ci[0]).toBeLessThanOrEqual(metric.ci[1]);
      expect(metric.n).toBeGreaterThan(0);
      expect(metric.settings).toBeDefined();
    }
    expect(images[kind]!.samples).toHaveLength(40 * 784);
  }
  const vae = document.models.vae!.metrics;
  const dcgan = document.models.dcgan!.metrics;
  expect(vae.reconstructionMse.settings.method).toBe('encoder-mean');
  expect(vae.reconstructionMse.n).toBe(20);
  expect(dcgan.reconstructionMse.settings.method).toBe('inversion');
  expect(dcgan.reconstructionMse.n).toBe(3);
  expect(Object.keys(vae.reconstructionMse.perClass).sort()).toEqual(['Sandal', 'Sneaker']);
  expect(vae.tenengrad.ratioToReal.value).toBeCloseTo(vae.tenengrad.value / document.reference.tenengrad.value, 10);
  expect(document.reference.sets?.images).toBe(40);
  // Real train images are much closer to the test images than untrained decoders are.
  expect(document.reference.sets!.frechetDistance.value).toBeLessThan(vae.frechetDistance.value);
  expect(document.timingsMs.excludingInversion).toBeLessThanOrEqual(document.timingsMs.total);
  expect(document.models.dcgan!.timingsMs.inversion).toBeGreaterThan(0);
});

test('seeded: the same options give the same numbers, and no tensors leak', () => {
  const options = { ...tiny, samples: 20, pathLengthSamples: 10 };
  const one = { ...input, models: [models[0]!], reference: undefined };
  computeMetrics(one, options);
  const before = tf.memory().numTensors;
  const a = computeMetrics(one, options).document.models.vae!.metrics;
  expect(tf.memory().numTensors).toBe(before);
  const b = computeMetrics(one, options).document.models.vae!.metrics;
  for (const key of METRIC_KEYS) {
    expect(b[key].value).toBeCloseTo(a[key].value, 6);
    expect(b[key].ci).toEqual(a[key].ci);
  }
});

test('bad options are RangeErrors naming the option', () => {
  expect(() => computeMetrics(input, { samples: 0 })).toThrow(/metric option samples: expected a number > 0, found 0/);
  expect(() => computeMetrics(input, { spreadNeighbours: 1 })).toThrow('metric option spreadNeighbours: expected at least 2, found 1');
  expect(() => computeMetrics(input, { samples: 3 })).toThrow('metric option samples: expected at least precisionRecallNeighbours + 1 = 4, found 3');
  expect(() => computeMetrics(input, { precisionRecallCandidates: 2 })).toThrow('metric option precisionRecallCandidates: expected at least precisionRecallNeighbours = 3, found 2');
});

test('path lengths from reused samples equal those decoded afresh from the same start latents', () => {
  // computeMetrics starts 'direction' paths at the samples it already decoded (and their features);
  // decoding the same latents again through the path-length module must give the same numbers.
  const document = computeMetrics({ ...input, models: [models[0]!] }, tiny).document;
  const metrics = document.models.vae!.metrics;
  const o = resolveMetricOptions(tiny);
  const again = pathLength(models[0]!, {
    count: o.pathLengthSamples, epsilon: o.pathLengthEpsilon, interpolation: 'direction', seed: o.seed, trimPercentiles: o.pathLengthTrimPercentiles,
    starts: fixedLatents(o.samples, models[0]!.latentDim, o.seed, 'samples'), features: input.features, batchSize: o.batchSize,
  });
  // Not to the bit: decoding 40 latents in one batch or 20 changes the last bits, which the
  // ε = 1e-4 finite difference magnifies (0.08 % here). A start that is not G(z) would be off by orders.
  expect(Math.abs(metrics.pathLengthPixels.value / again.pixels.value - 1)).toBeLessThan(0.01);
  expect(Math.abs(metrics.pathLengthFeatures.value / again.features!.value - 1)).toBeLessThan(0.01);
});
