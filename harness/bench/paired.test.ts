import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, pairedRatio, pairWithPeer, timeBlock } from './paired';
import type { Prepared } from './measure';
import { PEER_SCHEMA, PeerOutputError } from './peer';
import type { TaskDefinition } from './tasks';
import { readyLine, writeFakePeer } from './test-fixtures';

describe('pairedRatio', () => {
  test('per round our median over the peer’s, then the median and range of those ratios', () => {
    // Rounds: 20/10 = 2, 30/20 = 1.5, 12/4 = 3 (medians of odd and even blocks).
    const ours = [[19, 20, 40], [29, 30, 30, 35], [12]];
    const theirs = [[10, 9, 11], [20], [3, 5]];
    expect(pairedRatio(ours, theirs)).toEqual({ ratio: 2, interval: null, min: 1.5, max: 3, rounds: 3 });
  });
  test('from 6 rounds on, the sign test’s 95 % interval of the rounds’ ratios (9 rounds: the 2nd and 8th)', () => {
    const ratios = [1.3, 0.9, 1.1, 1.5, 1.2, 1.0, 1.4, 0.8, 1.6];
    const r = pairedRatio(ratios.map((x) => [x * 10]), ratios.map(() => [10]));
    expect(r.ratio).toBeCloseTo(1.2, 12);
    expect(r.interval![0]).toBeCloseTo(0.9, 12);
    expect(r.interval![1]).toBeCloseTo(1.5, 12);
  });
  test('a drift that slows both sides alike leaves each round’s ratio alone', () => {
    const drift = [1, 1.6, 0.8];
    const r = pairedRatio(drift.map((d) => [40 * d, 41 * d]), drift.map((d) => [32 * d, 32.8 * d]));
    expect(r.min).toBeCloseTo(1.25, 12);
    expect(r.max).toBeCloseTo(1.25, 12);
  });
  test.each([
    ['no rounds', [], []],
    ['unequal rounds', [[1]], [[1], [1]]],
    ['an empty block', [[1], []], [[1], [1]]],
  ])('%s is an error', (_what, ours, theirs) => {
    expect(() => pairedRatio(ours, theirs)).toThrow(/paired rounds/);
  });
});

const counting = (async = false) => {
  const calls: string[] = [];
  const prepared = {
    dispose: () => calls.push('dispose'),
    ...(async ? { async: true as const, iterate: async () => calls.push('ours') } : { iterate: () => calls.push('ours') }),
  } as Prepared;
  return { calls, prepared };
};

describe('timeBlock and alternate', () => {
  test('a block runs at least its iterations (awaiting an async iteration) and returns one sample each', async () => {
    for (const async of [false, true]) {
      const { calls, prepared } = counting(async);
      const samples = await timeBlock(prepared, 3, 0);
      expect(samples).toHaveLength(3);
      expect(calls).toEqual(['ours', 'ours', 'ours']);
    }
  });

  test('warm-up on both sides, then blocks round by round, ours first in even rounds; disposes what was prepared', async () => {
    const { calls, prepared } = counting();
    const peerBlocks: { iterations: number; timeMs: number }[] = [];
    const { ours, theirs } = await alternate(prepared, async (block) => {
      calls.push('theirs');
      peerBlocks.push(block);
      return [5, 6];
    }, { rounds: 3, warmup: 1, block: { iterations: 2, timeMs: 0 } });
    expect(calls).toEqual(['ours', 'theirs', 'ours', 'ours', 'theirs', 'theirs', 'ours', 'ours', 'ours', 'ours', 'theirs', 'dispose']);
    expect(ours.map((b) => b.length)).toEqual([2, 2, 2]);
    expect(theirs).toEqual([[5, 6], [5, 6], [5, 6]]);
    expect(peerBlocks).toEqual([{ iterations: 1, timeMs: 0 }, ...Array(3).fill({ iterations: 2, timeMs: 0 })]);
  });

  test('a peer that fails is a PeerOutputError naming the round, and what was prepared is still disposed', async () => {
    const { calls, prepared } = counting();
    let blocks = 0;
    const failing = () => (++blocks > 2 ? Promise.reject(new Error('peer exited')) : Promise.resolve([1]));
    const run = alternate(prepared, failing, { rounds: 3, warmup: 0, block: { iterations: 1, timeMs: 0 } });
    await expect(run).rejects.toThrow(PeerOutputError);
    await expect(run).rejects.toThrow('round 2 of 3: peer exited');
    expect(calls).toEqual(['ours', 'dispose']);
  });
});

describe('pairWithPeer, with a fake peer in Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-peer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const def = (model: 'vae' | 'dcgan', prepare = () => counting().prepared) => ({ name: `train-step/${model}`, group: 'train-step', model, prepare }) as unknown as TaskDefinition;
  const options = { rounds: 2, warmup: 1, block: { iterations: 2, timeMs: 0 } };
  const peer = (fake: { python: string; script: string }) => ({ ...fake, batch: 64, threads: 2, seed: 1, timeoutMs: 20_000 });

  test('each step paired: PyTorch’s samples pooled, its parameters, and the ratio of the rounds', async () => {
    const run = await pairWithPeer([def('vae'), def('dcgan')], peer(writeFakePeer(dir, 'ok', readyLine(['vae', 'dcgan']))), options);
    expect(run.failed).toEqual([]);
    expect(run.notes).toEqual([]);
    if (run.peer.status !== 'completed') throw new Error(run.peer.reason);
    expect(run.peer.tasks.map((t) => [t.model, t.latency.samples, t.parameters, t.paired.rounds])).toEqual([
      ['vae', 4, { vae_net: 5 }, 2],
      ['dcgan', 4, { dcgan_net: 5 }, 2],
    ]);
  });

  test('a peer that dies mid-way: the steps paired so far stay, the rest are notes naming step and round, and no step failed', async () => {
    // Answers: warm-up and two rounds for the VAE (3), then the DCGAN's warm-up, then it exits.
    const run = await pairWithPeer([def('vae'), def('dcgan')], peer(writeFakePeer(dir, 'dies', readyLine(['vae', 'dcgan']), 4)), options);
    expect(run.failed).toEqual([]);
    expect(run.peer.status === 'completed' && run.peer.tasks.map((t) => t.model)).toEqual(['vae']);
    expect(run.notes).toEqual([expect.stringMatching(/^train-step\/dcgan@tensorflow: not paired with PyTorch: round 1 of 2: peer exited \(status 4\)/)]);
  });

  test('our own step failing is a failure of that step, not the peer’s', async () => {
    const broken = def('vae', () => {
      throw new Error('out of memory');
    });
    const run = await pairWithPeer([broken, def('dcgan')], peer(writeFakePeer(dir, 'ours', readyLine(['vae', 'dcgan']))), options);
    expect(run.failed).toEqual(['train-step/vae@tensorflow']);
    expect(run.notes).toEqual(['train-step/vae@tensorflow: failed while pairing with PyTorch: out of memory']);
    expect(run.peer.status === 'completed' && run.peer.tasks.map((t) => t.model)).toEqual(['dcgan']);
  });

  test('a peer without torch leaves the summary skipped with its reason', async () => {
    const skipped = JSON.stringify({ schema: PEER_SCHEMA, status: 'skipped', reason: 'torch not installed (ImportError)' });
    expect(await pairWithPeer([def('vae')], peer(writeFakePeer(dir, 'no-torch', skipped)), options)).toEqual({
      peer: { status: 'skipped', reason: 'torch not installed (ImportError)' }, notes: [], failed: [],
    });
  });
});
