import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { matchesUnder, readCompared, recordCompared } from './compared';
import type { UsageRecord } from './usage';

const scratch = mkdtempSync(join(tmpdir(), 'compared-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = mkdtempSync(join(scratch, 'compared-'));
const matched = (path: string, sha256: string, at = 't'): UsageRecord => ({ kind: 'matched', path, sha256, at });

test('a run records the content each golden last matched with; uses that did not match and files elsewhere are not matches', () => {
  const usage: UsageRecord[] = [
    matched(join(root, 'snapshots', 'vae', 'samples.png'), 'old', 't1'),
    matched(join(root, 'snapshots', 'vae', 'samples.png'), 'new', 't2'),
    { kind: 'golden', path: join(root, 'snapshots', 'vae', 'written-by-u.png'), testPath: 'x.test.ts' },
    matched(join(root, 'elsewhere', 'b.png'), 'x'),
    { kind: 'metric', file: join(root, 'snapshots', 'metrics.json'), key: 'k', testPath: 'x.test.ts' },
  ];
  expect(matchesUnder(join(root, 'snapshots'), usage)).toEqual({ 'vae/samples.png': { sha256: 'new', at: 't2' } });
});

test('recordCompared merges into reports/golden-failures/compared.json; an unreadable record, or entries of another shape, read as empty', async () => {
  await recordCompared(root, [matched(join(root, 'snapshots', 'a', 'one.png'), 'h1', 't1')]);
  await recordCompared(root, [matched(join(root, 'snapshots', 'a', 'two.png'), 'h2', 't2')]);
  const failures = join(root, 'reports', 'golden-failures');
  expect(JSON.parse(readFileSync(join(failures, 'compared.json'), 'utf8'))).toEqual({ 'a/one.png': { sha256: 'h1', at: 't1' }, 'a/two.png': { sha256: 'h2', at: 't2' } });
  writeFileSync(join(failures, 'compared.json'), JSON.stringify({ 'a/one.png': 't1', 'a/two.png': { sha256: 'h2', at: 't2' } }));
  expect(readCompared(failures)).toEqual({ 'a/two.png': { sha256: 'h2', at: 't2' } });
  writeFileSync(join(failures, 'compared.json'), '{not json');
  expect(readCompared(failures)).toEqual({});
  mkdirSync(join(root, 'empty'));
  expect(readCompared(join(root, 'empty'))).toEqual({});
});

test('a run finishing while another merges waits for it and keeps its matches; a run without matches writes nothing', async () => {
  const dir = mkdtempSync(join(scratch, 'compared-lock-'));
  const record = join(dir, 'reports', 'golden-failures', 'compared.json');
  await recordCompared(dir, [{ kind: 'golden', path: join(dir, 'snapshots', 'a', 'one.png'), testPath: 'x.test.ts' }]);
  expect(existsSync(join(dir, 'reports'))).toBe(false);

  mkdirSync(join(dir, 'reports', 'golden-failures'), { recursive: true });
  const releaseOther = await lock(record, { realpath: false });
  const waiting = recordCompared(dir, [matched(join(dir, 'snapshots', 'a', 'mine.png'), 'm', 't2')]);
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(existsSync(record)).toBe(false);
  writeFileSync(record, JSON.stringify({ 'a/other.png': { sha256: 'o', at: 't1' } }));
  await releaseOther();
  await waiting;
  expect(readCompared(join(dir, 'reports', 'golden-failures'))).toEqual({ 'a/other.png': { sha256: 'o', at: 't1' }, 'a/mine.png': { sha256: 'm', at: 't2' } });
});
