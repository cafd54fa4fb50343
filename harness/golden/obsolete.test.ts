import { findObsolete, goldenCollisions, incompleteRunReason, partialRunReason, type ObsoleteInput } from './obsolete';
import type { MetricBaseline } from './types';

describe('partialRunReason', () => {
  test('a plain run is the whole suite', () => {
    expect(partialRunReason({ testPathPatterns: { patterns: [] } })).toBeNull();
    expect(partialRunReason({ testPathPatterns: [] })).toBeNull();
  });

  test.each([
    [{ testPathPatterns: { patterns: ['golden'] } }, /test paths filtered \(golden\)/],
    [{ testNamePattern: 'vae' }, /-t vae/],
    [{ onlyChanged: true }, /changed/],
    [{ changedSince: 'main' }, /changed/],
    [{ onlyFailures: true }, /failed/],
    [{ findRelatedTests: true }, /related/],
    [{ shard: { shardIndex: 1, shardCount: 2 } }, /shard/],
    [{ watch: true }, /not a single full run/],
  ])('%p narrows the run', (config, reason) => {
    expect(partialRunReason(config)).toMatch(reason);
  });
});

describe('incompleteRunReason', () => {
  const run = (total: number, ran: number, failed = 0) => ({ numTotalTestSuites: total, numFailedTestSuites: failed, testResults: Array.from({ length: ran }) });
  test('every file ran and passed: the run can judge', () => {
    expect(incompleteRunReason(run(3, 3), 0)).toBeNull();
    expect(incompleteRunReason(run(3, 3, 1), 0)).toBeNull();
  });
  test('files that did not run, or --bail after a failure, cannot judge', () => {
    expect(incompleteRunReason(run(3, 1, 1), 1)).toBe('2 test files did not run');
    expect(incompleteRunReason(run(3, 3, 1), 1)).toBe('--bail stopped the run at a failing file');
  });
});

describe('findObsolete', () => {
  const root = '/repo';
  const baseline = (source: string): MetricBaseline => ({ value: 1, band: [0, 2], source });
  const input = (over: Partial<ObsoleteInput> = {}): ObsoleteInput => ({
    rootDir: root,
    goldenFiles: ['/repo/snapshots/vae/grid.png', '/repo/snapshots/vae/old.png', '/repo/snapshots/gone/grid.png', '/repo/snapshots/stray.png'],
    baselines: { 'vae.fid': baseline('models/vae.test.ts › fid; band: ±5%'), 'old.kid': baseline('models/vae.test.ts › kid; band: ±5%') },
    baselinesFile: '/repo/snapshots/metrics.json',
    usage: [
      { kind: 'golden', path: '/repo/snapshots/vae/grid.png', testPath: '/repo/models/vae.test.ts' },
      { kind: 'metric', file: '/repo/snapshots/metrics.json', key: 'vae.fid', testPath: '/repo/models/vae.test.ts' },
    ],
    outcomes: [{ testFilePath: '/repo/models/vae.test.ts', clean: true }],
    testFiles: ['/repo/models/vae.test.ts'],
    ...over,
  });

  test('lists goldens and metric keys no test used, including folders of deleted test files', () => {
    expect(findObsolete(input())).toEqual({
      goldens: ['/repo/snapshots/gone/grid.png', '/repo/snapshots/stray.png', '/repo/snapshots/vae/old.png'],
      metricKeys: ['old.kid'],
    });
  });

  test('a test file with failed, skipped or todo tests keeps its goldens and baselines', () => {
    const found = findObsolete(input({ outcomes: [{ testFilePath: '/repo/models/vae.test.ts', clean: false }] }));
    expect(found.goldens).toEqual(['/repo/snapshots/gone/grid.png', '/repo/snapshots/stray.png']);
    expect(found.metricKeys).toEqual([]);
  });

  test('a test file that exists but did not run (e.g. --testPathIgnorePatterns) keeps its goldens and baselines', () => {
    const found = findObsolete(input({ outcomes: [], usage: [], testFiles: ['/repo/models/vae.test.ts', '/repo/tests/gone.test.ts'] }));
    expect(found.goldens).toEqual(['/repo/snapshots/stray.png']);
    expect(found.metricKeys).toEqual([]);
  });

  test('metric keys used against another baselines file do not count', () => {
    const found = findObsolete(input({ usage: [{ kind: 'metric', file: '/other/snapshots/metrics.json', key: 'vae.fid', testPath: '/other/a.test.ts' }] }));
    expect(found.metricKeys).toEqual(['old.kid', 'vae.fid']);
  });

  test('two test files with the same name write into one golden folder: a collision', () => {
    const collisions = goldenCollisions('/repo', [
      { kind: 'golden', path: '/repo/snapshots/model/a.png', testPath: '/repo/models/vae/model.test.ts' },
      { kind: 'golden', path: '/repo/snapshots/model/b.png', testPath: '/repo/models/gan/model.test.ts' },
      { kind: 'golden', path: '/repo/snapshots/other/c.png', testPath: '/repo/tests/other.test.ts' },
    ]);
    expect(collisions).toEqual([{ dir: 'snapshots/model', testFiles: ['models/gan/model.test.ts', 'models/vae/model.test.ts'] }]);
  });
});
