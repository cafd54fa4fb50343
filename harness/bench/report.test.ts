import { applyBaseline } from './baseline';
import { applyPeer, formatReport, judgeGoals, percent, runProblems } from './report';
import { validateBenchReport } from './schema';
import { completedTask, latency, sampleBaseline, sampleReport, skippedTask } from './test-fixtures';
import type { PeerSummary } from './types';

const paired = (ratio: number, interval: [number, number] | null = [ratio * 0.95, ratio * 1.05]) => ({ ratio, interval, min: ratio * 0.9, max: ratio * 1.1, rounds: 15 });
const peer: PeerSummary = {
  status: 'completed', torch: '2.5.1', threads: 2, batch: 64,
  tasks: [{ model: 'vae', latency: latency(35), parameters: {}, paired: paired(2) }, { model: 'dcgan', latency: latency(600), parameters: {}, paired: paired(0.5) }],
};

describe('peer ratios', () => {
  test('the paired ratio on native training steps, p50 ÷ the peer’s p50 on other backends, nothing on other tasks', () => {
    const tasks = applyPeer(sampleReport([
      completedTask('train-step/vae', 'tensorflow', 70),
      completedTask('train-step/dcgan', 'tensorflow', 300),
      completedTask('train-step/vae', 'webgl', 3500),
      completedTask('sample/vae', 'tensorflow', 20),
      skippedTask('train-step/vae', 'wasm', 'no kernel'),
    ]).tasks, { ...peer, tasks: [{ ...peer.tasks[0]!, paired: paired(1.7) }, peer.tasks[1]!] });
    expect(tasks.map((t) => (t.status === 'completed' ? t.peerRatio : 'skipped'))).toEqual([1.7, 0.5, 100, null, 'skipped']);
  });
  test('the table says how the ratio was formed, with each model’s range of rounds; a ratio goal shows the ratio it judged', () => {
    const tasks = applyPeer(sampleReport().tasks, peer);
    const text = formatReport({ ...sampleReport(tasks), peer, goals: judgeGoals(tasks, peer) });
    expect(text).toContain('goal train-step/vae@tensorflow: no slower than PyTorch CPU (paired ratio\'s 95 % interval ≤ 1): 2.00× (95 % 1.90–2.10), MISSED');
    expect(text).toContain('goal train-step/vae@tensorflow: p50 ≤ 22 ms: 70.0 ms, MISSED');
    expect(text).toContain('median over rounds of alternating blocks');
    expect(text).toContain('vae 2.00× (95 % 1.90–2.10; rounds 1.80–2.20, 15 of them; PyTorch p50 35.0 ms)');
  });
  test('a skipped peer leaves ratios empty', () => {
    expect(applyPeer(sampleReport().tasks, { status: 'skipped', reason: 'x' })).toEqual(sampleReport().tasks);
  });
});

describe('goals', () => {
  test('absolute goals on the native steps and the PyTorch goal per native step', () => {
    const goals = judgeGoals(applyPeer(sampleReport().tasks, peer), peer);
    expect(goals).toEqual([
      { task: 'train-step/vae', backend: 'tensorflow', goal: 'p50 ≤ 22 ms', measuredMs: 70, met: false },
      { task: 'train-step/dcgan', backend: 'tensorflow', goal: 'p50 ≤ 130 ms', measuredMs: 300, met: false },
      { task: 'train-step/vae', backend: 'tensorflow', goal: 'no slower than PyTorch CPU (paired ratio\'s 95 % interval ≤ 1)', measuredMs: 70, ratio: 2, interval: [1.9, 2.1], met: false },
      { task: 'train-step/dcgan', backend: 'tensorflow', goal: 'no slower than PyTorch CPU (paired ratio\'s 95 % interval ≤ 1)', measuredMs: 300, ratio: 0.5, interval: [0.475, 0.525], met: true },
    ]);
  });
  test('the PyTorch goal is decided by the interval: one that spans 1, or none (under 6 rounds), is not decidable', () => {
    const tasks = applyPeer(sampleReport().tasks, peer);
    const judge = (vae: ReturnType<typeof paired>) => judgeGoals(tasks, { ...peer, tasks: [{ ...peer.tasks[0]!, paired: vae }, peer.tasks[1]!] })[2]!;
    expect(judge(paired(0.98, [0.9, 1.06])).met).toBeNull();
    expect(judge(paired(1.02, [1.01, 1.06])).met).toBe(false);
    expect(judge(paired(0.9, [0.8, 1])).met).toBe(true);
    const none = judge(paired(0.5, null));
    expect(none.met).toBeNull();
    const text = formatReport({ ...sampleReport(tasks), peer, goals: [none] });
    expect(text).toContain('0.50× (95 % no interval: under 6 rounds), not decidable');
  });
  test('without a peer or a figure a goal is not judged', () => {
    const goals = judgeGoals([skippedTask('train-step/vae', 'tensorflow', 'failed')], { status: 'skipped', reason: 'x' });
    expect(goals.map((g) => g.met)).toEqual([null, null, null]);
    // A native step that failed while the peer paired the others gets no ratio of theirs.
    const failed = judgeGoals([skippedTask('train-step/vae', 'tensorflow', 'failed')], peer);
    expect(failed.map((g) => [g.met, g.ratio])).toEqual([[null, undefined], [null, undefined], [null, undefined]]);
  });
});

describe('formatReport', () => {
  const report = applyBaseline(
    { ...sampleReport([completedTask('train-step/vae', 'tensorflow', 130), skippedTask('train-step/vae', 'wasm', 'no kernel')]) },
    sampleBaseline([{ id: 'train-step/vae@tensorflow', mean: 100 }, { id: 'train-step/vae@wasm', mean: 900 }]),
    0.125,
    'harness/bench/baseline.json',
    ['train-step/vae@tensorflow', 'train-step/vae@wasm'],
  );
  const text = formatReport(report, ['load was high']);
  test('one line per task, skipped tasks with their reason', () => {
    expect(text).toMatch(/train-step\/vae +tensorflow +130 ± 2\.0% +10 /);
    expect(text).toMatch(/train-step\/vae +wasm +skipped: no kernel/);
  });
  test('flags the regression and names it under the table', () => {
    expect(text).toMatch(/1\.30× REGRESSION/);
    expect(text).toMatch(/flagged beyond 12\.5 % .*REGRESSIONS: train-step\/vae@tensorflow/);
  });
  test('names the baseline tasks the run selected but did not complete', () => {
    expect(text).toContain('baseline: NOT COMPARED (selected, in the baseline, not completed in this run): train-step/vae@wasm');
  });
  test('percentages keep the digits a threshold has', () => {
    expect([0.1, 0.125, 0.004, 1].map(percent)).toEqual(['10 %', '12.5 %', '0.4 %', '100 %']);
  });
  test('prints the peak formula, the peer status, the tensor check and the notes', () => {
    expect(text).toContain('peak = test');
    expect(text).toContain('peer: torch not installed');
    expect(text).toMatch(/tensors: tf\.memory\(\)\.numTensors constant/);
    expect(text).toContain('note: load was high');
  });
  test('a leak is printed as such', () => {
    const leaky = sampleReport([{ ...completedTask('train-step/vae', 'tensorflow', 1), tensors: { start: 5, max: 8, end: 8, growth: 3 } }]);
    expect(formatReport(leaky)).toMatch(/LEAK: train-step\/vae@tensorflow \+3/);
  });
  test('a profiled task gets one line: its p50, time in ops and outside them, the costliest ops', () => {
    const profile = { iterations: 2, iterationMs: 40, ops: 178, opMs: 30, outsideMs: 10, top: [{ name: 'Conv2D', ms: 8.5, count: 4 }, { name: 'Mul', ms: 4.4, count: 26.5 }] };
    const profiled = sampleReport([{ ...completedTask('train-step/vae', 'tensorflow', 40), profile }]);
    expect(formatReport(profiled)).toContain(
      'train-step/vae@tensorflow (p50 40.0 ms; profiled mean of 2): 40.0 ms = TensorFlow ops 30.0 ms (75%, 178 ops) + outside ops 10.0 ms (25%); Conv2D 8.5 ms ×4, Mul 4.4 ms ×26.5',
    );
    expect(formatReport(sampleReport())).not.toContain('profile (--profile)');
    expect(() => validateBenchReport(JSON.parse(JSON.stringify(profiled)))).not.toThrow();
  });
  test('the report it formats is a valid bench.json', () => {
    expect(() => validateBenchReport(JSON.parse(JSON.stringify(report)))).not.toThrow();
  });
});

describe('runProblems', () => {
  const baselinePath = 'harness/bench/baseline.json';
  const gate = { failed: [], check: true, threshold: 0.1, baselinePath };
  const baseline = sampleBaseline([{ id: 'train-step/vae@tensorflow', mean: 70 }, { id: 'train-step/vae@wasm', mean: 900 }]);
  const compared = (report: ReturnType<typeof sampleReport>) =>
    applyBaseline(report, baseline, 0.1, baselinePath, ['train-step/vae@tensorflow', 'train-step/dcgan@tensorflow', 'train-step/vae@wasm']);

  test('a clean plain run has none', () => {
    expect(runProblems(sampleReport(), { ...gate, check: false })).toEqual([]);
  });
  test('a leak and a failed task fail any run', () => {
    const leaky = sampleReport([{ ...completedTask('train-step/vae', 'tensorflow', 70), tensors: { start: 5, max: 8, end: 8, growth: 3 } }]);
    expect(runProblems(leaky, { ...gate, check: false, failed: ['sample/vae@wasm'] })).toEqual([
      'tensor count grew across iterations in train-step/vae@tensorflow',
      'tasks failed: sample/vae@wasm',
    ]);
  });
  test('--check fails on a regression and on a selected baseline task the run did not complete', () => {
    const slower = compared(sampleReport([completedTask('train-step/vae', 'tensorflow', 140), skippedTask('train-step/vae', 'wasm', 'no kernel')]));
    expect(runProblems(slower, gate)).toEqual([
      'regressions beyond 10 %: train-step/vae@tensorflow',
      'baseline tasks not compared (skipped or failed in this run): train-step/vae@wasm',
    ]);
    expect(runProblems(slower, { ...gate, check: false })).toEqual([]);
  });
  test('--check fails when no completed task had a baseline entry: a gate that compared nothing does not pass', () => {
    const unknown = applyBaseline(sampleReport([completedTask('train-step/vae', 'cpu', 9000)]), baseline, 0.1, baselinePath, ['train-step/vae@cpu']);
    expect(runProblems(unknown, gate)).toEqual([`--check compared nothing: no task of this run completed with an entry in ${baselinePath}`]);
    expect(runProblems(applyBaseline(sampleReport(), baseline, 0.1, baselinePath, ['train-step/vae@tensorflow']), gate)).toEqual([]);
  });
  test('--save-baseline with no completed task has nothing to save', () => {
    const none = sampleReport([skippedTask('train-step/vae', 'wasm', 'no kernel')]);
    expect(runProblems(none, { ...gate, check: false, saveBaseline: true })).toEqual(['--save-baseline: no task completed, so there is nothing to save']);
  });
});
