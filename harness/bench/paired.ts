/**
 * The ratio to the PyTorch peer from alternating blocks: a block of our steps, then a block of the
 * peer's, `rounds` times. The machine drifts by more than the ratio moves (on the shared
 * development VM, the same VAE code took 1.18–1.79× PyTorch's time over six runs when the peer
 * ran after all of our tasks); a block pair sees the same machine, so each round gives a ratio,
 * and the run reports their median and range.
 */
import type { Prepared } from './measure';
import type { PairedRatio } from './types';

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Per round, our median step over the peer's; their median and range. Pure. */
export function pairedRatio(ours: readonly (readonly number[])[], theirs: readonly (readonly number[])[]): PairedRatio {
  if (ours.length === 0 || ours.length !== theirs.length || [...ours, ...theirs].some((block) => block.length === 0)) {
    throw new RangeError(`paired rounds: expected as many non-empty blocks of ours as of the peer's, found ${ours.length} and ${theirs.length}`);
  }
  const ratios = ours.map((block, r) => median(block) / median(theirs[r]!));
  return { ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

/** At least `iterations` iterations and at least `timeMs` of them; ms per iteration. */
export async function timeBlock(prepared: Prepared, iterations: number, timeMs: number): Promise<number[]> {
  const samples: number[] = [];
  let total = 0;
  while (samples.length < iterations || total < timeMs) {
    const start = performance.now();
    if (prepared.async) await prepared.iterate();
    else prepared.iterate();
    const ms = performance.now() - start;
    samples.push(ms);
    total += ms;
  }
  return samples;
}

export interface Block {
  iterations: number;
  timeMs: number;
}

/** `rounds` pairs of blocks, ours first; `warmup` untimed iterations of ours before them. Disposes `prepared`. */
export async function alternate(
  prepared: Prepared,
  peerBlock: (block: Block) => Promise<number[]>,
  o: { rounds: number; warmup: number; block: Block },
): Promise<{ ours: number[][]; theirs: number[][] }> {
  try {
    await timeBlock(prepared, o.warmup, 0);
    const ours: number[][] = [];
    const theirs: number[][] = [];
    for (let r = 0; r < o.rounds; r++) {
      ours.push(await timeBlock(prepared, o.block.iterations, o.block.timeMs));
      theirs.push(await peerBlock(o.block));
    }
    return { ours, theirs };
  } finally {
    prepared.dispose();
  }
}
