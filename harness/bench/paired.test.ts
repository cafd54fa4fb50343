import { alternate, pairedRatio, timeBlock } from './paired';
import type { Prepared } from './measure';

describe('pairedRatio', () => {
  test('per round our median over the peer’s, then the median and range of those ratios', () => {
    // Rounds: 20/10 = 2, 30/20 = 1.5, 12/4 = 3 (medians of odd and even blocks).
    const ours = [[19, 20, 40], [29, 30, 30, 35], [12]];
    const theirs = [[10, 9, 11], [20], [3, 5]];
    expect(pairedRatio(ours, theirs)).toEqual({ ratio: 2, min: 1.5, max: 3, rounds: 3 });
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

  test('warm-up, then our block and the peer’s, round by round; disposes what was prepared', async () => {
    const { calls, prepared } = counting();
    const peerBlocks: { iterations: number; timeMs: number }[] = [];
    const { ours, theirs } = await alternate(prepared, async (block) => {
      calls.push('theirs');
      peerBlocks.push(block);
      return [5, 6];
    }, { rounds: 2, warmup: 1, block: { iterations: 2, timeMs: 0 } });
    expect(calls).toEqual(['ours', 'ours', 'ours', 'theirs', 'ours', 'ours', 'theirs', 'dispose']);
    expect(ours.map((b) => b.length)).toEqual([2, 2]);
    expect(theirs).toEqual([[5, 6], [5, 6]]);
    expect(peerBlocks).toEqual([{ iterations: 2, timeMs: 0 }, { iterations: 2, timeMs: 0 }]);
  });

  test('a peer that fails mid-way still gets what was prepared disposed', async () => {
    const { calls, prepared } = counting();
    await expect(alternate(prepared, () => Promise.reject(new Error('peer exited')), { rounds: 2, warmup: 0, block: { iterations: 1, timeMs: 0 } })).rejects.toThrow('peer exited');
    expect(calls).toEqual(['ours', 'dispose']);
  });
});
