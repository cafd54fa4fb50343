/**
 * The PyTorch peer end to end, where `import torch` works (.ci/run installs it): one step of each
 * reference model in PyTorch, and the same architectures as the tfjs models, checked by their
 * trainable parameters per network.
 */
import { useBackend } from '../../models/backend';
import { createTrainable } from '../../models/registry';
import { MODEL_KINDS, type ModelKind } from '../../models/types';
import { runPeer, torchCheck } from './peer';

const torch = torchCheck();

beforeAll(async () => {
  await useBackend('tensorflow');
});
const withTorch = torch.ok ? test : test.skip;

function tfjsParameters(kind: ModelKind): Record<string, number> {
  const { networks } = createTrainable(kind, 1);
  const counts = Object.fromEntries(Object.entries(networks).map(([name, net]) => [name, net.trainableWeights.reduce((sum, w) => sum + w.read().size, 0)]));
  Object.values(networks).forEach((net) => net.dispose());
  return counts;
}

withTorch('one PyTorch step per model, with the tfjs models’ trainable parameters per network', () => {
  const peer = runPeer({ models: MODEL_KINDS, batch: 8, threads: 1, seed: 1, iterations: 1, timeMs: 0, warmup: 0 });
  if (peer.status !== 'completed') throw new Error(`peer did not complete: ${peer.reason}`);
  expect(peer.tasks.map((t) => t.model)).toEqual([...MODEL_KINDS]);
  for (const task of peer.tasks) {
    expect(task.latency.samples).toBe(1);
    expect(task.parameters).toEqual(tfjsParameters(task.model));
  }
});
