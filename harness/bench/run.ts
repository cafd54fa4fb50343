/**
 * Times task definitions with tinybench, one backend at a time, and turns the results into report
 * rows. Backends that cannot run a task give a skipped row with the reason:
 *   - a missing kernel (wasm has no Conv2DBackpropFilter, tfjs#8474);
 *   - `cpu`: one guarded iteration in a child process (child-run.ts) first; over the per-iteration
 *     budget the task is skipped with that figure, and a child still running at the guard is killed;
 *   - `tensorflow-gpu`: needs @tensorflow/tfjs-node-gpu and an NVIDIA GPU (detected, never assumed);
 *     timed in a child process (child-run.ts), since its package and tfjs-node cannot share one.
 * Warm-up iterations are excluded; `tf.memory().numTensors` is recorded after every measured
 * iteration and any growth is reported (and fails the bench command).
 */
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { achievedGflops } from './flops';
import { measurePrepared, type Measurement, type TimingOptions } from './measure';
import { USER_TENSORFLOW_ENV } from '../../models/backend';
import type { TaskContext, TaskDefinition } from './tasks';
import { taskId } from './tasks';
import type { BenchBackend, BenchTask, CompletedTask, PeakInfo, SkippedTask } from './types';

export type { Measurement, TimingOptions };

/** The run's timing, capped by `def`'s own (tasks whose one iteration takes seconds): never more than the run asks for, so `--quick` stays quick. */
export function taskTiming(def: TaskDefinition, timing: TimingOptions): TimingOptions {
  const cap = (key: keyof TimingOptions) => Math.min(timing[key], def.timing?.[key] ?? timing[key]);
  return { iterations: cap('iterations'), warmupIterations: cap('warmupIterations'), timeMs: cap('timeMs') };
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
    peakShare: gflops === null || ctx.peak === null || !(ctx.peak.gflops > 0) ? null : gflops / ctx.peak.gflops,
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
  /** The GPU's model from the NVIDIA driver, e.g. `NVIDIA A100-SXM4-40GB`, `2 × …` for several; else `CUDA GPU`. */
  device: string;
}

/**
 * Whether @tensorflow/tfjs-node-gpu is installed and the NVIDIA driver reports a GPU, from what the
 * package resolver says and the text of each GPU's /proc/driver/nvidia/gpus/<bus id>/information.
 */
export function describeGpu(packageInstalled: boolean, informations: readonly string[]): GpuDetection {
  const models = informations.map((text) => text.match(/^Model:\s*(.+)$/m)?.[1]?.trim() ?? 'unknown model');
  const missing = [!packageInstalled && '@tensorflow/tfjs-node-gpu is not installed', !models.length && 'the NVIDIA driver reports no GPU (nothing in /proc/driver/nvidia/gpus)'].filter(Boolean);
  const distinct = [...new Set(models)];
  const device = !models.length ? 'CUDA GPU' : distinct.length === 1 && models.length > 1 ? `${models.length} × ${distinct[0]}` : distinct.join(' + ');
  return { available: missing.length === 0, reason: missing.join('; '), device };
}

function readGpuInformation(): string[] {
  const gpus = '/proc/driver/nvidia/gpus';
  try {
    return readdirSync(gpus).map((bus) => readFileSync(join(gpus, bus, 'information'), 'utf8'));
  } catch {
    return []; // no driver, or unreadable: reported as no GPU
  }
}

export function detectTensorflowGpu(): GpuDetection {
  let packageInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-node-gpu');
  } catch {
    packageInstalled = false;
  }
  return describeGpu(packageInstalled, readGpuInformation());
}

interface ChildOutcome {
  status: 'ok' | 'killed' | 'failed';
  stdout: string;
  stderr: string;
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
function runChild(script: string, args: string[], guardMs: number, what: string, env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  const child = spawn(process.execPath, [...typescriptFlags(), join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
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
    // A child that cannot start (EAGAIN, ENOMEM) emits 'error', maybe with no 'close' after it.
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 'failed', stdout, stderr, message: `${script} could not run: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killed) resolve({ status: 'killed', stdout, stderr, message: `no ${what} finished within the ${(guardMs / 1000).toFixed(0)} s guard (child killed)` });
      else if (code === 0) resolve({ status: 'ok', stdout, stderr, message: '' });
      else resolve({ status: 'failed', stdout, stderr, message: `${script} ${code === null ? `was killed by ${signal}` : `exited ${code}`}: ${lastError(stderr).slice(0, 300)}` });
    });
  });
}

/** The JSON documents a child printed, one per line; other lines are skipped. */
function jsonLines(stdout: string): unknown[] {
  return stdout.split('\n').flatMap((line) => {
    try {
      return line.trim().startsWith('{') ? [JSON.parse(line)] : [];
    } catch {
      return [];
    }
  });
}

/** What child-run.ts prints, one JSON line each: the backend (or why it is unavailable), then each task as it finishes. */
export type ChildLine =
  | { backend: { threads: number; description: string } }
  | { unavailable: string }
  | { task: { name: string } & (Measurement | { error: string }) };

export interface ChildRunOptions {
  batch: number;
  seed: number;
  timing: TimingOptions;
  /** Task id filters, as --only. */
  only: string[];
  /** The parent's FLOP models, so the child does not rebuild the networks to count them. */
  costs: TaskContext['costs'];
}

export interface ChildRun {
  status: ChildOutcome['status'];
  /** Why the child stopped early, when it did. */
  message: string;
  backend?: { threads: number; description: string };
  unavailable?: string;
  tasks: Extract<ChildLine, { task: unknown }>['task'][];
}

/** Libraries TensorFlow logged it could not load (CUDA, cuDNN …), from a child's stderr. */
export function missingLibraries(stderr: string): string[] {
  return [...new Set([...stderr.matchAll(/Could not load dynamic library '([^']+)'/g)].map((m) => m[1]!))];
}

/**
 * Times the model tasks of `backend` in a child process (child-run.ts), for a backend that cannot
 * share this process: tfjs-node-gpu registers the same TensorFlow.js backend name as tfjs-node.
 * Tasks finished before a kill or a crash are kept. The child starts from the user's TensorFlow
 * settings, not the ones this process filled in for tfjs-node, and logs warnings so that a
 * library that failed to load can be named.
 */
export async function measureInChild(backend: string, options: ChildRunOptions, guardMs: number): Promise<ChildRun> {
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: USER_TENSORFLOW_ENV.TF_CPP_MIN_LOG_LEVEL ?? '1', TF_ENABLE_ONEDNN_OPTS: USER_TENSORFLOW_ENV.TF_ENABLE_ONEDNN_OPTS };
  if (env.TF_ENABLE_ONEDNN_OPTS === undefined) delete env.TF_ENABLE_ONEDNN_OPTS;
  const outcome = await runChild('child-run.ts', [backend, JSON.stringify(options)], guardMs, `${backend} run`, env);
  const run: ChildRun = { status: outcome.status, message: outcome.message, tasks: [] };
  for (const line of jsonLines(outcome.stdout) as ChildLine[]) {
    if ('backend' in line) run.backend = line.backend;
    else if ('unavailable' in line) {
      const libraries = missingLibraries(outcome.stderr);
      run.unavailable = line.unavailable + (libraries.length ? ` (TensorFlow could not load ${libraries.join(', ')})` : '');
    } else if ('task' in line) run.tasks.push(line.task);
  }
  return run;
}

/** Why a child run has no measurement for `task`: its error, the backend being unavailable, or why the child stopped. */
function whyNotMeasured(task: ChildRun['tasks'][number] | undefined, run: ChildRun): string {
  if (task && 'error' in task) return task.error;
  return run.unavailable ?? (run.message || 'the child process did not run it');
}

export interface ProbeResult {
  status: 'ok' | 'killed' | 'failed';
  ms: number | null;
  message: string;
}

/** One iteration of `name` on `backend`, without warm-up, in a child process killed after `guardMs` (the cpu guard). */
export async function probeInChild(name: string, backend: BenchBackend, guardMs: number, ctx: TaskContext): Promise<ProbeResult> {
  const once = { timeMs: 0, iterations: 1, warmupIterations: 0 };
  const run = await measureInChild(backend, { batch: ctx.batch, seed: ctx.seed, costs: ctx.costs, timing: once, only: [taskId(name, backend)] }, guardMs);
  const task = run.tasks.find((t) => t.name === name);
  if (task && 'latency' in task) return { status: 'ok', ms: task.latency.mean, message: '' };
  if (run.status === 'killed') return { status: 'killed', ms: null, message: `no iteration finished within the ${(guardMs / 1000).toFixed(0)} s guard (child killed)` };
  return { status: 'failed', ms: null, message: whyNotMeasured(task, run) };
}

/** Report rows for `defs` from a child run: measured, skipped as unavailable, or failed (error, kill, crash). */
export function childRows(defs: readonly TaskDefinition[], ctx: RowContext, run: ChildRun): { rows: BenchTask[]; failed: string[] } {
  if (run.unavailable) return { rows: defs.map((d) => skippedRow(d, ctx, `unavailable: ${run.unavailable}`)), failed: [] };
  const failed: string[] = [];
  const rows = defs.map((d) => {
    const task = run.tasks.find((t) => t.name === d.name);
    if (task && 'latency' in task) return completedRow(d, ctx, task);
    failed.push(taskId(d.name, ctx.backend));
    return skippedRow(d, ctx, `failed: ${whyNotMeasured(task, run)}`);
  });
  return { rows, failed };
}

export { type RowContext };
export type { BenchTask };
