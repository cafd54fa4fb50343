import { validateBaseline, validateBenchReport, SchemaError } from './schema';
import { reportToBaseline } from './baseline';
import { completedTask, sampleReport } from './test-fixtures';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('validateBenchReport', () => {
  test('accepts a report as written (after a JSON round trip)', () => {
    const doc = clone(sampleReport());
    expect(validateBenchReport(doc)).toEqual(doc);
  });
  test('accepts a completed peer and a baseline block', () => {
    const doc = clone(sampleReport());
    doc.peer = {
      status: 'completed', torch: '2.5.0', threads: 2, batch: 64,
      tasks: [{ model: 'vae', latency: { mean: 20, p50: 20, p99: 25, rme: 1, samples: 10 }, parameters: { encoder: 5 }, paired: { ratio: 1.2, interval: null, min: 1.1, max: 1.3, rounds: 5 } }],
    };
    doc.baseline = { path: 'harness/bench/baseline.json', createdAt: 'x', commit: 'y', regressions: [] };
    expect(() => validateBenchReport(doc)).not.toThrow();
  });
  test.each([
    ['another schema version', (d: any) => (d.schema = 'vae-vs-gan/bench@0'), /schema/],
    ['a task without latency', (d: any) => delete d.tasks[0].latency, /tasks\[0\]\.latency/],
    ['an unknown status', (d: any) => (d.tasks[0].status = 'errored'), /tasks\[0\]\.status/],
    ['a skipped task without a reason', (d: any) => delete d.tasks[2].reason, /tasks\[2\]\.reason/],
    ['an unknown backend', (d: any) => (d.tasks[0].backend = 'metal'), /tasks\[0\]\.backend/],
    ['an id that does not match name@backend', (d: any) => (d.tasks[0].id = 'x'), /tasks\[0\]\.id/],
    ['a NaN latency', (d: any) => (d.tasks[0].latency.mean = null), /latency\.mean/],
    ['zero samples', (d: any) => (d.tasks[0].latency.samples = 0), /latency\.samples/],
    ['a missing peak', (d: any) => delete d.peak, /peak/],
    ['a peer skipped without reason', (d: any) => (d.peer = { status: 'skipped' }), /peer\.reason/],
    ['a peer task without its paired ratio', (d: any) => (d.peer = { status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'vae', latency: { mean: 20, p50: 20, p99: 25, rme: 1, samples: 10 }, parameters: {} }] }), /peer\.tasks\[0\]\.paired/],
    ['a paired ratio without its interval', (d: any) => (d.peer = { status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'vae', latency: { mean: 20, p50: 20, p99: 25, rme: 1, samples: 10 }, parameters: {}, paired: { ratio: 1, min: 1, max: 1, rounds: 6 } }] }), /peer\.tasks\[0\]\.paired\.interval/],
    ['an interval upside down', (d: any) => (d.goals = [{ task: 't', backend: 'tensorflow', goal: 'g', measuredMs: 1, ratio: 1, interval: [1.2, 0.9], met: null }]), /goals\[0\]\.interval: expected low ≤ high/],
    ['a tensor check without growth', (d: any) => delete d.tasks[1].tensors.growth, /tensors\.growth/],
    ['a profile op without a time', (d: any) => (d.tasks[0].profile = { iterations: 1, iterationMs: 5, ops: 1, opMs: 4, outsideMs: 1, top: [{ name: 'Add', count: 1 }] }), /tasks\[0\]\.profile\.top\[0\]\.ms/],
    ['a profile of zero iterations', (d: any) => (d.tasks[0].profile = { iterations: 0, iterationMs: 5, ops: 1, opMs: 4, outsideMs: 1, top: [] }), /tasks\[0\]\.profile\.iterations/],
  ])('rejects %s, naming the path', (_what, mutate, message) => {
    const doc = clone(sampleReport()) as unknown;
    mutate(doc);
    expect(() => validateBenchReport(doc)).toThrow(SchemaError);
    expect(() => validateBenchReport(doc)).toThrow(message);
  });
  test('rejects duplicate task ids', () => {
    const doc = sampleReport([completedTask('train-step/vae', 'tensorflow', 1), completedTask('train-step/vae', 'tensorflow', 2)]);
    expect(() => validateBenchReport(clone(doc))).toThrow(/unique ids/);
  });
});

describe('validateBaseline', () => {
  test('accepts what reportToBaseline writes (the setup of each task included), and a baseline saved before setups were', () => {
    const b = clone(reportToBaseline(sampleReport()));
    expect(b.tasks[0]).toHaveProperty('threads');
    expect(validateBaseline(b)).toEqual(b);
    for (const t of b.tasks) delete t.threads, delete t.libtensorflow;
    expect(validateBaseline(b)).toEqual(b);
  });
  test('rejects a task without latency', () => {
    const b = clone(reportToBaseline(sampleReport())) as any;
    delete b.tasks[0].latency;
    expect(() => validateBaseline(b)).toThrow(/tasks\[0\]\.latency/);
  });
  test.each([
    ['a mean of 0', (b: any) => (b.tasks[0].latency.mean = 0), /baseline\.json\.tasks\[0\]\.latency\.mean: expected a finite number > 0, found 0/],
    ['a PyTorch ratio of 0', (b: any) => (b.tasks[0].peerRatio = 0), /baseline\.json\.tasks\[0\]\.peerRatio: expected a finite number > 0, found 0/],
    ['a negative PyTorch ratio', (b: any) => (b.tasks[0].peerRatio = -1.2), /peerRatio: expected a finite number > 0, found -1\.2/],
    ['a thread count of 0', (b: any) => (b.tasks[0].threads = 0), /tasks\[0\]\.threads: expected a finite number ≥ 1, found 0/],
  ])('rejects %s, which comparisons would divide by, naming the file and task', (_what, spoil, message) => {
    const b = clone(reportToBaseline(sampleReport())) as any;
    spoil(b);
    expect(() => validateBaseline(b, 'harness/bench/baseline.json')).toThrow(message);
  });
});
