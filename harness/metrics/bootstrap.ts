/**
 * Seeded percentile-bootstrap intervals (Efron & Tibshirani 1993, ch. 13). Every metric result is an
 * `Estimate`: the value on the full data, a two-sided interval, and the number of items behind it.
 *
 * Per-item metrics resample items with replacement and recompute the mean. Set metrics (Fréchet
 * distance, KID, precision/recall) resample both sets and re-evaluate the metric; they take the
 * resamples as multiplicities (`resampleCounts`) so each metric can reuse its expensive parts.
 */
import { createRng, deriveSeed } from '../../models/seed';

export interface Estimate {
  value: number;
  /** Percentile-bootstrap interval [lo, hi]. */
  ci: [number, number];
  /** Items behind the value (images, pairs, or generated samples for set metrics). */
  n: number;
}

export interface BootstrapOptions {
  resamples: number;
  /** Two-sided coverage, e.g. 0.95. */
  confidence: number;
  seed: number;
}

function assertOptions(o: BootstrapOptions, metric: string): void {
  if (!Number.isInteger(o.resamples) || o.resamples < 1) throw new RangeError(`${metric}: bootstrap resamples must be an integer ≥ 1, found ${o.resamples}`);
  if (!(o.confidence > 0 && o.confidence < 1)) throw new RangeError(`${metric}: bootstrap confidence must lie in (0, 1), found ${o.confidence}`);
}

/** Linear-interpolated quantile of sorted values (numpy's default `linear` method). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile: expected at least one value, found none');
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** The central `confidence` interval of bootstrap replicates; a replicate that is not finite is an error, not a NaN interval. */
export function percentileInterval(replicates: ArrayLike<number>, confidence: number): [number, number] {
  const bad = Array.from(replicates).filter((r) => !Number.isFinite(r)).length;
  if (bad > 0) {
    throw new RangeError(`bootstrap: ${bad} of ${replicates.length} replicates are not finite (e.g. a resample that repeats one item n times leaves KID no pairs): too few items for this metric`);
  }
  const sorted = Float64Array.from(replicates).sort();
  const tail = (1 - confidence) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

export function estimateFromReplicates(value: number, replicates: ArrayLike<number>, n: number, confidence: number): Estimate {
  return { value, ci: percentileInterval(replicates, confidence), n };
}

/**
 * Percentile interval shifted by the bootstrap bias estimate b = mean(replicates) − value (the
 * estimate of Efron & Tibshirani 1993, §10.2; the shift is this project's: their §10.6 corrects
 * the value, θ̂ − b, not the interval, and the standard alternatives are the basic or BCa
 * intervals). For plug-in statistics whose bias grows as resamples repeat items (the
 * Fréchet distance; precision/recall, whose k-NN balls grow when only ~63% of items are distinct),
 * the plain percentile interval can miss the value altogether. `range` clips the shifted interval
 * to the statistic's range (a distance is never negative, a share lies in [0, 1]).
 */
export function biasShiftedEstimate(value: number, replicates: ArrayLike<number>, n: number, confidence: number, range: [number, number] = [-Infinity, Infinity]): Estimate {
  const bias = mean(replicates) - value;
  const [lo, hi] = percentileInterval(replicates, confidence);
  const clip = (x: number) => Math.min(Math.max(x, range[0]), range[1]);
  return { value, ci: [clip(lo - bias), clip(hi - bias)], n };
}

/** How often each of `n` items is drawn in each of `resamples` resamples with replacement. */
export function resampleCounts(n: number, resamples: number, seed: number, stream = 'sets'): Uint16Array[] {
  const rng = createRng(deriveSeed(seed, 'bootstrap', stream, n));
  return Array.from({ length: resamples }, () => {
    const counts = new Uint16Array(n);
    for (let i = 0; i < n; i++) counts[rng.int(n)]!++;
    return counts;
  });
}

/** Each resample's counts cover `n` items and add up to `n` (a resample is as large as its set). */
export function assertResampleCounts(counts: readonly Uint16Array[], n: number, metric: string): void {
  counts.forEach((c, r) => {
    if (c.length !== n) throw new RangeError(`${metric}: resample counts cover ${c.length} items, expected ${n}`);
    const total = c.reduce((sum, v) => sum + v, 0);
    if (total !== n) throw new RangeError(`${metric}: resample ${r} draws ${total} items, expected ${n} (as many as the set holds)`);
  });
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

export interface BootstrapMeans {
  estimates: Estimate[];
  /** Replicate means per series, in resample order (paired across series). */
  replicates: Float64Array[];
}

/**
 * Bootstrap of the means of several series over the same items: one resample of item indices serves
 * every series, so replicates are paired (ratios and differences between series stay consistent).
 */
export function bootstrapMeans(series: readonly ArrayLike<number>[], o: BootstrapOptions, metric = 'bootstrap'): BootstrapMeans {
  assertOptions(o, metric);
  const n = series[0]?.length ?? 0;
  if (n === 0) throw new RangeError(`${metric}: expected at least one value to bootstrap, found none`);
  series.forEach((s, k) => {
    if (s.length !== n) throw new RangeError(`${metric}: series ${k} has ${s.length} values, expected ${n}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(s[i])) throw new RangeError(`${metric}: value ${i} of series ${k} is ${s[i]}`);
  });
  const rng = createRng(deriveSeed(o.seed, 'bootstrap', metric, n));
  const replicates = series.map(() => new Float64Array(o.resamples));
  const sums = new Float64Array(series.length);
  for (let r = 0; r < o.resamples; r++) {
    sums.fill(0);
    for (let draw = 0; draw < n; draw++) {
      const i = rng.int(n);
      for (let k = 0; k < series.length; k++) sums[k]! += series[k]![i]!;
    }
    for (let k = 0; k < series.length; k++) replicates[k]![r] = sums[k]! / n;
  }
  const estimates = series.map((s, k) => estimateFromReplicates(mean(s), replicates[k]!, n, o.confidence));
  return { estimates, replicates };
}

export function bootstrapMean(values: ArrayLike<number>, o: BootstrapOptions, metric = 'bootstrap'): Estimate {
  return bootstrapMeans([values], o, metric).estimates[0]!;
}

/**
 * Ratio of series `k` of `numerator` to series `denominatorSeries` (default `k`) of `denominator`
 * (e.g. a model's sharpness over real data's, or two series of one paired bootstrap), from their
 * replicates taken in resample order.
 */
export function ratioEstimate(numerator: BootstrapMeans, denominator: BootstrapMeans, k: number, confidence: number, denominatorSeries = k): Estimate {
  const top = numerator.estimates[k]!;
  const bottom = denominator.estimates[denominatorSeries]!;
  const a = numerator.replicates[k]!;
  const b = denominator.replicates[denominatorSeries]!;
  if (a.length !== b.length) throw new RangeError(`ratio: replicate counts differ (${a.length} vs ${b.length})`);
  const ratios = a.map((x, r) => x / b[r]!);
  return { value: top.value / bottom.value, ci: percentileInterval(ratios, confidence), n: top.n };
}
