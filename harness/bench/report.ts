/**
 * The bench report: assembles rows into reports/bench.json (types.ts `BenchReport`), judges the
 * performance goals, and prints the terminal table. Everything here is pure except `writeReport`.
 */
import { writeJsonAtomically } from '../../models/atomic-write';
import { BENCH_DEFAULTS, PERFORMANCE_GOALS } from './defaults';
import { validateBenchReport } from './schema';
import type { BenchReport, BenchTask, CompletedTask, GoalResult, OpProfile, PairedRatio, PeerSummary } from './types';

/**
 * The ratio to PyTorch on every completed training step the peer also timed: on `tensorflow`, whose
 * blocks alternated with the peer's, the paired ratio; elsewhere p50 / the peer's p50.
 */
export function applyPeer(tasks: readonly BenchTask[], peer: PeerSummary): BenchTask[] {
  if (peer.status !== 'completed') return [...tasks];
  const byModel = new Map(peer.tasks.map((t) => [t.model, t]));
  return tasks.map((t) => {
    if (t.status !== 'completed' || t.group !== 'train-step' || !t.model) return t;
    const theirs = byModel.get(t.model);
    if (!theirs) return t;
    return { ...t, peerRatio: t.backend === 'tensorflow' ? theirs.paired.ratio : t.latency.p50 / theirs.latency.p50 };
  });
}

/** The paired rounds behind a native training step's ratio to PyTorch, when the peer ran them. */
export function pairedRounds(t: Pick<BenchTask, 'backend' | 'group' | 'model'>, peer: PeerSummary): PairedRatio | undefined {
  if (peer.status !== 'completed' || t.backend !== 'tensorflow' || t.group !== 'train-step') return undefined;
  return peer.tasks.find((p) => p.model === t.model)?.paired;
}

/**
 * What fails the run (exit 1) and stops --save-baseline: leaks, failed tasks, a --save-baseline
 * with nothing to save and, with --check, regressions, baseline tasks this run did not time or
 * timed on another setup, and a run that compared nothing. Pure.
 */
export function runProblems(
  report: BenchReport,
  o: { failed: readonly string[]; check?: boolean; saveBaseline?: boolean; threshold: number; baselinePath: string },
): string[] {
  const completed = report.tasks.filter((t) => t.status === 'completed');
  const leaks = completed.filter((t) => t.tensors.growth > 0).map((t) => t.id);
  const regressions = report.baseline?.regressions ?? [];
  const notCompared = report.baseline?.notCompared ?? [];
  const incomparable = report.baseline?.incomparable ?? [];
  const problems = [
    leaks.length && `tensor count grew across iterations in ${leaks.join(', ')}`,
    o.failed.length && `tasks failed: ${o.failed.join(', ')}`,
    o.check && regressions.length && `regressions beyond ${percent(o.threshold)}: ${regressions.join(', ')}`,
    o.check && notCompared.length && `baseline tasks not compared (skipped or failed in this run): ${notCompared.join(', ')}`,
    o.check && incomparable.length && `tasks not compared, timed on another setup than the baseline's (save a baseline for this setup with --save-baseline --baseline <file>): ${incomparable.join(' | ')}`,
    o.check && !completed.some((t) => t.baseline) && `--check compared nothing: no task of this run completed with an entry in ${o.baselinePath}`,
    o.saveBaseline && completed.length === 0 && '--save-baseline: no task completed, so there is nothing to save',
  ];
  return problems.filter((p): p is string => typeof p === 'string');
}

/**
 * "No slower than PyTorch", from the paired ratio's 95 % interval: met when it lies at or below 1,
 * missed when above, undecided (null) when it spans 1 or there are too few rounds for one.
 */
function judgeAgainstPeer(interval: [number, number] | null): boolean | null {
  if (!interval) return null;
  return interval[1] <= 1 ? true : interval[0] > 1 ? false : null;
}

/** The goals of defaults.ts `PERFORMANCE_GOALS`, and "no slower than PyTorch" per native step. */
export function judgeGoals(tasks: readonly BenchTask[], peer: PeerSummary): GoalResult[] {
  const find = (id: string) => tasks.find((t): t is CompletedTask => t.id === id && t.status === 'completed');
  const absolute = PERFORMANCE_GOALS.map((g): GoalResult => {
    const t = find(`${g.task}@${g.backend}`);
    const measuredMs = t?.latency.p50 ?? null;
    return { task: g.task, backend: g.backend as GoalResult['backend'], goal: `p50 ≤ ${g.maxMs} ms`, measuredMs, met: measuredMs === null ? null : measuredMs <= g.maxMs };
  });
  const relative = tasks
    .filter((t) => t.group === 'train-step' && t.backend === 'tensorflow')
    .map((t): GoalResult => {
      const c = t.status === 'completed' ? t : undefined;
      const paired = c?.peerRatio != null ? pairedRounds(t, peer) : undefined;
      return {
        task: t.name,
        backend: t.backend,
        goal: 'no slower than PyTorch CPU (paired ratio\'s 95 % interval ≤ 1)',
        measuredMs: c?.latency.p50 ?? null,
        ...(paired ? { ratio: paired.ratio, interval: paired.interval } : {}),
        met: paired ? judgeAgainstPeer(paired.interval) : null,
      };
    });
  return [...absolute, ...relative];
}

export function writeReport(path: string, report: BenchReport): void {
  writeJsonAtomically(path, validateBenchReport(report, path));
}

// ─── Terminal table ──────────────────────────────────────────────────────────────────────────

const fmt = (x: number, digits = 1) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(digits));

/** A fraction as a percentage without false precision: 0.1 → '10 %', 0.125 → '12.5 %', 0.004 → '0.4 %'. */
export const percent = (fraction: number) => `${Number((fraction * 100).toPrecision(3))} %`;

/** The PyTorch-normalised ratio and the upper end that decided it: `1.02×, 95 % ≤ 1.08×`. */
function peerOpinion(ratio: number, upper: number | null | undefined): string {
  const bound = upper === undefined ? '' : upper === null ? ', no interval' : `, 95 % ≤ ${upper.toFixed(2)}×`;
  return `${ratio.toFixed(2)}×${bound}`;
}

/**
 * `1.30× REGRESSION`, or for a task the timing alone flagged, the second opinions that cleared or
 * kept it: `1.30× (÷ PyTorch 1.02×, 95 % ≤ 1.08×, rerun 1.25×, not confirmed)`.
 */
function ratioCell(t: CompletedTask, threshold: number): string {
  if (!t.baseline) return '–';
  const { ratio, intervalsOverlap, regression, improvement, peer, rerun } = t.baseline;
  const flag = regression ? ' REGRESSION' : improvement ? ' faster' : intervalsOverlap ? ' ~' : '';
  if (!(ratio > 1 + threshold && !intervalsOverlap)) return `${ratio.toFixed(2)}×${flag}`;
  const opinions = [peer && `÷ PyTorch ${peerOpinion(peer.ratio, peer.upper)}`, rerun && `rerun ${rerun.ratio.toFixed(2)}×`].filter(Boolean);
  return `${ratio.toFixed(2)}×${flag}${opinions.length ? ` (${opinions.join(', ')}${regression ? '' : ', not confirmed'})` : ''}`;
}

function row(t: BenchTask, threshold: number): string[] {
  if (t.status === 'skipped') {
    return [t.name, t.backend, `skipped: ${t.reason}`];
  }
  const unit = t.throughput.unit;
  return [
    t.name,
    t.backend,
    `${fmt(t.latency.p50)} ± ${t.latency.rme.toFixed(1)}%`,
    String(t.latency.samples),
    `${fmt(t.throughput.value)} ${unit}`,
    t.gflops === null ? '–' : fmt(t.gflops),
    t.peakShare === null ? '–' : `${(t.peakShare * 100).toFixed(1)}%`,
    t.peerRatio === null ? '–' : `${t.peerRatio.toFixed(2)}×`,
    ratioCell(t, threshold),
  ];
}

/** One line per profiled task: its timed p50, the profiled mean split into ops and the rest, then the costliest ops. */
function formatProfile(t: CompletedTask & { profile: OpProfile }): string {
  const p = t.profile;
  const share = (ms: number) => `${Math.round((100 * ms) / p.iterationMs)}%`;
  const ops = p.top.map((o) => `${o.name} ${o.ms.toFixed(1)} ms ×${Number.isInteger(o.count) ? o.count : o.count.toFixed(1)}`).join(', ');
  return `${t.id} (p50 ${fmt(t.latency.p50)} ms; profiled mean of ${p.iterations}): ${p.iterationMs.toFixed(1)} ms = ` +
    `TensorFlow ops ${p.opMs.toFixed(1)} ms (${share(p.opMs)}, ${Math.round(p.ops)} ops) + outside ops ${p.outsideMs.toFixed(1)} ms (${share(p.outsideMs)}); ${ops}`;
}

const intervalText = (interval: [number, number] | null) =>
  interval ? `${interval[0].toFixed(2)}–${interval[1].toFixed(2)}` : 'no interval: under 6 rounds';

function peerLines(peer: PeerSummary): string[] {
  if (peer.status !== 'completed') return [`peer: ${peer.reason}`];
  const rounds = peer.tasks.map((t) => `${t.model} ${t.paired.ratio.toFixed(2)}× (95 % ${intervalText(t.paired.interval)}; rounds ${t.paired.min.toFixed(2)}–${t.paired.max.toFixed(2)}, ${t.paired.rounds} of them; PyTorch p50 ${fmt(t.latency.p50)} ms)`);
  return [
    `peer: PyTorch ${peer.torch}, ${peer.threads} threads, batch ${peer.batch}; vs PyTorch (> 1: slower) on tensorflow = median over rounds of alternating blocks of (tfjs median step ÷ PyTorch median step), elsewhere tfjs p50 ÷ PyTorch p50`,
    ...(rounds.length ? [`peer rounds: ${rounds.join('; ')}`] : []),
  ];
}

const HEADER = ['task', 'backend', 'ms/iter p50 ± rme', 'samples', 'throughput', 'GFLOP/s', '% peak', 'vs PyTorch', 'vs baseline'];

/** The table plus the lines that explain it (peak formula, peer, baseline, tensors, goals). */
export function formatReport(report: BenchReport, notes: readonly string[] = []): string {
  const rows = report.tasks.map((t) => row(t, report.settings.threshold));
  const full = [HEADER, ...rows.filter((r) => r.length === HEADER.length)];
  // Skipped rows span the columns after the second; they still widen the first two.
  const widths = HEADER.map((_, i) => Math.max(...(i < 2 ? [HEADER, ...rows] : full).map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.length === HEADER.length
      ? r.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
      : `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`;
  const out = [line(HEADER), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line), ''];
  out.push(`ms/iter: tinybench latency per iteration (a training step at batch ${report.settings.batch}; ${BENCH_DEFAULTS.sampleBatch} images for sampling), warm-up excluded; rme = 95 % margin of the mean.`);
  out.push(`FLOPs: exact per-op count of conv/transposed-conv/dense work (harness/bench/flops.ts); ${report.peak.formula}.`);
  out.push(...peerLines(report.peer));
  if (report.baseline) {
    const r = report.baseline.regressions;
    out.push(`baseline: ${report.baseline.path} (${report.baseline.createdAt}, ${report.baseline.commit.slice(0, 12)}); ratio = mean / baseline mean, ` +
      `flagged beyond ${percent(report.settings.threshold)} when the intervals do not overlap (~ = overlapping); ` +
      (r.length ? `REGRESSIONS: ${r.join(', ')}` : 'no regression'));
    const missing = report.baseline.notCompared ?? [];
    if (missing.length) out.push(`baseline: NOT COMPARED (selected, in the baseline, not completed in this run): ${missing.join(', ')}`);
    for (const difference of report.baseline.incomparable ?? []) out.push(`baseline: NOT COMPARED (another setup): ${difference}`);
  }
  const leaks = report.tasks.filter((t): t is CompletedTask => t.status === 'completed' && t.tensors.growth > 0);
  const completed = report.tasks.filter((t) => t.status === 'completed').length;
  out.push(leaks.length
    ? `tensors: LEAK: ${leaks.map((t) => `${t.id} +${t.tensors.growth}`).join(', ')}`
    : `tensors: tf.memory().numTensors constant across measured iterations in all ${completed} completed tasks`);
  for (const g of report.goals) {
    const verdict = g.met !== null ? (g.met ? 'met' : 'MISSED') : g.ratio !== undefined ? 'not decidable' : 'not judged';
    const measured = g.ratio !== undefined ? `${g.ratio.toFixed(2)}× (95 % ${intervalText(g.interval ?? null)})` : g.measuredMs === null ? 'no figure' : `${fmt(g.measuredMs)} ms`;
    out.push(`goal ${g.task}@${g.backend}: ${g.goal}: ${measured}, ${verdict}`);
  }
  const profiled = report.tasks.filter((t): t is CompletedTask & { profile: OpProfile } => t.status === 'completed' && t.profile !== undefined);
  if (profiled.length) {
    out.push('profile (--profile): per iteration, every TensorFlow op timed where tfjs-node calls libtensorflow; outside ops = tfjs engine, tape, bookkeeping, reading values, GC, the task\'s own JavaScript');
    out.push(...profiled.map((t) => `  ${formatProfile(t)}`));
  }
  out.push(...notes.map((n) => `note: ${n}`));
  return out.join('\n');
}
