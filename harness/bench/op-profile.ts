/**
 * `--profile`: where one iteration's time goes on the native backend, per TensorFlow op.
 *
 * Every op tfjs-node runs goes through its backend's `executeSingleOutput` or
 * `executeMultipleOutputs`, which call libtensorflow synchronously. Timing those two calls gives
 * each op's own time once (tf.profile times tfjs kernels, and counts a kernel that calls others,
 * like tfjs-node's fused ones, twice) and the op count, i.e. the dispatches through the binding.
 * The rest of the iteration is outside TensorFlow ops: tfjs's engine, gradient tape and tensor
 * bookkeeping, reading values back, garbage collection, and a task's own JavaScript (the metrics').
 */
import * as tf from '@tensorflow/tfjs';
import { BENCH_DEFAULTS } from './defaults';
import { isNativeBackend, type NativeBackend } from '../../models/native-backend';
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
    outsideMs: Math.max(0, iterationMs - opMs),
    top: [...byName]
      .map(([name, e]) => ({ name, ms: e.ms / iterations, count: e.count / iterations }))
      .sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name))
      .slice(0, top),
  };
}

/** Runs `prepared.iterate` `iterations` times with every TensorFlow op timed; the backend is restored after. */
export function profileIterations(prepared: Prepared, iterations: number): OpProfile {
  const backend = tf.backend();
  if (!isNativeBackend(backend)) throw new Error(`--profile times TensorFlow ops of the native backend; the active backend is '${tf.getBackend()}'`);
  const records: OpRecord[] = [];
  const timed = <F extends (name: string, ...rest: never[]) => unknown>(execute: F) =>
    function (this: NativeBackend, ...args: Parameters<F>) {
      const start = performance.now();
      try {
        return execute.apply(this, args);
      } finally {
        records.push({ name: args[0], ms: performance.now() - start });
      }
    } as unknown as F;
  const methods = ['executeSingleOutput', 'executeMultipleOutputs'] as const;
  const own = methods.map((m) => Object.getOwnPropertyDescriptor(backend, m));
  backend.executeSingleOutput = timed(backend.executeSingleOutput);
  backend.executeMultipleOutputs = timed(backend.executeMultipleOutputs);
  let wallMs = 0;
  try {
    const start = performance.now();
    for (let i = 0; i < iterations; i++) prepared.iterate();
    wallMs = performance.now() - start;
  } finally {
    // Back to the prototype's methods, or to what the instance had before.
    methods.forEach((m, k) => {
      const descriptor = own[k];
      if (descriptor) Object.defineProperty(backend, m, descriptor);
      else delete (backend as Partial<NativeBackend>)[m];
    });
  }
  return summarizeOps(records, wallMs, iterations);
}

/**
 * A fresh instance from `prepare`, warmed up like the timed run (slot variables, oneDNN's
 * primitive cache), then profiled over about the budget's worth of iterations at `p50Ms`.
 */
export function profileTask(prepare: () => Prepared, warmupIterations: number, p50Ms: number): OpProfile {
  const prepared = prepare();
  try {
    for (let i = 0; i < warmupIterations; i++) prepared.iterate();
    return profileIterations(prepared, profileIterationCount(p50Ms));
  } finally {
    prepared.dispose();
  }
}

/** Iterations to profile: about `budgetMs` of work at the measured p50, within [1, maxIterations]. */
export function profileIterationCount(p50Ms: number, { budgetMs, maxIterations }: { budgetMs: number; maxIterations: number } = BENCH_DEFAULTS.profile): number {
  return Math.max(1, Math.min(maxIterations, Math.floor(budgetMs / Math.max(p50Ms, 1e-3))));
}
