/**
 * When each golden last matched. A golden with no failure images has passed only if a run
 * matched it after it was written; without this record a fresh clone, or a failures folder
 * someone emptied, would look like a clean pass. The matcher stamps each match as it happens (a
 * golden written by -u is not a match); the reporter merges every run's stamps (partial runs too)
 * into `<failuresDir>/compared.json`; the report reads it (harness/report/goldens.ts). Two jest
 * runs finishing at once may lose one's stamps (last writer wins): those goldens read as unknown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeJsonAtomically } from '../../models/atomic-write';
import { GOLDEN_DEFAULTS } from './defaults';
import { comparedRecordPath, snapshotsDir } from './paths';
import type { UsageRecord } from './usage';

/** `{ "<stem>/<name>.png": ISO time of the last match }`. */
export type ComparedRecord = Record<string, string>;

/** `previous` with every golden under `snapshots` that `usage` saw match set to the time it did. */
export function mergeCompared(previous: ComparedRecord, usage: readonly UsageRecord[], snapshots: string): ComparedRecord {
  const next = { ...previous };
  for (const u of usage) {
    if (u.kind !== 'matched') continue;
    const key = relative(snapshots, u.path).split(sep).join('/');
    if (!key.startsWith('..') && !(next[key]! > u.at)) next[key] = u.at;
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

/** Adds this run's matches under `rootDir` to its record; writes nothing when there were none. */
export function recordCompared(rootDir: string, usage: readonly UsageRecord[]): void {
  const failuresDir = join(rootDir, GOLDEN_DEFAULTS.paths.failuresDir);
  const previous = readCompared(failuresDir);
  const next = mergeCompared(previous, usage, snapshotsDir(rootDir));
  if (Object.keys(next).some((k) => next[k] !== previous[k])) writeJsonAtomically(comparedRecordPath(failuresDir), next);
}
