/**
 * The update policy shared by goldens and metric baselines, exactly jest's snapshot policy:
 *
 *   mode \ golden   missing        matches   differs
 *   all  (-u)       write-new      pass      overwrite
 *   new  (default)  write-new      pass      fail-mismatch
 *   none (--ci)     fail-missing   pass      fail-mismatch
 *
 * A golden that matches within tolerance is never rewritten, even with -u, so re-running -u on
 * another backend does not churn committed files.
 */
import type { UpdateAction, UpdateMode } from './types';

export function decideUpdateAction(mode: UpdateMode, exists: boolean, matches: boolean): UpdateAction {
  if (!exists) return mode === 'none' ? 'fail-missing' : 'write-new';
  if (matches) return 'pass';
  return mode === 'all' ? 'overwrite' : 'fail-mismatch';
}

/** The part of jest's (undocumented, untyped) snapshot state the matchers read and count into. */
export interface JestSnapshotState {
  _updateSnapshot: UpdateMode;
  _rootDir?: string;
  added: number;
  updated: number;
  matched: number;
  unmatched: number;
}

/** jest's mode, or — outside jest's snapshot machinery — what jest would choose from $CI. */
export function updateModeOf(snapshotState: Partial<JestSnapshotState> | undefined, env: NodeJS.ProcessEnv = process.env): UpdateMode {
  const mode = snapshotState?._updateSnapshot;
  if (mode === 'all' || mode === 'new' || mode === 'none') return mode;
  return env.CI && env.CI !== 'false' && env.CI !== '0' ? 'none' : 'new';
}

/** Counts the outcome the way jest counts snapshots, so the summary line includes goldens. */
export function countOutcome(snapshotState: Partial<JestSnapshotState> | undefined, action: UpdateAction): void {
  if (!snapshotState) return;
  // jest counts a snapshot missing under --ci as unmatched too.
  const counter = ({ pass: 'matched', 'write-new': 'added', overwrite: 'updated', 'fail-mismatch': 'unmatched', 'fail-missing': 'unmatched' } as const)[action];
  if (typeof snapshotState[counter] === 'number') snapshotState[counter]++;
}
