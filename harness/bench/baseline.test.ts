import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline, applyReruns, baselineForRun, baselineMismatch, compareLatency, flaggedTiming, intervalsOverlap, loadBaseline, meanInterval, mergeBaseline, peerTorchNote, reportToBaseline, saveBaseline } from './baseline';
import { benchToData } from '../report/bench';
import { formatReport, runProblems } from './report';
import { SchemaError, validateBenchReport } from './schema';
import { completedTask, latency, sampleBaseline, sampleReport, skippedTask } from './test-fixtures';
import type { BenchReport } from './types';

const scratch = mkdtempSync(join(tmpdir(), 'bench-baseline-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('intervals', () => {
  test('mean ± mean·rme/100', () => {
    expect(meanInterval({ mean: 100, rme: 5 })).toEqual({ low: 95, high: 105 });
  });
  test('touching intervals overlap; disjoint ones do not', () => {
    expect(intervalsOverlap({ low: 0, high: 1 }, { low: 1, high: 2 })).toBe(true);
    expect(intervalsOverlap({ low: 0, high: 1 }, { low: 1.01, high: 2 })).toBe(false);
  });
});

describe('compareLatency', () => {
  test('ratio is current / baseline', () => {
    expect(compareLatency(latency(110), latency(100), 0.1).ratio).toBeCloseTo(1.1);
  });
  test('slower beyond the threshold with disjoint intervals is a regression', () => {
    const c = compareLatency(latency(130, 2), latency(100, 2), 0.1);
    expect(c).toMatchObject({ regression: true, improvement: false, intervalsOverlap: false });
  });
  test('slower beyond the threshold but inside the noise is not flagged', () => {
    const c = compareLatency(latency(130, 20), latency(100, 10), 0.1);
    expect(c).toMatchObject({ regression: false, intervalsOverlap: true });
  });
  test('slower within the threshold is not flagged even when intervals are disjoint', () => {
    const c = compareLatency(latency(108, 1), latency(100, 1), 0.1);
    expect(c).toMatchObject({ regression: false, intervalsOverlap: false });
  });
  test('faster beyond the threshold with disjoint intervals is an improvement', () => {
    expect(compareLatency(latency(70, 2), latency(100, 2), 0.1)).toMatchObject({ improvement: true, regression: false });
  });
  test('the threshold is a fraction: a 5 % threshold flags 8 % slower', () => {
    expect(compareLatency(latency(108, 1), latency(100, 1), 0.05).regression).toBe(true);
  });
  test('bad inputs are errors, not verdicts', () => {
    expect(() => compareLatency(latency(1), latency(1), 0)).toThrow(/threshold/);
    expect(() => compareLatency(latency(1), { mean: 0, rme: 1 }, 0.1)).toThrow(/baseline mean/);
  });
});

describe('applyBaseline', () => {
  const report = sampleReport([
    completedTask('train-step/vae', 'tensorflow', 130),
    completedTask('train-step/dcgan', 'tensorflow', 300),
    completedTask('sample/vae', 'tensorflow', 50),
    skippedTask('train-step/vae', 'wasm', 'no kernel'),
  ]);
  const baseline = sampleBaseline([
    { id: 'train-step/vae@tensorflow', mean: 100 },
    { id: 'train-step/dcgan@tensorflow', mean: 310 },
    { id: 'train-step/vae@wasm', mean: 10 },
    { id: 'sample/vae@cpu', mean: 10 },
  ]);
  const selected = ['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow', 'sample/vae@tensorflow', 'train-step/vae@wasm'];
  const out = applyBaseline(report, baseline, 0.1, 'harness/bench/baseline.json', selected);

  test('lists regressions by id, and the selected baseline tasks the run did not complete', () => {
    expect(out.baseline).toEqual({
      path: 'harness/bench/baseline.json', createdAt: baseline.createdAt, commit: 'base',
      regressions: ['train-step/vae@tensorflow'], notCompared: ['train-step/vae@wasm'], incomparable: [],
    });
  });
  test('fills ratios on known completed tasks only', () => {
    const byId = Object.fromEntries(out.tasks.map((t) => [t.id, t]));
    expect(byId['train-step/dcgan@tensorflow']).toMatchObject({ baseline: { regression: false } });
    expect((byId['train-step/dcgan@tensorflow'] as { baseline: { ratio: number } }).baseline.ratio).toBeCloseTo(300 / 310);
    expect(byId['sample/vae@tensorflow']).toMatchObject({ baseline: null });
    expect(byId['train-step/vae@wasm']).not.toHaveProperty('baseline');
  });
  test('does not change its input', () => {
    expect(report.baseline).toBeNull();
    expect(report.tasks.every((t) => t.status !== 'completed' || t.baseline === null)).toBe(true);
  });
});

describe('baseline file', () => {
  test('keeps completed tasks, latency only, each with its commit and date', () => {
    const b = reportToBaseline(sampleReport());
    expect(b.tasks.map((t) => t.id)).toEqual(['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow']);
    expect(b.tasks[0]).toEqual({
      id: 'train-step/vae@tensorflow', latency: latency(70), commit: 'abc', createdAt: '2025-01-01T00:00:00.000Z', threads: 2, libtensorflow: '2.9.1',
    });
    // The sample report labels tensorflow only: other backends record no threads, and no libtensorflow.
    const wasm = reportToBaseline(sampleReport([completedTask('sample/vae', 'wasm', 800)])).tasks[0]!;
    expect(['threads' in wasm, 'libtensorflow' in wasm]).toEqual([false, false]);
    // The report's libtensorflow is the CPU binding's; the GPU child's own is not recorded.
    const gpuReport = sampleReport([completedTask('train-step/vae', 'tensorflow-gpu', 20)]);
    gpuReport.environment.backends['tensorflow-gpu'] = { threads: 2, description: 'gpu' };
    expect(reportToBaseline(gpuReport).tasks[0]).toMatchObject({ threads: 2 });
    expect('libtensorflow' in reportToBaseline(gpuReport).tasks[0]!).toBe(false);
    expect(b).toMatchObject({ cpuModel: 'Test CPU', cpus: 2, commit: 'abc' });
  });
  test('a save replaces the tasks the run completed and keeps the others, dropping ids no task has', () => {
    const previous = sampleBaseline([
      { id: 'train-step/vae@tensorflow', mean: 90 },
      { id: 'sample/vae@tensorflow', mean: 20 },
      { id: 'train-step/retired@tensorflow', mean: 5 },
    ]);
    const known = ['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow', 'sample/vae@tensorflow'];
    const merged = mergeBaseline(previous, sampleReport(), known);
    expect(merged.tasks.map((t) => [t.id, t.latency.mean, t.commit])).toEqual([
      ['train-step/vae@tensorflow', 70, 'abc'],
      ['sample/vae@tensorflow', 20, undefined],
      ['train-step/dcgan@tensorflow', 300, 'abc'],
    ]);
    expect(merged.commit).toBe('abc');
  });
  test('a save over a baseline from another machine replaces it', () => {
    const other = { ...sampleBaseline([{ id: 'sample/vae@tensorflow', mean: 20 }]), cpus: 8 };
    expect(mergeBaseline(other, sampleReport(), ['sample/vae@tensorflow']).tasks.map((t) => t.id)).toEqual(['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow']);
  });
  test('a missing or broken baseline file is named with what to do', () => {
    const dir = mkdtempSync(join(scratch, 'bench-baseline-'));
    expect(() => loadBaseline(join(dir, 'none.json'))).toThrow(/none\.json: no baseline yet; save one with `npm run bench -- --save-baseline --baseline ".*none\.json"`/);
    writeFileSync(join(dir, 'cut.json'), '{"schema": ');
    expect(() => loadBaseline(join(dir, 'cut.json'))).toThrow(/cut\.json: expected the JSON of a bench baseline, found invalid JSON/);
    const dup = sampleBaseline([{ id: 'a@js', mean: 1 }, { id: 'a@js', mean: 2 }]);
    writeFileSync(join(dir, 'dup.json'), JSON.stringify(dup));
    expect(() => loadBaseline(join(dir, 'dup.json'))).toThrow(/dup\.json\.tasks: expected unique ids, found "a@js"/);
  });
  test('a baseline from another machine is named as such', () => {
    expect(baselineMismatch(sampleReport(), { ...sampleBaseline([]), cpus: 4 })).toMatch(/2 CPUs vs baseline 4/);
    expect(baselineMismatch(sampleReport(), sampleBaseline([]))).toBeUndefined();
  });
  test('save then load round-trips, atomically (no temporary file left)', () => {
    const dir = mkdtempSync(join(scratch, 'bench-baseline-'));
    const path = join(dir, 'baseline.json');
    const b = reportToBaseline(sampleReport());
    saveBaseline(path, b);
    expect(loadBaseline(path)).toEqual(b);
    expect(readdirSync(dir)).toEqual(['baseline.json']);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });
  test('a file of another schema is refused', () => {
    const dir = mkdtempSync(join(scratch, 'bench-baseline-'));
    const path = join(dir, 'baseline.json');
    saveBaseline(path, { ...reportToBaseline(sampleReport()), schema: 'other@0' } as never);
    expect(() => loadBaseline(path)).toThrow(SchemaError);
  });
});

describe('baselineForRun', () => {
  const dir = mkdtempSync(join(scratch, 'bench-baseline-for-run-'));
  const current = join(dir, 'current.json');
  const older = join(dir, 'older.json');
  const broken = join(dir, 'broken.json');
  const newer = join(dir, 'newer.json');
  saveBaseline(current, reportToBaseline(sampleReport()));
  saveBaseline(older, { ...reportToBaseline(sampleReport()), schema: 'vae-vs-gan/bench-baseline@1' } as never);
  saveBaseline(newer, { ...reportToBaseline(sampleReport()), schema: 'vae-vs-gan/bench-baseline@3' } as never);
  writeFileSync(broken, '{"schema": ');

  test('--compare and --check need a baseline of this schema', () => {
    expect(baselineForRun({ check: true }, current).baseline?.tasks).toHaveLength(2);
    expect(() => baselineForRun({ compare: true }, join(dir, 'none.json'))).toThrow(/no baseline yet/);
    expect(() => baselineForRun({ check: true, saveBaseline: true }, older)).toThrow(/older\.json\.schema: expected 'vae-vs-gan\/bench-baseline@2', found "vae-vs-gan\/bench-baseline@1"/);
  });
  test('--save-baseline merges into a baseline of this schema, starts one where there is none, and replaces an older schema whole, saying so', () => {
    expect(baselineForRun({ saveBaseline: true }, current).baseline?.tasks).toHaveLength(2);
    expect(baselineForRun({ saveBaseline: true }, join(dir, 'none.json'))).toEqual({});
    const replaced = baselineForRun({ saveBaseline: true }, older);
    expect(replaced.baseline).toBeUndefined();
    expect(replaced.note).toMatch(/--save-baseline replaces .*older\.json whole, dropping its tasks: .*found "vae-vs-gan\/bench-baseline@1"/);
  });
  test('a newer schema (from a newer checkout) is not downgraded', () => {
    expect(() => baselineForRun({ saveBaseline: true }, newer)).toThrow(/newer\.json\.schema: expected 'vae-vs-gan\/bench-baseline@2', found "vae-vs-gan\/bench-baseline@3"/);
  });
  test('a broken file is still an error under --save-baseline: it may be a good baseline cut short', () => {
    expect(() => baselineForRun({ saveBaseline: true }, broken)).toThrow(/broken\.json: expected the JSON of a bench baseline, found invalid JSON/);
  });
  test('a plain run reads no baseline', () => {
    expect(baselineForRun({}, broken)).toEqual({});
  });
});

describe('applyReruns', () => {
  const baseline = sampleBaseline([
    { id: 'train-step/vae@tensorflow', mean: 100 },
    { id: 'train-step/dcgan@tensorflow', mean: 300 },
  ]);
  const first = applyBaseline(
    sampleReport([completedTask('train-step/vae', 'tensorflow', 130), completedTask('train-step/dcgan', 'tensorflow', 400)]),
    baseline, 0.1, 'harness/bench/baseline.json', [],
  );
  const out = applyReruns(first, baseline, new Map([['train-step/vae@tensorflow', latency(102)], ['train-step/dcgan@tensorflow', latency(390)]]));

  test('a flag the rerun does not reproduce is dropped; one it reproduces stands', () => {
    expect(first.baseline!.regressions).toEqual(['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow']);
    expect(out.baseline!.regressions).toEqual(['train-step/dcgan@tensorflow']);
    const byId = Object.fromEntries(out.tasks.map((t) => [t.id, t]));
    expect(byId['train-step/vae@tensorflow']).toMatchObject({ baseline: { ratio: 1.3, regression: false, rerun: { mean: 102, regression: false } } });
    expect(byId['train-step/dcgan@tensorflow']).toMatchObject({ baseline: { regression: true, rerun: { mean: 390, ratio: 1.3, regression: true } } });
  });
  test('a save keeps the baseline entry of a timing this run flagged, even when the rerun cleared the flag', () => {
    expect(out.tasks.map((t) => flaggedTiming(t, 0.1))).toEqual([true, true]);
    const merged = mergeBaseline(baseline, out, ['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow']);
    expect(merged.tasks.map((t) => [t.id, t.latency.mean])).toEqual([['train-step/vae@tensorflow', 100], ['train-step/dcgan@tensorflow', 300]]);
    const within = applyBaseline(sampleReport([completedTask('train-step/vae', 'tensorflow', 105)]), baseline, 0.1, 'b', []);
    expect(mergeBaseline(baseline, within, ['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow']).tasks.map((t) => [t.id, t.latency.mean])).toEqual([
      ['train-step/vae@tensorflow', 105],
      ['train-step/dcgan@tensorflow', 300],
    ]);
    // Over another machine's baseline there is nothing of this machine's to keep: every timing is saved.
    const elsewhere = { ...baseline, cpuModel: 'Other CPU' };
    expect(mergeBaseline(elsewhere, out, []).tasks.map((t) => [t.id, t.latency.mean])).toEqual([['train-step/vae@tensorflow', 130], ['train-step/dcgan@tensorflow', 400]]);
  });
  test('tasks without a rerun keep their verdict, and the report stays a valid bench.json', () => {
    const none = applyReruns(first, baseline, new Map());
    expect(none.baseline!.regressions).toEqual(first.baseline!.regressions);
    expect(() => validateBenchReport(JSON.parse(JSON.stringify(out)))).not.toThrow();
    expect(formatReport(out)).toMatch(/1\.30× \(rerun 1\.02×, not confirmed\)/);
    const row = benchToData(out).rows.find((r) => r.task === 'train-step/vae');
    expect(row).toMatchObject({ ratioToBaseline: 1.3, rerunRatioToBaseline: 1.02, regression: false });
  });
});

describe('another setup than the baseline’s', () => {
  const baseline = sampleBaseline([{ id: 'train-step/vae@tensorflow', mean: 100 }, { id: 'train-step/dcgan@tensorflow', mean: 300 }, { id: 'sample/vae@wasm', mean: 800 }]);
  baseline.tasks = baseline.tasks.map((t) => (t.id.endsWith('@tensorflow') ? { ...t, threads: 2, libtensorflow: '2.9.1' } : t));
  const report = sampleReport([completedTask('train-step/vae', 'tensorflow', 140), completedTask('train-step/dcgan', 'tensorflow', 400), completedTask('sample/vae', 'wasm', 800)]);
  const withNative = (threads: number, libtensorflow: string): BenchReport => ({
    ...report,
    environment: { ...report.environment, libtensorflow, backends: { tensorflow: { threads, description: 'backend tensorflow' } } },
  });

  test('a task timed with other threads or another libtensorflow is not compared, and says how it differs', () => {
    const out = applyBaseline(withNative(1, '2.20.0'), baseline, 0.1, 'b', []);
    expect(out.baseline!.incomparable).toEqual([
      'train-step/vae@tensorflow: threads 1, baseline 2; libtensorflow "2.20.0", baseline "2.9.1"',
      'train-step/dcgan@tensorflow: threads 1, baseline 2; libtensorflow "2.20.0", baseline "2.9.1"',
    ]);
    expect(out.baseline!.regressions).toEqual([]);
    expect(out.tasks.map((t) => t.status === 'completed' && t.baseline?.ratio)).toEqual([undefined, undefined, 1]);
    expect(runProblems(out, { failed: [], check: true, threshold: 0.1, baselinePath: 'b' })).toEqual([expect.stringContaining('timed on another setup than the baseline')]);
    expect(formatReport(out)).toContain('baseline: NOT COMPARED (another setup): train-step/vae@tensorflow: threads 1, baseline 2; libtensorflow "2.20.0", baseline "2.9.1"');
    expect(applyBaseline(withNative(2, '2.20.0'), baseline, 0.1, 'b', []).baseline!.incomparable).toHaveLength(2);
  });
  test('a tensorflow-gpu entry stamped with the CPU binding’s libtensorflow (saved before that stopped) still compares', () => {
    const gpuBaseline = sampleBaseline([{ id: 'train-step/vae@tensorflow-gpu', mean: 20 }]);
    gpuBaseline.tasks = gpuBaseline.tasks.map((t) => ({ ...t, threads: 2, libtensorflow: '2.9.1' }));
    const gpuRun: BenchReport = { ...sampleReport([completedTask('train-step/vae', 'tensorflow-gpu', 20)]), environment: { ...report.environment, libtensorflow: null, backends: { 'tensorflow-gpu': { threads: 2, description: 'gpu' } } } };
    const out = applyBaseline(gpuRun, gpuBaseline, 0.1, 'b', []);
    expect(out.baseline!.incomparable ?? []).toEqual([]);
    expect(out.tasks[0]).toMatchObject({ baseline: { ratio: 1 } });
  });
  test('the same setup compares (another CPU model is a note, not a setup); a baseline saved without setups compares whatever the setup', () => {
    const same = applyBaseline(withNative(2, '2.9.1'), baseline, 0.1, 'b', []);
    expect(same.baseline).toMatchObject({ incomparable: [], regressions: ['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow'] });
    const otherCpu = { ...withNative(2, '2.9.1'), tasks: report.tasks.map((t) => ({ ...t, device: 'Other CPU, 2 threads' })) };
    expect(applyBaseline(otherCpu, baseline, 0.1, 'b', []).baseline!.incomparable).toEqual([]);
    const old = sampleBaseline([{ id: 'train-step/vae@tensorflow', mean: 100 }]);
    expect(applyBaseline(withNative(1, '2.20.0'), old, 0.1, 'b', []).baseline).toMatchObject({ incomparable: [], regressions: ['train-step/vae@tensorflow'] });
  });
});

describe('PyTorch-normalised comparison', () => {
  const withPeer = (t: ReturnType<typeof completedTask>, peerRatio: number) => ({ ...t, peerRatio });
  const baseline = {
    ...sampleBaseline([{ id: 'train-step/vae@tensorflow', mean: 100 }, { id: 'train-step/dcgan@tensorflow', mean: 300 }, { id: 'train-step/vae@webgl', mean: 1000 }]),
  };
  baseline.tasks = baseline.tasks.map((t) => ({ ...t, peerRatio: 1.2 }));
  const paired = (ratio: number, interval: [number, number] | null) => ({ ratio, interval, min: ratio * 0.8, max: ratio * 1.2, rounds: 15 });
  const withPairs = (vae: ReturnType<typeof paired>, dcgan: ReturnType<typeof paired>): BenchReport => ({
    ...sampleReport([
      withPeer(completedTask('train-step/vae', 'tensorflow', 130), vae.ratio), // the machine slowed PyTorch alike
      withPeer(completedTask('train-step/dcgan', 'tensorflow', 400), dcgan.ratio), // tfjs alone got slower
      withPeer(completedTask('train-step/vae', 'webgl', 1300), 1.2), // a GPU row's ratio is to PyTorch on the CPU
    ]),
    peer: {
      status: 'completed', torch: '2', threads: 2, batch: 64,
      tasks: [{ model: 'vae', latency: latency(100), parameters: {}, paired: vae }, { model: 'dcgan', latency: latency(250), parameters: {}, paired: dcgan }],
    },
  });
  const report = withPairs(paired(1.25, [1.2, 1.3]), paired(1.6, [1.5, 1.7]));
  const out = applyBaseline(report, baseline, 0.1, 'harness/bench/baseline.json', []);

  test('a native step’s flag is cleared when its paired interval, over the baseline’s ratio, stays within the threshold', () => {
    expect(out.baseline!.regressions).toEqual(['train-step/dcgan@tensorflow', 'train-step/vae@webgl']);
    const byId = Object.fromEntries(out.tasks.map((t) => [t.id, t]));
    expect((byId['train-step/vae@tensorflow'] as { baseline: { peer: { ratio: number } } }).baseline.peer.ratio).toBeCloseTo(1.25 / 1.2, 12);
    expect(byId['train-step/vae@tensorflow']).toMatchObject({ baseline: { ratio: 1.3, regression: false, peer: { regression: false } } });
    expect(byId['train-step/dcgan@tensorflow']).toMatchObject({ baseline: { regression: true, peer: { regression: true } } });
    expect(formatReport(out)).toContain('1.30× (÷ PyTorch 1.04×, 95 % ≤ 1.08×, not confirmed)');
    expect(() => validateBenchReport(JSON.parse(JSON.stringify(out)))).not.toThrow();
  });
  test('only native steps: a browser row’s ratio is to PyTorch on another device, so it clears nothing', () => {
    const webgl = out.tasks.find((t) => t.id === 'train-step/vae@webgl');
    expect(webgl).toMatchObject({ baseline: { regression: true } });
    expect(webgl).not.toHaveProperty('baseline.peer');
  });
  test('a paired interval reaching past the threshold, or none, clears nothing, whatever its median', () => {
    const wide = applyBaseline(withPairs(paired(1.25, [1.1, 1.5]), paired(1.6, [1.5, 1.7])), baseline, 0.1, 'b', []);
    expect(wide.baseline!.regressions).toContain('train-step/vae@tensorflow');
    const none = applyBaseline(withPairs(paired(1.25, null), paired(1.6, [1.5, 1.7])), baseline, 0.1, 'b', []);
    expect(none.baseline!.regressions).toContain('train-step/vae@tensorflow');
    expect(formatReport(none)).toContain('1.30× REGRESSION (÷ PyTorch 1.04×, no interval)');
  });
  test('without the peer in both runs the timing alone decides', () => {
    const noPeer = applyBaseline(sampleReport([completedTask('train-step/vae', 'tensorflow', 130)]), baseline, 0.1, 'b', []);
    expect(noPeer.baseline!.regressions).toEqual(['train-step/vae@tensorflow']);
    // This run paired it, but the baseline has no ratio to divide by.
    const unpairedBaseline = { ...baseline, tasks: baseline.tasks.map(({ peerRatio: _, ...t }) => t) };
    const out = applyBaseline(report, unpairedBaseline, 0.1, 'b', []);
    expect(out.baseline!.regressions).toContain('train-step/vae@tensorflow');
    expect(out.tasks.find((t) => t.id === 'train-step/vae@tensorflow')).not.toHaveProperty('baseline.peer');
  });
  test('a baseline ratio measured against another PyTorch clears nothing', () => {
    const otherTorch = { ...baseline, tasks: baseline.tasks.map((t) => ({ ...t, peerTorch: '1.13' })) };
    const sameTorch = { ...baseline, tasks: baseline.tasks.map((t) => ({ ...t, peerTorch: '2' })) };
    expect(applyBaseline(report, otherTorch, 0.1, 'b', []).baseline!.regressions).toContain('train-step/vae@tensorflow');
    expect(applyBaseline(report, sameTorch, 0.1, 'b', []).baseline!.regressions).not.toContain('train-step/vae@tensorflow');
    expect(peerTorchNote(report, otherTorch)).toBe("PyTorch 2 in this run, 1.13 in the baseline: the baseline's ratios to PyTorch clear no flag");
    expect([peerTorchNote(report, sameTorch), peerTorchNote(report, baseline)]).toEqual([undefined, undefined]);
  });
  test('the baseline file keeps each task’s ratio to PyTorch, and which PyTorch', () => {
    expect(reportToBaseline(report).tasks.map((t) => [t.peerRatio, t.peerTorch])).toEqual([[1.25, '2'], [1.6, '2'], [1.2, '2']]);
    expect(reportToBaseline(sampleReport()).tasks.every((t) => !('peerRatio' in t))).toBe(true);
  });
});
