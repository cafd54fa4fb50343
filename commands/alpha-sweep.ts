/**
 * `alpha-sweep`: trains the VAE once per α (short runs, same seed) and summarises each run for the
 * report and for choosing the default α: final KL and MSE (mean of the last steps), sample
 * sharpness relative to real test images, and Fréchet distance in classifier features.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BackendInfo } from '../models/backend';
import { assertWritableFolder, writeFolderAtomically } from '../models/atomic-write';
import { DEFAULT_CLASSES } from '../models/data/shoes';
import { loadGenerative, referenceConfig } from '../models/registry';
import { MANIFEST_FILE, readManifest } from '../models/checkpoint';
import { datasetChecksums } from '../models/data/fashion-mnist';
import { runEnvironment } from '../models/environment';
import { LOG_FILE, assertCheckpointFolder, runDifferences, type StepRecord } from '../models/train';
import { METRIC_DEFAULTS } from '../harness/metrics/defaults';
import { sharpness } from '../harness/metrics/sharpness';
import type { AlphaSweepRow } from '../harness/report/types';
import { fixedLatents, generateImages } from '../harness/samples/generate';
import { QUALITY_SAMPLES, qualityReference, runTraining } from './train';

const LAST_STEPS = 50;
const SWEEP_BATCH = 64;
const SWEEP_QUALITY_EVERY = 100;
/** The stream of `fixedLatents` the sweep's samples come from. */
const SWEEP_LATENTS = 'alpha-sweep';

/** One summary.json row: what the report reads, plus the steps the run took. */
type AlphaSweepPoint = AlphaSweepRow & { steps: number };

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * Trains (unless `summaryOnly`) and summarises one VAE per α, then replaces the folder `out` with
 * exactly this sweep's step logs and summary.json, in one rename: no run of another sweep is left in it.
 */
const SWEEP_FILE = /^(alpha-[0-9.e+-]+\.jsonl|summary\.json|sweep\.json)$/;

/** `out` is replaced whole, so a folder holding anything but an earlier sweep is refused before any training. */
function assertSweepFolder(out: string): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new Error(`--out: expected a folder for the α sweep, found the file ${out}`);
    const foreign = readdirSync(out).filter((name) => !SWEEP_FILE.test(name));
    if (foreign.length) throw new Error(`--out: ${out} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}, which is not an α sweep's; the sweep replaces the whole folder, so choose a new one`);
  }
  assertWritableFolder(out, '--out', { replaced: true });
}

/** What a run's manifest records; sweep.json keeps each run's provenance. */
interface SweepRunManifest {
  kind?: unknown;
  config?: unknown;
  seed?: unknown;
  step?: unknown;
  batchSize?: unknown;
  classes?: unknown;
  environment?: unknown;
  runs?: unknown;
}

/** Why the cached run in `dir` is not the one this sweep trains (--summary-only scores it as if it were), or undefined. */
export function sweepRunMismatch(dir: string, manifest: SweepRunManifest, wanted: { alpha: number; seed: number; steps: number }): string | undefined {
  const found = { kind: manifest.kind, config: manifest.config, seed: manifest.seed, steps: manifest.step, batchSize: manifest.batchSize, classes: manifest.classes };
  const expected = { kind: 'vae', config: referenceConfig('vae', { alpha: wanted.alpha }), seed: wanted.seed, steps: wanted.steps, batchSize: SWEEP_BATCH, classes: DEFAULT_CLASSES };
  const differences = runDifferences(found, expected, Object.keys(expected) as (keyof typeof expected)[]);
  return differences.length ? `alpha-sweep --summary-only: the run in ${dir} is not this sweep's: ${differences.join('; ')}` : undefined;
}

export async function runAlphaSweep(o: { alphas: number[]; steps: number; seed: number; out: string; summaryOnly?: boolean; backend: BackendInfo; dataDir?: string }): Promise<void> {
  assertSweepFolder(o.out);
  const runDir = (alpha: number) => resolve('.cache', 'runs', `vae-alpha-${alpha}`);
  if (!o.summaryOnly) for (const alpha of o.alphas) assertCheckpointFolder(runDir(alpha), `alpha-sweep's run folder for α = ${alpha}`);
  const logs: Record<string, string> = {};
  const provenance: Record<string, { environment: unknown; runs: unknown }> = {};
  for (const alpha of o.alphas) {
    if (!o.summaryOnly) {
      await runTraining({
        kind: 'vae', alpha, steps: o.steps, batch: SWEEP_BATCH, seed: o.seed, classes: [...DEFAULT_CLASSES], outDir: runDir(alpha), overwrite: true, checkpointEvery: o.steps, qualityEvery: SWEEP_QUALITY_EVERY,
        backend: o.backend, dataDir: o.dataDir,
      });
    } else if (!existsSync(join(runDir(alpha), MANIFEST_FILE))) {
      throw new Error(`alpha-sweep --summary-only: no run for α = ${alpha} in ${runDir(alpha)}`);
    }
    const manifest = readManifest<SweepRunManifest>(runDir(alpha));
    const mismatch = o.summaryOnly ? sweepRunMismatch(runDir(alpha), manifest, { alpha, seed: o.seed, steps: o.steps }) : undefined;
    if (mismatch) throw new Error(mismatch);
    logs[`alpha-${alpha}.jsonl`] = readFileSync(join(runDir(alpha), LOG_FILE), 'utf8');
    provenance[`alpha-${alpha}`] = { environment: manifest.environment, runs: manifest.runs };
  }
  const reference = await qualityReference(DEFAULT_CLASSES, o.dataDir);
  const sharpnessOf = (images: Float32Array) => mean(Array.from(sharpness(images, { highFrequencyRadius: METRIC_DEFAULTS.highFrequencyRadius }).laplacianVariance));
  const realSharpness = sharpnessOf(reference.real.images);
  const points: AlphaSweepPoint[] = [];
  for (const alpha of o.alphas) {
    const log = logs[`alpha-${alpha}.jsonl`]!.trim().split('\n').map((l) => JSON.parse(l) as StepRecord);
    const last = log.slice(-LAST_STEPS);
    const model = await loadGenerative('vae', runDir(alpha));
    const samples = generateImages(model, fixedLatents(QUALITY_SAMPLES, model.latentDim, o.seed, SWEEP_LATENTS));
    points.push({
      alpha,
      steps: log.length,
      mse: mean(last.map((r) => r.mse!)),
      kl: mean(last.map((r) => r.kl!)),
      sharpness: sharpnessOf(samples) / realSharpness,
      frechet: reference.frechetTo(samples),
    });
    console.log(`α ${alpha}: mse ${points.at(-1)!.mse.toFixed(4)}, kl ${points.at(-1)!.kl.toFixed(2)}, sharpness ${points.at(-1)!.sharpness.toFixed(3)} × real, Fréchet ${points.at(-1)!.frechet.toFixed(2)}`);
  }
  const record = {
    alphas: o.alphas, steps: o.steps, seed: o.seed, batchSize: SWEEP_BATCH, classes: DEFAULT_CLASSES, qualityEvery: SWEEP_QUALITY_EVERY,
    summary: { lastSteps: LAST_STEPS, samples: QUALITY_SAMPLES, latents: { seed: o.seed, stream: SWEEP_LATENTS } },
    /** Where each α's run was trained (its manifest's), and where it was scored. */
    training: provenance,
    environment: runEnvironment(o.backend), data: datasetChecksums(), savedAt: new Date().toISOString(),
  };
  writeFolderAtomically(o.out, {
    ...logs,
    'summary.json': JSON.stringify(points, null, 2) + '\n',
    'sweep.json': JSON.stringify(record, null, 2) + '\n',
  }, { what: 'the α sweep', durable: true });
  console.log(`[alpha-sweep] step logs, summary.json and sweep.json (seed, settings, environment) in ${o.out}`);
}
