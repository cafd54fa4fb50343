import { rendererLabel } from './browser';
import { BENCH_DEFAULTS } from './defaults';
import { missingKernelReason, taskTiming } from './run';
import { syntheticShoes } from '../../models/testing';
import { matchesOnly, unmatchedFilters } from './tasks';

describe('task selection', () => {
  test('--only keeps a task when any filter is part of its id', () => {
    expect(matchesOnly('train-step/vae@tensorflow', [])).toBe(true);
    expect(matchesOnly('train-step/vae@tensorflow', ['dcgan', 'vae@'])).toBe(true);
    expect(matchesOnly('train-step/vae@wasm', ['@tensorflow'])).toBe(false);
  });
  test('filters that select no task are named', () => {
    const ids = ['train-step/vae@tensorflow', 'sample/vae@wasm'];
    expect(unmatchedFilters(['vae@', 'train/vae', 'gan'], ids)).toEqual(['train/vae', 'gan']);
    expect(unmatchedFilters([], ids)).toEqual([]);
  });
});

describe('timing', () => {
  const slow = { timing: BENCH_DEFAULTS.evaluationTiming } as Parameters<typeof taskTiming>[0];
  test("a slow task's own timing caps the run's, so --quick stays quick", () => {
    // The run's defaults must not cap the evaluation below its own count (defaults.ts says why it needs 8).
    const full = { iterations: BENCH_DEFAULTS.iterations, warmupIterations: BENCH_DEFAULTS.warmupIterations, timeMs: BENCH_DEFAULTS.timeMs };
    expect(taskTiming(slow, full)).toEqual({ iterations: 8, warmupIterations: 1, timeMs: 0 });
    expect(taskTiming(slow, BENCH_DEFAULTS.quick)).toEqual({ iterations: 3, warmupIterations: 1, timeMs: 0 });
    expect(taskTiming({} as Parameters<typeof taskTiming>[0], full)).toEqual(full);
  });
});

describe('synthetic inputs', () => {
  test('seeded, in [0, 1], 784 values per image', () => {
    const a = syntheticShoes(3, 1).images;
    expect(a).toHaveLength(3 * 784);
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(syntheticShoes(3, 1).images).toEqual(a);
    expect(syntheticShoes(3, 2).images).not.toEqual(a);
  });
});

describe('skip reasons', () => {
  test('a missing filter gradient says the backend cannot train convolutions', () => {
    expect(missingKernelReason('wasm', ['Conv2DBackpropFilter'])).toBe(
      'backend wasm has no Conv2DBackpropFilter kernel, so it cannot train convolutions (tfjs#8474)',
    );
  });
  test('software WebGL is labelled as such', () => {
    expect(rendererLabel('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)')).toBe('SwiftShader (software rendering): ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)');
    expect(rendererLabel('ANGLE (NVIDIA, NVIDIA GeForce RTX 4090)')).toBe('ANGLE (NVIDIA, NVIDIA GeForce RTX 4090)');
  });
});
