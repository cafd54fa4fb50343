/**
 * Which goldens and metric baselines a run used. Test files run in jest workers (separate
 * processes, separate module registries), so matchers append one JSON line per use to a file the
 * reporter names in $GOLDEN_USAGE_FILE before the workers start; the reporter reads it at the end.
 * Appends of one short line are atomic (O_APPEND), so concurrent workers cannot interleave.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { GOLDEN_DEFAULTS } from './defaults';

export type UsageRecord =
  | { kind: 'golden'; path: string; testPath: string }
  | { kind: 'metric'; file: string; key: string; testPath: string }
  /** A golden that existed matched, and nothing was written: its content and when (compared.ts). */
  | { kind: 'matched'; path: string; sha256: string; at: string };

/** Appends a record when a reporter is listening; a no-op otherwise (e.g. a run without the reporter). */
export function recordUsage(record: UsageRecord, env: NodeJS.ProcessEnv = process.env): void {
  const file = env[GOLDEN_DEFAULTS.usageEnv];
  if (file) appendFileSync(file, JSON.stringify(record) + '\n');
}

export function readUsage(file: string): UsageRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as UsageRecord);
}
