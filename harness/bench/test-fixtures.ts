/** Small valid documents for the bench's unit tests (no timing is ever asserted). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEER_SCHEMA } from './peer';
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

/**
 * A stand-in for peer/pytorch_peer.py, in Node, written to `dir`: prints a library's chatter and
 * `first`, then answers each request with one sample per iteration (10, 11, …), echoing its id;
 * after `answers` requests it exits with status 4; with `answers: 'never'` it reads requests but
 * never answers and ignores the end of its input. Each answer is printed `copies` times.
 */
export function writeFakePeer(dir: string, name: string, first: string, answers: number | 'never' = Infinity, copies = 1): { python: string; script: string } {
  const script = join(dir, `${name}.js`);
  writeFileSync(script, `
    console.log('a library saying hello');
    console.log(${JSON.stringify(first)});
    const never = ${answers === 'never'};
    if (never) setInterval(() => {}, 1000);
    let left = ${typeof answers === 'number' && Number.isFinite(answers) ? answers : -1};
    require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
      if (never) return;
      if (left === 0) { console.error('fake peer: out of answers'); process.exit(4); }
      left--;
      const r = JSON.parse(l);
      const answer = JSON.stringify({ id: r.id, model: r.model, samples_ms: Array.from({ length: r.iterations }, (_, i) => 10 + i) });
      for (let c = 0; c < ${copies}; c++) console.log(answer);
    });`);
  return { python: process.execPath, script };
}

export const readyLine = (models: string[] = ['vae']) =>
  JSON.stringify({ schema: PEER_SCHEMA, status: 'ready', torch: '2.5.1+cpu', threads: 2, batch: 64, models: models.map((model) => ({ model, parameters: { [`${model}_net`]: 5 } })) });
