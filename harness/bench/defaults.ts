/**
 * Every default of the benchmark in one table: the CLI's flags (cli.ts) and the library read these,
 * so the two cannot drift. Values that are judgement calls say why.
 */
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export const BENCH_DEFAULTS = {
  /** Batch of every training step; the reference configs and the PyTorch peer use 64 too. */
  batch: 64,
  /** Seed of the untrained reference models, the synthetic batches and the latents. */
  seed: 1,
  /** Minimum measuring time per task (ms); tinybench also runs at least `iterations`. */
  timeMs: 3000,
  /** Minimum measured iterations per task (tinybench runs until both time and count are reached). */
  iterations: 10,
  /**
   * Warm-up iterations, excluded from the statistics: the first steps create Adam's slot variables
   * and let oneDNN cache its primitives, so they are several times slower than the rest.
   */
  warmupIterations: 3,
  /** `--quick`: a smoke run, enough to see every row, too few samples to compare baselines. */
  quick: { iterations: 3, warmupIterations: 1, timeMs: 0 },
  /** Regression threshold as a fraction of the baseline (0.1 = 10 % slower). */
  threshold: 0.1,
  /**
   * A 1-minute load average at or above this when a run starts marks it disturbed, and refuses
   * `--save-baseline` (without `--allow-load`). In a VM it sees only the VM's own work, not a
   * busy host, so a quiet figure is necessary, not sufficient.
   */
  quietLoadAverage: 0.5,
  /** Latents per sampling iteration: the batch evaluation uses (harness/samples/generate.ts). */
  sampleBatch: 500,
  /** Images per golden-comparison iteration: an 8×8 grid of 28×28 images, as the goldens store. */
  goldenGrid: { rows: 8, cols: 8 },
  /** Samples for the metrics task (feature vectors of `metricsFeatureDim` values). */
  metricsSamples: 10_000,
  metricsFeatureDim: 64,
  /**
   * `metrics/compute-metrics` takes seconds per iteration: fewer runs, still after a warm-up. Enough
   * for a 20 % slowdown to be flagged: that needs both runs' 95 % intervals apart, so each under
   * ~9 % of the mean; with 3 iterations the margin was 15 %, and a review's replay of a 1.35×
   * slowdown at that margin was not flagged.
   */
  evaluationTiming: { iterations: 8, warmupIterations: 1, timeMs: 0 },
  /**
   * Pure-JS `cpu` backend: one guarded step in a child process. A step that takes longer than
   * `budgetMs` is recorded as skipped with its figure; a child still running after `guardMs`
   * is killed. The smallest model is probed first and a larger one is not probed once a smaller
   * one failed (its step would be slower still).
   */
  cpuProbe: { budgetMs: 2_000, guardMs: 30_000, quickGuardMs: 15_000 },
  /**
   * `tensorflow-gpu` runs its tasks in one child process, killed after `baseMs` plus, per task,
   * `perTaskMs` and twice the measuring time (a first run on a GPU compiles kernels; slow).
   */
  gpuGuard: { baseMs: 600_000, perTaskMs: 120_000 },
  /** `--backends` when not given: every backend that runs in Node; webgl/webgpu are asked for by name. */
  backends: 'tensorflow,tensorflow-gpu,wasm,cpu',
  /**
   * The PyTorch peer: interpreter (env BENCH_PYTHON, else the virtual environment that
   * `npm run setup:peer` makes, else python3); `rounds` alternating blocks per step (paired.ts),
   * each side at least `blockIterations` steps and `blockShareOfTime` of the measuring time; the
   * longest wait for one line from it. 15 rounds of a fifth of --time: in one process, six repeats
   * of the VAE's pairing ranged 1.08–1.19× with them, 1.01–1.25× with 5 such rounds, and 1.02–1.25×
   * with 15 rounds of a fifteenth (more, shorter blocks did not help; more time did).
   */
  peer: {
    python: 'python3',
    venvPython: join(ROOT, '.cache', 'torch-venv', 'bin', 'python'),
    script: join(ROOT, 'harness', 'bench', 'peer', 'pytorch_peer.py'),
    warmupIterations: 3,
    rounds: 15,
    blockIterations: 3,
    blockShareOfTime: 0.2,
    timeoutMs: 600_000,
  },
  /**
   * WebGL/WebGPU in Chromium. `guardMs`: per-task limit; a task still running then is skipped with
   * its tab, and the larger models of the same group are not run (their iterations would take
   * longer still). `tolerance`: a backend whose convolution and gradients differ from the cpu
   * backend's by more than this (relative) is not timed: its timings would not be of this work.
   */
  browser: { guardMs: { full: 300_000, quick: 90_000 }, tolerance: 1e-4 },
  /**
   * `--profile` (native backend): after a task's timed run, a fresh instance is warmed up and then
   * profiled over about `budgetMs` of iterations (1 to `maxIterations`); `top` ops are listed.
   */
  profile: { top: 8, budgetMs: 3000, maxIterations: 100 },
  /** Files. */
  reportPath: join(ROOT, 'reports', 'bench.json'),
  baselinePath: join(ROOT, 'harness', 'bench', 'baseline.json'),
  /** Environment variables that override the detected FP32 peak (see peak.ts). */
  env: {
    peakGflops: 'BENCH_PEAK_GFLOPS',
    flopsPerCycle: 'BENCH_FLOPS_PER_CYCLE',
    ghz: 'BENCH_CPU_GHZ',
    python: 'BENCH_PYTHON',
  },
} as const;

/**
 * The project's performance goals, reported against (never asserted in jest): native steps at
 * batch 64 on the 2-core development machine, and no slower than the PyTorch CPU peer.
 */
export const PERFORMANCE_GOALS: readonly { task: string; backend: string; maxMs: number }[] = [
  { task: 'train-step/vae', backend: 'tensorflow', maxMs: 22 },
  { task: 'train-step/dcgan', backend: 'tensorflow', maxMs: 130 },
];
