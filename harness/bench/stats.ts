/**
 * Latency statistics from raw samples, computed as tinybench 6 does (src/utils.ts): sample
 * variance, standard error, two-sided 95 % Student t critical value, quantiles by linear
 * interpolation. Used for figures tinybench did not measure itself (the PyTorch peer).
 */
import { quantileSorted } from '../metrics/bootstrap';
import type { LatencyStats } from './types';

/**
 * Two-sided 95 % t critical values for 1…30 degrees of freedom, as tinybench's table; beyond 30,
 * the Cornish–Fisher expansion of t in z (Abramowitz & Stegun 26.7.5, three terms: within 0.001
 * of the exact value from 31 on). The peer's blocks of one step, pooled, hold 45 samples or more
 * (15 rounds of at least three).
 */
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

const Z_975 = 1.959963984540054;

export function tCritical95(df: number): number {
  const tabled = T_95[Math.max(df, 1) - 1];
  if (tabled !== undefined) return tabled;
  const z = Z_975;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
}

export function latencyFromSamples(samples: readonly number[]): LatencyStats {
  if (samples.length === 0 || samples.some((s) => !Number.isFinite(s) || s < 0)) {
    throw new RangeError(`latency samples: expected finite non-negative numbers, found ${JSON.stringify(samples.slice(0, 5))}`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sem = Math.sqrt(variance / n);
  const rme = mean === 0 ? 0 : ((sem * tCritical95(n - 1)) / mean) * 100;
  return { mean, p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99), rme, samples: n };
}

/**
 * The sign test's confidence interval for the median: the order statistics x(k) and x(n + 1 − k),
 * k the largest with P(Binomial(n, ½) < k) ≤ (1 − level) / 2. It covers the median with
 * probability ≥ `level` for independent draws from any continuous distribution; null when n is
 * too small for one (below 6 at 95 %).
 */
export function medianInterval(values: readonly number[], level = 0.95): [number, number] | null {
  const n = values.length;
  const tail = (1 - level) / 2;
  let below = 0; // P(Binomial(n, ½) < k)
  let term = 0.5 ** n; // P(Binomial(n, ½) = k)
  let k = 0;
  while (k < n / 2 && below + term <= tail) {
    below += term;
    k += 1;
    term = (term * (n - k + 1)) / k;
  }
  if (k === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[k - 1]!, sorted[n - k]!];
}
