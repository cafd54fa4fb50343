/**
 * When each golden was last compared. A golden with no failure images has passed only if a run
 * compared it after it was written; without this record a fresh clone, or a failures folder
 * someone emptied, would look like a clean pass. The reporter merges every run's comparisons
 * (partial runs too) into `<failuresDir>/compared.json`; the report reads it (harness/report/goldens.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeJsonAtomically } from '../../models/atomic-write';
import { GOLDEN_DEFAULTS } from './defaults';
import { comparedRecordPath, snapshotsDir } from './paths';
import type { UsageRecord } from './usage';

/** `{ "<stem>/<name>.png": ISO time of the last comparison }`. */
export type ComparedRecord = Record<string, string>;

/** `previous` with every golden under `snapshots` that `usage` lists set to `at`. */
export function mergeCompared(previous: ComparedRecord, usage: readonly UsageRecord[], snapshots: string, at: string): ComparedRecord {
  const next = { ...previous };
  for (const u of usage) {
    if (u.kind !== 'golden') continue;
    const key = relative(snapshots, u.path).split(sep).join('/');
    if (!key.startsWith('..')) next[key] = at;
  }
  return next;
}

/** The record in `failuresDir`; empty when absent or unreadable (every golden then reads as not yet compared). */
export function readCompared(failuresDir: string): ComparedRecord {
  const path = comparedRecordPath(failuresDir);
  if (!existsSync(path)) return {};
  try {
    const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return {};
    return Object.fromEntries(Object.entries(doc).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** Adds this run's comparisons under `rootDir` to its record; writes nothing when the run compared none. */
export function recordCompared(rootDir: string, usage: readonly UsageRecord[], at: string): void {
  const failuresDir = join(rootDir, GOLDEN_DEFAULTS.paths.failuresDir);
  const previous = readCompared(failuresDir);
  const next = mergeCompared(previous, usage, snapshotsDir(rootDir), at);
  if (Object.keys(next).some((k) => next[k] !== previous[k])) writeJsonAtomically(comparedRecordPath(failuresDir), next);
}
