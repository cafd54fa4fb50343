import { useBackend } from '../../models/backend';
import { BENCH_DEFAULTS } from './defaults';
import { childRows, describeGpu, detectTensorflowGpu, measureInChild, missingLibraries, probeInChild, type ChildRun, type ChildRunOptions } from './run';
import { measureModelCosts, type TaskDefinition } from './tasks';
import { latency } from './test-fixtures';

describe('describeGpu', () => {
  const h200 = 'Model: \t\t NVIDIA H200\nIRQ:   \t\t 42\nGPU UUID: \t GPU-1234\n';
  const a100 = 'Model: \t\t NVIDIA A100-SXM4-40GB\nIRQ: 7\n';

  test('available with the package and a driver-reported GPU, named by its model', () => {
    expect(describeGpu(true, [h200])).toEqual({ available: true, reason: '', device: 'NVIDIA H200' });
    expect(describeGpu(true, [a100, a100]).device).toBe('2 × NVIDIA A100-SXM4-40GB');
    expect(describeGpu(true, [a100, h200]).device).toBe('NVIDIA A100-SXM4-40GB + NVIDIA H200');
  });

  test('says what is missing', () => {
    expect(describeGpu(false, [h200])).toEqual({ available: false, reason: '@tensorflow/tfjs-node-gpu is not installed', device: 'NVIDIA H200' });
    expect(describeGpu(true, [])).toEqual({ available: false, reason: 'the NVIDIA driver reports no GPU (nothing in /proc/driver/nvidia/gpus)', device: 'CUDA GPU' });
    expect(describeGpu(false, []).reason).toBe('@tensorflow/tfjs-node-gpu is not installed; the NVIDIA driver reports no GPU (nothing in /proc/driver/nvidia/gpus)');
  });
});

test('missingLibraries names each library TensorFlow could not load, once', () => {
  const stderr = [
    "W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: not found",
    "W ... Could not load dynamic library 'libcudnn.so.8'; dlerror: not found",
    "W ... Could not load dynamic library 'libcudart.so.11.0'; dlerror: not found",
  ].join('\n');
  expect(missingLibraries(stderr)).toEqual(['libcudart.so.11.0', 'libcudnn.so.8']);
  expect(missingLibraries('nothing wrong')).toEqual([]);
});

describe('childRows', () => {
  const def = (model: 'vae' | 'dcgan' | 'wgan-gp'): TaskDefinition => ({
    name: `sample/${model}`, group: 'sample', model, itemsPerIteration: 500, unit: 'images/s', kernels: [],
    flops: { perIteration: 1e9, forward: 1e9, backward: 0, method: 'exact-per-op' },
    prepare: () => { throw new Error('not run in the parent'); },
  });
  const defs = [def('vae'), def('dcgan'), def('wgan-gp')];
  const rowCtx = { backend: 'tensorflow-gpu' as const, device: 'NVIDIA A100', peak: null };
  const measured = { latency: latency(12), tensors: { start: 1, max: 1, end: 1, growth: 0 } };

  test('an unavailable backend skips every task, without counting failures', () => {
    const { rows, failed } = childRows(defs, rowCtx, { status: 'ok', message: '', unavailable: 'no GPU device', tasks: [] });
    expect(rows.map((r) => r.status === 'skipped' && r.reason)).toEqual(defs.map(() => 'unavailable: no GPU device'));
    expect(failed).toEqual([]);
  });

  test('keeps what finished before a kill; a task error and a task never run are failures', () => {
    const run: ChildRun = { status: 'killed', message: 'no run finished within the 900 s guard (child killed)', backend: { threads: 8, description: 'backend tensorflow-gpu' }, tasks: [{ name: 'sample/vae', ...measured }, { name: 'sample/dcgan', error: 'OOM' }] };
    const { rows, failed } = childRows(defs, rowCtx, run);
    expect(rows.map((r) => [r.id, r.status === 'completed' ? r.peakShare : r.reason])).toEqual([
      ['sample/vae@tensorflow-gpu', null],
      ['sample/dcgan@tensorflow-gpu', 'failed: OOM'],
      ['sample/wgan-gp@tensorflow-gpu', 'failed: no run finished within the 900 s guard (child killed)'],
    ]);
    expect(failed).toEqual(['sample/dcgan@tensorflow-gpu', 'sample/wgan-gp@tensorflow-gpu']);
  });
});

// The plumbing tensorflow-gpu uses, run here on the CPU backend (no GPU on this machine).
describe('measureInChild', () => {
  let options: ChildRunOptions;
  beforeAll(async () => {
    await useBackend('tensorflow');
    options = { batch: BENCH_DEFAULTS.batch, seed: BENCH_DEFAULTS.seed, timing: { ...BENCH_DEFAULTS.quick }, only: ['sample/vae@'], costs: measureModelCosts(BENCH_DEFAULTS.seed) };
  });

  test('times the asked tasks in a child process and returns its backend and measurements', async () => {
    const run = await measureInChild('tensorflow', options, 120_000);
    expect([run.status, run.unavailable]).toEqual(['ok', undefined]);
    expect(run.backend?.description).toMatch(/^backend tensorflow \(libtensorflow /);
    expect(run.tasks.map((t) => t.name)).toEqual(['sample/vae']);
    const [task] = run.tasks;
    expect(task && 'latency' in task && task.latency.samples).toBeGreaterThanOrEqual(BENCH_DEFAULTS.quick.iterations);
    expect(task && 'tensors' in task && task.tensors.growth).toBe(0);
  }, 120_000);

  test('tensorflow-gpu: measured with its package and a GPU, else unavailable, saying why', async () => {
    const run = await measureInChild('tensorflow-gpu', options, 300_000);
    let installed = true;
    try {
      require.resolve('@tensorflow/tfjs-node-gpu');
    } catch {
      installed = false;
    }
    if (!installed) expect(run.unavailable).toContain("backend 'tensorflow-gpu' cannot load @tensorflow/tfjs-node-gpu");
    else if (!detectTensorflowGpu().available) expect(run.unavailable).toContain('TensorFlow found no GPU device');
    else expect(run.backend?.description).toContain('tensorflow-gpu');
  }, 300_000);

  test('probeInChild: one iteration timed in a child, or killed at the guard', async () => {
    const ctx = { batch: options.batch, seed: options.seed, costs: options.costs };
    const probe = await probeInChild('sample/vae', 'tensorflow', 120_000, ctx);
    expect(probe).toEqual({ status: 'ok', ms: expect.any(Number), message: '' });
    expect(Number.isFinite(probe.ms)).toBe(true);
    expect(await probeInChild('sample/vae', 'tensorflow', 50, ctx)).toEqual({ status: 'killed', ms: null, message: 'no iteration finished within the 0 s guard (child killed)' });
  }, 120_000);

  test('a backend the child cannot use fails with its message', async () => {
    const run = await measureInChild('metal', options, 120_000);
    expect(run).toMatchObject({ status: 'failed', message: expect.stringContaining("expected one of tensorflow, tensorflow-gpu, wasm, cpu, found 'metal'"), tasks: [] });
  }, 120_000);
});
