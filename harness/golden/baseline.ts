/**
 * Metric baselines in snapshots/metrics.json: `{ key: { value, band: [lo, hi], source } }`.
 * The band is fixed when the baseline is written — from the metric's confidence interval, or a
 * relative tolerance — and later values pass when they fall inside it. Pure logic first, then the
 * two file functions (read; merge-and-write atomically).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../../models/atomic-write';
import type { BaselineOptions, MetricBaseline, MetricBaselines } from './types';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/:-]*$/;

export class BaselineFileError extends Error {
  override name = 'BaselineFileError';
}

export function validateMetricKey(key: unknown): string {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new RangeError(`metric key: expected letters, digits and . _ / : -, found ${JSON.stringify(key)}`);
  }
  return key;
}

/** The band a new baseline gets, and a note on where it came from. */
export function bandFor(value: number, options: BaselineOptions): { band: [number, number]; derivation: string } {
  if (!Number.isFinite(value)) throw new RangeError(`metric value must be finite, found ${value}`);
  const { ci, tolerance } = options;
  if ((ci === undefined) === (tolerance === undefined)) {
    throw new RangeError('metric baseline: give exactly one of { ci: [lo, hi] } or { tolerance: fraction } to derive the band');
  }
  if (ci) {
    const [lo, hi] = ci;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`ci: expected finite [lo, hi] with lo ≤ hi, found [${lo}, ${hi}]`);
    if (value < lo || value > hi) throw new RangeError(`ci: [${lo}, ${hi}] does not contain the value ${value}`);
    return { band: [lo, hi], derivation: 'band: confidence interval' };
  }
  if (!(tolerance! >= 0) || !Number.isFinite(tolerance)) throw new RangeError(`tolerance: expected a finite number ≥ 0, found ${tolerance}`);
  const half = tolerance! * Math.abs(value);
  return { band: [value - half, value + half], derivation: `band: ±${tolerance! * 100}%` };
}

export function withinBand(value: number, band: readonly [number, number]): boolean {
  return value >= band[0] && value <= band[1];
}

/** null when `value` is inside the baseline's band, else a message naming key, value and band. */
export function checkBaseline(key: string, baseline: MetricBaseline, value: number): string | null {
  if (withinBand(value, baseline.band)) return null;
  const [lo, hi] = baseline.band;
  const side = value < lo ? 'below' : 'above';
  return `metric '${key}' = ${value} is ${side} its baseline band [${lo}, ${hi}] (baseline ${baseline.value}, from ${baseline.source})`;
}

/**
 * Why a stored band is no longer the one its test asks for, or null. A tolerance gives the band
 * from the stored value; a confidence interval is compared only when the value repeated exactly
 * (seeded runs repeat their intervals, so a difference then is a changed rule, not noise). Without
 * this a tightened tolerance never reached a value that stayed inside its old, wider band.
 */
export function staleBand(key: string, baseline: MetricBaseline, value: number, options: BaselineOptions): string | null {
  if (options.tolerance === undefined && (options.ci === undefined || value !== baseline.value)) return null;
  const wanted = bandFor(baseline.value, options);
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  if (same(wanted.band[0], baseline.band[0]) && same(wanted.band[1], baseline.band[1])) return null;
  return `metric '${key}': its stored band [${baseline.band.join(', ')}] (from ${baseline.source}) is not the one its test now asks for, [${wanted.band.join(', ')}] (${wanted.derivation})`;
}

function assertBaseline(entry: unknown, key: string, path: string): asserts entry is MetricBaseline {
  const e = entry as Partial<MetricBaseline> | null;
  const ok =
    typeof e === 'object' && e !== null && typeof e.value === 'number' && Array.isArray(e.band) && e.band.length === 2 &&
    e.band.every((b) => typeof b === 'number') && typeof e.source === 'string';
  if (!ok) throw new BaselineFileError(`${path}: entry '${key}' is not { value: number, band: [lo, hi], source: string }`);
}

export function readBaselines(path: string): MetricBaselines {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BaselineFileError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BaselineFileError(`${path}: expected an object of metric baselines`);
  for (const [key, entry] of Object.entries(parsed)) assertBaseline(entry, key, path);
  return parsed as MetricBaselines;
}

/** Sorted keys, two-space indent, trailing newline: stable diffs in review. */
export function formatBaselines(baselines: MetricBaselines): string {
  const sorted = Object.fromEntries(Object.keys(baselines).sort().map((k) => [k, baselines[k]]));
  return JSON.stringify(sorted, null, 2) + '\n';
}

const LOCK_WAIT_MS = 10_000;
const TAKEOVER_STALE_MS = 2_000;

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0; // removed meanwhile
  }
}

/** A lock whose writer (its pid, on this machine) no longer runs: a worker that was killed. */
function holderIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false; // removed meanwhile: the next attempt will tell
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // being written
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes `lock` if its holder is gone, deciding under `<lock>.takeover` (created exclusively):
 * two waiters that both saw the stale lock could otherwise both remove "it", the second removing
 * the lock the first had just taken.
 */
function removeIfStale(lock: string): void {
  const takeover = `${lock}.takeover`;
  try {
    closeSync(openSync(takeover, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another waiter is deciding, for microseconds; a takeover file seconds old was left by a
    // process killed while deciding, and is removed for the next attempt.
    if (ageMs(takeover) > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
    return;
  }
  try {
    if (holderIsGone(lock)) rmSync(lock, { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}

/**
 * Runs `update` holding `<path>.lock` (created exclusively): jest's workers update one file, and
 * a read-modify-write that interleaves with another worker's would lose its keys.
 */
function withLock<T>(path: string, update: () => T): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone(lock)) removeIfStale(lock);
      if (Date.now() > deadline) throw new BaselineFileError(`${lock}: held for over ${LOCK_WAIT_MS / 1000} s; if no test run is writing baselines, delete it (and ${lock}.takeover if it is there)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return update();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Re-reads the file and applies `changes` (an entry, or `undefined` to remove the key) under a
 * lock, then writes atomically, so keys written by other test files in the same run are kept.
 */
export function updateBaselines(path: string, changes: Record<string, MetricBaseline | undefined>): MetricBaselines {
  mkdirSync(dirname(path), { recursive: true });
  return withLock(path, () => {
    const merged = { ...readBaselines(path) };
    for (const [key, entry] of Object.entries(changes)) {
      if (entry === undefined) delete merged[key];
      else merged[key] = entry;
    }
    writeFileAtomically(path, formatBaselines(merged));
    return merged;
  });
}
