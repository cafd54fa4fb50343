import * as tf from '@tensorflow/tfjs';
import { measurePrepared, type Prepared } from './measure';

const TIMING = { timeMs: 0, iterations: 6, warmupIterations: 2 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A task holding one prepared tensor; each iteration makes `leakPerIteration` tensors it never frees. */
function task(leakPerIteration: number) {
  const input = tf.ones([4]);
  const leaked: tf.Tensor[] = [];
  const prepared: Prepared = {
    iterate: () => {
      tf.tidy(() => {
        tf.sum(tf.mul(input, 2));
      });
      for (let i = 0; i < leakPerIteration; i++) leaked.push(tf.scalar(i));
    },
    dispose: () => tf.dispose([input, ...leaked]),
  };
  return prepared;
}

describe('measurePrepared', () => {
  test('a task that frees what it makes has no growth, and its prepared tensors are disposed after', async () => {
    const before = tf.memory().numTensors;
    const m = await measurePrepared('clean', task(0), TIMING);
    expect(m.tensors).toEqual({ start: before + 1, max: before + 1, end: before + 1, growth: 0 });
    expect(m.latency.samples).toBeGreaterThanOrEqual(TIMING.iterations);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a tensor left behind per timed iteration is growth; warm-up leaks are not counted', async () => {
    const m = await measurePrepared('leaky', task(1), TIMING);
    expect(m.tensors.growth).toBe(m.latency.samples);
    expect(m.tensors.end).toBe(m.tensors.max);
    expect(m.tensors.end - m.tensors.start).toBe(m.latency.samples);
  });

  test('a steady leak after a one-time release is growth too', async () => {
    const held = Array.from({ length: 12 }, () => tf.ones([1]));
    const leaky = task(1);
    let first = true;
    const m = await measurePrepared('release-then-leak', {
      iterate: () => {
        leaky.iterate();
        // The first measured iteration frees more than the whole run leaks (after the warm-up).
        if (first) tf.dispose(held.splice(0));
        first = false;
      },
      dispose: () => leaky.dispose(),
    }, { timeMs: 0, iterations: 6, warmupIterations: 0 });
    expect(m.tensors.max).toBe(m.tensors.start);
    expect(m.tensors.growth).toBe(m.latency.samples - 1);
  });

  test('a task that throws is an error, and what it prepared is still disposed', async () => {
    const before = tf.memory().numTensors;
    const input = tf.ones([2]);
    const failing: Prepared = { iterate: () => { throw new Error('boom'); }, dispose: () => input.dispose() };
    await expect(measurePrepared('failing', failing, TIMING)).rejects.toThrow(/boom/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
