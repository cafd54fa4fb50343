/**
 * Times task definitions with tinybench, one backend at a time, and turns the results into report
 * rows. Backends that cannot run a task give a skipped row with the reason:
 *   - a missing kernel (wasm has no Conv2DBackpropFilter, tfjs#8474);
 *   - `cpu`: one guarded iteration in a child process (probe.ts) first; over the per-iteration
 *     budget the task is skipped with that figure, and a child still running at the guard is killed;
 *   - `tensorflow-gpu`: needs @tensorflow/tfjs-node-gpu and a CUDA GPU (detected, never assumed).
 * Warm-up iterations are excluded; `tf.memory().numTensors` is recorded after every measured
 * iteration and any growth is reported (and fails the bench command).
 */
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { achievedGflops } from './flops';
import { measurePrepared, type Measurement, type TimingOptions } from './measure';
import type { TaskDefinition } from './tasks';
import { taskId } from './tasks';
import type { BenchBackend, BenchTask, CompletedTask, PeakInfo, SkippedTask } from './types';

export type { Measurement, TimingOptions };

/** The run's timing with `def`'s own overrides (tasks whose one iteration takes seconds). */
export function taskTiming(def: TaskDefinition, timing: TimingOptions): TimingOptions {
  return { ...timing, ...def.timing };
}

/** Prepares `def` and times it (measure.ts). */
export function measure(def: TaskDefinition, timing: TimingOptions): Promise<Measurement> {
  return measurePrepared(def.name, def.prepare(), taskTiming(def, timing));
}

interface RowContext {
  backend: BenchBackend;
  device: string;
  peak: PeakInfo;
}

function rowBase(def: TaskDefinition, ctx: RowContext) {
  return {
    id: taskId(def.name, ctx.backend),
    name: def.name,
    group: def.group,
    model: def.model,
    backend: ctx.backend,
    device: ctx.device,
    itemsPerIteration: def.itemsPerIteration,
    flops: def.flops,
  };
}

export function completedRow(def: TaskDefinition, ctx: RowContext, m: Measurement): CompletedTask {
  const gflops = def.flops ? achievedGflops(def.flops.perIteration, m.latency.mean) : null;
  return {
    ...rowBase(def, ctx),
    status: 'completed',
    latency: m.latency,
    throughput: { value: (def.itemsPerIteration * 1000) / m.latency.mean, unit: def.unit },
    gflops,
    peakShare: gflops === null ? null : gflops / ctx.peak.gflops,
    peerRatio: null,
    baseline: null,
    tensors: m.tensors,
  };
}

export function skippedRow(def: TaskDefinition, ctx: RowContext, reason: string, singleIterationMs: number | null = null): SkippedTask {
  return { ...rowBase(def, ctx), status: 'skipped', reason, singleIterationMs };
}

/** Kernels `def` needs that `backend` lacks. */
export function missingKernels(def: TaskDefinition, backend: string): string[] {
  return def.kernels.filter((k) => !tf.getKernel(k, backend));
}

export function missingKernelReason(backend: string, missing: readonly string[]): string {
  const note = missing.includes('Conv2DBackpropFilter') ? ', so it cannot train convolutions (tfjs#8474)' : '';
  return `backend ${backend} has no ${missing.join(', ')} kernel${missing.length > 1 ? 's' : ''}${note}`;
}

/** Whether @tensorflow/tfjs-node-gpu and a CUDA GPU are both present; the reason when not. */
export function detectTensorflowGpu(): { available: boolean; reason: string } {
  let pkg = true;
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    pkg = false;
  }
  const gpu = existsSync('/proc/driver/nvidia/version');
  if (pkg && gpu) {
    return {
      available: true,
      reason: '@tensorflow/tfjs-node-gpu and a CUDA GPU are present, but timing them needs a separate process ' +
        '(tfjs-node and tfjs-node-gpu both register the backend name "tensorflow"), which is not wired yet',
    };
  }
  const missing = [!pkg && '@tensorflow/tfjs-node-gpu is not installed', !gpu && 'no CUDA GPU (no /proc/driver/nvidia/version)'].filter(Boolean);
  return { available: false, reason: missing.join('; ') };
}

export interface ProbeResult {
  status: 'ok' | 'killed' | 'failed';
  ms: number | null;
  message: string;
}

/**
 * One iteration of `name` on `backend` in a child process (probe.ts), killed after `guardMs`.
 * The child runs under the same Node flags as this process (tsx's loader included).
 */
export function probeInChild(name: string, backend: string, guardMs: number, args: { batch: number; seed: number }): Promise<ProbeResult> {
  const script = join(__dirname, 'probe.ts');
  const child = spawn(process.execPath, [...process.execArgv, script, name, backend, String(args.batch), String(args.seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, guardMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (killed) return resolve({ status: 'killed', ms: null, message: `no iteration finished within the ${(guardMs / 1000).toFixed(0)} s guard (child killed)` });
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const doc = JSON.parse(line) as { ms?: unknown };
        if (code === 0 && typeof doc.ms === 'number') return resolve({ status: 'ok', ms: doc.ms, message: '' });
      } catch {
        // fall through to the failure below
      }
      resolve({ status: 'failed', ms: null, message: `probe exited ${code}: ${(stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)}` });
    });
  });
}

export { type RowContext };
export type { BenchTask };
