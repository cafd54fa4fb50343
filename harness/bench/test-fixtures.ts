/** Small valid documents for the bench's unit tests (no timing is ever asserted). */
import { BASELINE_SCHEMA, BENCH_SCHEMA, type BaselineFile, type BenchReport, type CompletedTask, type LatencyStats, type SkippedTask } from './types';

export function latency(mean: number, rme = 2, samples = 10): LatencyStats {
  return { mean, p50: mean, p99: mean * 1.2, rme, samples };
}

export function completedTask(name: string, backend: CompletedTask['backend'], mean: number, rme = 2): CompletedTask {
  return {
    id: `${name}@${backend}`,
    name,
    group: name.startsWith('train-step') ? 'train-step' : 'sample',
    model: name.endsWith('vae') ? 'vae' : name.endsWith('wgan-gp') ? 'wgan-gp' : 'dcgan',
    backend,
    device: 'Test CPU, 2 threads',
    itemsPerIteration: 1,
    flops: { perIteration: 1e9, forward: 4e8, backward: 6e8, method: 'exact-per-op' },
    status: 'completed',
    latency: latency(mean, rme),
    throughput: { value: 1000 / mean, unit: 'steps/s' },
    gflops: 1e9 / (mean * 1e6),
    peakShare: 1e9 / (mean * 1e6) / 100,
    peerRatio: null,
    baseline: null,
    tensors: { start: 10, max: 10, end: 10, growth: 0 },
  };
}

export function skippedTask(name: string, backend: SkippedTask['backend'], reason: string): SkippedTask {
  return {
    id: `${name}@${backend}`, name, group: 'train-step', model: 'vae', backend, device: 'Test CPU', itemsPerIteration: 1,
    flops: null, status: 'skipped', reason, singleIterationMs: null,
  };
}

export function sampleReport(tasks: BenchReport['tasks'] = [
  completedTask('train-step/vae', 'tensorflow', 70),
  completedTask('train-step/dcgan', 'tensorflow', 300),
  skippedTask('train-step/vae', 'wasm', 'backend wasm has no Conv2DBackpropFilter kernel'),
]): BenchReport {
  return {
    schema: BENCH_SCHEMA,
    createdAt: '2025-01-01T00:00:00.000Z',
    environment: {
      commit: 'abc', node: 'v20', platform: 'linux-x64', cpuModel: 'Test CPU', cpus: 2, loadAverage: 0.1,
      tfjs: '4.22.0', libtensorflow: '2.9.1', backends: { tensorflow: { threads: 2, description: 'backend tensorflow' } },
    },
    peak: { gflops: 100, cores: 2, ghz: 2.5, flopsPerCycle: 20, isa: 'test', source: 'env', formula: 'peak = test' },
    settings: { batch: 64, timeMs: 3000, iterations: 10, warmupIterations: 3, quick: false, only: [], backends: ['tensorflow', 'wasm'], threshold: 0.1 },
    peer: { status: 'skipped', reason: 'torch not installed' },
    baseline: null,
    goals: [],
    tasks,
  };
}

export function sampleBaseline(tasks: { id: string; mean: number; rme?: number }[]): BaselineFile {
  return {
    schema: BASELINE_SCHEMA, createdAt: '2024-12-01T00:00:00.000Z', commit: 'base', cpuModel: 'Test CPU', cpus: 2,
    tasks: tasks.map((t) => ({ id: t.id, latency: latency(t.mean, t.rme ?? 2) })),
  };
}
