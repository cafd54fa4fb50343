import { parseBackendName, useBackend } from './backend';

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
