/** A few seeded training steps from the seed-determined initialisation, for regression goldens. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_FIXTURES } from '../fixtures/goldens';
import type { BackendInfo } from '../models/backend';
import { loadShoes } from '../models/data/shoes';
import { train, type TrainResult } from '../models/train';
import type { ModelKind } from '../models/types';

export async function trainingRegressionRun(kind: ModelKind, backend: BackendInfo, overrides: { alpha?: number; steps?: number } = {}): Promise<TrainResult> {
  const outDir = mkdtempSync(join(tmpdir(), `training-regression-${kind}-`));
  try {
    return await train({
      kind, backend, outDir, data: loadShoes('train'), steps: GOLDEN_FIXTURES.trainingSteps, batchSize: GOLDEN_FIXTURES.trainingBatch,
      seed: GOLDEN_FIXTURES.trainingSeed, qualityEvery: 0, checkpointEvery: 1_000_000, ...overrides,
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Baseline keys of a loss trace: `training.<kind>.<backend>.step<i>.<loss>`. */
export function lossTraceEntries(kind: ModelKind, backend: string, result: TrainResult): [string, number][] {
  return result.log.flatMap((record) =>
    Object.entries(record).filter(([k]) => k !== 'step' && k !== 'ms').map(([k, v]) => [`training.${kind}.${backend}.step${record.step}.${k}`, v as number] as [string, number]),
  );
}

/** Loss traces must repeat to this relative tolerance (exact on one machine; allows other CPUs' rounding). */
export const LOSS_TRACE_TOLERANCE = 1e-4;
