/**
 * jest reporter: after every run, records when each golden matched (compared.ts).
 * After a run of the whole suite, lists goldens under snapshots/ and keys of
 * snapshots/metrics.json that no test used. With -u it removes them (as jest removes obsolete
 * snapshots); in CI mode (--ci or CI=true) it fails the run; otherwise it only warns. Two test
 * files that wrote into one golden folder (same file name in two folders) fail any run, partial too.
 *
 * Loaded through obsolete-reporter.cjs: jest requires reporters without transforming them.
 */
import type { Reporter, TestContext } from '@jest/reporters';
import type { AggregatedResult } from '@jest/test-result';
import type { Config } from '@jest/types';
import { existsSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { readBaselines, updateBaselines } from './baseline';
import { GOLDEN_DEFAULTS } from './defaults';
import { findObsolete, goldenCollisions, incompleteRunReason, partialRunReason, type FileOutcome, type ObsoleteResult } from './obsolete';
import { FAILURE_KINDS, metricsBaselinePath, snapshotsDir, TEST_SUFFIX } from './paths';
import { recordCompared } from './compared';
import { readUsage, type UsageRecord } from './usage';

function listPngs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.toLowerCase().endsWith('.png'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/**
 * Test files under `dir`, whatever this run's filters; node_modules and dot-folders skipped. The
 * whole rootDir, not jest's roots: a --roots given on the command line narrows those unseen.
 */
function listTestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || entry.name === 'node_modules' ? [] : listTestFiles(path);
    return entry.isFile() && TEST_SUFFIX.test(entry.name) ? [path] : [];
  });
}

function removeEmptyParents(dir: string, stopAt: string): void {
  while (dir.startsWith(stopAt) && dir !== stopAt && existsSync(dir) && readdirSync(dir).length === 0) {
    rmdirSync(dir);
    dir = dirname(dir);
  }
}

export default class ObsoleteGoldenReporter implements Pick<Reporter, 'onRunComplete' | 'getLastError'> {
  private readonly usageFile: string;
  private lastError: Error | undefined;

  constructor(private readonly globalConfig: Config.GlobalConfig) {
    // Set before jest forks its workers, which inherit the environment.
    this.usageFile = join(tmpdir(), `golden-usage-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(this.usageFile, '');
    process.env[GOLDEN_DEFAULTS.usageEnv] = this.usageFile;
  }

  getLastError(): Error | undefined {
    return this.lastError;
  }

  async onRunComplete(contexts: Set<TestContext>, results: AggregatedResult): Promise<void> {
    try {
      const usage = readUsage(this.usageFile);
      await this.recordComparisons(contexts, usage);
      this.judge(contexts, results, usage);
    } finally {
      rmSync(this.usageFile, { force: true });
    }
  }

  private rootDirs(contexts: Set<TestContext>): Set<string> {
    const roots = new Set([...contexts].map((c) => c.config.rootDir));
    return roots.size ? roots : new Set([this.globalConfig.rootDir]);
  }

  /** A record that cannot be written costs the report its "passed" goldens, not the run: warn only. */
  private async recordComparisons(contexts: Set<TestContext>, usage: readonly UsageRecord[]): Promise<void> {
    for (const rootDir of this.rootDirs(contexts)) {
      try {
        await recordCompared(rootDir, usage);
      } catch (error) {
        process.stderr.write(`\n› could not record which goldens this run matched: ${(error as Error).message}\n`);
      }
    }
  }

  private judge(contexts: Set<TestContext>, results: AggregatedResult, usage: readonly UsageRecord[]): void {
    const problems = [...this.rootDirs(contexts)].flatMap((rootDir) => this.collisions(rootDir, usage));
    if (!results.runExecError && !results.wasInterrupted && !partialRunReason(this.globalConfig) && !incompleteRunReason(results, this.globalConfig.bail)) {
      problems.push(...this.obsolete(contexts, results, usage));
    }
    if (problems.length > 0) this.lastError = new Error(problems.join('\n'));
  }

  private collisions(rootDir: string, usage: readonly UsageRecord[]): string[] {
    return goldenCollisions(rootDir, usage).map(({ dir, testFiles }) => {
      const message = `golden folder ${dir} is used by ${testFiles.length} test files (${testFiles.join(', ')}): rename one test file`;
      process.stderr.write(`\n✕ ${message}\n`);
      return message;
    });
  }

  /** Only a full, completed run can tell which goldens no test uses. */
  private obsolete(contexts: Set<TestContext>, results: AggregatedResult, usage: readonly UsageRecord[]): string[] {
    const outcomes: FileOutcome[] = results.testResults.map((r) => ({
      testFilePath: r.testFilePath,
      clean: !r.testExecError && r.numFailingTests === 0 && r.numPendingTests === 0 && r.numTodoTests === 0,
    }));
    const problems: string[] = [];
    for (const rootDir of this.rootDirs(contexts)) {
      const baselinesFile = metricsBaselinePath(rootDir);
      let baselines;
      try {
        baselines = readBaselines(baselinesFile);
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }
      const found = findObsolete({ rootDir, goldenFiles: listPngs(snapshotsDir(rootDir)), baselines, baselinesFile, usage, outcomes, testFiles: listTestFiles(rootDir) });
      problems.push(...this.act(rootDir, baselinesFile, found));
    }
    return problems;
  }

  /** Prints, removes (with -u) and returns the problems that fail the run. */
  private act(rootDir: string, baselinesFile: string, found: ObsoleteResult): string[] {
    const rel = (p: string) => relative(rootDir, p) || p;
    const write = (text: string) => process.stderr.write(text + '\n');
    const problems: string[] = [];
    const count = found.goldens.length + found.metricKeys.length;
    if (count === 0) return problems;
    const listing = [
      ...found.goldens.map((g) => `    ${rel(g)}`),
      ...found.metricKeys.map((k) => `    ${rel(baselinesFile)}: ${k}`),
    ].join('\n');
    if (this.globalConfig.updateSnapshot === 'all') {
      const failuresDir = join(rootDir, GOLDEN_DEFAULTS.paths.failuresDir);
      for (const g of found.goldens) {
        rmSync(g, { force: true });
        removeEmptyParents(dirname(g), snapshotsDir(rootDir));
        // Its last failure's images too, or the report would list a golden that is gone.
        const failures = join(failuresDir, relative(snapshotsDir(rootDir), dirname(g)));
        for (const kind of FAILURE_KINDS) rmSync(join(failures, `${basename(g, '.png')}-${kind}.png`), { force: true });
        removeEmptyParents(failures, failuresDir);
      }
      if (found.metricKeys.length > 0) updateBaselines(baselinesFile, Object.fromEntries(found.metricKeys.map((k) => [k, undefined])));
      write(`\nRemoved ${count} obsolete golden${count > 1 ? 's' : ''} (no test used them):\n${listing}`);
      return problems;
    }
    const header = `${count} obsolete golden${count > 1 ? 's' : ''} (no test in this full run used ${count > 1 ? 'them' : 'it'}):\n${listing}`;
    if (this.globalConfig.ci) {
      write(`\n✕ ${header}\nCI mode fails on obsolete goldens: remove them locally with \`npm test -- -u\` and commit.`);
      problems.push(header);
    } else {
      write(`\n› ${header}\nRemove them with \`npm test -- -u\`.`);
    }
    return problems;
  }
}
