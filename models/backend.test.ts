import { nativeProblem, parseBackendName, useBackend } from './backend';

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

describe('nativeProblem', () => {
  test('each native package refuses a process that loaded the other', () => {
    expect(nativeProblem('tensorflow', { isGPUPackage: true }, 'before')).toBe(
      "backend 'tensorflow' needs @tensorflow/tfjs-node, but this process already loaded @tensorflow/tfjs-node-gpu; both register the TensorFlow.js backend 'tensorflow', so use one per process",
    );
    expect(nativeProblem('tensorflow-gpu', { isGPUPackage: false }, 'before')).toMatch(/already loaded @tensorflow\/tfjs-node;/);
    expect(nativeProblem('tensorflow', null, 'before')).toBeUndefined();
    expect(nativeProblem('tensorflow-gpu', { isGPUPackage: true }, 'before')).toBeUndefined();
  });

  test('tensorflow-gpu without a GPU device is refused, never timed on the CPU', () => {
    expect(nativeProblem('tensorflow-gpu', { isGPUPackage: true, isUsingGpuDevice: false }, 'after')).toMatch(
      /TensorFlow found no GPU device; it needs an NVIDIA driver with CUDA 11\.2 and cuDNN 8\.1 .*not falling back to the CPU$/,
    );
    expect(nativeProblem('tensorflow-gpu', { isGPUPackage: true, isUsingGpuDevice: true }, 'after')).toBeUndefined();
    expect(nativeProblem('tensorflow', { isGPUPackage: false, isUsingGpuDevice: false }, 'after')).toBeUndefined();
  });
});
