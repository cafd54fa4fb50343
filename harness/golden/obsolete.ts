/**
 * Obsolete goldens, judged like jest judges obsolete snapshots: only after a run of the whole
 * suite, and never for a test file that did not run cleanly (failed, skipped or todo tests, or a
 * file that failed to load), since its goldens were perhaps simply not reached; nor for a test
 * file under rootDir that exists but did not run at all (a project setting narrowed from the
 * command line, such as --testPathIgnorePatterns or --roots, which jest does not report as
 * filters). Pure: the reporter gathers the inputs and acts on the result.
 */
import { join, relative, sep } from 'node:path';
import { testFileStem } from './paths';
import type { MetricBaselines } from './types';
import type { UsageRecord } from './usage';

/** The parts of jest's GlobalConfig that narrow a run. */
export interface RunFilters {
  testPathPatterns?: { patterns?: readonly string[] } | readonly string[];
  testNamePattern?: string;
  onlyChanged?: boolean;
  onlyFailures?: boolean;
  findRelatedTests?: boolean;
  changedSince?: string;
  lastCommit?: boolean;
  shard?: unknown;
  listTests?: boolean;
  watch?: boolean;
  watchAll?: boolean;
  filter?: string;
}

/** Why this run cannot judge obsolescence, or null when it ran the whole suite. */
export function partialRunReason(config: RunFilters): string | null {
  const patterns = Array.isArray(config.testPathPatterns) ? config.testPathPatterns : (config.testPathPatterns as { patterns?: readonly string[] } | undefined)?.patterns;
  if (patterns && patterns.length > 0) return `test paths filtered (${patterns.join(', ')})`;
  if (config.testNamePattern) return `test names filtered (-t ${config.testNamePattern})`;
  if (config.onlyChanged || config.changedSince || config.lastCommit) return 'only changed tests ran';
  if (config.onlyFailures) return 'only failed tests ran';
  if (config.findRelatedTests) return 'only related tests ran';
  if (config.shard) return 'a shard of the suite ran';
  if (config.filter) return 'tests filtered by --filter';
  if (config.listTests || config.watch || config.watchAll) return 'not a single full run';
  return null;
}

/** The parts of jest's AggregatedResult that tell whether every test file found was run. */
export interface RunCoverage {
  numTotalTestSuites: number;
  numFailedTestSuites: number;
  testResults: readonly unknown[];
}

/**
 * Why these results cannot judge obsolescence although the run was not filtered, or null: with
 * --bail jest stops after a failing file and reports the rest as if they had nothing to say.
 */
export function incompleteRunReason(run: RunCoverage, bail: number): string | null {
  if (run.testResults.length < run.numTotalTestSuites) return `${run.numTotalTestSuites - run.testResults.length} test files did not run`;
  if (bail > 0 && run.numFailedTestSuites > 0) return '--bail stopped the run at a failing file';
  return null;
}

/** One test file's outcome, as jest's TestResult gives it. */
export interface FileOutcome {
  testFilePath: string;
  clean: boolean;
}

export interface ObsoleteInput {
  rootDir: string;
  /** Every golden PNG under <rootDir>/snapshots (absolute paths). */
  goldenFiles: readonly string[];
  /** Entries of <rootDir>/snapshots/metrics.json. */
  baselines: MetricBaselines;
  baselinesFile: string;
  usage: readonly UsageRecord[];
  outcomes: readonly FileOutcome[];
  /** Every test file under rootDir (absolute paths), run or not. */
  testFiles: readonly string[];
}

export interface ObsoleteResult {
  goldens: string[];
  metricKeys: string[];
}

/** A golden folder written by more than one test file (same file name in two folders). */
export interface GoldenCollision {
  dir: string;
  testFiles: string[];
}

/** <rootDir>/snapshots/<stem>/… → <stem>; files directly under snapshots/ belong to no test file. */
function stemOfGolden(rootDir: string, golden: string): string | undefined {
  const parts = relative(rootDir, golden).split(sep);
  return parts.length >= 3 ? parts[1] : undefined;
}

function sourceTestFile(rootDir: string, source: string): string {
  return join(rootDir, source.split(' › ')[0] ?? '');
}

export function findObsolete(input: ObsoleteInput): ObsoleteResult {
  const { rootDir, usage } = input;
  const usedGoldens = new Set(usage.flatMap((u) => (u.kind === 'golden' ? [u.path] : [])));
  const usedKeys = new Set(usage.flatMap((u) => (u.kind === 'metric' && u.file === input.baselinesFile ? [u.key] : [])));
  const ran = new Set(input.outcomes.map((o) => o.testFilePath));
  const notJudged = [...input.outcomes.filter((o) => !o.clean).map((o) => o.testFilePath), ...input.testFiles.filter((f) => !ran.has(f))];
  const exemptStems = new Set(notJudged.map(safeStem).filter((s): s is string => s !== undefined));
  const uncleanFiles = new Set(notJudged);

  const goldens = input.goldenFiles
    .filter((g) => !usedGoldens.has(g))
    .filter((g) => {
      const stem = stemOfGolden(rootDir, g);
      return stem === undefined || !exemptStems.has(stem);
    })
    .sort();
  const metricKeys = Object.entries(input.baselines)
    .filter(([key]) => !usedKeys.has(key))
    .filter(([, entry]) => !uncleanFiles.has(sourceTestFile(rootDir, entry.source)))
    .map(([key]) => key)
    .sort();
  return { goldens, metricKeys };
}

/** Golden folders that more than one test file wrote to in this run, full or partial. */
export function goldenCollisions(rootDir: string, usage: readonly UsageRecord[]): GoldenCollision[] {
  const writers = new Map<string, Set<string>>();
  for (const u of usage) {
    if (u.kind !== 'golden') continue;
    const dir = relative(rootDir, u.path).split(sep).slice(0, -1).join('/');
    writers.set(dir, (writers.get(dir) ?? new Set()).add(u.testPath));
  }
  return [...writers]
    .filter(([, files]) => files.size > 1)
    .map(([dir, files]) => ({ dir, testFiles: [...files].map((f) => relative(rootDir, f)).sort() }));
}

function safeStem(testPath: string): string | undefined {
  try {
    return testFileStem(testPath);
  } catch {
    return undefined;
  }
}
