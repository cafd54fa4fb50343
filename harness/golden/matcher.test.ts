/**
 * The matchers called directly with a stand-in for jest's state (update mode, rootDir in a temp
 * folder), so every branch of the update flow runs without starting jest inside jest.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_DEFAULTS } from './defaults';
import { imagesToGrid } from './grid';
import { toMatchGoldenImage, toMatchMetricBaseline } from './matcher';
import { encodePng } from './png';
import { shiftRight, softBlobs } from './test-images';
import type { UpdateMode } from './types';
import type { JestSnapshotState } from './update-mode';
import { readUsage } from './usage';

let root: string;
let usageEnv: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'golden-matcher-'));
  // Keep this file's temp goldens out of the real run's usage record.
  usageEnv = process.env[GOLDEN_DEFAULTS.usageEnv];
  delete process.env[GOLDEN_DEFAULTS.usageEnv];
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  if (usageEnv !== undefined) process.env[GOLDEN_DEFAULTS.usageEnv] = usageEnv;
});

function jestLike(mode: UpdateMode, opts: { isNot?: boolean; testName?: string } = {}) {
  const snapshotState: Partial<JestSnapshotState> = { _updateSnapshot: mode, _rootDir: root, added: 0, updated: 0, matched: 0, unmatched: 0 };
  return {
    isNot: opts.isNot,
    testPath: join(root, 'tests', 'fixture.test.ts'),
    currentTestName: opts.testName ?? expect.getState().currentTestName,
    snapshotState,
    utils: { matcherHint: (name: string) => `expect(image)${name}(name)` },
  };
}

const blobs = softBlobs(4, 11);
const png = encodePng(imagesToGrid(blobs, 2));
const shiftedPng = encodePng(imagesToGrid(shiftRight(blobs, 1), 2));
const golden = () => join(root, 'snapshots', 'fixture', 'grid.png');
const artefact = (kind: string) => join(root, 'reports', 'golden-failures', 'fixture', `grid-${kind}.png`);

describe('toMatchGoldenImage', () => {
  test("a missing golden is written in 'new' mode and counted as added", () => {
    const self = jestLike('new');
    expect(toMatchGoldenImage.call(self, png, 'grid').pass).toBe(true);
    expect(readFileSync(golden()).equals(png)).toBe(true);
    expect(self.snapshotState.added).toBe(1);
  });

  test('CI mode fails on a missing golden, says how to create it, and writes nothing', () => {
    const self = jestLike('none');
    const result = toMatchGoldenImage.call(self, png, 'grid');
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('Golden image \'grid\' is missing: snapshots/fixture/grid.png');
    expect(result.message()).toContain('`npm test -- -u`');
    expect(existsSync(golden())).toBe(false);
    expect(self.snapshotState.unmatched).toBe(1);
  });

  test("a golden gone since an earlier failure takes that failure's images with it (they compared with it)", () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    expect(toMatchGoldenImage.call(jestLike('new'), shiftedPng, 'grid').pass).toBe(false);
    expect(existsSync(artefact('diff'))).toBe(true);
    rmSync(golden());
    expect(toMatchGoldenImage.call(jestLike('none'), png, 'grid').pass).toBe(false);
    expect(['expected', 'actual', 'diff', 'composite'].filter((k) => existsSync(artefact(k)))).toEqual([]);
  });

  test('a matching image passes in every mode and is never rewritten', () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    // A golden one grey level off in one pixel: within tolerance, and not the bytes `png` has.
    const nudged = Float32Array.from(blobs);
    const brightest = nudged.indexOf(Math.max(...nudged));
    nudged[brightest] = nudged[brightest]! - 1 / 255;
    writeFileSync(golden(), encodePng(imagesToGrid(nudged, 2)));
    const before = readFileSync(golden());
    expect(before.equals(png)).toBe(false);
    for (const mode of ['none', 'new', 'all'] as const) expect(toMatchGoldenImage.call(jestLike(mode), png, 'grid').pass).toBe(true);
    expect(readFileSync(golden()).equals(before)).toBe(true);
  });

  test('only a match against an existing golden is stamped as matched; writing one, a mismatch and .not are not', () => {
    const usageFile = join(root, 'usage.jsonl');
    writeFileSync(usageFile, '');
    process.env[GOLDEN_DEFAULTS.usageEnv] = usageFile;
    try {
      toMatchGoldenImage.call(jestLike('new'), png, 'grid'); // written
      toMatchGoldenImage.call(jestLike('none'), shiftedPng, 'grid'); // mismatch
      toMatchGoldenImage.call(jestLike('none', { isNot: true }), shiftedPng, 'grid'); // .not
      toMatchGoldenImage.call(jestLike('none'), png, 'grid'); // match
    } finally {
      delete process.env[GOLDEN_DEFAULTS.usageEnv];
    }
    const kinds = readUsage(usageFile).map((u) => u.kind);
    expect(kinds.filter((k) => k === 'matched')).toHaveLength(1);
    expect(kinds.at(-1)).toBe('matched');
    expect(kinds.filter((k) => k === 'golden')).toHaveLength(4);
  });

  test('a mismatch fails with counts, thresholds and artefact paths, and writes the artefacts', () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    const self = jestLike('none');
    const result = toMatchGoldenImage.call(self, shiftedPng, 'grid');
    expect(result.pass).toBe(false);
    const message = result.message();
    expect(message).toMatch(/Golden image 'grid' does not match snapshots\/fixture\/grid\.png/);
    expect(message).toMatch(/\d+ pixels \(ratio 0\.\d+\) are different; allowed: threshold 0\.003, maxDiffPixelRatio 0\.002 \(= \d+ of \d+ pixels\), includeAA true/);
    for (const kind of ['expected', 'actual', 'diff', 'composite']) {
      expect(message).toContain(`reports/golden-failures/fixture/grid-${kind}.png`);
      expect(existsSync(artefact(kind))).toBe(true);
    }
    expect(readFileSync(artefact('expected')).equals(png)).toBe(true);
    expect(readFileSync(artefact('actual')).equals(shiftedPng)).toBe(true);
    expect(readFileSync(golden()).equals(png)).toBe(true);
    expect(self.snapshotState.unmatched).toBe(1);
  });

  test("'all' mode (-u) overwrites a mismatching golden; a later pass clears old artefacts", () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    toMatchGoldenImage.call(jestLike('new'), shiftedPng, 'grid');
    expect(existsSync(artefact('composite'))).toBe(true);
    const self = jestLike('all');
    expect(toMatchGoldenImage.call(self, shiftedPng, 'grid').pass).toBe(true);
    expect(self.snapshotState.updated).toBe(1);
    expect(readFileSync(golden()).equals(shiftedPng)).toBe(true);
    expect(existsSync(artefact('composite'))).toBe(false);
  });

  test('options loosen the comparison', () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    expect(toMatchGoldenImage.call(jestLike('none'), shiftedPng, 'grid', { maxDiffPixelRatio: 0.5 }).pass).toBe(true);
  });

  test('accepts a grid spec and lays it out itself', () => {
    expect(toMatchGoldenImage.call(jestLike('new'), { images: blobs, columns: 2 }, 'grid').pass).toBe(true);
    expect(readFileSync(golden()).equals(png)).toBe(true);
  });

  test('a corrupt golden fails naming the file; -u replaces it', () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    writeFileSync(golden(), 'not a png');
    const result = toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    expect(result.pass).toBe(false);
    expect(result.message()).toContain(`${golden()}: not a PNG file`);
    expect(toMatchGoldenImage.call(jestLike('all'), png, 'grid').pass).toBe(true);
    expect(readFileSync(golden()).equals(png)).toBe(true);
  });

  test('.not passes when the image differs (a perturbed model), fails when it matches, never writes', () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    expect(toMatchGoldenImage.call(jestLike('new', { isNot: true }), shiftedPng, 'grid').pass).toBe(false);
    const same = toMatchGoldenImage.call(jestLike('new', { isNot: true }), png, 'grid');
    expect(same.pass).toBe(true);
    expect(same.message()).toMatch(/Expected the image to differ from golden 'grid' .* but it matches within threshold 0\.003/);
    expect(() => toMatchGoldenImage.call(jestLike('new', { isNot: true }), png, 'other')).toThrow(/golden 'other' does not exist/);
    expect(existsSync(artefact('diff'))).toBe(false);
  });

  test('.not compares pixels or throws: an unreadable golden or one of another size proves no difference', () => {
    toMatchGoldenImage.call(jestLike('new'), png, 'grid');
    const wider = encodePng(imagesToGrid(blobs, 4));
    expect(() => toMatchGoldenImage.call(jestLike('new', { isNot: true }), wider, 'grid')).toThrow(/golden 'grid' is 62×62 and the image 122×32, so no pixel was compared/);
    writeFileSync(golden(), 'not a png');
    expect(() => toMatchGoldenImage.call(jestLike('new', { isNot: true }), shiftedPng, 'grid')).toThrow(/golden 'grid' cannot be read, so nothing was compared: .*not a PNG file/);
  });

  test('two tests in one file cannot share a golden name', () => {
    expect(toMatchGoldenImage.call(jestLike('new', { testName: 'first' }), png, 'shared').pass).toBe(true);
    expect(toMatchGoldenImage.call(jestLike('new', { testName: 'first' }), png, 'shared').pass).toBe(true);
    const result = toMatchGoldenImage.call(jestLike('new', { testName: 'second' }), png, 'shared');
    expect(result.pass).toBe(false);
    expect(result.message()).toContain("golden 'shared' is already used by test 'first'");
  });

  test('bad input is an error', () => {
    expect(() => toMatchGoldenImage.call(jestLike('new'), 'grid.png', 'grid')).toThrow("toMatchGoldenImage('grid'): expected an encoded PNG (Buffer / Uint8Array) or a grid spec { images: Float32Array, columns: number }, found a String");
    expect(() => toMatchGoldenImage.call(jestLike('new'), { images: new Float64Array(784), columns: 1 }, 'grid')).toThrow(/found an object whose images are a Float64Array and columns a Number$/);
    expect(() => toMatchGoldenImage.call(jestLike('new'), png, 'grid.png')).toThrow(/leave out the \.png/);
    expect(() => toMatchGoldenImage.call(jestLike('new'), Buffer.from('nope'), 'grid')).toThrow(/received image for golden 'grid': not a PNG/);
  });
});

describe('toMatchMetricBaseline', () => {
  const file = () => join(root, 'snapshots', 'metrics.json');
  const stored = () => JSON.parse(readFileSync(file(), 'utf8'));

  test('writes a missing baseline with the band from the confidence interval, merging keys', () => {
    expect(toMatchMetricBaseline.call(jestLike('new', { testName: 'vae fid' }), 12, 'vae.fid', { ci: [11, 13.5] }).pass).toBe(true);
    expect(toMatchMetricBaseline.call(jestLike('new'), 0.2, 'vae.kid', { tolerance: 0.5 }).pass).toBe(true);
    expect(stored()).toEqual({
      'vae.fid': { value: 12, band: [11, 13.5], source: 'tests/fixture.test.ts › vae fid; band: confidence interval' },
      'vae.kid': { value: 0.2, band: [0.1, 0.30000000000000004], source: expect.stringContaining('band: ±50%') },
    });
  });

  test('inside the band passes without rewriting; outside fails naming key, value and band', () => {
    toMatchMetricBaseline.call(jestLike('new'), 12, 'vae.fid', { ci: [11, 13.5] });
    expect(toMatchMetricBaseline.call(jestLike('none'), 13, 'vae.fid', { ci: [12.5, 13.4] }).pass).toBe(true);
    expect(stored()['vae.fid'].value).toBe(12);
    const result = toMatchMetricBaseline.call(jestLike('new'), 14, 'vae.fid', { ci: [13, 15] });
    expect(result.pass).toBe(false);
    expect(result.message()).toContain("metric 'vae.fid' = 14 is above its baseline band [11, 13.5] (baseline 12");
  });

  test('-u rewrites a baseline the value left', () => {
    toMatchMetricBaseline.call(jestLike('new'), 12, 'vae.fid', { ci: [11, 13.5] });
    expect(toMatchMetricBaseline.call(jestLike('all'), 14, 'vae.fid', { ci: [13, 15] }).pass).toBe(true);
    expect(stored()['vae.fid'].band).toEqual([13, 15]);
  });

  test('a band its test no longer asks for fails, and -u re-derives it, even when the value is inside the old band', () => {
    toMatchMetricBaseline.call(jestLike('new'), 10, 'vae.mse', { tolerance: 0.5 });
    const tightened = toMatchMetricBaseline.call(jestLike('none'), 10.2, 'vae.mse', { tolerance: 0.01 });
    expect(tightened.pass).toBe(false);
    const source = `tests/fixture.test.ts › ${expect.getState().currentTestName}; band: ±50%`;
    expect(tightened.message()).toContain(`metric 'vae.mse': its stored band [5, 15] (from ${source}) is not the one its test now asks for, [9.9, 10.1] (band: ±1%)`);
    expect(toMatchMetricBaseline.call(jestLike('all'), 10, 'vae.mse', { tolerance: 0.01 }).pass).toBe(true);
    expect(stored()['vae.mse'].band).toEqual([9.9, 10.1]);
    // A confidence interval is compared only when the value repeated: a moved value brings its own interval.
    toMatchMetricBaseline.call(jestLike('new'), 0.5, 'vae.rate', { ci: [0.375, 0.625] });
    expect(toMatchMetricBaseline.call(jestLike('none'), 0.5, 'vae.rate', { ci: [0.5, 0.5] }).pass).toBe(false);
    expect(toMatchMetricBaseline.call(jestLike('none'), 0.52, 'vae.rate', { ci: [0.51, 0.53] }).pass).toBe(true);
    expect(toMatchMetricBaseline.call(jestLike('none'), 0.5, 'vae.rate', { ci: [0.375, 0.625] }).pass).toBe(true);
  });

  test('CI mode refuses to write a new baseline', () => {
    const result = toMatchMetricBaseline.call(jestLike('none'), 12, 'vae.fid', { ci: [11, 13.5] });
    expect(result.pass).toBe(false);
    expect(result.message()).toContain("metric 'vae.fid' has no baseline in snapshots/metrics.json, and CI mode");
    expect(existsSync(file())).toBe(false);
  });

  test('writing needs a way to derive the band; bad options fail on every run', () => {
    expect(toMatchMetricBaseline.call(jestLike('new'), 12, 'vae.fid').message()).toContain('give { ci: [lo, hi] } or { tolerance }');
    expect(() => toMatchMetricBaseline.call(jestLike('none'), 12, 'vae.fid', { ci: [13, 14] })).toThrow(/does not contain the value 12/);
    expect(toMatchMetricBaseline.call(jestLike('new'), Number.NaN, 'vae.fid', { tolerance: 0.1 }).message()).toContain('expected a finite number, received NaN');
  });
});
