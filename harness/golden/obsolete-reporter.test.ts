/** The reporter on a synthetic run: collisions fail a filtered run too (obsolete goldens wait for a full one). */
import type { TestContext } from '@jest/reporters';
import type { AggregatedResult } from '@jest/test-result';
import type { Config } from '@jest/types';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_DEFAULTS } from './defaults';
import ObsoleteGoldenReporter from './obsolete-reporter';

let root: string;
let usageEnv: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'golden-reporter-'));
  usageEnv = process.env[GOLDEN_DEFAULTS.usageEnv];
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  if (usageEnv === undefined) delete process.env[GOLDEN_DEFAULTS.usageEnv];
  else process.env[GOLDEN_DEFAULTS.usageEnv] = usageEnv;
});

test.each([
  ['a full run', []],
  ['a run filtered to the two files', ['model']],
])('two test files writing one golden folder fail %s', async (_, patterns) => {
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const config = { rootDir: root, updateSnapshot: 'all', ci: false, bail: 0, testPathPatterns: { patterns } } as unknown as Config.GlobalConfig;
    const reporter = new ObsoleteGoldenReporter(config);
    const files = [join(root, 'a', 'model.test.ts'), join(root, 'b', 'model.test.ts')];
    const golden = join(root, 'snapshots', 'model', 'x.png');
    writeFileSync(process.env[GOLDEN_DEFAULTS.usageEnv]!, files.map((testPath) => JSON.stringify({ kind: 'golden', path: golden, testPath }) + '\n').join(''));
    const results = { testResults: files.map((testFilePath) => ({ testFilePath, numFailingTests: 0, numPendingTests: 0, numTodoTests: 0 })), numTotalTestSuites: 2, numFailedTestSuites: 0 };
    await reporter.onRunComplete(new Set([{ config: { rootDir: root } } as unknown as TestContext]), results as unknown as AggregatedResult);
    expect(reporter.getLastError()?.message).toBe('golden folder snapshots/model is used by 2 test files (a/model.test.ts, b/model.test.ts): rename one test file');
  } finally {
    stderr.mockRestore();
  }
});
