/**
 * The PyTorch peer end to end, where `import torch` works (.ci/run installs it): a session with
 * every reference model, one block of one step each, and the same architectures as the tfjs
 * models, checked by their trainable parameters per network.
 */
import { useBackend } from '../../models/backend';
import { createTrainable } from '../../models/registry';
import { MODEL_KINDS, type ModelKind } from '../../models/types';
import { PeerSession, torchCheck } from './peer';

const torch = torchCheck();
// .ci/run installs torch and sets this, so a broken install fails there instead of skipping.
if (!torch.ok && process.env.BENCH_PEER_REQUIRED === '1') throw new Error(`BENCH_PEER_REQUIRED=1, but the PyTorch peer cannot run: ${torch.reason}`);

beforeAll(async () => {
  await useBackend('tensorflow');
});
// jest names no skipped test of a wholly skipped file: the reason goes to the console.
if (!torch.ok) console.warn(`PyTorch peer test skipped: ${torch.reason}`);
const withTorch = torch.ok ? test : test.skip;

function tfjsParameters(kind: ModelKind): Record<string, number> {
  const { networks } = createTrainable(kind, 1);
  const counts = Object.fromEntries(Object.entries(networks).map(([name, net]) => [name, net.trainableWeights.reduce((sum, w) => sum + w.read().size, 0)]));
  Object.values(networks).forEach((net) => net.dispose());
  return counts;
}

withTorch('one PyTorch step per model on request, with the tfjs models’ trainable parameters per network', async () => {
  const started = await PeerSession.start({ models: MODEL_KINDS, batch: 8, threads: 1, seed: 1, warmup: 0, readyTimeoutMs: 90_000, timeoutMs: 60_000 });
  if (!('session' in started)) throw new Error(`peer did not start: ${started.reason}`);
  try {
    for (const model of MODEL_KINDS) {
      expect(started.ready.parameters[model]).toEqual(tfjsParameters(model));
      expect(await started.session.time(model, 1, 0)).toHaveLength(1);
    }
  } finally {
    await started.session.close();
  }
});
