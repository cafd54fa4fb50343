import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeCompared, readCompared, recordCompared } from './compared';
import type { UsageRecord } from './usage';

const root = mkdtempSync(join(tmpdir(), 'compared-'));
const matched = (path: string, at: string): UsageRecord => ({ kind: 'matched', path, at });

test('a run stamps the goldens that matched, at the time each did, and keeps the others; uses that did not match and files elsewhere are not stamps', () => {
  const usage: UsageRecord[] = [
    matched(join(root, 'snapshots', 'vae', 'samples.png'), 't2'),
    { kind: 'golden', path: join(root, 'snapshots', 'vae', 'written-by-u.png'), testPath: 'x.test.ts' },
    matched(join(root, 'elsewhere', 'b.png'), 't2'),
    { kind: 'metric', file: join(root, 'snapshots', 'metrics.json'), key: 'k', testPath: 'x.test.ts' },
  ];
  expect(mergeCompared({ 'gan/grid.png': 't0', 'vae/samples.png': 't0' }, usage, join(root, 'snapshots'))).toEqual({ 'gan/grid.png': 't0', 'vae/samples.png': 't2' });
  // An earlier stamp (two uses in one run, in any order) never replaces a later one.
  expect(mergeCompared({ 'vae/samples.png': 't3' }, usage, join(root, 'snapshots'))).toEqual({ 'vae/samples.png': 't3' });
});

test('recordCompared merges into reports/golden-failures/compared.json; an unreadable record reads as empty', () => {
  recordCompared(root, [matched(join(root, 'snapshots', 'a', 'one.png'), 't1')]);
  recordCompared(root, [matched(join(root, 'snapshots', 'a', 'two.png'), 't2')]);
  const failures = join(root, 'reports', 'golden-failures');
  expect(JSON.parse(readFileSync(join(failures, 'compared.json'), 'utf8'))).toEqual({ 'a/one.png': 't1', 'a/two.png': 't2' });
  writeFileSync(join(failures, 'compared.json'), '{not json');
  expect(readCompared(failures)).toEqual({});
  mkdirSync(join(root, 'empty'));
  expect(readCompared(join(root, 'empty'))).toEqual({});
});
