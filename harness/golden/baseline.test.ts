import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BaselineFileError, bandFor, checkBaseline, readBaselines, updateBaselines, validateMetricKey, withinBand } from './baseline';
import type { MetricBaseline } from './types';

describe('bandFor', () => {
  test('from a confidence interval', () => {
    expect(bandFor(12.5, { ci: [11.9, 13.4] })).toEqual({ band: [11.9, 13.4], derivation: 'band: confidence interval' });
  });

  test('from a relative tolerance', () => {
    expect(bandFor(20, { tolerance: 0.05 })).toEqual({ band: [19, 21], derivation: 'band: ±5%' });
    expect(bandFor(-4, { tolerance: 0.5 }).band).toEqual([-6, -2]);
  });

  test.each([
    [{}, /give exactly one of/],
    [{ ci: [1, 2] as const, tolerance: 0.1 }, /give exactly one of/],
    [{ ci: [2, 1] as const }, /lo ≤ hi/],
    [{ ci: [0, 1] as const }, /does not contain the value 1\.5/],
    [{ tolerance: -0.1 }, /tolerance: expected a finite number ≥ 0/],
  ])('rejects %p', (options, message) => {
    expect(() => bandFor(1.5, options)).toThrow(message);
  });

  test('the value must be finite', () => {
    expect(() => bandFor(Number.NaN, { tolerance: 0.1 })).toThrow(/finite/);
  });
});

describe('checkBaseline', () => {
  const baseline: MetricBaseline = { value: 10, band: [9, 11], source: 'tests/metrics.test.ts › vae FID; band: confidence interval' };

  test('inside the band, edges included, passes', () => {
    expect(checkBaseline('vae.fid', baseline, 9)).toBeNull();
    expect(checkBaseline('vae.fid', baseline, 11)).toBeNull();
    expect(withinBand(10.5, baseline.band)).toBe(true);
  });

  test('outside the band names key, value, band and source', () => {
    expect(checkBaseline('vae.fid', baseline, 11.5)).toBe(
      "metric 'vae.fid' = 11.5 is above its baseline band [9, 11] (baseline 10, from tests/metrics.test.ts › vae FID; band: confidence interval)",
    );
    expect(checkBaseline('vae.fid', baseline, 8)).toMatch(/= 8 is below/);
  });
});

test.each([['vae.fid'], ['dcgan/kid:64'], ['a-b_c']])('accepts key %p', (key) => expect(validateMetricKey(key)).toBe(key));
test.each([[''], ['has space'], ['.x'], [3]])('rejects key %p', (key) => expect(() => validateMetricKey(key)).toThrow(/metric key/));

describe('metrics.json', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'golden-baseline-'));
    file = join(dir, 'snapshots', 'metrics.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (value: number): MetricBaseline => ({ value, band: [value - 1, value + 1], source: 'x.test.ts › t; band: ±10%' });

  test('a missing file is an empty set of baselines', () => {
    expect(readBaselines(file)).toEqual({});
  });

  test('updates merge keys, remove keys given undefined, and write sorted', () => {
    updateBaselines(file, { 'z.metric': entry(1) });
    updateBaselines(file, { 'a.metric': entry(2), 'm.metric': entry(3) });
    updateBaselines(file, { 'm.metric': undefined, 'z.metric': entry(4) });
    expect(readBaselines(file)).toEqual({ 'a.metric': entry(2), 'z.metric': entry(4) });
    const text = readFileSync(file, 'utf8');
    expect(text.indexOf('a.metric')).toBeLessThan(text.indexOf('z.metric'));
    expect(text.endsWith('}\n')).toBe(true);
  });

  test('processes updating one file at once keep every key (the file is locked while read, merged and written)', async () => {
    const writer = (id: number) => `
      const { updateBaselines } = require(${JSON.stringify(join(__dirname, 'baseline.ts'))});
      for (let i = 0; i < 150; i++) updateBaselines(${JSON.stringify(file)}, { ['w${id}.k' + i]: { value: i, band: [i, i], source: 's' } });`;
    const run = (id: number) =>
      new Promise<number | null>((resolve) => spawn(process.execPath, ['--import', 'tsx', '-e', writer(id)], { stdio: 'inherit' }).on('exit', resolve));
    expect(await Promise.all([1, 2, 3, 4].map(run))).toEqual([0, 0, 0, 0]);
    expect(Object.keys(readBaselines(file))).toHaveLength(600);
    expect(existsSync(`${file}.lock`)).toBe(false);
    // Again, starting from a lock its holder left behind: all four see it stale at once.
    writeFileSync(`${file}.lock`, '999999999');
    expect(await Promise.all([5, 6, 7, 8].map(run))).toEqual([0, 0, 0, 0]);
    expect(Object.keys(readBaselines(file))).toHaveLength(1200);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.lock.takeover`)).toBe(false);
  }, 60_000);

  test('a lock left by a process that no longer runs is taken over', () => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, '999999999');
    updateBaselines(file, { k: entry(1) });
    expect(readBaselines(file)).toEqual({ k: entry(1) });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  test('a takeover file left by a process killed while deciding is cleared, and the stale lock taken over', () => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.lock`, '999999999');
    writeFileSync(`${file}.lock.takeover`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock.takeover`, old, old);
    updateBaselines(file, { k: entry(1) });
    expect(readBaselines(file)).toEqual({ k: entry(1) });
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.lock.takeover`)).toBe(false);
  });

  test('a corrupt file is an error naming it', () => {
    updateBaselines(file, { x: entry(1) });
    writeFileSync(file, '{ nope');
    expect(() => readBaselines(file)).toThrow(BaselineFileError);
    expect(() => readBaselines(file)).toThrow(`${file}: not valid JSON`);
    writeFileSync(file, JSON.stringify({ x: { value: 1 } }));
    expect(() => readBaselines(file)).toThrow(/entry 'x' is not \{ value: number, band: \[lo, hi\], source: string \}/);
  });
});
