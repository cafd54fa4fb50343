import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeCompared, readCompared, recordCompared } from './compared';
import type { UsageRecord } from './usage';

const root = mkdtempSync(join(tmpdir(), 'compared-'));
const golden = (path: string): UsageRecord => ({ kind: 'golden', path, testPath: join(root, 'x.test.ts') });

test('a run sets the time of the goldens it compared and keeps the others; metric keys and files elsewhere are not goldens', () => {
  const usage: UsageRecord[] = [
    golden(join(root, 'snapshots', 'vae', 'samples.png')),
    golden(join(root, 'elsewhere', 'b.png')),
    { kind: 'metric', file: join(root, 'snapshots', 'metrics.json'), key: 'k', testPath: 'x' },
  ];
  expect(mergeCompared({ 'gan/grid.png': 't0', 'vae/samples.png': 't0' }, usage, join(root, 'snapshots'), 't1')).toEqual({ 'gan/grid.png': 't0', 'vae/samples.png': 't1' });
});

test('recordCompared merges into reports/golden-failures/compared.json; an unreadable record reads as empty', () => {
  recordCompared(root, [golden(join(root, 'snapshots', 'a', 'one.png'))], 't1');
  recordCompared(root, [golden(join(root, 'snapshots', 'a', 'two.png'))], 't2');
  const failures = join(root, 'reports', 'golden-failures');
  expect(JSON.parse(readFileSync(join(failures, 'compared.json'), 'utf8'))).toEqual({ 'a/one.png': 't1', 'a/two.png': 't2' });
  writeFileSync(join(failures, 'compared.json'), '{not json');
  expect(readCompared(failures)).toEqual({});
  mkdirSync(join(root, 'empty'));
  expect(readCompared(join(root, 'empty'))).toEqual({});
});
