/**
 * The committed baseline (harness/bench/baseline.json) and comparison against it.
 *
 * Comparison is by ratio, current mean / baseline mean, never by absolute time. A task is a
 * regression when the ratio exceeds 1 + threshold AND the two 95 % intervals of the mean
 * (mean ± mean·rme/100, tinybench's margin of error) do not overlap: a slow run inside the noise
 * of the baseline is not flagged. The mean is used (not p50) because it is the statistic
 * tinybench gives an interval for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeJsonAtomically } from '../../models/atomic-write';
import { BENCH_DEFAULTS } from './defaults';
import { pairedRounds } from './report';
import { SchemaVersionError, validateBaseline } from './schema';
import { BASELINE_SCHEMA, type BaselineComparison, type BaselineFile, type BenchReport, type BenchTask, type CompletedTask, type LatencyStats } from './types';

type BaselineTask = BaselineFile['tasks'][number];

export interface Interval {
  low: number;
  high: number;
}

export function meanInterval(l: Pick<LatencyStats, 'mean' | 'rme'>): Interval {
  const moe = (Math.abs(l.mean) * l.rme) / 100;
  return { low: l.mean - moe, high: l.mean + moe };
}

export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a.low <= b.high && b.low <= a.high;
}

export function compareLatency(current: Pick<LatencyStats, 'mean' | 'rme'>, baseline: Pick<LatencyStats, 'mean' | 'rme'>, threshold: number): BaselineComparison {
  if (!(threshold > 0)) throw new RangeError(`threshold: expected a fraction > 0, found ${threshold}`);
  if (!(baseline.mean > 0)) throw new RangeError(`baseline mean must be > 0, found ${baseline.mean}`);
  const ratio = current.mean / baseline.mean;
  const overlap = intervalsOverlap(meanInterval(current), meanInterval(baseline));
  return {
    ratio,
    intervalsOverlap: overlap,
    regression: ratio > 1 + threshold && !overlap,
    improvement: ratio < 1 - threshold && !overlap,
  };
}

/**
 * What a task ran with, beyond the machine (compared by `baselineMismatch`), that decides its
 * speed: its backend's threads and, on `tensorflow`, the libtensorflow version. (The report's
 * version is the CPU binding's: `tensorflow-gpu` runs in a child with its own library, unrecorded.)
 */
function taskSetup(t: CompletedTask, report: BenchReport): Pick<BaselineTask, 'threads' | 'libtensorflow'> {
  const threads = report.environment.backends[t.backend]?.threads;
  const { libtensorflow } = report.environment;
  return { ...(threads === undefined ? {} : { threads }), ...(t.backend === 'tensorflow' && libtensorflow ? { libtensorflow } : {}) };
}

/** How the setup of `t` differs from the baseline task's, or undefined; fields the baseline lacks are not checked. */
function setupDifference(t: CompletedTask, base: BaselineTask, report: BenchReport): string | undefined {
  const now = taskSetup(t, report);
  // Only what both record: older entries lack fields, and tensorflow-gpu's once carried the CPU binding's libtensorflow.
  const differences = (['threads', 'libtensorflow'] as const)
    .filter((key) => base[key] !== undefined && now[key] !== undefined && base[key] !== now[key])
    .map((key) => `${key} ${JSON.stringify(now[key])}, baseline ${JSON.stringify(base[key])}`);
  return differences.length ? `${t.id}: ${differences.join('; ')}` : undefined;
}

/**
 * A task whose timing this run flagged against the baseline, whether or not its rerun or PyTorch
 * cleared the flag: a timing the run itself doubted is no reference for later runs.
 */
export function flaggedTiming(t: BenchTask, threshold: number): boolean {
  return t.status === 'completed' && !!t.baseline && t.baseline.ratio > 1 + threshold && !t.baseline.intervalsOverlap;
}

/** A task's ratio to PyTorch and the PyTorch it was measured against. */
function peerFields(t: CompletedTask, report: BenchReport): Pick<BaselineTask, 'peerRatio' | 'peerTorch'> {
  if (t.peerRatio === null) return {};
  return { peerRatio: t.peerRatio, ...(report.peer.status === 'completed' ? { peerTorch: report.peer.torch } : {}) };
}

/**
 * The baseline view of a report: completed tasks only (less the timings it flagged, unless
 * `withFlagged`), latency only, each with its commit, date and setup.
 */
export function reportToBaseline(report: BenchReport, o: { withFlagged?: boolean } = {}): BaselineFile {
  const { commit } = report.environment;
  return {
    schema: BASELINE_SCHEMA,
    createdAt: report.createdAt,
    commit,
    cpuModel: report.environment.cpuModel,
    cpus: report.environment.cpus,
    tasks: report.tasks.flatMap((t) =>
      t.status === 'completed' && (o.withFlagged || !flaggedTiming(t, report.settings.threshold))
        ? [{ id: t.id, latency: t.latency, commit, createdAt: report.createdAt, ...peerFields(t, report), ...taskSetup(t, report) }]
        : [],
    ),
  };
}

/**
 * `--save-baseline` on top of the existing file: the tasks this run completed replace theirs, the
 * others stay (a `--only` run updates only what it timed, and a flagged timing keeps the entry it
 * was flagged against), except ids that no task has any more.
 * A baseline from another machine is replaced whole.
 */
export function mergeBaseline(previous: BaselineFile | undefined, report: BenchReport, knownIds: readonly string[]): BaselineFile {
  // With nothing of this machine's to keep, every completed task is saved, flagged or not.
  if (!previous || previous.cpuModel !== report.environment.cpuModel || previous.cpus !== report.environment.cpus) return reportToBaseline(report, { withFlagged: true });
  const fresh = reportToBaseline(report);
  const byId = new Map(fresh.tasks.map((t) => [t.id, t]));
  const known = new Set(knownIds);
  const kept = previous.tasks.filter((t) => known.has(t.id) || byId.has(t.id)).map((t) => byId.get(t.id) ?? t);
  const keptIds = new Set(kept.map((t) => t.id));
  return { ...fresh, tasks: [...kept, ...fresh.tasks.filter((t) => !keptIds.has(t.id))] };
}

/**
 * A native training step's flag, seen through its paired ratio to PyTorch: slower hardware slows
 * PyTorch alike. Cleared only when this run's interval of that ratio, over the baseline's ratio,
 * stays within the threshold (an interval the paired ratio lacks clears nothing).
 */
function peerView(t: CompletedTask, base: BaselineTask, report: BenchReport, threshold: number): BaselineComparison['peer'] {
  const paired = t.peerRatio === null ? undefined : pairedRounds(t, report.peer);
  if (!paired || base.peerRatio === undefined) return undefined;
  // Another PyTorch moves every ratio: the baseline's is no reference for this run's.
  if (base.peerTorch !== undefined && report.peer.status === 'completed' && base.peerTorch !== report.peer.torch) return undefined;
  const upper = paired.interval ? paired.interval[1] / base.peerRatio : null;
  return { ratio: paired.ratio / base.peerRatio, upper, regression: upper === null || upper > 1 + threshold };
}

/**
 * Fills `baseline` on every completed task that the baseline knows and that ran on the same
 * setup (others are listed as incomparable); lists the ids flagged as regressions, and the
 * baseline tasks among `selectedIds` (what the run set out to time) that it did not complete. A
 * native training step's flag may be cleared by its paired ratio to PyTorch (`peerView`). Pure:
 * returns a new report.
 */
export function applyBaseline(report: BenchReport, baseline: BaselineFile, threshold: number, path: string, selectedIds: readonly string[]): BenchReport {
  const known = new Map(baseline.tasks.map((t) => [t.id, t]));
  const incomparable: string[] = [];
  const tasks = report.tasks.map((t) => {
    if (t.status !== 'completed') return t;
    const base = known.get(t.id);
    const difference = base && setupDifference(t, base, report);
    if (difference) incomparable.push(difference);
    if (!base || difference) return { ...t, baseline: null };
    const comparison = compareLatency(t.latency, base.latency, threshold);
    const peer = peerView(t, base, report, threshold);
    return { ...t, baseline: peer ? { ...comparison, regression: comparison.regression && peer.regression, peer } : comparison };
  });
  const regressions = tasks.flatMap((t) => (t.status === 'completed' && t.baseline?.regression ? [t.id] : []));
  const completed = new Set(tasks.flatMap((t) => (t.status === 'completed' ? [t.id] : [])));
  const selected = new Set(selectedIds);
  const notCompared = baseline.tasks.map((t) => t.id).filter((id) => selected.has(id) && !completed.has(id));
  return {
    ...report,
    settings: { ...report.settings, threshold },
    baseline: { path, createdAt: baseline.createdAt, commit: baseline.commit, regressions, notCompared, incomparable },
    tasks,
  };
}

/**
 * Applies the reruns of flagged tasks (id → latency of the second timing): a flag stands only if
 * the rerun against the same baseline is a regression too, so a burst of load during one task's
 * timing does not fail `--check`. Sustained load slows both timings alike and still flags. Pure.
 */
export function applyReruns(report: BenchReport, baseline: BaselineFile, reruns: ReadonlyMap<string, LatencyStats>): BenchReport {
  if (!report.baseline) throw new Error('applyReruns: the report has not been compared with a baseline');
  const known = new Map(baseline.tasks.map((t) => [t.id, t.latency]));
  const threshold = report.settings.threshold;
  const tasks = report.tasks.map((t) => {
    const again = reruns.get(t.id);
    const base = known.get(t.id);
    if (t.status !== 'completed' || !t.baseline || !again || !base) return t;
    const second = compareLatency(again, base, threshold);
    const rerun = { mean: again.mean, rme: again.rme, ratio: second.ratio, regression: second.regression };
    return { ...t, baseline: { ...t.baseline, regression: t.baseline.regression && second.regression, rerun } };
  });
  const regressions = tasks.flatMap((t) => (t.status === 'completed' && t.baseline?.regression ? [t.id] : []));
  return { ...report, baseline: { ...report.baseline, regressions }, tasks };
}

/** Why the baseline's ratios to PyTorch clear no flag in this run: they were measured against another torch. */
export function peerTorchNote(report: BenchReport, baseline: BaselineFile): string | undefined {
  if (report.peer.status !== 'completed') return undefined;
  const now = report.peer.torch;
  const others = [...new Set(baseline.tasks.flatMap((t) => (t.peerRatio !== undefined && t.peerTorch !== undefined && t.peerTorch !== now ? [t.peerTorch] : [])))];
  return others.length ? `PyTorch ${now} in this run, ${others.join(', ')} in the baseline: the baseline's ratios to PyTorch clear no flag` : undefined;
}

/** Differences between the machines of the two runs that make ratios meaningless. */
export function baselineMismatch(report: BenchReport, baseline: BaselineFile): string | undefined {
  const problems: string[] = [];
  if (report.environment.cpuModel !== baseline.cpuModel) problems.push(`CPU '${report.environment.cpuModel}' vs baseline '${baseline.cpuModel}'`);
  if (report.environment.cpus !== baseline.cpus) problems.push(`${report.environment.cpus} CPUs vs baseline ${baseline.cpus}`);
  return problems.length ? `baseline was recorded on another machine: ${problems.join('; ')}` : undefined;
}

export class BaselineFileError extends Error {}

/** Whether `schema` is an older version of this baseline schema (`…/bench-baseline@N`, N smaller). */
function olderSchema(schema: unknown): boolean {
  const version = (s: unknown) => {
    const match = typeof s === 'string' ? /^(.*)@(\d+)$/.exec(s) : null;
    return match ? { name: match[1], n: Number(match[2]) } : undefined;
  };
  const current = version(BASELINE_SCHEMA)!;
  const found = version(schema);
  return found !== undefined && found.name === current.name && found.n < current.n;
}

/**
 * The committed baseline for --compare/--check, or the one --save-baseline merges into: none yet,
 * or one of an older schema version, which it replaces whole (its figures meant something else).
 * A newer schema (from a newer checkout) is an error: replacing it would downgrade it.
 */
export function baselineForRun(o: { compare?: boolean; check?: boolean; saveBaseline?: boolean }, path: string): { baseline?: BaselineFile; note?: string } {
  if (o.compare || o.check) return { baseline: loadBaseline(path) };
  if (!o.saveBaseline || !existsSync(path)) return {};
  try {
    return { baseline: loadBaseline(path) };
  } catch (error) {
    if (!(error instanceof SchemaVersionError) || !olderSchema(error.found)) throw error;
    return { note: `--save-baseline replaces ${path} whole, dropping its tasks: ${error.message}` };
  }
}

export function loadBaseline(path: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const save = `npm run bench -- --save-baseline${resolve(path) === BENCH_DEFAULTS.baselinePath ? '' : ` --baseline ${JSON.stringify(path)}`}`;
    throw new BaselineFileError(missing ? `${path}: no baseline yet; save one with \`${save}\`` : `${path}: cannot read the baseline: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new BaselineFileError(`${path}: expected the JSON of a bench baseline, found invalid JSON (${(error as Error).message})`);
  }
  return validateBaseline(doc, path);
}

export function saveBaseline(path: string, baseline: BaselineFile): void {
  writeJsonAtomically(path, baseline);
}
