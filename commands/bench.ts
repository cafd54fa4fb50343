/**
 * `bench`: CLI glue around harness/bench. Times every task on every requested backend, runs the
 * PyTorch peer, compares with the committed baseline, prints the table and writes
 * reports/bench.json. Exit status 1 on a tensor leak, a failed task, or (with --check) a
 * flagged regression.
 */
import { relative, resolve } from 'node:path';
import { assertWritableFile, updateUnderLock } from '../models/atomic-write';
import { intraOpThreads, useBackend, type BackendInfo, type BackendName } from '../models/backend';
import { applyBaseline, applyReruns, baselineForRun, baselineMismatch, flaggedTiming, mergeBaseline, peerTorchNote, saveBaseline } from '../harness/bench/baseline';
import { BENCH_DEFAULTS } from '../harness/bench/defaults';
import { backendLabel, benchEnvironment, busyBaselineRefusal, deviceLabel, loadWarning } from '../harness/bench/environment';
import { profileTask } from '../harness/bench/op-profile';
import { detectPeak, readCpuInfo } from '../harness/bench/peak';
import { pairWithPeer, type PairedRun } from '../harness/bench/paired';
import { torchCheck } from '../harness/bench/peer';
import { applyPeer, formatReport, judgeGoals, runProblems, writeReport } from '../harness/bench/report';
import {
  childRows, completedRow, detectTensorflowGpu, measure, measureInChild, missingKernelReason, missingKernels, probeInChild, skippedRow, taskTiming,
  type RowContext, type TimingOptions,
} from '../harness/bench/run';
import {
  matchesOnly, measureModelCosts, splitTaskId, taskId, tasksFor, unmatchedFilters, type TaskContext, type TaskDefinition,
} from '../harness/bench/tasks';
import {
  BENCH_BACKENDS, BENCH_SCHEMA,
  type BackendLabel, type BenchBackend, type BenchReport, type BenchTask, type LatencyStats, type PeakInfo, type PeerSummary,
} from '../harness/bench/types';

export interface BenchCommand {
  json: string;
  /** The baseline file; harness/bench/baseline.json (committed) unless given. */
  baseline?: string;
  saveBaseline?: boolean;
  allowLoad?: boolean;
  compare?: boolean;
  check?: boolean;
  threshold: number;
  time: number;
  quick?: boolean;
  only?: string;
  backends: string;
  profile?: boolean;
}

const TFJS_BACKENDS: readonly BenchBackend[] = ['tensorflow', 'wasm', 'cpu'];
const BROWSER_BACKENDS: readonly BenchBackend[] = ['webgl', 'webgpu'];

export function parseBackends(value: string): BenchBackend[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(BENCH_BACKENDS as readonly string[]).includes(n) || n === 'js') {
      throw new RangeError(`--backends: expected names from ${BENCH_BACKENDS.filter((b) => b !== 'js').join(', ')}, found '${n}'`);
    }
  }
  if (names.length === 0) throw new RangeError(`--backends: expected at least one backend name, found '${value}'`);
  return [...new Set(names)] as BenchBackend[];
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Every task id the run could time on `backends` (plus `js`), before --only. */
function taskIds(backends: readonly BenchBackend[], ctx: TaskContext): string[] {
  return [...backends, 'js' as const].flatMap((b) => tasksFor(b, ctx).map((d) => taskId(d.name, b)));
}

/** The ids the run sets out to time; throws on an --only filter that selects nothing. */
function selectTasks(only: readonly string[], backends: readonly BenchBackend[], ctx: TaskContext): string[] {
  const ids = taskIds(backends, ctx);
  const unmatched = unmatchedFilters(only, ids);
  if (unmatched.length) {
    const names = [...new Set(ids.map((id) => splitTaskId(id).name))];
    throw new RangeError(
      `--only: ${unmatched.map((f) => `'${f}'`).join(', ')} matches no task; filters are parts of ids 'name@backend', names ${names.join(', ')}, backends ${[...backends, 'js'].join(', ')}`,
    );
  }
  return ids.filter((id) => matchesOnly(id, only));
}

/** Backends whose tasks can be timed again in this process at the end of a run. */
const RERUNNABLE: readonly BenchBackend[] = ['tensorflow', 'wasm', 'cpu', 'js'];

/** Times each flagged task once more (fresh instance, same timing); a task that fails now keeps its flag. */
async function rerunFlagged(ids: readonly string[], ctx: TaskContext, timing: TimingOptions): Promise<Map<string, LatencyStats>> {
  const out = new Map<string, LatencyStats>();
  for (const id of ids) {
    const { name, backend } = splitTaskId(id);
    const def = RERUNNABLE.includes(backend) ? tasksFor(backend, ctx).find((d) => d.name === name) : undefined;
    if (!def) continue;
    log(`${id}: flagged as a regression, timing it once more …`);
    try {
      if (backend !== 'js') await useBackend(backend as BackendName);
      out.set(id, (await measure(def, timing)).latency);
    } catch (error) {
      log(`${id}: rerun failed (${(error as Error).message.split('\n')[0]}); the flag stands`);
    }
  }
  return out;
}

interface BackendRun {
  rows: BenchTask[];
  info?: BackendInfo;
  /** For a backend timed in a child process (no BackendInfo here). */
  label?: BackendLabel;
  failed: string[];
  /** Printed under the table. */
  notes?: string[];
}

/** Times one task; one that throws becomes a skipped row with the error's first line, and counts as failed. */
async function timeTask(def: TaskDefinition, ctx: RowContext, timing: TimingOptions): Promise<{ row: BenchTask; failed: boolean }> {
  try {
    return { row: completedRow(def, ctx, await measure(def, timing)), failed: false };
  } catch (error) {
    return { row: skippedRow(def, ctx, `failed: ${(error as Error).message.split('\n')[0]}`), failed: true };
  }
}

async function runCpuGuarded(defs: TaskDefinition[], ctx: RowContext, timing: TimingOptions, quick: boolean, taskCtx: TaskContext): Promise<BackendRun> {
  const { budgetMs, guardMs, quickGuardMs } = BENCH_DEFAULTS.cpuProbe;
  const guard = quick ? quickGuardMs : guardMs;
  const rows: BenchTask[] = [];
  const failed: string[] = [];
  const overBudget = new Map<string, string>();
  for (const def of defs) {
    const smaller = overBudget.get(def.group);
    if (smaller) {
      rows.push(skippedRow(def, ctx, `not probed: ${smaller} (less work) already exceeded the pure-JS budget of ${budgetMs / 1000} s per iteration`));
      continue;
    }
    log(`${taskId(def.name, 'cpu')}: one guarded iteration in a child process (budget ${budgetMs / 1000} s, killed after ${guard / 1000} s)`);
    const probe = await probeInChild(def.name, 'cpu', guard, taskCtx);
    if (probe.status === 'ok' && probe.ms !== null && probe.ms <= budgetMs) {
      const timed = await timeTask(def, ctx, timing);
      rows.push(timed.row);
      if (timed.failed) failed.push(taskId(def.name, 'cpu'));
    } else if (probe.status === 'ok' && probe.ms !== null) {
      rows.push(skippedRow(def, ctx, `pure-JS backend: one iteration took ${(probe.ms / 1000).toFixed(1)} s, over the ${budgetMs / 1000} s per-iteration budget`, probe.ms));
      overBudget.set(def.group, def.name);
    } else if (probe.status === 'killed') {
      rows.push(skippedRow(def, ctx, `pure-JS backend: ${probe.message}; budget ${budgetMs / 1000} s per iteration`));
      overBudget.set(def.group, def.name);
    } else {
      rows.push(skippedRow(def, ctx, `failed: ${probe.message}`));
      failed.push(taskId(def.name, 'cpu'));
    }
  }
  return { rows, failed };
}

async function runTfjsBackend(
  backend: BackendName,
  taskCtx: TaskContext,
  o: { only: string[]; timing: TimingOptions; quick: boolean; peak: PeakInfo; cpuModel: string; profile: boolean },
): Promise<BackendRun> {
  let info: BackendInfo;
  try {
    info = await useBackend(backend);
  } catch (error) {
    const ctx: RowContext = { backend, device: deviceLabel(backend, o.cpuModel, 1), peak: o.peak };
    const defs = tasksFor(backend, taskCtx, o.only);
    return { rows: defs.map((d) => skippedRow(d, ctx, `backend ${backend} unavailable: ${(error as Error).message.split('\n')[0]}`)), failed: [] };
  }
  const ctx: RowContext = { backend, device: deviceLabel(backend, o.cpuModel, info.threads), peak: o.peak };
  const defs = tasksFor(backend, taskCtx, o.only);
  const runnable: TaskDefinition[] = [];
  const rows: BenchTask[] = [];
  for (const def of defs) {
    const missing = missingKernels(def, backend);
    if (missing.length) rows.push(skippedRow(def, ctx, missingKernelReason(backend, missing)));
    else runnable.push(def);
  }
  if (backend === 'cpu') {
    const guarded = await runCpuGuarded(runnable, ctx, o.timing, o.quick, taskCtx);
    return { rows: [...rows, ...guarded.rows], info, failed: guarded.failed };
  }
  const failed: string[] = [];
  const profileErrors: string[] = [];
  for (const def of runnable) {
    const id = taskId(def.name, backend);
    log(`${id} …`);
    const { row } = await timeTask(def, ctx, o.timing);
    rows.push(row);
    if (row.status !== 'completed') {
      failed.push(id);
      continue;
    }
    if (o.profile && backend === 'tensorflow') {
      log(`${id}: profiling TensorFlow ops …`);
      try {
        row.profile = profileTask(() => def.prepare(), taskTiming(def, o.timing).warmupIterations, row.latency.p50);
      } catch (error) {
        profileErrors.push(`${id}: profile failed (the timing stands): ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  return { rows, info, failed, notes: profileErrors };
}

async function runJsTasks(taskCtx: TaskContext, o: { only: string[]; timing: TimingOptions; peak: PeakInfo; cpuModel: string }): Promise<BackendRun> {
  const ctx: RowContext = { backend: 'js', device: deviceLabel('js', o.cpuModel, 1), peak: o.peak };
  const rows: BenchTask[] = [];
  const failed: string[] = [];
  for (const def of tasksFor('js', taskCtx, o.only)) {
    log(`${taskId(def.name, 'js')} …`);
    const timed = await timeTask(def, ctx, o.timing);
    rows.push(timed.row);
    if (timed.failed) failed.push(taskId(def.name, 'js'));
  }
  return { rows, failed };
}

/**
 * tensorflow-gpu in a child process (its package and tfjs-node both register the backend
 * 'tensorflow'); skipped with what is missing unless the package and an NVIDIA GPU are present,
 * or when the child finds no usable GPU. GPU rows have no share of peak: the FP32 peak is the CPU's.
 */
async function runGpu(taskCtx: TaskContext, o: { only: string[]; timing: TimingOptions }): Promise<BackendRun> {
  const gpu = detectTensorflowGpu();
  const ctx: RowContext = { backend: 'tensorflow-gpu', device: gpu.device, peak: null };
  const defs = tasksFor('tensorflow-gpu', taskCtx, o.only);
  if (!gpu.available || !defs.length) return { rows: defs.map((d) => skippedRow(d, ctx, gpu.reason)), failed: [] };
  log(`tensorflow-gpu (${gpu.device}): ${defs.length} tasks in a child process …`);
  const guardMs = BENCH_DEFAULTS.gpuGuard.baseMs + defs.length * (BENCH_DEFAULTS.gpuGuard.perTaskMs + 2 * o.timing.timeMs);
  const run = await measureInChild('tensorflow-gpu', { batch: taskCtx.batch, seed: taskCtx.seed, timing: o.timing, only: o.only, costs: taskCtx.costs }, guardMs);
  return { ...childRows(defs, ctx, run), label: run.backend };
}

async function browserRows(backend: BenchBackend, taskCtx: TaskContext, only: string[], peak: PeakInfo, timing: TimingOptions): Promise<BackendRun> {
  const { runBrowserBackend } = await import('../harness/bench/browser');
  return runBrowserBackend(backend as 'webgl' | 'webgpu', taskCtx, { only, peak, timing });
}

/** The PyTorch peer, right after the native steps, each paired with it (paired.ts). */
async function peerAfterNativeSteps(quick: boolean, rows: readonly BenchTask[], taskCtx: TaskContext, only: string[], threads: number, timing: TimingOptions): Promise<PairedRun> {
  if (quick) {
    const check = torchCheck();
    return { peer: { status: 'skipped', reason: `not run with --quick${check.ok ? '' : `; ${check.reason}`}` }, notes: [], failed: [] };
  }
  const completed = new Set(rows.filter((t) => t.status === 'completed').map((t) => t.id));
  const defs = tasksFor('tensorflow', taskCtx, only).filter((d) => d.group === 'train-step' && d.model && completed.has(taskId(d.name, 'tensorflow')));
  if (!defs.length) return { peer: { status: 'skipped', reason: 'no tensorflow training step completed in this run' }, notes: [], failed: [] };
  log(`PyTorch peer (${defs.map((d) => d.model).join(', ')}): starting …`);
  const { rounds, blockIterations, blockShareOfTime } = BENCH_DEFAULTS.peer;
  return pairWithPeer(defs, { batch: taskCtx.batch, threads, seed: taskCtx.seed }, {
    rounds, warmup: timing.warmupIterations, block: { iterations: blockIterations, timeMs: timing.timeMs * blockShareOfTime }, log,
  });
}

export async function runBench(o: BenchCommand): Promise<void> {
  const backends = parseBackends(o.backends);
  const only = (o.only ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const quick = Boolean(o.quick);
  if (quick && o.saveBaseline) throw new RangeError('--save-baseline: a baseline needs a full run, found --quick (too few samples for intervals)');
  const busy = o.saveBaseline && !o.allowLoad ? busyBaselineRefusal(benchEnvironment({})) : undefined;
  if (busy) throw new RangeError(busy);
  const jsonPath = resolve(o.json);
  assertWritableFile(jsonPath, '--json');
  const baselinePath = resolve(o.baseline ?? BENCH_DEFAULTS.baselinePath);
  if (o.saveBaseline) assertWritableFile(baselinePath, o.baseline ? '--baseline' : '--save-baseline');
  const { baseline: previousBaseline, note: baselineNote } = baselineForRun(o, baselinePath);
  const timing: TimingOptions = quick
    ? { ...BENCH_DEFAULTS.quick }
    : { timeMs: o.time, iterations: BENCH_DEFAULTS.iterations, warmupIterations: BENCH_DEFAULTS.warmupIterations };
  const peak = detectPeak();
  const cpuModel = readCpuInfo().model;
  const batch = BENCH_DEFAULTS.batch;
  const seed = BENCH_DEFAULTS.seed;

  // FLOP models come from the real networks' shapes only (nothing is timed here), so any backend
  // that loads will do; each timed backend is chosen explicitly below and reported if unavailable.
  const first = backends.find((b) => (TFJS_BACKENDS as readonly string[]).includes(b)) ?? 'tensorflow';
  await useBackend(first as BackendName).catch(() => useBackend('cpu'));
  const taskCtx: TaskContext = { batch, seed, costs: measureModelCosts(seed) };
  const selectedIds = selectTasks(only, backends, taskCtx);
  const startEnv = benchEnvironment({});

  const rows: BenchTask[] = [];
  const failed: string[] = [];
  const runNotes: string[] = [];
  const labels: Partial<Record<BenchBackend, BackendLabel>> = {};
  let native: BackendInfo | undefined;
  let peer: PeerSummary | undefined;
  for (const backend of backends) {
    const result = backend === 'tensorflow-gpu'
      ? await runGpu(taskCtx, { only, timing })
      : (BROWSER_BACKENDS as readonly string[]).includes(backend)
        ? await browserRows(backend, taskCtx, only, peak, timing)
        : await runTfjsBackend(backend as BackendName, taskCtx, { only, timing, quick, peak, cpuModel, profile: Boolean(o.profile) });
    rows.push(...result.rows);
    failed.push(...result.failed);
    runNotes.push(...(result.notes ?? []));
    const label = result.label ?? (result.info && backendLabel(result.info));
    if (label) labels[backend] = label;
    if (backend === 'tensorflow' && result.info) native = result.info;
    if (backend === 'tensorflow') {
      const paired = await peerAfterNativeSteps(quick, rows, taskCtx, only, native?.threads ?? intraOpThreads(), timing);
      peer = paired.peer;
      runNotes.push(...paired.notes);
      failed.push(...paired.failed);
    }
  }
  const js = await runJsTasks(taskCtx, { only, timing, peak, cpuModel });
  rows.push(...js.rows);
  failed.push(...js.failed);

  peer ??= { status: 'skipped', reason: 'the peer pairs with the tensorflow backend, which was not run' };
  const tasks = applyPeer(rows, peer);
  let report: BenchReport = {
    schema: BENCH_SCHEMA,
    createdAt: new Date().toISOString(),
    environment: { ...benchEnvironment(labels, native), loadAverage: startEnv.loadAverage },
    peak,
    settings: { batch, timeMs: timing.timeMs, iterations: timing.iterations, warmupIterations: timing.warmupIterations, quick, only, backends, threshold: o.threshold },
    peer,
    baseline: null,
    goals: judgeGoals(tasks, peer),
    tasks,
  };

  const notes: string[] = [...runNotes, ...(baselineNote ? [baselineNote] : [])];
  const disturbed = loadWarning(report.environment);
  if (disturbed) notes.push(disturbed);
  if ((o.compare || o.check) && previousBaseline) {
    report = applyBaseline(report, previousBaseline, o.threshold, relative(process.cwd(), baselinePath), selectedIds);
    const mismatch = baselineMismatch(report, previousBaseline);
    if (mismatch) notes.push(mismatch);
    const torchChange = peerTorchNote(report, previousBaseline);
    if (torchChange) notes.push(torchChange);
    const flagged = report.baseline?.regressions ?? [];
    if (flagged.length && !quick) {
      report = applyReruns(report, previousBaseline, await rerunFlagged(flagged, taskCtx, timing));
      notes.push(`${flagged.length} task${flagged.length > 1 ? 's were' : ' was'} flagged and timed again at the end (in-process backends); a flag stands only if the rerun is a regression too`);
    }
  }
  if (quick && (o.compare || o.check)) notes.push('--quick takes too few samples for baseline work: intervals are wide');
  if (quick && o.time !== BENCH_DEFAULTS.timeMs) notes.push(`--time ${o.time} is not used with --quick (${BENCH_DEFAULTS.quick.iterations} iterations per task)`);
  if (o.baseline && !o.compare && !o.check && !o.saveBaseline) notes.push(`--baseline ${o.baseline} is used only with --compare, --check or --save-baseline: ignored`);
  if (o.allowLoad && !o.saveBaseline) notes.push('--allow-load is used only with --save-baseline: ignored');
  if (o.profile && !backends.includes('tensorflow')) notes.push('--profile times TensorFlow ops, so it profiles the tensorflow backend only: add it to --backends');

  console.log(formatReport(report, notes));
  writeReport(jsonPath, report);
  log(`wrote ${jsonPath}`);

  const problems = runProblems(report, { failed, check: o.check, saveBaseline: o.saveBaseline, threshold: o.threshold, baselinePath });
  if (o.saveBaseline && problems.length === 0) {
    // Read again, under the lock: the run took minutes, and another save may have landed meanwhile.
    const saved = await updateUnderLock(baselinePath, () => {
      const merged = mergeBaseline(baselineForRun({ saveBaseline: true }, baselinePath).baseline, report, taskIds(BENCH_BACKENDS.filter((b) => b !== 'js'), taskCtx));
      saveBaseline(baselinePath, merged);
      return merged;
    });
    const fromRun = saved.tasks.filter((t) => t.createdAt === report.createdAt);
    const kept = report.tasks.filter((t) => flaggedTiming(t, o.threshold) && saved.tasks.some((s) => s.id === t.id && s.createdAt !== report.createdAt)).map((t) => t.id);
    log(`wrote baseline ${baselinePath}: ${fromRun.length} tasks from this run, ${saved.tasks.length} in all` +
      (kept.length ? `; kept the earlier entries of ${kept.join(', ')}: flagged in this run (cleared or not), so no reference` : ''));
  } else if (o.saveBaseline) {
    problems.push(`baseline not saved (${baselinePath} unchanged) because of the errors above`);
  }
  if (problems.length) {
    for (const p of problems) console.error(`error: ${p}`);
    process.exitCode = 1;
  }
}
