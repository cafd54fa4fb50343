/** reports/bench.json (harness/bench/types.ts `BenchReport`) → the report's benchmark table. */
import { validateBenchReport } from '../bench/schema';
import { pairedRounds } from '../bench/report';
import type { BenchReport, BenchTask } from '../bench/types';
import { displayPath, errorText, missing, readJson } from './inputs';
import type { BenchData, BenchRow, Maybe } from './types';

const PRODUCER = 'run `npm run bench` (add `-- --compare` for the baseline column)';

function taskToRow(t: BenchTask, peer: BenchReport['peer']): BenchRow {
  const base = { task: t.name, model: t.model ?? undefined, backend: t.backend, device: t.device };
  if (t.status === 'skipped') {
    return { ...base, status: 'skipped', reason: t.reason };
  }
  const paired = t.peerRatio === null ? undefined : pairedRounds(t, peer);
  return {
    ...base,
    status: 'completed',
    meanMs: t.latency.mean,
    p50Ms: t.latency.p50,
    rme: t.latency.rme,
    samples: t.latency.samples,
    gflops: t.gflops ?? undefined,
    shareOfPeak: t.peakShare ?? undefined,
    ratioToPeer: t.peerRatio ?? undefined,
    ratioToPeerRange: paired && [paired.min, paired.max],
    ratioToPeerInterval: paired?.interval ?? undefined,
    ratioToBaseline: t.baseline?.ratio,
    rerunRatioToBaseline: t.baseline?.rerun?.ratio,
    peerNormalisedRatioToBaseline: t.baseline?.peer?.ratio,
    peerNormalisedUpperToBaseline: t.baseline?.peer?.upper ?? undefined,
    regression: t.baseline?.regression,
    improvement: t.baseline?.improvement,
    profile: t.profile && { iterationMs: t.profile.iterationMs, opMs: t.profile.opMs, ops: t.profile.ops, outsideMs: t.profile.outsideMs, top: t.profile.top },
  };
}

export function benchToData(report: BenchReport): BenchData {
  const s = report.settings;
  const env = report.environment;
  const provenance =
    `${report.createdAt}, commit ${env.commit}, ${env.cpuModel} (${env.cpus} CPUs, load ${env.loadAverage.toFixed(2)} at start), ` +
    `batch ${s.batch}, ≥${s.iterations} iterations and ≥${s.timeMs} ms per task after ${s.warmupIterations} warm-up` +
    ' (a slow task may take fewer: see its samples)' +
    (s.quick ? ', quick smoke run (too few samples to compare)' : '');
  const peer = report.peer.status === 'completed'
    ? `PyTorch ${report.peer.torch}, ${report.peer.threads} threads, batch ${report.peer.batch}; ratio on tensorflow = median over rounds of alternating blocks (tfjs median step ÷ PyTorch's), with the sign test's 95 % interval from 6 rounds on; elsewhere tfjs p50 ÷ PyTorch p50`
    : `PyTorch peer skipped: ${report.peer.reason}`;
  const baseline = report.baseline
    ? `${report.baseline.path} (${report.baseline.createdAt}, commit ${report.baseline.commit}); ratio = mean / baseline mean` +
      (report.baseline.regressions.length ? `; regressions: ${report.baseline.regressions.join(', ')}` : '; no regression') +
      (report.baseline.notCompared?.length ? `; not compared (not completed in this run): ${report.baseline.notCompared.join(', ')}` : '') +
      (report.baseline.incomparable?.length ? `; not compared (another setup): ${report.baseline.incomparable.join(' | ')}` : '')
    : 'not compared (run `npm run bench -- --compare`)';
  return {
    provenance,
    peak: report.peak.gflops > 0 ? `${report.peak.gflops.toFixed(1)} GFLOP/s FP32 peak (${report.peak.source}): ${report.peak.formula}` : report.peak.formula,
    peer,
    baseline,
    threshold: s.threshold,
    rows: report.tasks.map((t) => taskToRow(t, report.peer)),
    goals: report.goals.map((g) => ({ task: g.task, backend: g.backend, goal: g.goal, measuredMs: g.measuredMs ?? undefined, ratio: g.ratio, interval: g.interval ?? undefined, met: g.met ?? undefined })),
  };
}

export function readBench(path: string): Maybe<{ data: BenchData }> {
  const json = readJson(path, PRODUCER);
  if (json.status === 'missing') return json;
  let report: BenchReport;
  try {
    // The bench's own schema check (harness/bench/schema.ts): errors name the JSON path.
    report = validateBenchReport(json.value, displayPath(path));
  } catch (error) {
    return missing(`${displayPath(path)} cannot be read: ${errorText(error)}; ${PRODUCER}.`);
  }
  return { status: 'ok', data: benchToData(report) };
}
