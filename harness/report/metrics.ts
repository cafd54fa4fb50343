/**
 * reports/metrics.json (harness/metrics/types.ts `EvaluationDocument`, written by `evaluate`) → the
 * metric table (one column per subject: real data and each model), the definitions, and the seed
 * article's claims as checks decided on the measured numbers and their bootstrap intervals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../models/checkpoint';
import { sha256 } from '../../models/checksum';
import { MODEL_KINDS } from '../../models/types';
import type { Estimate, EvaluationDocument, MetricKey } from '../metrics/types';
import { modelLabel } from './defaults';
import { displayPath, errorText, isRecord, missing, readJson } from './inputs';
import type { ClaimCheck, ClaimVerdict, Maybe, MetricDefinition, MetricRow, MetricsData } from './types';

const PRODUCER = 'run `npm run evaluate` (or `npm start` without --skip-evaluate)';
export const EVALUATION_SCHEMA: EvaluationDocument['schema'] = 'vae-vs-gan/evaluation@1';

export const REAL = 'Real data';

/**
 * Key of the reconstruction-sharpness rows the report build measures itself (images.ts): the
 * evaluation scores samples' sharpness, not reconstructions'.
 */
export const RECONSTRUCTION_SHARPNESS = 'reconstructionLaplacianVariance';

type DefinitionText = Omit<MetricDefinition, 'key'>;

/** Every metric of harness/metrics (typed by its keys, so a new metric needs a definition here). */
const DEFINITIONS: Record<MetricKey, DefinitionText> & Record<string, DefinitionText> = {
  reconstructionMse: {
    name: 'Reconstruction MSE',
    definition: 'Mean squared pixel error between a test image and its reconstruction. VAE: decoder(encoder mean) of every test image. GANs, which have no encoder: G(z*), z* found by Adam on the pixel MSE from several seeded starts (fewer images).',
    better: 'lower',
  },
  classFlipRate: {
    name: 'Class-flip rate',
    definition: 'Share of reconstructions the shoe classifier puts in another class than the test image (a sneaker decoded as a sandal, or back). Real data: the classifier’s own error on the test images, the floor.',
    better: 'lower',
  },
  pathLengthPixels: {
    name: 'Path length (pixels)',
    definition: 'Perceptual path length of Karras et al. 2019 (StyleGAN) measured in pixels: squared image change over a small latent step ε, divided by ε², on random latent paths, 1st–99th percentile trimmed. Lower: nearby latents decode to similar images, the seed’s notion of a continuous latent space.',
    better: 'lower',
  },
  pathLengthFeatures: {
    name: 'Path length (features)',
    definition: 'The same path length measured in the shoe classifier’s features instead of pixels.',
    better: 'lower',
  },
  neighbourhoodSpread: {
    name: 'Neighbourhood spread',
    definition: 'Mean per-pixel standard deviation of the images decoded from latents in a small ball around a centre: how much a model’s output changes locally.',
    better: 'neither',
  },
  laplacianVariance: {
    name: 'Sharpness: Laplacian variance',
    definition: 'Variance of the 4-neighbour Laplacian over the image (Pech-Pacheco et al. 2000), averaged over images. Blur lowers it; a ratio to real data below 1 is blurrier than real shoes.',
    better: 'near-real',
  },
  tenengrad: {
    name: 'Sharpness: Tenengrad',
    definition: 'Mean squared Sobel gradient magnitude (Tenenbaum 1970; Krotkov 1987), averaged over images.',
    better: 'near-real',
  },
  highFrequencyShare: {
    name: 'High-frequency share',
    definition: 'Share of the spectral energy (2-D DFT of the mean-removed image) above half the Nyquist radius: fine detail and patterns.',
    better: 'near-real',
  },
  frechetDistance: {
    name: 'Fréchet distance',
    definition: 'Fréchet distance between Gaussians fitted to shoe-classifier features of samples and of test images (Heusel et al. 2017, with the project’s classifier in place of Inception). Real data: train images against test images, the floor a perfect model reaches.',
    better: 'lower',
  },
  kid: {
    name: 'KID',
    definition: 'Kernel Inception Distance (Bińkowski et al. 2018): unbiased squared MMD with the cubic polynomial kernel in the same features, averaged over subsets. Real data: train against test images.',
    better: 'lower',
  },
  precision: {
    name: 'Precision',
    definition: 'Share of samples inside the k-nearest-neighbour manifold of the test images (Kynkäänniemi et al. 2019): how realistic the samples are.',
    better: 'higher',
  },
  recall: {
    name: 'Recall',
    definition: 'Share of test images inside the k-nearest-neighbour manifold of the samples (Kynkäänniemi et al. 2019): how much of the real variety the model covers.',
    better: 'higher',
  },
  [RECONSTRUCTION_SHARPNESS]: {
    name: 'Sharpness of reconstructions',
    definition: 'Laplacian variance of VAE reconstructions of test images, beside the same test images under Real data (paired bootstrap). Measured by the report build (harness/report/images.ts), since the evaluation scores the sharpness of samples only.',
    better: 'near-real',
  },
};

/** harness/metrics' table order; keys it does not know follow in the order they appear. */
const KEY_ORDER: readonly string[] = [
  'reconstructionMse', 'classFlipRate', 'pathLengthPixels', 'pathLengthFeatures', 'neighbourhoodSpread',
  'laplacianVariance', 'tenengrad', 'highFrequencyShare', RECONSTRUCTION_SHARPNESS, 'frechetDistance', 'kid', 'precision', 'recall',
];

// ─── Reading ─────────────────────────────────────────────────────────────────────────────────

function asEstimate(value: unknown): Estimate | undefined {
  if (!isRecord(value)) return undefined;
  const { value: v, ci, n } = value;
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  if (!Array.isArray(ci) || ci.length !== 2 || !ci.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
  return { value: v, ci: [ci[0] as number, ci[1] as number], n: typeof n === 'number' ? n : NaN };
}

function rowOf(metric: string, subject: string, raw: unknown, notes: string[]): MetricRow | undefined {
  const e = asEstimate(raw);
  if (!e) {
    notes.push(`${subject} ${metric}: not a {value, ci, n} estimate; left out`);
    return undefined;
  }
  const row: MetricRow = { metric, subject, value: e.value, interval: e.ci };
  if (Number.isFinite(e.n)) row.n = e.n;
  if (isRecord(raw)) {
    const ratio = asEstimate(raw.ratioToReal);
    if (ratio) {
      row.ratioToReal = ratio.value;
      row.ratioInterval = ratio.ci;
    }
  }
  return row;
}

function problemWith(doc: unknown): string | undefined {
  if (!isRecord(doc)) return 'expected a JSON object';
  if (doc.schema !== EVALUATION_SCHEMA) return `schema is ${JSON.stringify(doc.schema)}, the report reads ${EVALUATION_SCHEMA}`;
  if (!isRecord(doc.metrics)) return "no 'metrics' object";
  if (!isRecord(doc.metrics.models)) return "no 'metrics.models' object";
  if (!isRecord(doc.metrics.reference)) return "no 'metrics.reference' object";
  if (!isRecord(doc.checkpoints)) return "no 'checkpoints' object";
  return undefined;
}

/** The rows of an evaluation document, the real-data column first. */
export function evaluationRows(doc: EvaluationDocument, notes: string[]): MetricRow[] {
  const rows: MetricRow[] = [];
  const reference = doc.metrics.reference as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(reference)) {
    if (key === 'sets') continue;
    const row = rowOf(key, REAL, value, notes);
    if (row) rows.push(row);
  }
  if (isRecord(reference.sets)) {
    for (const [key, value] of Object.entries(reference.sets)) {
      if (key === 'source' || key === 'images') continue;
      const row = rowOf(key, REAL, value, notes);
      if (row) rows.push(row);
    }
  }
  for (const kind of MODEL_KINDS) {
    const checkpoint = doc.checkpoints[kind];
    if (checkpoint?.status === 'missing') notes.push(`${modelLabel(kind)} not evaluated: ${checkpoint.reason}`);
    const evaluation = doc.metrics.models[kind];
    if (!evaluation || !isRecord(evaluation.metrics)) continue;
    for (const [key, value] of Object.entries(evaluation.metrics)) {
      const row = rowOf(key, modelLabel(kind), value, notes);
      if (row) rows.push(row);
    }
  }
  return rows;
}

function sortRows(rows: MetricRow[], subjects: string[]): MetricRow[] {
  const order = (key: string) => {
    const i = KEY_ORDER.indexOf(key);
    return i === -1 ? KEY_ORDER.length : i;
  };
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => order(a.row.metric) - order(b.row.metric) || subjects.indexOf(a.row.subject) - subjects.indexOf(b.row.subject) || a.i - b.i)
    .map((x) => x.row);
}

/**
 * Distances to the real data: their real-data value is a floor near 0 (even below it, for the
 * unbiased KID), so a ratio to it says nothing.
 */
const NO_RATIO = new Set(['frechetDistance', 'kid']);

/** Fills `ratioToReal` from the real-data row of the same metric where the input did not give one. */
function addRatiosToReal(rows: MetricRow[]): void {
  for (const r of rows) {
    if (r.ratioToReal !== undefined || r.subject === REAL || NO_RATIO.has(r.metric)) continue;
    const real = rows.find((x) => x.metric === r.metric && x.subject === REAL);
    if (real && real.value > 0) r.ratioToReal = r.value / real.value;
  }
}

function provenanceOf(doc: EvaluationDocument, path: string): string {
  const o: Record<string, unknown> = isRecord(doc.metrics.options) ? doc.metrics.options : {};
  const parts = [
    `${displayPath(path)}, ${doc.createdAt}`,
    typeof o.samples === 'number' ? `${o.samples} samples per model` : undefined,
    `evaluation seed ${doc.seeds?.evaluation ?? doc.metrics.seed}`,
    typeof o.confidence === 'number' ? `${Math.round(o.confidence * 100)} % percentile-bootstrap intervals` : undefined,
    doc.metrics.features ? `features: ${doc.metrics.features.extractor} (${doc.metrics.features.dim})` : undefined,
    doc.environment?.backendDescription,
    doc.environment?.commit ? `commit ${doc.environment.commit}` : undefined,
  ];
  return parts.filter(Boolean).join('; ');
}

/**
 * Models whose scored checkpoint (by its manifest's sha256) is not the one in `checkpointsDir`
 * now: their numbers would sit beside pictures of another checkpoint. Documents that predate the
 * fingerprint are not checked.
 */
function staleCheckpoints(doc: EvaluationDocument, checkpointsDir: string): string[] {
  return Object.entries(doc.checkpoints).flatMap(([kind, entry]) => {
    if (!isRecord(entry) || entry.status !== 'evaluated' || typeof entry.manifestSha256 !== 'string') return [];
    const manifest = join(checkpointsDir, kind, MANIFEST_FILE);
    let now: string;
    try {
      if (!existsSync(manifest)) now = 'is gone';
      else {
        const bytes = readFileSync(manifest);
        if (sha256(bytes) === entry.manifestSha256) return [];
        now = `is now another checkpoint, step ${stepOf(bytes)}`;
      }
    } catch (error) {
      now = `cannot be read (${errorText(error)})`;
    }
    return [`${kind} (scored at step ${entry.step ?? '?'}; ${displayPath(manifest)} ${now})`];
  });
}

function stepOf(manifest: Buffer): string {
  try {
    return String(JSON.parse(manifest.toString('utf8')).step ?? '?');
  } catch {
    return '?';
  }
}

/**
 * The metrics section: reads the evaluation document and merges `extraRows` (measured by the
 * report build itself). Missing, malformed or stale input (scored on other checkpoints than
 * `checkpointsDir` holds) is a `Missing` with the reason.
 */
export function readMetrics(path: string, extraRows: MetricRow[] = [], checkpointsDir?: string): Maybe<{ data: MetricsData }> {
  const json = readJson(path, PRODUCER);
  if (json.status === 'missing') return json;
  const problem = problemWith(json.value);
  if (problem) return missing(`${displayPath(path)} cannot be read: ${problem}; ${PRODUCER}.`);
  const doc = json.value as EvaluationDocument;
  const stale = checkpointsDir === undefined ? [] : staleCheckpoints(doc, checkpointsDir);
  if (stale.length) return missing(`${displayPath(path)} scored other checkpoints than the report shows: ${stale.join('; ')}; ${PRODUCER}.`);
  const notes: string[] = [];
  let rows: MetricRow[];
  try {
    rows = [...evaluationRows(doc, notes), ...extraRows];
  } catch (error) {
    return missing(`${displayPath(path)} cannot be read: ${errorText(error)}; ${PRODUCER}.`);
  }
  if (rows.length === 0) return missing(`${displayPath(path)} holds no metric values; ${PRODUCER}.`);
  const subjects = [REAL, ...MODEL_KINDS.map(modelLabel)];
  for (const r of rows) if (!subjects.includes(r.subject)) subjects.push(r.subject);
  addRatiosToReal(rows);
  const keys = [...new Set(sortRows(rows, subjects).map((r) => r.metric))];
  const definitions = keys.map((key): MetricDefinition => {
    const d = DEFINITIONS[key];
    return d ? { key, ...d } : { key, name: key, definition: 'Not described by the report (a metric it does not know yet).', better: 'neither' };
  });
  return {
    status: 'ok',
    data: { provenance: provenanceOf(doc, path), subjects, definitions, rows: sortRows(rows, subjects), checks: claimChecks(rows), notes },
  };
}

// ─── Claims ──────────────────────────────────────────────────────────────────────────────────

function num(x: number, digits = 3): string {
  const a = Math.abs(x);
  return a === 0 ? '0' : a >= 1e4 || a < 1e-3 ? x.toExponential(digits - 1) : x.toPrecision(digits);
}

/**
 * The fewest significant digits (3 or more) at which every pair prints in the order of its true
 * values: the interval ends a verdict compared, and each value against its own ends (a ratio
 * 0.9996 is not "1.00" beside a verdict "below 1").
 */
function digitsKeepingOrder(pairs: Array<[number, number]>): number {
  const ordered = (d: number) => pairs.every(([x, y]) => x === y || Math.sign(Number(num(x, d)) - Number(num(y, d))) === Math.sign(x - y));
  let digits = 3;
  while (digits < 12 && !ordered(digits)) digits++;
  return digits;
}

function show(r: MetricRow, digits = 3): string {
  return `${num(r.value, digits)}${r.interval ? ` [${num(r.interval[0], digits)}, ${num(r.interval[1], digits)}]` : ''}`;
}

/** A row's value against its own interval ends. */
function ownOrder(r: MetricRow): Array<[number, number]> {
  return r.interval ? [[r.value, r.interval[0]], [r.value, r.interval[1]]] : [];
}

/**
 * `a` above `b`: passed when a's interval lies wholly above b's, failed when wholly below; when
 * they overlap, the bootstrap noise cannot tell, and the claim is not decidable.
 */
function above(a: MetricRow, b: MetricRow): ClaimVerdict {
  const compared: Array<[number, number]> = a.interval && b.interval ? [[a.interval[0], b.interval[1]], [a.interval[1], b.interval[0]]] : [];
  const digits = digitsKeepingOrder([...compared, ...ownOrder(a), ...ownOrder(b)]);
  const detail = `${a.subject} ${show(a, digits)} vs ${b.subject} ${show(b, digits)}`;
  const without = [a, b].filter((r) => !r.interval).map((r) => r.subject);
  if (without.length) return { status: 'missing', detail: `${detail}: no interval for ${without.join(' and ')}, so noise cannot be ruled out` };
  // The values must agree with their intervals: a biased statistic's percentile interval can leave out its own value.
  if (a.value > b.value && a.interval![0] > b.interval![1]) return { status: 'passed', detail };
  if (a.value < b.value && a.interval![1] < b.interval![0]) return { status: 'failed', detail: `${detail}: below, intervals apart` };
  return { status: 'missing', detail: `${detail}: the intervals overlap or disagree with the values, so it cannot tell` };
}

/** The ratio to real data is below 1: passed with its whole interval below 1, failed with it wholly above, else not decidable. */
function ratioBelowOne(r: MetricRow): ClaimVerdict {
  if (r.ratioToReal === undefined) return { status: 'missing', detail: `no ratio to real data for ${r.subject}` };
  const ends = r.ratioInterval ?? [];
  const digits = digitsKeepingOrder([[r.ratioToReal, 1], ...ends.map((e): [number, number] => [e, 1]), ...ends.map((e): [number, number] => [r.ratioToReal!, e])]);
  const ci = r.ratioInterval ? ` [${num(r.ratioInterval[0], digits)}, ${num(r.ratioInterval[1], digits)}]` : '';
  const detail = `${r.subject} / real = ${num(r.ratioToReal, digits)}${ci}`;
  if (!r.ratioInterval) return { status: 'missing', detail: `${detail}: no interval for the ratio, so noise cannot be ruled out` };
  if (r.ratioToReal < 1 && r.ratioInterval[1] < 1) return { status: 'passed', detail };
  if (r.ratioToReal > 1 && r.ratioInterval[0] > 1) return { status: 'failed', detail: `${detail}: above 1, whole interval` };
  return { status: 'missing', detail: `${detail}: the interval reaches 1 or disagrees with the ratio, so it cannot tell` };
}

interface ClaimSpec {
  id: string;
  claim: string;
  quote: string;
  test: string;
  decide(get: (metric: string, subject: string) => MetricRow | undefined): ClaimVerdict;
}

function needs(metric: string, ...subjects: string[]) {
  return (get: (metric: string, subject: string) => MetricRow | undefined): string | undefined => {
    const absent = subjects.filter((s) => !get(metric, s));
    return absent.length ? `metrics.json has no ${metric} for ${absent.join(' and ')}` : undefined;
  };
}

function comparison(metric: string, hi: string, lo: string): ClaimSpec['decide'] {
  return (get) => {
    const why = needs(metric, hi, lo)(get);
    return why ? { status: 'missing', detail: why } : above(get(metric, hi)!, get(metric, lo)!);
  };
}

/** `metric` of `subject` below real data's, as a ratio whose whole interval is under 1. */
function belowReal(metric: string, subject: string): ClaimSpec['decide'] {
  return (get) => {
    const why = needs(metric, subject)(get);
    return why ? { status: 'missing', detail: why } : ratioBelowOne(get(metric, subject)!);
  };
}

const [VAE, DCGAN, WGAN] = MODEL_KINDS.map(modelLabel) as [string, string, string];

const CLAIMS: ClaimSpec[] = [
  ...[DCGAN, WGAN].map((gan) => ({
    id: `${gan.toLowerCase()}-sharper-than-vae`,
    claim: `GAN samples are sharper than VAE samples (${gan}).`,
    quote: 'VAEと比べて、画像がかなりはっきり書き込まれていて',
    test: `laplacianVariance(${gan}) > laplacianVariance(VAE), intervals apart`,
    decide: comparison('laplacianVariance', gan, VAE),
  })),
  {
    id: 'vae-samples-blurry',
    claim: 'VAE samples are blurry: less sharp than real shoes.',
    quote: 'ぼやっとした感じの画像が生成されました',
    test: 'laplacianVariance(VAE) / laplacianVariance(real) < 1, whole interval',
    decide: belowReal('laplacianVariance', VAE),
  },
  {
    id: 'vae-reconstructions-blurrier',
    claim: 'VAE reconstructions are blurrier than the originals.',
    quote: '靴かサンダルかは分かりますが、靴の種類は殆ど分かりません',
    test: `${RECONSTRUCTION_SHARPNESS}(test images) > ${RECONSTRUCTION_SHARPNESS}(VAE), intervals apart`,
    decide: (get) => {
      const why = needs(RECONSTRUCTION_SHARPNESS, REAL, VAE)(get);
      return why ? { status: 'missing', detail: `${why} (measured when the report is built from the checkpoints)` } : above(get(RECONSTRUCTION_SHARPNESS, REAL)!, get(RECONSTRUCTION_SHARPNESS, VAE)!);
    },
  },
  {
    id: 'vae-lacks-detail',
    claim: 'VAE samples lack fine detail: less high-frequency energy than real shoes.',
    quote: 'VAEの画像は詳細が描かれていない',
    test: 'highFrequencyShare(VAE) / highFrequencyShare(real) < 1, whole interval',
    decide: belowReal('highFrequencyShare', VAE),
  },
  {
    id: 'vae-swaps-sneaker-sandal',
    claim: 'The VAE sometimes turns a sneaker into a sandal or back: more class flips than the classifier’s own error.',
    quote: '左から1,2番目の画像は靴とサンダルが逆になっている感じです',
    test: 'classFlipRate(VAE) > classFlipRate(real), intervals apart',
    decide: comparison('classFlipRate', VAE, REAL),
  },
  ...[DCGAN, WGAN].map((gan) => ({
    id: `vae-smoother-than-${gan.toLowerCase()}`,
    claim: `The VAE’s latent space is smoother than ${gan}’s: nearby latents give images with nearby pixel values.`,
    quote: '潜在空間の近い点同士の画像は似ていなくてはなりません',
    test: `pathLengthPixels(${gan}) > pathLengthPixels(VAE), intervals apart`,
    decide: comparison('pathLengthPixels', gan, VAE),
  })),
  ...[DCGAN, WGAN].map((gan) => ({
    id: `${gan.toLowerCase()}-more-varied`,
    claim: `GAN samples are varied: ${gan} covers more of the real shoes’ variety than the VAE.`,
    quote: '靴にも種類があるのが分かります',
    test: `recall(${gan}) > recall(VAE), intervals apart`,
    decide: comparison('recall', gan, VAE),
  })),
];

export function claimChecks(rows: MetricRow[]): ClaimCheck[] {
  const get = (metric: string, subject: string) => rows.find((r) => r.metric === metric && r.subject === subject);
  return CLAIMS.map((c) => ({ id: c.id, claim: c.claim, quote: c.quote, test: c.test, ...c.decide(get) }));
}
