import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../models/backend';
import { profileIterationCount, profileIterations, profileTask, summarizeOps } from './op-profile';

describe('summarizeOps', () => {
  const records = [
    { name: 'Add', ms: 1 },
    { name: 'Mul', ms: 2 },
    { name: 'Add', ms: 3 },
    { name: 'Conv2D', ms: 0.5 },
  ];

  test('per-iteration time in ops, the JavaScript rest, and ops by total time', () => {
    expect(summarizeOps(records, 10, 2)).toEqual({
      iterations: 2,
      iterationMs: 5,
      ops: 2,
      opMs: 3.25,
      outsideMs: 1.75,
      top: [
        { name: 'Add', ms: 2, count: 1 },
        { name: 'Mul', ms: 1, count: 0.5 },
        { name: 'Conv2D', ms: 0.25, count: 0.5 },
      ],
    });
  });

  test('keeps the `top` most expensive; JavaScript time is never negative', () => {
    expect(summarizeOps(records, 6, 1, 1).top).toEqual([{ name: 'Add', ms: 4, count: 2 }]);
    expect(summarizeOps(records, 5, 1).outsideMs).toBe(0);
  });

  test('rejects fewer than one iteration', () => {
    expect(() => summarizeOps(records, 10, 0)).toThrow('iterations: expected at least 1, found 0');
  });
});

test('profileIterationCount: about the budget of iterations, 1 to the maximum', () => {
  const limits = { budgetMs: 3000, maxIterations: 5 };
  expect(profileIterationCount(40, limits)).toBe(5);
  expect(profileIterationCount(1000, { budgetMs: 3000, maxIterations: 100 })).toBe(3);
  expect(profileIterationCount(900, limits)).toBe(3);
  expect(profileIterationCount(6000, limits)).toBe(1);
});

describe('profileIterations on the native backend', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  const ownMethods = () => ['executeSingleOutput', 'executeMultipleOutputs'].filter((m) => Object.prototype.hasOwnProperty.call(tf.backend(), m));

  test('counts and times each TensorFlow op of an iteration, then leaves the backend as it was', () => {
    const x = tf.tensor1d([1, 2, 3]);
    // SplitV has several outputs: it goes through executeMultipleOutputs.
    const prepared = { iterate: () => tf.tidy(() => void tf.split(tf.square(tf.add(x, x)), 3)), dispose: () => undefined };
    const profile = profileIterations(prepared, 3);
    expect(profile.iterations).toBe(3);
    expect(profile.ops).toBe(3);
    expect(profile.top.map((o) => [o.name, o.count]).sort()).toEqual([['Add', 1], ['SplitV', 1], ['Square', 1]]);
    expect(profile.opMs).toBeLessThanOrEqual(profile.iterationMs);
    expect(ownMethods()).toEqual([]);
    x.dispose();
  });

  test('restores the backend when an iteration throws', () => {
    const prepared = { iterate: () => { throw new Error('boom'); }, dispose: () => undefined };
    expect(() => profileIterations(prepared, 1)).toThrow('boom');
    expect(ownMethods()).toEqual([]);
  });
});

describe('profileTask', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  test('warms a fresh instance up, profiles about the budget, and disposes it', () => {
    const calls: string[] = [];
    const prepare = () => {
      calls.push('prepare');
      return { iterate: () => void calls.push('iterate'), dispose: () => void calls.push('dispose') };
    };
    const profile = profileTask(prepare, 2, 1000);
    expect(profile.iterations).toBe(3);
    expect(calls).toEqual(['prepare', 'iterate', 'iterate', 'iterate', 'iterate', 'iterate', 'dispose']);
  });

  test('disposes the instance when an iteration throws', () => {
    const calls: string[] = [];
    const prepare = () => ({ iterate: () => { throw new Error('boom'); }, dispose: () => void calls.push('dispose') });
    expect(() => profileTask(prepare, 1, 10)).toThrow('boom');
    expect(calls).toEqual(['dispose']);
  });
});

test('refuses a backend without TensorFlow ops, naming it', async () => {
  await useBackend('wasm');
  try {
    expect(() => profileIterations({ iterate: () => undefined, dispose: () => undefined }, 1)).toThrow("the active backend is 'wasm'");
  } finally {
    await useBackend('tensorflow');
  }
});
