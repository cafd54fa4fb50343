import { BENCH_DEFAULTS } from './defaults';
import { describeGpu, detectTensorflowGpu, measureInChild } from './run';

describe('describeGpu', () => {
  const information = 'Model: \t\t NVIDIA H200\nIRQ:   \t\t 42\nGPU UUID: \t GPU-1234\n';

  test('available with the package and a driver-reported GPU, named by its model', () => {
    expect(describeGpu(true, information)).toEqual({ available: true, reason: '', device: 'NVIDIA H200' });
  });

  test('says what is missing', () => {
    expect(describeGpu(false, information)).toEqual({ available: false, reason: '@tensorflow/tfjs-node-gpu is not installed', device: 'NVIDIA H200' });
    expect(describeGpu(true, null)).toMatchObject({ available: false, reason: 'no NVIDIA GPU (no /proc/driver/nvidia/gpus)', device: 'CUDA GPU' });
    expect(describeGpu(false, null).reason).toBe('@tensorflow/tfjs-node-gpu is not installed; no NVIDIA GPU (no /proc/driver/nvidia/gpus)');
  });
});

// The plumbing tensorflow-gpu uses, run here on the CPU backend (no GPU on this machine).
describe('measureInChild', () => {
  const options = { batch: BENCH_DEFAULTS.batch, seed: BENCH_DEFAULTS.seed, timing: { ...BENCH_DEFAULTS.quick }, only: ['sample/vae@'] };

  test('times the asked tasks in a child process and returns its backend and measurements', async () => {
    const result = await measureInChild('tensorflow', options, 120_000);
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.run.backend.description).toMatch(/^backend tensorflow \(libtensorflow /);
    expect(result.run.tasks.map((t) => t.name)).toEqual(['sample/vae']);
    const [task] = result.run.tasks;
    expect(task && 'latency' in task && task.latency.samples).toBeGreaterThanOrEqual(BENCH_DEFAULTS.quick.iterations);
    expect(task && 'tensors' in task && task.tensors.growth).toBe(0);
  }, 120_000);

  test('tensorflow-gpu: measured where its package and a GPU are present, else a failure naming the package', async () => {
    const result = await measureInChild('tensorflow-gpu', options, 300_000);
    if (detectTensorflowGpu().available) expect(result.status).toBe('ok');
    else expect(result).toEqual({ status: 'failed', message: expect.stringContaining("backend 'tensorflow-gpu' cannot load @tensorflow/tfjs-node-gpu") });
  }, 300_000);

  test('a backend the child cannot use fails with its message', async () => {
    const result = await measureInChild('metal', options, 120_000);
    expect(result).toEqual({ status: 'failed', message: expect.stringContaining("expected one of tensorflow, tensorflow-gpu, wasm, cpu, found 'metal'") });
  }, 120_000);
});
