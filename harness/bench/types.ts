/**
 * The contract of reports/bench.json (written by report.ts, read by the HTML report) and of
 * harness/bench/baseline.json. Every public type of the benchmark lives here.
 *
 * Stability: fields are only ever added. A change that removes or re-means a field bumps
 * `BENCH_SCHEMA` (and `BASELINE_SCHEMA`), and schema.ts rejects documents of another version.
 *
 * Units: times in milliseconds, FLOPs as plain counts (multiply–add = 2 FLOPs), GFLOP/s as
 * 1e9 FLOPs per second, shares as fractions in [0, 1] (not percent), `rme` in percent as
 * tinybench gives it.
 */
import type { ModelKind } from '../../models/types';

/** @3: the PyTorch goal is decided on `peer.tasks[].paired.interval`, so a goal's `met` may be null beside a ratio; @2: the paired ratio. */
export const BENCH_SCHEMA = 'vae-vs-gan/bench@3';
/** @2: a training step's `peerRatio` is the paired ratio (paired.ts); @1's was p50 / the peer's p50, taken minutes apart. */
export const BASELINE_SCHEMA = 'vae-vs-gan/bench-baseline@2';

/** What a task times. */
export const TASK_GROUPS = ['train-step', 'sample', 'golden', 'metrics'] as const;
export type TaskGroup = (typeof TASK_GROUPS)[number];

/**
 * Where a task runs: a TensorFlow.js backend, `js` for plain JavaScript work that no backend
 * runs (pixelmatch, Fréchet distance), or a browser backend (`webgl`, `webgpu`).
 */
export const BENCH_BACKENDS = ['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu', 'js', 'webgl', 'webgpu'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

/** Latency statistics of one task (tinybench's, trimmed), in ms per iteration. */
export interface LatencyStats {
  mean: number;
  p50: number;
  p99: number;
  /** Relative margin of error of the mean at 95 % (Student t), in percent. */
  rme: number;
  /** Measured iterations (warm-up excluded). */
  samples: number;
}

/** Items per second, from the mean latency: itemsPerIteration × 1000 / latency.mean. */
export interface Throughput {
  value: number;
  unit: 'steps/s' | 'images/s' | 'samples/s';
}

/** Analytic FLOPs of one iteration (see flops.ts for the counting rules). */
export interface TaskFlops {
  perIteration: number;
  forward: number;
  backward: number;
  /** Always 'exact-per-op': every conv/transposed-conv/dense op the step needs is counted. */
  method: 'exact-per-op';
}

/** `tf.memory().numTensors` around the measured iterations. */
export interface TensorCheck {
  /** Before the first measured iteration. */
  start: number;
  /** Largest count seen after any measured iteration. */
  max: number;
  /** After the last measured iteration. */
  end: number;
  /** The largest rise: `max − start`, or the end over the lowest count after an iteration; anything above 0 is a leak and fails the bench run. */
  growth: number;
}

/** A task's standing against the committed baseline. */
export interface BaselineComparison {
  /** current mean / baseline mean (> 1: slower than the baseline). */
  ratio: number;
  /** Whether [mean ± moe] of the two runs overlap; a regression needs them not to. */
  intervalsOverlap: boolean;
  /** ratio > 1 + threshold and the intervals do not overlap (and, when re-measured, again in `rerun`). */
  regression: boolean;
  /** ratio < 1 − threshold and the intervals do not overlap. */
  improvement: boolean;
  /**
   * A task flagged as a regression is timed once more at the end of the run (in-process backends
   * and js): its figures then; the flag stands only if the rerun is a regression too.
   */
  rerun?: { mean: number; rme: number; ratio: number; regression: boolean };
  /**
   * A native training step whose paired ratio to PyTorch this run and the baseline both have: (this
   * run's ratio) / (the baseline's). The same work on the same machine in the same run, so drift of
   * the machine cancels. `upper`: the upper end of this run's 95 % interval of the ratio over the
   * baseline's ratio (null: no interval). `regression` is false, and clears the flag, only when
   * `upper` is within the threshold.
   */
  peer?: { ratio: number; upper?: number | null; regression: boolean };
}

interface TaskBase {
  /** `${name}@${backend}`: unique within a report, the key baselines are matched on. */
  id: string;
  /** e.g. `train-step/vae`, `sample/dcgan`, `golden/pixelmatch-grid`, `metrics/frechet-distance`. */
  name: string;
  group: TaskGroup;
  model: ModelKind | null;
  backend: BenchBackend;
  /** What ran it, e.g. `AMD EPYC, 2 threads` or `SwiftShader (software rendering)`. */
  device: string;
  /** Items one iteration handles (64 images for a step at batch 64 counts as 1 step). */
  itemsPerIteration: number;
  /** Analytic FLOPs; null for tasks without a FLOP model (golden, metrics). */
  flops: TaskFlops | null;
}

export interface CompletedTask extends TaskBase {
  status: 'completed';
  latency: LatencyStats;
  throughput: Throughput;
  /** flops.perIteration / latency.mean, in GFLOP/s; null without flops. */
  gflops: number | null;
  /** gflops / peak.gflops, as a fraction; null without flops or without a known peak (0). */
  peakShare: number | null;
  /**
   * Our step time over PyTorch's for the same step (> 1: slower than PyTorch): on `tensorflow` the
   * paired ratio (median over alternating rounds, PeerTask.paired); elsewhere p50 / PyTorch's p50.
   * null without a peer figure.
   */
  peerRatio: number | null;
  /** null when --compare was not asked or the baseline has no such task. */
  baseline: BaselineComparison | null;
  tensors: TensorCheck;
  /** With --profile, on the native backend only (op-profile.ts). */
  profile?: OpProfile;
}

/** Per-iteration averages over a few iterations after the timed ones, every TensorFlow op timed. */
export interface OpProfile {
  iterations: number;
  /** Wall time of one iteration while profiled. */
  iterationMs: number;
  /** TensorFlow ops run through tfjs-node's binding (one dispatch each). */
  ops: number;
  /** Time inside those calls: the ops and the binding's own cost. */
  opMs: number;
  /**
   * iterationMs − opMs, floored at 0: tfjs's engine, gradient tape and bookkeeping, reading values
   * back, garbage collection, and a task's own JavaScript.
   */
  outsideMs: number;
  /** The most expensive ops by total time, most expensive first; count is per iteration. */
  top: { name: string; ms: number; count: number }[];
}

export interface SkippedTask extends TaskBase {
  status: 'skipped';
  /** Why, in words a reader can act on (missing kernel, over budget, not installed, failed: …). */
  reason: string;
  /** One iteration's time where one ran before the task was skipped (e.g. the cpu probe). */
  singleIterationMs: number | null;
}

export type BenchTask = CompletedTask | SkippedTask;

/** The machine's FP32 peak, detected or configured (peak.ts). */
export interface PeakInfo {
  gflops: number;
  cores: number;
  ghz: number;
  flopsPerCycle: number;
  /** e.g. 'avx2-fma', 'avx512', or 'configured'. */
  isa: string;
  source: 'detected' | 'env';
  /** The formula with its numbers, as printed under the table. */
  formula: string;
}

export interface BackendLabel {
  threads: number;
  description: string;
}

export interface BenchEnvironment {
  commit: string;
  node: string;
  platform: string;
  /** CPU model from /proc/cpuinfo (or os.cpus()). */
  cpuModel: string;
  /** Logical CPUs of the machine (os.cpus()); the threads each backend used are in `backends` and each task's `device`. */
  cpus: number;
  /** 1-minute load average when the run started: a high one means disturbed timings. */
  loadAverage: number;
  tfjs: string;
  /** libtensorflow version when the native backend loaded, else null. */
  libtensorflow: string | null;
  /** The backends that were activated, with their thread counts. */
  backends: Partial<Record<BenchBackend, BackendLabel>>;
}

/** Our step time over the peer's, per round of alternating blocks (paired.ts): their median and range. */
export interface PairedRatio {
  ratio: number;
  /** The sign test's 95 % interval for the median; null below 6 rounds. */
  interval: [number, number] | null;
  min: number;
  max: number;
  rounds: number;
}

/** One model's step time from the PyTorch peer (harness/bench/peer/pytorch_peer.py), all its blocks together. */
export interface PeerTask {
  model: ModelKind;
  latency: LatencyStats;
  /** Trainable parameters per network, named as in tfjs (e.g. encoder, decoder). */
  parameters: Record<string, number>;
  /** Against the native (`tensorflow`) step, whose blocks alternated with the peer's. */
  paired: PairedRatio;
}

export type PeerSummary =
  | { status: 'completed'; torch: string; threads: number; batch: number; tasks: PeerTask[] }
  | { status: 'skipped'; reason: string };

export interface GoalResult {
  task: string;
  backend: BenchBackend;
  /** The goal, e.g. 'p50 ≤ 22 ms' or 'no slower than PyTorch'. */
  goal: string;
  /** Measured p50 (ms), or null when the task did not complete. */
  measuredMs: number | null;
  /** For a goal on the ratio to PyTorch, the ratio judged, when there is one. */
  ratio?: number;
  /** And its 95 % interval (null: too few rounds for one). */
  interval?: [number, number] | null;
  /** null when it could not be judged (task skipped, no peer) or decided (an interval that spans 1, or none). */
  met: boolean | null;
}

export interface BenchSettings {
  batch: number;
  timeMs: number;
  iterations: number;
  warmupIterations: number;
  quick: boolean;
  only: string[];
  backends: BenchBackend[];
  threshold: number;
}

export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  createdAt: string;
  environment: BenchEnvironment;
  peak: PeakInfo;
  settings: BenchSettings;
  peer: PeerSummary;
  /** Present when --compare/--check ran. */
  baseline: {
    path: string;
    createdAt: string;
    commit: string;
    regressions: string[];
    /** Baseline tasks this run selected (backends, --only) but did not complete, so not compared (absent before this field was added). */
    notCompared?: string[];
    /** `<id>: <difference>` for tasks this run completed on another setup than the baseline's (threads, libtensorflow), so not compared. */
    incomparable?: string[];
  } | null;
  goals: GoalResult[];
  tasks: BenchTask[];
}

/** harness/bench/baseline.json: the committed reference run, trimmed to what comparison needs. */
export interface BaselineFile {
  schema: typeof BASELINE_SCHEMA;
  createdAt: string;
  commit: string;
  cpuModel: string;
  cpus: number;
  /**
   * `commit` and `createdAt` per task: a save replaces only the tasks its run completed. `threads`
   * (the backend's) and, on `tensorflow`, `libtensorflow`: a task timed with others is not compared
   * (absent in baselines saved before these fields, or for backends without a thread count: not checked).
   * `peerTorch`: the PyTorch version `peerRatio` was measured against; a run with another one
   * does not divide by it.
   */
  tasks: { id: string; latency: LatencyStats; commit?: string; createdAt?: string; peerRatio?: number; peerTorch?: string; threads?: number; libtensorflow?: string }[];
}
