/**
 * Where goldens, failure artefacts and metric baselines live, from the jest rootDir, the test
 * file and a golden name:
 *   <rootDir>/snapshots/<stem>/<name>.png                        committed
 *   <rootDir>/reports/golden-failures/<stem>/<name>-<kind>.png   git-ignored
 *   <rootDir>/snapshots/metrics.json                             committed
 *   <rootDir>/reports/golden-failures/compared.json              git-ignored: when each golden was last compared
 * where <stem> is the test file's base name without `.test.ts`.
 */
import { basename, join } from 'node:path';
import { GOLDEN_DEFAULTS } from './defaults';

/** The end of a test file's name. */
export const TEST_SUFFIX = /\.(test|spec)\.[cm]?[jt]sx?$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const FAILURE_KINDS = ['expected', 'actual', 'diff', 'composite'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** `models/vae/vae-golden.test.ts` → `vae-golden`. */
export function testFileStem(testPath: string): string {
  const base = basename(testPath);
  const stem = base.replace(TEST_SUFFIX, '');
  if (stem === base) throw new RangeError(`${testPath}: goldens need a test file named *.test.ts`);
  return stem;
}

/** Names become file names: letters, digits, `.`, `_`, `-`; no extension, no folders. */
export function validateGoldenName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new RangeError(`golden name: expected letters, digits, '.', '_' or '-' (not starting with '.' or '-'), found ${JSON.stringify(name)}`);
  }
  if (name.toLowerCase().endsWith('.png')) throw new RangeError(`golden name '${name}': leave out the .png extension`);
  return name;
}

export function snapshotsDir(rootDir: string): string {
  return join(rootDir, GOLDEN_DEFAULTS.paths.snapshotsDir);
}

export function goldenPath(rootDir: string, testPath: string, name: string): string {
  return join(snapshotsDir(rootDir), testFileStem(testPath), `${validateGoldenName(name)}.png`);
}

export function failurePaths(rootDir: string, testPath: string, name: string): Record<FailureKind, string> {
  const dir = join(rootDir, GOLDEN_DEFAULTS.paths.failuresDir, testFileStem(testPath));
  validateGoldenName(name);
  return Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, join(dir, `${name}-${kind}.png`)])) as Record<FailureKind, string>;
}

/** The record of when each golden was last compared, in a failures folder (what the report reads). */
export function comparedRecordPath(failuresDir: string): string {
  return join(failuresDir, GOLDEN_DEFAULTS.paths.comparedFile);
}

export function metricsBaselinePath(rootDir: string): string {
  return join(snapshotsDir(rootDir), GOLDEN_DEFAULTS.paths.metricsFile);
}
