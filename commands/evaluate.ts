/**
 * `evaluate`: scores the committed checkpoints with harness/metrics, writes the JSON document
 * atomically, prints a table, and with `--export DIR` writes the images behind the numbers.
 * A model whose checkpoint is missing or unreadable is reported as missing, with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { BackendInfo } from '../models/backend';
import { assertWritableFile, assertWritableFolder, writeFolderAtomically, writeJsonAtomically } from '../models/atomic-write';
import { MANIFEST_FILE, readManifest } from '../models/checkpoint';
import { sha256 } from '../models/checksum';
import { CLASSIFIER_DIR, loadClassifier } from '../models/classifier/load';
import { predictLabels } from '../models/classifier/model';
import { PIXELS, loadShoes, type ImageSet } from '../models/data/shoes';
import { runEnvironment } from '../models/environment';
import { checkpointDir, loadGenerative } from '../models/registry';
import { MODEL_KINDS, type GenerativeModel, type ModelKind } from '../models/types';
import { classifierFeatureExtractor } from '../harness/metrics/classifier-features';
import {
  METRIC_DEFAULTS,
  METRIC_INFO,
  METRIC_KEYS,
  computeMetrics,
  type Estimate,
  type EvaluatedModel,
  type EvaluationDocument,
  type MetricOptions,
  type MetricsRun,
  type MissingModel,
} from '../harness/metrics';

export interface EvaluateCommand {
  /** Where the JSON document goes. */
  json: string;
  /** What set `json`, for errors (default `--json`; the report's is its --out folder). */
  jsonSource?: string;
  samples: number;
  seed: number;
  /** Folder for PNGs and float32 arrays of samples, reconstructions and real references. */
  export?: string;
  backend: BackendInfo;
  dataDir?: string;
}

type Loaded = { model: GenerativeModel; status: EvaluatedModel; trainingSeed?: number } | { status: MissingModel };

async function loadCheckpoint(kind: ModelKind): Promise<Loaded> {
  const dir = checkpointDir(kind);
  const shown = relative(process.cwd(), dir) || dir;
  if (!existsSync(join(dir, MANIFEST_FILE))) return { status: { status: 'missing', reason: `no checkpoint at ${shown} (${MANIFEST_FILE} not found)` } };
  try {
    const manifest = readManifest<{ step?: number; seed?: number }>(dir);
    const manifestSha256 = sha256(readFileSync(join(dir, MANIFEST_FILE)));
    const model = await loadGenerative(kind, dir);
    return { model, trainingSeed: manifest.seed, status: { status: 'evaluated', checkpoint: shown, step: manifest.step, trainingSeed: manifest.seed, manifestSha256 } };
  } catch (error) {
    return { status: { status: 'missing', reason: `checkpoint at ${shown} cannot be loaded: ${(error as Error).message}` } };
  }
}

function classifierAccuracy(): number | undefined {
  try {
    return readManifest<{ testAccuracy?: number }>(CLASSIFIER_DIR).testAccuracy;
  } catch {
    return undefined;
  }
}

// ── terminal table ───────────────────────────────────────────────────────────

function formatNumber(x: number): string {
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude >= 1e4 || magnitude < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}

function formatEstimate(e: Estimate | undefined): string {
  return e ? `${formatNumber(e.value)} [${formatNumber(e.ci[0])}, ${formatNumber(e.ci[1])}]` : '—';
}

export function metricsTable(document: EvaluationDocument): string {
  const kinds = MODEL_KINDS;
  const { reference, models } = document.metrics;
  const header = ['metric', 'real data', ...kinds];
  const rows: string[][] = [];
  for (const key of METRIC_KEYS) {
    const realValue =
      key === 'classFlipRate' ? reference.classFlipRate
        : key === 'laplacianVariance' || key === 'tenengrad' || key === 'highFrequencyShare' ? reference[key]
          : key === 'frechetDistance' || key === 'kid' || key === 'precision' || key === 'recall' ? reference.sets?.[key]
            : undefined;
    rows.push([METRIC_INFO[key].label, formatEstimate(realValue), ...kinds.map((kind) => {
      const checkpoint = document.checkpoints[kind];
      if (checkpoint.status === 'missing') return 'missing';
      const metric = models[kind]?.metrics[key];
      if (!metric) return '—';
      return 'ratioToReal' in metric ? `${formatEstimate(metric)} ×${formatNumber(metric.ratioToReal.value)}` : formatEstimate(metric);
    })]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  const missing = kinds.flatMap((kind) => {
    const checkpoint = document.checkpoints[kind];
    return checkpoint.status === 'missing' ? [`${kind}: missing (${checkpoint.reason})`] : [];
  });
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line), ...missing, '[lo, hi]: 95% bootstrap interval; ×r: ratio to real data'].join('\n');
}

// ── export ───────────────────────────────────────────────────────────────────

function imagePng(images: Float32Array, k: number): Buffer {
  const png = new PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data = Buffer.from(Uint8Array.from(images.subarray(k * PIXELS, (k + 1) * PIXELS), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}

/** One folder: `NNNNN.png` per image, `images.f32` (raw little-endian float32) and `images.json` (its header). */
export function exportImages(dir: string, images: Float32Array, source: string, extra: Record<string, unknown> = {}): void {
  const count = images.length / PIXELS;
  const digits = Math.max(5, String(count - 1).length);
  const files: Record<string, Buffer | string> = {};
  for (let k = 0; k < count; k++) files[`${String(k).padStart(digits, '0')}.png`] = imagePng(images, k);
  let [min, max] = [Infinity, -Infinity];
  for (const v of images) [min, max] = [Math.min(min, v), Math.max(max, v)];
  files['images.f32'] = littleEndianBytes(images);
  files['images.json'] = JSON.stringify({
    file: 'images.f32', shape: [count, 28, 28], dtype: 'float32', byteOrder: 'little-endian', layout: 'row-major',
    range: { expected: [0, 1], min: count ? min : null, max: count ? max : null }, png: '8-bit grayscale, value × 255 rounded, clamped to [0, 1]',
    source, ...extra,
  }, null, 2) + '\n';
  writeFolderAtomically(dir, files, { what: 'exported images' });
}

function littleEndianBytes(values: Float32Array): Buffer {
  if (endianness() === 'LE') return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

function exportRun(dir: string, run: MetricsRun, real: ImageSet, reference: ImageSet | undefined, o: MetricOptions): void {
  exportImages(join(dir, 'real'), real.images, `Fashion-MNIST test split, classes ${real.classes.join(',')}`, { labels: Array.from(real.labels) });
  if (reference) exportImages(join(dir, 'reference'), reference.images, 'Fashion-MNIST train split (head), scored like samples', { labels: Array.from(reference.labels) });
  for (const [kind, images] of Object.entries(run.images)) {
    exportImages(join(dir, kind, 'samples'), images.samples, `${kind} samples of fixedLatents(seed ${o.seed}, 'samples')`);
    exportImages(join(dir, kind, 'reconstructions'), images.reconstructions, `${kind} reconstructions of real test images`, {
      targets: Array.from(images.reconstructionTargets), targetsOf: 'real/ (indices into the real test images)',
    });
  }
}

// ── command ──────────────────────────────────────────────────────────────────

export async function runEvaluate(o: EvaluateCommand): Promise<EvaluationDocument> {
  const log = (line: string) => console.error(`[evaluate] ${line}`);
  const jsonPath = resolve(o.json);
  assertWritableFile(jsonPath, o.jsonSource ?? '--json');
  if (o.export) assertWritableFolder(resolve(o.export), '--export');
  if (!existsSync(join(CLASSIFIER_DIR, MANIFEST_FILE))) {
    throw new Error(`no classifier checkpoint at ${CLASSIFIER_DIR}: the metrics need it (run \`npm run train-classifier\` first)`);
  }
  const classifier = await loadClassifier();
  const { classes } = METRIC_DEFAULTS;
  const real = loadShoes('test', classes, o.dataDir);
  const trainSet = loadShoes('train', classes, o.dataDir);
  const referenceCount = Math.min(o.samples, trainSet.count);
  const reference: ImageSet = { ...trainSet, images: trainSet.images.subarray(0, referenceCount * PIXELS), labels: trainSet.labels.subarray(0, referenceCount), count: referenceCount };

  const loaded = {} as Record<ModelKind, Loaded>;
  for (const kind of MODEL_KINDS) {
    loaded[kind] = await loadCheckpoint(kind);
    if (loaded[kind].status.status === 'missing') log(`${kind}: missing (${(loaded[kind].status as MissingModel).reason})`);
  }
  const models = MODEL_KINDS.flatMap((kind) => {
    const entry = loaded[kind];
    return 'model' in entry ? [entry.model] : [];
  });
  const options: Partial<MetricOptions> = { samples: o.samples, seed: o.seed };
  const run = computeMetrics(
    { models, real, reference, features: classifierFeatureExtractor(classifier), labeller: (images, count) => predictLabels(classifier, images, count), labellerName: 'shoe-classifier', log },
    options,
  );
  const document: EvaluationDocument = {
    schema: 'vae-vs-gan/evaluation@1',
    createdAt: new Date().toISOString(),
    environment: runEnvironment(o.backend),
    seeds: {
      evaluation: o.seed,
      training: Object.fromEntries(MODEL_KINDS.flatMap((kind) => {
        const entry = loaded[kind];
        return 'trainingSeed' in entry && entry.trainingSeed !== undefined ? [[kind, entry.trainingSeed]] : [];
      })),
    },
    checkpoints: Object.fromEntries(MODEL_KINDS.map((kind) => [kind, loaded[kind].status])) as EvaluationDocument['checkpoints'],
    classifier: { checkpoint: relative(process.cwd(), CLASSIFIER_DIR) || CLASSIFIER_DIR, testAccuracy: classifierAccuracy() },
    metrics: run.document,
  };
  writeJsonAtomically(jsonPath, document);
  if (o.export) exportRun(resolve(o.export), run, real, reference, run.document.options);
  console.log(metricsTable(document));
  const t = run.document.timingsMs;
  console.log(`metrics in ${(t.total / 1000).toFixed(1)} s (${(t.excludingInversion / 1000).toFixed(1)} s without inversion); written to ${relative(process.cwd(), jsonPath)}`);
  if (o.export) console.log(`images exported to ${relative(process.cwd(), resolve(o.export))}`);
  return document;
}
