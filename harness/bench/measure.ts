/**
 * Times one prepared task with tinybench and checks tensors; depends only on tfjs and tinybench,
 * so the browser page (browser-page.ts) bundles the same code the Node run uses.
 */
import * as tf from '@tensorflow/tfjs';
import { Bench } from 'tinybench';
import type { LatencyStats, TensorCheck } from './types';

export interface TimingOptions {
  timeMs: number;
  iterations: number;
  warmupIterations: number;
}

/** One timed iteration and the cleanup of what was prepared for it; tinybench awaits an async one (WebGPU's reads). */
export type Prepared = { dispose(): void } & ({ iterate(): void; async?: false } | { iterate(): Promise<unknown>; async: true });

export interface Measurement {
  latency: LatencyStats;
  tensors: TensorCheck;
}

/** Times `prepared.iterate` (warm-up excluded), then disposes it; throws what the task throws. */
export async function measurePrepared(name: string, prepared: Prepared, timing: TimingOptions): Promise<Measurement> {
  let start = Number.NaN;
  let max = Number.NaN;
  let min = Number.NaN;
  let end = Number.NaN;
  try {
    const bench = new Bench({
      time: timing.timeMs,
      iterations: timing.iterations,
      warmup: timing.warmupIterations > 0,
      warmupIterations: timing.warmupIterations,
      warmupTime: 0,
      throws: true,
    });
    bench.add(name, () => prepared.iterate(), {
      // Said outright: otherwise tinybench calls the function once to find out, outside warm-up.
      async: prepared.async === true,
      beforeAll: (mode) => {
        if (mode === 'run') start = max = min = end = tf.memory().numTensors;
      },
      afterEach: (mode) => {
        if (mode !== 'run') return;
        end = tf.memory().numTensors;
        max = Math.max(max, end);
        min = Math.min(min, end);
      },
    });
    await bench.run();
    const result = bench.tasks[0]?.result;
    if (!result || result.state !== 'completed') {
      throw new Error(`tinybench ended in state '${result?.state}'${result?.state === 'errored' ? `: ${result.error.message}` : ''}`);
    }
    const l = result.latency;
    return {
      latency: { mean: l.mean, p50: l.p50, p99: l.p99, rme: l.rme, samples: l.samplesCount },
      // A steady leak after a one-time release never passes `start`: it shows as the rise from the lowest count.
      tensors: { start, max, end, growth: Math.max(max - start, end - min) },
    };
  } finally {
    prepared.dispose();
  }
}
