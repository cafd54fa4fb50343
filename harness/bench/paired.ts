/**
 * The ratio to the PyTorch peer from alternating blocks: a block of our steps and a block of the
 * peer's, `rounds` times. The machine drifts by more than the ratio moves (on the shared
 * development VM, the same VAE code took 1.18–1.79× PyTorch's time over six runs when the peer
 * ran after all of our tasks). The two blocks of a round are seconds apart, so a drift slower than
 * that cancels in their ratio; faster noise does not (rounds of one run still range widely), so
 * the run reports the median of the rounds' ratios, the sign test's 95 % interval for it, and
 * their range. The interval treats rounds as independent; a drift within a round is not.
 */
import { quantileSorted } from '../metrics/bootstrap';
import type { Prepared } from './measure';
import { PeerOutputError, PeerSession, type PeerOptions } from './peer';
import { latencyFromSamples, medianInterval } from './stats';
import { taskId, type TaskDefinition } from './tasks';
import type { PairedRatio, PeerSummary, PeerTask } from './types';

const median = (values: readonly number[]) => quantileSorted([...values].sort((a, b) => a - b), 0.5);

/** Per round, our median step over the peer's; their median, its 95 % interval and their range. Pure. */
export function pairedRatio(ours: readonly (readonly number[])[], theirs: readonly (readonly number[])[]): PairedRatio {
  if (ours.length === 0 || ours.length !== theirs.length || [...ours, ...theirs].some((block) => block.length === 0)) {
    throw new RangeError(`paired rounds: expected as many non-empty blocks of ours as of the peer's, found ${ours.length} and ${theirs.length}`);
  }
  const ratios = ours.map((block, r) => median(block) / median(theirs[r]!));
  return { ratio: median(ratios), interval: medianInterval(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
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

/**
 * `rounds` pairs of blocks, ours first in rounds 1, 3, 5 … and the peer's first in the others, after
 * `warmup` untimed iterations of ours and one untimed block of the peer's. A failure of the peer
 * is rethrown as a PeerOutputError naming the round. Disposes `prepared`.
 */
export async function alternate(
  prepared: Prepared,
  peerBlock: (block: Block) => Promise<number[]>,
  o: { rounds: number; warmup: number; block: Block },
): Promise<{ ours: number[][]; theirs: number[][] }> {
  const peer = async (block: Block, round: string) => {
    try {
      return await peerBlock(block);
    } catch (error) {
      throw new PeerOutputError(`${round}: ${(error as Error).message}`);
    }
  };
  try {
    await timeBlock(prepared, o.warmup, 0);
    await peer({ iterations: 1, timeMs: 0 }, 'warm-up');
    const ours: number[][] = [];
    const theirs: number[][] = [];
    for (let r = 0; r < o.rounds; r++) {
      const round = `round ${r + 1} of ${o.rounds}`;
      if (r % 2 === 1) theirs.push(await peer(o.block, round));
      ours.push(await timeBlock(prepared, o.block.iterations, o.block.timeMs));
      if (r % 2 === 0) theirs.push(await peer(o.block, round));
    }
    return { ours, theirs };
  } finally {
    prepared.dispose();
  }
}

export interface PairedRun {
  peer: PeerSummary;
  /** Steps the peer could not be paired with, and why. */
  notes: string[];
  /** Ids of our steps that failed while pairing (the bench then exits non-zero). */
  failed: string[];
}

/**
 * Starts the peer for the completed native training steps `defs` and pairs each with it. A failure
 * of one step's pairing is a note and the others go on; our own step failing counts as a failure.
 */
export async function pairWithPeer(
  defs: readonly TaskDefinition[],
  peer: Omit<PeerOptions, 'models'>,
  o: { rounds: number; warmup: number; block: Block; log?: (message: string) => void },
): Promise<PairedRun> {
  const started = await PeerSession.start({ ...peer, models: defs.map((d) => d.model!) });
  if (!('session' in started)) return { peer: started, notes: [], failed: [] };
  const { session, ready } = started;
  const tasks: PeerTask[] = [];
  const notes: string[] = [];
  const failed: string[] = [];
  try {
    for (const def of defs) {
      const model = def.model!;
      const id = taskId(def.name, 'tensorflow');
      o.log?.(`${id} ⇄ PyTorch, ${o.rounds} rounds …`);
      try {
        const parameters = ready.parameters[model];
        if (!parameters) throw new PeerOutputError(`the peer did not build '${model}'`);
        const { ours, theirs } = await alternate(def.prepare(), (block) => session.time(model, block.iterations, block.timeMs), o);
        tasks.push({ model, latency: latencyFromSamples(theirs.flat()), parameters, paired: pairedRatio(ours, theirs) });
      } catch (error) {
        const message = (error as Error).message.split('\n')[0];
        if (error instanceof PeerOutputError) notes.push(`${id}: not paired with PyTorch: ${message}`);
        else {
          failed.push(id);
          notes.push(`${id}: failed while pairing with PyTorch: ${message}`);
        }
      }
    }
  } finally {
    await session.close();
  }
  const summary: PeerSummary = tasks.length
    ? { status: 'completed', torch: ready.torch, threads: ready.threads, batch: ready.batch, tasks }
    : { status: 'skipped', reason: notes.length ? notes.join('; ') : 'no model to pair' };
  return { peer: summary, notes: tasks.length ? notes : [], failed };
}
