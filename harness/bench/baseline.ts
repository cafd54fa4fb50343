/**
 * The committed baseline (harness/bench/baseline.json) and comparison against it.
 *
 * Comparison is by ratio, current mean / baseline mean, never by absolute time. A task is a
 * regression when the ratio exceeds 1 + threshold AND the two 95 % intervals of the mean
 * (mean ± mean·rme/100, tinybench's margin of error) do not overlap: a slow run inside the noise
 * of the baseline is not flagged. The mean is used (not p50) because it is the statistic
 * tinybench gives an interval for.
 */
import { readFileSync } from 'node:fs';
import { writeJsonAtomically } from '../../models/atomic-write';
import { validateBaseline } from './schema';
import { BASELINE_SCHEMA, type BaselineComparison, type BaselineFile, type BenchReport, type LatencyStats } from './types';

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

/** The baseline view of a report: completed tasks only, latency only. */
export function reportToBaseline(report: BenchReport): BaselineFile {
  return {
    schema: BASELINE_SCHEMA,
    createdAt: report.createdAt,
    commit: report.environment.commit,
    cpuModel: report.environment.cpuModel,
    cpus: report.environment.cpus,
    tasks: report.tasks.flatMap((t) => (t.status === 'completed' ? [{ id: t.id, latency: t.latency }] : [])),
  };
}

/**
 * Fills `baseline` on every completed task that the baseline knows; returns the ids flagged as
 * regressions. Pure: returns a new report.
 */
export function applyBaseline(report: BenchReport, baseline: BaselineFile, threshold: number, path: string): BenchReport {
  const known = new Map(baseline.tasks.map((t) => [t.id, t.latency]));
  const tasks = report.tasks.map((t) => {
    if (t.status !== 'completed') return t;
    const base = known.get(t.id);
    return { ...t, baseline: base ? compareLatency(t.latency, base, threshold) : null };
  });
  const regressions = tasks.flatMap((t) => (t.status === 'completed' && t.baseline?.regression ? [t.id] : []));
  return {
    ...report,
    settings: { ...report.settings, threshold },
    baseline: { path, createdAt: baseline.createdAt, commit: baseline.commit, regressions },
    tasks,
  };
}

/** Differences between the machines of the two runs that make ratios meaningless. */
export function baselineMismatch(report: BenchReport, baseline: BaselineFile): string | undefined {
  const problems: string[] = [];
  if (report.environment.cpuModel !== baseline.cpuModel) problems.push(`CPU '${report.environment.cpuModel}' vs baseline '${baseline.cpuModel}'`);
  if (report.environment.cpus !== baseline.cpus) problems.push(`${report.environment.cpus} CPUs vs baseline ${baseline.cpus}`);
  return problems.length ? `baseline was recorded on another machine: ${problems.join('; ')}` : undefined;
}

export function loadBaseline(path: string): BaselineFile {
  return validateBaseline(JSON.parse(readFileSync(path, 'utf8')), path);
}

export function saveBaseline(path: string, baseline: BaselineFile): void {
  writeJsonAtomically(path, baseline);
}
