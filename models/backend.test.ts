import { intraOpThreads, missingGpuDevice, packageConflict, parseBackendName, useBackend } from './backend';

test('backend names, tensorflow-gpu included; anything else is refused with the choices', () => {
  expect(parseBackendName('tensorflow-gpu')).toBe('tensorflow-gpu');
  expect(() => parseBackendName('metal', '--backend')).toThrow("--backend: expected one of tensorflow, tensorflow-gpu, wasm, cpu, found 'metal'");
});

test('tensorflow-gpu cannot join tfjs-node in one process, and says why', async () => {
  await useBackend('tensorflow');
  await expect(useBackend('tensorflow-gpu')).rejects.toThrow(
    "backend 'tensorflow-gpu' needs @tensorflow/tfjs-node-gpu, but this process already loaded @tensorflow/tfjs-node; both register the TensorFlow.js backend 'tensorflow', so use one per process",
  );
  // Still on the CPU package.
  expect((await useBackend('tensorflow')).backend).toBe('tensorflow');
});

describe('native package checks', () => {
  test('each native package refuses a process that loaded the other', () => {
    expect(packageConflict('tensorflow', { isGPUPackage: true })).toBe(
      "backend 'tensorflow' needs @tensorflow/tfjs-node, but this process already loaded @tensorflow/tfjs-node-gpu; both register the TensorFlow.js backend 'tensorflow', so use one per process",
    );
    expect(packageConflict('tensorflow-gpu', { isGPUPackage: false })).toMatch(/already loaded @tensorflow\/tfjs-node;/);
    expect(packageConflict('tensorflow', null)).toBeUndefined();
    expect(packageConflict('tensorflow-gpu', { isGPUPackage: true })).toBeUndefined();
  });

  test('tensorflow-gpu without a GPU device is refused, never timed on the CPU', () => {
    expect(missingGpuDevice('tensorflow-gpu', { isGPUPackage: true, isUsingGpuDevice: false })).toMatch(
      /TensorFlow found no GPU device; it needs an NVIDIA driver with CUDA 11\.2 and cuDNN 8\.1 .*not falling back to the CPU$/,
    );
    expect(missingGpuDevice('tensorflow-gpu', { isGPUPackage: true, isUsingGpuDevice: true })).toBeUndefined();
    expect(missingGpuDevice('tensorflow', { isGPUPackage: false, isUsingGpuDevice: false })).toBeUndefined();
  });
});

test('the native thread count: $TF_NUM_INTRAOP_THREADS when a positive integer, else the CPUs the process may use', () => {
  expect(intraOpThreads({}, 2)).toBe(2);
  expect(intraOpThreads({ TF_NUM_INTRAOP_THREADS: '1' }, 2)).toBe(1);
  expect(intraOpThreads({ TF_NUM_INTRAOP_THREADS: '3' }, 2)).toBe(3);
  for (const ignored of ['0', '-1', '1.5', 'two', '', '1e1', '0x10']) expect(intraOpThreads({ TF_NUM_INTRAOP_THREADS: ignored }, 4)).toBe(4);
});
