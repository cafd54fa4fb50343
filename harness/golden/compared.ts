/**
 * Which content of each golden last matched. A golden with no failure images has passed only if
 * a test matched the content it holds now; without this record a fresh clone, or a failures
 * folder someone emptied, would look like a clean pass. The matcher records each match with the
 * golden's sha256 (a golden written by -u is not a match); the reporter merges every run's
 * matches (partial runs too) into `<failuresDir>/compared.json`; the report hashes each golden
 * and compares (harness/report/goldens.ts), so a golden changed in any way since (a checkout, a
 * copy that keeps old file times, -u) is unknown until a test matches it. The merge holds a lock
 * (`updateUnderLock`), so two runs finishing at once both land.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { updateUnderLock, writeJsonAtomically } from '../../models/atomic-write';
import { GOLDEN_DEFAULTS } from './defaults';
import { comparedRecordPath, snapshotsDir } from './paths';
import type { UsageRecord } from './usage';

export interface Match {
  /** sha256 of the golden file that matched. */
  sha256: string;
  /** ISO time of the match. */
  at: string;
}

/** `{ "<stem>/<name>.png": the last match }`. */
export type ComparedRecord = Record<string, Match>;

/** The last match `usage` saw of each golden under `snapshots`. */
export function matchesUnder(snapshots: string, usage: readonly UsageRecord[]): ComparedRecord {
  const next: ComparedRecord = {};
  for (const u of usage) {
    if (u.kind !== 'matched') continue;
    const key = relative(snapshots, u.path).split(sep).join('/');
    if (!key.startsWith('..')) next[key] = { sha256: u.sha256, at: u.at };
  }
  return next;
}

const isMatch = (v: unknown): v is Match =>
  typeof v === 'object' && v !== null && typeof (v as Match).sha256 === 'string' && typeof (v as Match).at === 'string';

/** The record in `failuresDir`; empty when absent or unreadable (every golden then reads as not yet matched). */
export function readCompared(failuresDir: string): ComparedRecord {
  const path = comparedRecordPath(failuresDir);
  if (!existsSync(path)) return {};
  try {
    const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return {};
    return Object.fromEntries(Object.entries(doc).filter((e): e is [string, Match] => isMatch(e[1])));
  } catch {
    return {};
  }
}

/** Adds this run's matches under `rootDir` to its record; writes nothing when there were none. */
export async function recordCompared(rootDir: string, usage: readonly UsageRecord[]): Promise<void> {
  const matches = matchesUnder(snapshotsDir(rootDir), usage);
  if (Object.keys(matches).length === 0) return;
  const failuresDir = join(rootDir, GOLDEN_DEFAULTS.paths.failuresDir);
  const path = comparedRecordPath(failuresDir);
  await updateUnderLock(path, () => writeJsonAtomically(path, { ...readCompared(failuresDir), ...matches }));
}
