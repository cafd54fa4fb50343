/**
 * Image goldens from the committed checkpoints with fixed latents and fixed test images. Inference
 * is shared by backends: each figure is made on `tensorflow` and on `wasm`, the two must agree
 * within the golden thresholds, and the native one must match the committed golden.
 * (Test originals are never part of a golden: images cut from the dataset are not committed.)
 */
import { useBackend, type BackendName } from '../models/backend';
import { FIGURES, COLUMNS, crossBackendMismatch, goldenOriginals, loadCommittedModels } from './golden-figures';
import type { GenerativeModel, ModelKind } from '../models/types';

const INFERENCE_BACKENDS: BackendName[] = ['tensorflow', 'wasm'];

let models: Record<ModelKind, GenerativeModel>;
let originals: Float32Array;

beforeAll(async () => {
  await useBackend('tensorflow');
  models = await loadCommittedModels();
  originals = goldenOriginals();
});

afterAll(() => useBackend('tensorflow'));

test.each(FIGURES.map((f) => [f.name, f] as const))('%s matches its golden on tensorflow and wasm alike', async (_name, figure) => {
  const byBackend = new Map<BackendName, Float32Array>();
  for (const backend of INFERENCE_BACKENDS) {
    await useBackend(backend);
    byBackend.set(backend, figure.make(models[figure.kind], originals));
  }
  expect(crossBackendMismatch(figure.name, byBackend.get('tensorflow')!, byBackend.get('wasm')!)).toBeNull();
  expect({ images: byBackend.get('tensorflow')!, columns: COLUMNS }).toMatchGoldenImage(figure.name);
});
