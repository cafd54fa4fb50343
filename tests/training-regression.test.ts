/**
 * Training regressions, per backend: seeded steps from the seed-determined initialisation give a
 * loss trace (metric baselines) and a sample grid (golden) kept per backend, because training
 * amplifies float differences that inference goldens absorb.
 */
import * as tf from '@tensorflow/tfjs';
import { GOLDEN_FIXTURES } from '../fixtures/goldens';
import { sampleFigure } from '../harness/samples/figures';
import { useBackend } from '../models/backend';
import { createTrainable } from '../models/registry';
import { MODEL_KINDS } from '../models/types';
import { COLUMNS } from './golden-figures';
import { LOSS_TRACE_TOLERANCE, lossTraceEntries, trainingRegressionRun } from './training';

describe('tensorflow', () => {
  test.each(MODEL_KINDS)('%s: loss trace and samples after seeded steps match their baselines', async (kind) => {
    const backend = await useBackend('tensorflow');
    const result = await trainingRegressionRun(kind, backend);
    expect(result.log.map((r) => r.step)).toEqual(Array.from({ length: GOLDEN_FIXTURES.trainingSteps }, (_, i) => i));
    for (const [key, value] of lossTraceEntries(kind, 'tensorflow', result)) expect(value).toMatchMetricBaseline(key, { tolerance: LOSS_TRACE_TOLERANCE });
    // The default threshold: these steps repeat bit for bit here, and at the looser derived
    // threshold dropping the last step's update went unseen (WGAN-GP: 0 pixels; golden-mutations).
    expect({ images: sampleFigure(result.trainable.asGenerative()), columns: COLUMNS }).toMatchGoldenImage(`training-${kind}-tensorflow`);
  });
});

describe('wasm', () => {
  afterAll(() => useBackend('tensorflow'));

  // No per-backend training goldens for wasm: it cannot train these models at all (tfjs#8474).
  test('cannot train convolutions: the Conv2DBackpropFilter kernel is missing', async () => {
    await useBackend('wasm');
    const vae = createTrainable('vae', 1);
    const batch = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    expect(() => vae.step(batch, 1)).toThrow(/Conv2DBackpropFilter' not registered for backend 'wasm'/);
    batch.dispose();
  });
});
