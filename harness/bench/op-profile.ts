/**
 * `--profile`: where one iteration's time goes on the native backend, per TensorFlow op.
 *
 * Every op tfjs-node runs goes through its backend's `executeSingleOutput` or
 * `executeMultipleOutputs`, which call libtensorflow synchronously. Timing those two calls gives
 * each op's own time once (tf.profile times tfjs kernels, and counts a kernel that calls others,
 * like tfjs-node's fused ones, twice) and the op count, i.e. the dispatches through the binding.
 * What the iteration spends outside them is JavaScript: tfjs's engine, gradient tape and tensor
 * bookkeeping.
 */
import * as tf from '@tensorflow/tfjs';
import { BENCH_DEFAULTS } from './defaults';
import type { Prepared } from './measure';
import type { OpProfile } from './types';

export interface OpRecord {
  name: string;
  ms: number;
}

/** Per-iteration averages of `records` gathered over `iterations` iterations that took `wallMs` in all. */
export function summarizeOps(records: readonly OpRecord[], wallMs: number, iterations: number, top: number = BENCH_DEFAULTS.profile.top): OpProfile {
  if (!(iterations >= 1)) throw new RangeError(`iterations: expected at least 1, found ${iterations}`);
  const byName = new Map<string, { ms: number; count: number }>();
  for (const r of records) {
    const entry = byName.get(r.name) ?? { ms: 0, count: 0 };
    entry.ms += r.ms;
    entry.count += 1;
    byName.set(r.name, entry);
  }
  const opMs = records.reduce((sum, r) => sum + r.ms, 0) / iterations;
  const iterationMs = wallMs / iterations;
  return {
    iterations,
    iterationMs,
    ops: records.length / iterations,
    opMs,
    javascriptMs: Math.max(0, iterationMs - opMs),
    top: [...byName]
      .map(([name, e]) => ({ name, ms: e.ms / iterations, count: e.count / iterations }))
      .sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name))
      .slice(0, top),
  };
}

type Execute = (name: string, ...rest: unknown[]) => unknown;
interface NativeBackend {
  executeSingleOutput: Execute;
  executeMultipleOutputs: Execute;
}

function isNative(backend: unknown): backend is NativeBackend {
  const b = backend as Partial<NativeBackend> | null;
  return typeof b?.executeSingleOutput === 'function' && typeof b.executeMultipleOutputs === 'function';
}

/** Runs `prepared.iterate` `iterations` times with every TensorFlow op timed; the backend is restored after. */
export function profileIterations(prepared: Prepared, iterations: number): OpProfile {
  const backend = tf.backend();
  if (!isNative(backend)) throw new Error(`--profile times TensorFlow ops of the native backend; the active backend is '${tf.getBackend()}'`);
  const records: OpRecord[] = [];
  const timed = (execute: Execute): Execute =>
    function (this: unknown, name, ...rest) {
      const start = performance.now();
      try {
        return execute.call(this, name, ...rest);
      } finally {
        records.push({ name, ms: performance.now() - start });
      }
    };
  const own = { single: Object.getOwnPropertyDescriptor(backend, 'executeSingleOutput'), multiple: Object.getOwnPropertyDescriptor(backend, 'executeMultipleOutputs') };
  const { executeSingleOutput, executeMultipleOutputs } = backend;
  backend.executeSingleOutput = timed(executeSingleOutput);
  backend.executeMultipleOutputs = timed(executeMultipleOutputs);
  let wallMs = 0;
  try {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) prepared.iterate();
    wallMs = performance.now() - start;
  } finally {
    // Back to the prototype's methods (or whatever the instance had before).
    if (own.single) Object.defineProperty(backend, 'executeSingleOutput', own.single);
    else delete (backend as Partial<NativeBackend>).executeSingleOutput;
    if (own.multiple) Object.defineProperty(backend, 'executeMultipleOutputs', own.multiple);
    else delete (backend as Partial<NativeBackend>).executeMultipleOutputs;
  }
  return summarizeOps(records, wallMs, iterations);
}

/** Iterations to profile: about `budgetMs` of work at the measured p50, within [1, maxIterations]. */
export function profileIterationCount(p50Ms: number, { budgetMs, maxIterations }: { budgetMs: number; maxIterations: number } = BENCH_DEFAULTS.profile): number {
  return Math.max(1, Math.min(maxIterations, Math.floor(budgetMs / Math.max(p50Ms, 1e-3))));
}
