/**
 * Training curves from the step logs (log.jsonl: `{step, ms, <losses…>, quality?}` per step) and the
 * seed's claims about GAN losses: does a loss follow the quality signal (Fréchet distance on a
 * fixed batch, logged every few hundred steps) as training goes on?
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_DEFAULTS, modelLabel, trainCommand } from './defaults';
import { displayPath, finiteNumber, isRecord, missing, readJson, readJsonLines } from './inputs';
import type { AlphaRun, AlphaSweepRow, ClaimCheck, ClaimVerdict, CurvesData, Maybe, ModelCurves, Points, Series, Tracking } from './types';
import { MODEL_KINDS } from '../../models/types';

const NOT_A_LOSS = new Set(['step', 'ms', 'quality']);

interface StepRecord {
  step: number;
  values: Record<string, number>;
  quality?: number;
}

function toStepRecords(records: Record<string, unknown>[]): StepRecord[] {
  const out: StepRecord[] = [];
  for (const r of records) {
    const step = finiteNumber(r.step);
    if (step === undefined) continue;
    const values: Record<string, number> = {};
    for (const [key, value] of Object.entries(r)) {
      const v = finiteNumber(value);
      if (v !== undefined && !NOT_A_LOSS.has(key)) values[key] = v;
    }
    out.push({ step, values, quality: finiteNumber(r.quality) });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Average ranks (ties share their mean rank). */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's ρ: the Pearson correlation of the ranks. NaN with fewer than 3 pairs or a constant side. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`spearman: ${a.length} vs ${b.length} values`);
  const n = a.length;
  if (n < 3) return NaN;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Bucket means of every loss (at most `maxPoints` per series) plus the quality points as logged. */
export function stepLogToSeries(records: StepRecord[], maxPoints: number): { bucket: number; series: Series[] } {
  const last = records[records.length - 1]?.step ?? 0;
  const bucket = Math.max(1, Math.ceil((last + 1) / maxPoints));
  const names = [...new Set(records.flatMap((r) => Object.keys(r.values)))];
  const series: Series[] = names.map((name) => {
    const sums = new Map<number, { step: number; sum: number; n: number }>();
    for (const r of records) {
      const v = r.values[name];
      if (v === undefined) continue;
      const b = Math.floor(r.step / bucket);
      const acc = sums.get(b) ?? { step: 0, sum: 0, n: 0 };
      acc.step += r.step;
      acc.sum += v;
      acc.n++;
      sums.set(b, acc);
    }
    const points: Points = [...sums.values()].map((s) => [round(s.step / s.n, 1), round(s.sum / s.n, 6)]);
    return { name, axis: 'loss', points };
  });
  const quality: Points = records.filter((r) => r.quality !== undefined).map((r) => [r.step, round(r.quality!, 6)]);
  if (quality.length > 0) series.push({ name: 'quality', axis: 'quality', points: quality });
  return { bucket, series };
}

/** For each loss: Spearman ρ between its mean over the steps since the previous quality point and that quality. */
export function lossTracking(records: StepRecord[]): Tracking[] {
  const names = [...new Set(records.flatMap((r) => Object.keys(r.values)))];
  const qualityAt = records.filter((r) => r.quality !== undefined);
  return names.map((name) => {
    const losses: number[] = [];
    const qualities: number[] = [];
    let from = -Infinity;
    for (const q of qualityAt) {
      const window = records.filter((r) => r.step > from && r.step <= q.step && r.values[name] !== undefined);
      from = q.step;
      if (window.length === 0) continue;
      losses.push(window.reduce((s, r) => s + r.values[name]!, 0) / window.length);
      qualities.push(q.quality!);
    }
    return { series: name, spearman: round(spearman(losses, qualities), 4), n: losses.length };
  });
}

function round(v: number, digits: number): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function modelCurves(kind: string, logPath: string, maxPoints: number): ModelCurves {
  const label = modelLabel(kind);
  const log = readJsonLines(logPath, trainCommand(kind));
  if (log.status === 'missing') return { model: kind, label, ...log };
  const records = toStepRecords(log.records);
  if (records.length === 0) return { model: kind, label, ...missing(`${displayPath(logPath)} has no record with a numeric 'step'.`) };
  const { bucket, series } = stepLogToSeries(records, maxPoints);
  return { model: kind, label, status: 'ok', steps: records[records.length - 1]!.step + 1, bucket, series, tracking: lossTracking(records) };
}

// ─── The seed's claims about losses ──────────────────────────────────────────────────────────

/** Fewer (loss, quality) pairs than this and Fisher's z interval of a rank correlation is not to be trusted. */
const MIN_TRACKING_PAIRS = 10;

function trackingOf(curves: ModelCurves[], model: string, series: string): { tracking?: Tracking; why?: string } {
  const c = curves.find((m) => m.model === model);
  if (!c) return { why: `no curves for ${modelLabel(model)}` };
  if (c.status === 'missing') return { why: `${modelLabel(model)} log missing: ${c.reason}` };
  const t = c.tracking.find((x) => x.series === series);
  if (!t) return { why: `${modelLabel(model)} log has no '${series}' field` };
  if (t.n < MIN_TRACKING_PAIRS || !Number.isFinite(t.spearman)) {
    return { why: `${modelLabel(model)} log has ${t.n} quality points; at least ${MIN_TRACKING_PAIRS} are needed (train with --quality-every)` };
  }
  return { tracking: t };
}

/** The loss claims are decided on two-sided 95 % intervals: ± this many standard errors (the normal's 97.5th percentile). */
const TRACKING_Z = 1.959963984540054;

/**
 * Fisher's z of a Spearman ρ with its standard error 1.03/√(n − 3) (Fieller, Hartley & Pearson
 * 1957); |ρ| = 1 is held just inside so that z stays finite.
 */
export function spearmanZ(t: Tracking): { z: number; se: number } {
  return { z: Math.atanh(Math.max(-0.9999, Math.min(0.9999, t.spearman))), se: 1.03 / Math.sqrt(t.n - 3) };
}

/** The 95 % interval of ρ, from Fisher's z. */
export function spearmanInterval(t: Tracking): [number, number] {
  const { z, se } = spearmanZ(t);
  return [Math.tanh(z - TRACKING_Z * se), Math.tanh(z + TRACKING_Z * se)];
}

/** passed when the interval [lo, hi] lies inside the claim's range (a, b), failed when it lies outside, else not decidable. */
function byInterval(detail: string, [lo, hi]: [number, number], [a, b]: [number, number], more: string): ClaimVerdict {
  if (lo > a && hi < b) return { status: 'passed', detail };
  if (hi <= a || lo >= b) return { status: 'failed', detail };
  return { status: 'missing', detail: `${detail}: the interval straddles the claim's bound, so it cannot tell; ${more}` };
}

export function lossClaims(curves: ModelCurves[], threshold: number): ClaimCheck[] {
  const dcgan = trackingOf(curves, 'dcgan', 'g_loss');
  const wgan = trackingOf(curves, 'wgan-gp', 'wasserstein');
  const range = ([lo, hi]: [number, number]) => `[${lo.toFixed(2)}, ${hi.toFixed(2)}]`;
  const fmt = (t: Tracking) => `ρ = ${t.spearman.toFixed(2)} ${range(spearmanInterval(t))} over ${t.n} quality points`;
  const more = 'more quality points would narrow it (train with a smaller --quality-every)';
  const missingFrom = (...why: (string | undefined)[]): ClaimVerdict => ({ status: 'missing', detail: why.filter(Boolean).join('; ') });
  // The DCGAN loss may track quality with either sign (claim 1 is two-sided), so it is given its
  // strength |z|; the Wasserstein estimate tracks only by falling with the Fréchet distance (z > 0).
  const difference = (w: Tracking, d: Tracking): ClaimVerdict => {
    const a = spearmanZ(w);
    const b = spearmanZ(d);
    const half = TRACKING_Z * Math.hypot(a.se, b.se);
    const diff = a.z - Math.abs(b.z);
    return byInterval(`WGAN-GP ${fmt(w)}; DCGAN ${fmt(d)}; z − |z| = ${diff.toFixed(2)} ± ${half.toFixed(2)}`, [diff - half, diff + half], [0, Infinity], more);
  };
  return [
    {
      id: 'gan-loss-uninformative',
      claim: "A GAN's generator loss says little about how far training has got.",
      quote: '損失関数が学習度合の絶対値の指標にならない',
      test: `95 % interval of Spearman ρ(DCGAN g_loss, Fréchet distance) inside (−${threshold}, ${threshold})`,
      ...(dcgan.tracking ? byInterval(fmt(dcgan.tracking), spearmanInterval(dcgan.tracking), [-threshold, threshold], more) : missingFrom(dcgan.why)),
    },
    {
      id: 'wgan-estimate-tracks',
      claim: "WGAN addresses it: the critic's Wasserstein estimate falls as samples improve.",
      quote: '問題を解決するための、GANの改良版が色々出ています (From GAN to WGAN)',
      test: `95 % interval of Spearman ρ(WGAN-GP wasserstein, Fréchet distance) above ${threshold}`,
      ...(wgan.tracking ? byInterval(fmt(wgan.tracking), spearmanInterval(wgan.tracking), [threshold, Infinity], more) : missingFrom(wgan.why)),
    },
    {
      id: 'wgan-tracks-better',
      claim: "The WGAN-GP's Wasserstein estimate follows sample quality more closely than the DCGAN's generator loss.",
      quote: '問題を解決するための、GANの改良版が色々出ています (From GAN to WGAN)',
      test: `95 % interval of atanh ρ(WGAN-GP wasserstein) − |atanh ρ(DCGAN g_loss)| > 0 (Fisher's z, independent runs)`,
      ...(wgan.tracking && dcgan.tracking ? difference(wgan.tracking, dcgan.tracking) : missingFrom(wgan.why, dcgan.why)),
    },
  ];
}

// ─── VAE α sweep ─────────────────────────────────────────────────────────────────────────────

const SWEEP_PRODUCER = 'the lead writes it from the α sweep (scripts/train-all.sh, then the sweep summary)';

/** summary.json: `[{alpha, mse, kl, sharpness, frechet}]`. */
export function readAlphaSweep(path: string): Maybe<{ rows: AlphaSweepRow[] }> {
  const json = readJson(path, SWEEP_PRODUCER);
  if (json.status === 'missing') return json;
  if (!Array.isArray(json.value)) return missing(`${displayPath(path)}: expected an array of {alpha, mse, kl, sharpness, frechet}.`);
  const rows: AlphaSweepRow[] = [];
  for (const [i, r] of json.value.entries()) {
    if (!isRecord(r)) return missing(`${displayPath(path)} entry ${i}: expected an object.`);
    const row = { alpha: finiteNumber(r.alpha), mse: finiteNumber(r.mse), kl: finiteNumber(r.kl), sharpness: finiteNumber(r.sharpness), frechet: finiteNumber(r.frechet) };
    const bad = Object.entries(row).find(([, v]) => v === undefined);
    if (bad) return missing(`${displayPath(path)} entry ${i}: '${bad[0]}' is not a finite number.`);
    rows.push(row as AlphaSweepRow);
  }
  if (rows.length === 0) return missing(`${displayPath(path)} is an empty array.`);
  return { status: 'ok', rows: rows.sort((a, b) => a.alpha - b.alpha) };
}

/** alpha-<α>.jsonl step logs: the Fréchet distance and the MSE term of each run. */
export function readAlphaRuns(dir: string, maxPoints: number): Maybe<{ runs: AlphaRun[] }> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^alpha-[0-9.e+-]+\.jsonl$/.test(f));
  } catch {
    return missing(`${displayPath(dir)} does not exist; scripts/train-all.sh writes the α sweep logs there.`);
  }
  if (files.length === 0) return missing(`${displayPath(dir)} has no alpha-<α>.jsonl logs; scripts/train-all.sh writes them.`);
  const runs: AlphaRun[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const alpha = Number(file.slice('alpha-'.length, -'.jsonl'.length));
    const log = readJsonLines(join(dir, file), 'rerun the α sweep');
    if (log.status === 'missing') {
      problems.push(log.reason);
      continue;
    }
    const { series } = stepLogToSeries(toStepRecords(log.records), maxPoints);
    runs.push({ alpha, series: series.filter((s) => s.name === 'quality' || s.name === 'mse' || s.name === 'kl') });
  }
  if (runs.length === 0) return missing(problems.join(' '));
  return { status: 'ok', runs: runs.sort((a, b) => a.alpha - b.alpha) };
}

export interface CurvesInputs {
  checkpointsDir: string;
  alphaSweepDir: string;
  maxPoints?: number;
  trackingThreshold?: number;
}

export function buildCurves(o: CurvesInputs): CurvesData {
  const maxPoints = o.maxPoints ?? REPORT_DEFAULTS.maxCurvePoints;
  const models = MODEL_KINDS.map((kind) => modelCurves(kind, join(o.checkpointsDir, kind, 'log.jsonl'), maxPoints));
  return {
    models,
    alphaSweep: readAlphaSweep(join(o.alphaSweepDir, 'summary.json')),
    alphaRuns: readAlphaRuns(o.alphaSweepDir, maxPoints),
    checks: lossClaims(models, o.trackingThreshold ?? REPORT_DEFAULTS.trackingThreshold),
  };
}
