/**
 * Times task definitions with tinybench, one backend at a time, and turns the results into report
 * rows. Backends that cannot run a task give a skipped row with the reason:
 *   - a missing kernel (wasm has no Conv2DBackpropFilter, tfjs#8474);
 *   - `cpu`: one guarded iteration in a child process (probe.ts) first; over the per-iteration
 *     budget the task is skipped with that figure, and a child still running at the guard is killed;
 *   - `tensorflow-gpu`: needs @tensorflow/tfjs-node-gpu and an NVIDIA GPU (detected, never assumed);
 *     timed in a child process (child-run.ts), since its package and tfjs-node cannot share one.
 * Warm-up iterations are excluded; `tf.memory().numTensors` is recorded after every measured
 * iteration and any growth is reported (and fails the bench command).
 */
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  /** The FP32 peak the device's GFLOP/s is a share of; null where unknown (a GPU). */
  peak: PeakInfo | null;
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
    peakShare: gflops === null || ctx.peak === null ? null : gflops / ctx.peak.gflops,
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

export interface GpuDetection {
  available: boolean;
  /** Why not, when not available. */
  reason: string;
  /** The GPU's model from the NVIDIA driver, e.g. `NVIDIA H200`, else `CUDA GPU`. */
  device: string;
}

/**
 * Whether @tensorflow/tfjs-node-gpu is installed and an NVIDIA driver reports a GPU, from what the
 * package resolver and /proc/driver/nvidia say (`information`: the text of one GPU's
 * /proc/driver/nvidia/gpus/<bus id>/information, null without a driver).
 */
export function describeGpu(packageInstalled: boolean, information: string | null): GpuDetection {
  const model = information?.match(/^Model:\s*(.+)$/m)?.[1]?.trim();
  const missing = [!packageInstalled && '@tensorflow/tfjs-node-gpu is not installed', information === null && 'no NVIDIA GPU (no /proc/driver/nvidia/gpus)'].filter(Boolean);
  return { available: missing.length === 0, reason: missing.join('; '), device: model ?? 'CUDA GPU' };
}

export function detectTensorflowGpu(): GpuDetection {
  let packageInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    packageInstalled = false;
  }
  const gpus = '/proc/driver/nvidia/gpus';
  const first = existsSync(gpus) ? readdirSync(gpus)[0] : undefined;
  const information = first === undefined ? null : readFileSync(join(gpus, first, 'information'), 'utf8');
  return describeGpu(packageInstalled, information);
}

interface ChildOutcome {
  status: 'ok' | 'killed' | 'failed';
  /** The last line of stdout parsed as JSON, when the child exited 0 and printed one. */
  doc: unknown;
  message: string;
}

/** Node flags that let a child run TypeScript: this process's when it runs under tsx, else tsx's loader (e.g. under jest). */
function typescriptFlags(): string[] {
  return process.execArgv.some((flag) => flag.includes('tsx')) ? process.execArgv : ['--import', 'tsx'];
}

/** The child's last line of stderr that says something (Node adds its version after an uncaught error). */
function lastError(stderr: string): string {
  return stderr.trim().split('\n').filter((line) => line.trim() && !/^Node\.js v\d/.test(line)).at(-1) ?? '';
}

/** Runs a TypeScript entry of this folder in a child process, killed after `guardMs`. */
function runChild(script: string, args: string[], guardMs: number, what: string): Promise<ChildOutcome> {
  const child = spawn(process.execPath, [...typescriptFlags(), join(__dirname, script), ...args], {
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
      if (killed) return resolve({ status: 'killed', doc: null, message: `no ${what} finished within the ${(guardMs / 1000).toFixed(0)} s guard (child killed)` });
      if (code === 0) {
        try {
          return resolve({ status: 'ok', doc: JSON.parse(stdout.trim().split('\n').at(-1) ?? ''), message: '' });
        } catch {
          // fall through to the failure below
        }
      }
      resolve({ status: 'failed', doc: null, message: `${script} exited ${code}: ${lastError(stderr).slice(0, 200)}` });
    });
  });
}

export interface ProbeResult {
  status: 'ok' | 'killed' | 'failed';
  ms: number | null;
  message: string;
}

/** One iteration of `name` on `backend` in a child process (probe.ts), killed after `guardMs`. */
export async function probeInChild(name: string, backend: string, guardMs: number, args: { batch: number; seed: number }): Promise<ProbeResult> {
  const outcome = await runChild('probe.ts', [name, backend, String(args.batch), String(args.seed)], guardMs, 'iteration');
  const ms = (outcome.doc as { ms?: unknown } | null)?.ms;
  if (outcome.status === 'ok' && typeof ms === 'number') return { status: 'ok', ms, message: '' };
  return { status: outcome.status === 'ok' ? 'failed' : outcome.status, ms: null, message: outcome.message || 'probe printed no timing' };
}

/** What child-run.ts prints: the backend it ran and each task's measurement or error. */
export interface ChildRun {
  backend: { threads: number; description: string };
  tasks: ({ name: string } & (Measurement | { error: string }))[];
}

export interface ChildRunOptions {
  batch: number;
  seed: number;
  timing: TimingOptions;
  /** Task id filters, as --only. */
  only: string[];
}

/**
 * Times the model tasks of `backend` in a child process (child-run.ts), for backends that cannot
 * share this process: tfjs-node-gpu registers the same TensorFlow.js backend name as tfjs-node.
 */
export async function measureInChild(backend: string, options: ChildRunOptions, guardMs: number): Promise<{ status: 'ok'; run: ChildRun } | { status: 'killed' | 'failed'; message: string }> {
  const outcome = await runChild('child-run.ts', [backend, JSON.stringify(options)], guardMs, `${backend} run`);
  const run = outcome.doc as ChildRun | null;
  if (outcome.status === 'ok' && Array.isArray(run?.tasks) && run.backend) return { status: 'ok', run };
  return { status: outcome.status === 'ok' ? 'failed' : outcome.status, message: outcome.message || 'child-run printed no result' };
}

export { type RowContext };
export type { BenchTask };
