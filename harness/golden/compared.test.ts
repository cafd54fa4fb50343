import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeCompared, readCompared, recordCompared } from './compared';
import type { UsageRecord } from './usage';

const root = mkdtempSync(join(tmpdir(), 'compared-'));
const matched = (path: string, sha256: string, at = 't'): UsageRecord => ({ kind: 'matched', path, sha256, at });

test('a run records the content each golden matched with, and keeps the others; uses that did not match and files elsewhere are not matches', () => {
  const usage: UsageRecord[] = [
    matched(join(root, 'snapshots', 'vae', 'samples.png'), 'new', 't2'),
    { kind: 'golden', path: join(root, 'snapshots', 'vae', 'written-by-u.png'), testPath: 'x.test.ts' },
    matched(join(root, 'elsewhere', 'b.png'), 'x'),
    { kind: 'metric', file: join(root, 'snapshots', 'metrics.json'), key: 'k', testPath: 'x.test.ts' },
  ];
  const previous = { 'gan/grid.png': { sha256: 'g', at: 't0' }, 'vae/samples.png': { sha256: 'old', at: 't0' } };
  expect(mergeCompared(previous, usage, join(root, 'snapshots'))).toEqual({ 'gan/grid.png': { sha256: 'g', at: 't0' }, 'vae/samples.png': { sha256: 'new', at: 't2' } });
});

test('recordCompared merges into reports/golden-failures/compared.json; an unreadable record, or entries of another shape, read as empty', () => {
  recordCompared(root, [matched(join(root, 'snapshots', 'a', 'one.png'), 'h1', 't1')]);
  recordCompared(root, [matched(join(root, 'snapshots', 'a', 'two.png'), 'h2', 't2')]);
  const failures = join(root, 'reports', 'golden-failures');
  expect(JSON.parse(readFileSync(join(failures, 'compared.json'), 'utf8'))).toEqual({ 'a/one.png': { sha256: 'h1', at: 't1' }, 'a/two.png': { sha256: 'h2', at: 't2' } });
  writeFileSync(join(failures, 'compared.json'), JSON.stringify({ 'a/one.png': 't1', 'a/two.png': { sha256: 'h2', at: 't2' } }));
  expect(readCompared(failures)).toEqual({ 'a/two.png': { sha256: 'h2', at: 't2' } });
  writeFileSync(join(failures, 'compared.json'), '{not json');
  expect(readCompared(failures)).toEqual({});
  mkdirSync(join(root, 'empty'));
  expect(readCompared(join(root, 'empty'))).toEqual({});
});
