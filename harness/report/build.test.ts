/** The report builder without a browser: every bad input becomes a reason, claims decide as stated. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReportFixtures } from '../../fixtures/report-inputs';
import { sha256 } from '../../models/checksum';
import { encodePng } from '../golden/png';
import { readBench } from './bench';
import { buildReport, collectReport, jsonForScript } from './build';
import { lossClaims, spearman, spearmanInterval, stepLogToSeries } from './curves';
import { collectGoldens } from './goldens';
import { unloadableCheckpoint } from './images';
import { readJson } from './inputs';
import { claimChecks, readMetrics, REAL } from './metrics';
import type { MetricRow, ModelCurves } from './types';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-build-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('absent, empty and malformed JSON each give a reason naming the file', () => {
  const path = join(dir, 'x.json');
  expect(readJson(path, 'run X')).toEqual({ status: 'missing', reason: expect.stringMatching(/x\.json does not exist; run X/) });
  writeFileSync(path, '');
  expect(readJson(path, 'run X')).toMatchObject({ status: 'missing', reason: expect.stringContaining('is empty') });
  writeFileSync(path, '{"a":');
  expect(readJson(path, 'run X')).toMatchObject({ status: 'missing', reason: expect.stringContaining('not valid JSON') });
});

test('a document of another schema is reported, not guessed at', () => {
  const bench = join(dir, 'bench.json');
  writeFileSync(bench, JSON.stringify({ schema: 'vae-vs-gan/bench@0', tasks: [] }));
  expect(readBench(bench)).toMatchObject({ status: 'missing', reason: expect.stringContaining('schema') });
  const metrics = join(dir, 'metrics.json');
  writeFileSync(metrics, JSON.stringify({ schema: 'other', metrics: {} }));
  expect(readMetrics(metrics)).toMatchObject({ status: 'missing', reason: expect.stringContaining('vae-vs-gan/evaluation@1') });
});

test('with no images and no files every section but the environment is missing, with a reason', () => {
  const { data, assets } = collectReport({
    images: { status: 'missing', reason: 'no backend' },
    metricsPath: join(dir, 'none.json'), benchPath: join(dir, 'none.json'), checkpointsDir: join(dir, 'ck'),
    alphaSweepDir: join(dir, 'sweep'), snapshotsDir: join(dir, 'snap'), goldenFailuresDir: join(dir, 'fail'), date: 'd', commit: 'c',
  });
  for (const [id, s] of Object.entries(data.sections)) {
    if (id === 'environment') expect(s.status).toBe('ok');
    else expect(s).toMatchObject({ status: 'missing', reason: expect.any(String) });
  }
  expect(data.sections.samples).toMatchObject({ reason: 'no backend' });
  expect([...assets.keys()]).toEqual([]);
});

test('the fixture report has every section, and the left-out inputs as missing rows', () => {
  const { data, assets } = collectReport({ ...writeReportFixtures(dir), date: 'd', commit: 'c' });
  expect(Object.values(data.sections).every((s) => s.status === 'ok')).toBe(true);
  const curves = data.sections.curves;
  if (curves.status !== 'ok') throw new Error('curves missing');
  expect(curves.data.alphaSweep.status).toBe('missing');
  expect(curves.data.models.find((m) => m.model === 'wgan-gp')?.status).toBe('missing');
  expect(curves.data.checks.map((c) => c.status)).toEqual(['missing', 'missing', 'missing']);
  expect([...assets.keys()].every((k) => /^[a-z0-9][a-z0-9._-]*\.png$/i.test(k))).toBe(true);
});

test('a missing checkpoint folder asks for training; a partial one names the file that failed', () => {
  const absent = join(dir, 'no-such-checkpoint');
  expect(unloadableCheckpoint('vae', absent, new Error('manifest.json: missing'))).toMatch(/^no VAE checkpoint in .*no-such-checkpoint; train and publish it/);
  const partial = join(dir, 'partial-vae');
  mkdirSync(partial, { recursive: true });
  expect(unloadableCheckpoint('vae', partial, new Error(`${partial}/decoder.weights.bin: missing`))).toBe(`VAE checkpoint cannot be loaded: ${partial}/decoder.weights.bin: missing`);
});

test('JSON embedded in a script cannot close it', () => {
  const text = jsonForScript({ name: '</script><script>alert(1)</script>', sep: '\u2028' });
  expect(text).not.toContain('</script');
  expect(text).not.toContain('\u2028');
  expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script>', sep: '\u2028' });
});

test('Spearman ρ: monotone, reversed, ties, too few', () => {
  expect(spearman([1, 2, 3, 4], [10, 20, 30, 400])).toBeCloseTo(1);
  expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
  expect(spearman([1, 1, 2, 3], [1, 1, 2, 3])).toBeCloseTo(1);
  expect(spearman([1, 2], [1, 2])).toBeNaN();
});

test('Spearman ρ interval (Fisher z, SE 1.03/√(n − 3)): ρ 0.5 over 28 points is [0.145, 0.741]', () => {
  const [lo, hi] = spearmanInterval({ series: 'x', spearman: 0.5, n: 28 });
  expect(lo).toBeCloseTo(0.1445, 3);
  expect(hi).toBeCloseTo(0.7412, 3);
});

test('loss claims are decided on intervals: passed inside, failed outside, not decidable across the bound', () => {
  const curves = (dcgan: [number, number], wgan: [number, number]): ModelCurves[] => [
    { model: 'dcgan', label: 'DCGAN', status: 'ok', steps: 1, bucket: 1, series: [], tracking: [{ series: 'g_loss', spearman: dcgan[0], n: dcgan[1] }] },
    { model: 'wgan-gp', label: 'WGAN-GP', status: 'ok', steps: 1, bucket: 1, series: [], tracking: [{ series: 'wasserstein', spearman: wgan[0], n: wgan[1] }] },
  ];
  const statuses = (dcgan: [number, number], wgan: [number, number]) => lossClaims(curves(dcgan, wgan), 0.5).map((c) => c.status);
  // ρ −0.33 over 12 points: [−0.77, 0.32] straddles −0.5; 0.92 over 12: [0.72, 0.98]; z − |z| = 1.24 ± 0.95.
  expect(statuses([-0.33, 12], [0.92, 12])).toEqual(['missing', 'passed', 'passed']);
  expect(statuses([0.05, 200], [0.2, 100])).toEqual(['passed', 'failed', 'missing']);
  expect(statuses([0.9, 30], [0.1, 30])).toEqual(['failed', 'failed', 'failed']);
  // A DCGAN loss that tracks quality strongly, inversely, is informative: the WGAN-GP does not beat it.
  expect(statuses([-0.9, 30], [0.6, 30])).toEqual(['failed', 'missing', 'failed']);
  // Too few quality points to decide anything (a perfect ρ over 4 points included); 10 are enough.
  expect(statuses([1, 4], [1, 9])).toEqual(['missing', 'missing', 'missing']);
  expect(statuses([0, 10], [1, 10]).slice(1)).toEqual(['passed', 'passed']);
  const [uninformative] = lossClaims(curves([-0.33, 12], [0.92, 12]), 0.5);
  expect(uninformative!.detail).toMatch(/ρ = -0\.33 \[-0\.77, 0\.32\] over 12 quality points: the interval straddles/);
});

test('curves are bucketed to at most the point budget; quality points are kept as logged', () => {
  const records = Array.from({ length: 1000 }, (_, step) => ({ step, values: { loss: step }, quality: step % 100 === 99 ? step : undefined }));
  const { bucket, series } = stepLogToSeries(records, 300);
  expect(bucket).toBe(4);
  expect(series.find((s) => s.name === 'loss')!.points.length).toBeLessThanOrEqual(300);
  expect(series.find((s) => s.name === 'quality')!.points).toHaveLength(10);
});

test('claims pass with the intervals apart the claimed way, fail apart the other way, and cannot tell when they overlap', () => {
  const row = (metric: string, subject: string, value: number, lo: number, hi: number): MetricRow => ({ metric, subject, value, interval: [lo, hi] });
  const checks = (rows: MetricRow[]) => Object.fromEntries(claimChecks(rows).map((c) => [c.id, c.status]));
  expect(checks([row('laplacianVariance', 'DCGAN', 0.07, 0.06, 0.08), row('laplacianVariance', 'VAE', 0.02, 0.01, 0.03)])['dcgan-sharper-than-vae']).toBe('passed');
  expect(checks([row('laplacianVariance', 'DCGAN', 0.07, 0.02, 0.08), row('laplacianVariance', 'VAE', 0.03, 0.01, 0.04)])['dcgan-sharper-than-vae']).toBe('missing');
  expect(checks([row('laplacianVariance', 'DCGAN', 0.01, 0.0, 0.02), row('laplacianVariance', 'VAE', 0.03, 0.025, 0.035)])['dcgan-sharper-than-vae']).toBe('failed');
  expect(checks([row('classFlipRate', REAL, 0.01, 0.005, 0.015)])['vae-swaps-sneaker-sandal']).toBe('missing');
  const blurry = (ratioToReal: number, ratioInterval: [number, number]) => checks([{ ...row('laplacianVariance', 'VAE', 0.02, 0.01, 0.03), ratioToReal, ratioInterval }])['vae-samples-blurry'];
  expect(blurry(0.2, [0.1, 0.3])).toBe('passed');
  expect(blurry(0.2, [0.1, 1.1])).toBe('missing');
  expect(blurry(1.5, [1.2, 1.8])).toBe('failed');
  // An interval that leaves out its own value (a biased statistic) decides nothing.
  expect(blurry(1.05, [0.5, 0.9])).toBe('missing');
  expect(checks([row('laplacianVariance', 'DCGAN', 0.02, 0.06, 0.08), row('laplacianVariance', 'VAE', 0.03, 0.01, 0.04)])['dcgan-sharper-than-vae']).toBe('missing');
});

test("a claim's detail prints the compared interval ends, and each value against its ends, in their true order", () => {
  const detail = (rows: MetricRow[], id: string) => claimChecks(rows).find((c) => c.id === id)!;
  const blurry = detail([{ metric: 'laplacianVariance', subject: 'VAE', value: 0.02, interval: [0.01, 0.03], ratioToReal: 0.9996, ratioInterval: [0.9991, 0.99985] }], 'vae-samples-blurry');
  expect(blurry).toMatchObject({ status: 'passed', detail: 'VAE / real = 0.9996 [0.9991, 0.9999]' });
  const sharper = detail([
    { metric: 'laplacianVariance', subject: 'DCGAN', value: 0.07, interval: [0.06054, 0.08] },
    { metric: 'laplacianVariance', subject: 'VAE', value: 0.02, interval: [0.01, 0.06046] },
  ], 'dcgan-sharper-than-vae');
  // At 3 digits both ends print 0.0605.
  expect(sharper).toMatchObject({ status: 'passed', detail: 'DCGAN 0.07000 [0.06054, 0.08000] vs VAE 0.02000 [0.01000, 0.06046]' });
  const insideItsInterval = detail([
    { metric: 'laplacianVariance', subject: 'DCGAN', value: 0.06004, interval: [0.06002, 0.08] },
    { metric: 'laplacianVariance', subject: 'VAE', value: 0.02, interval: [0.01, 0.03] },
  ], 'dcgan-sharper-than-vae');
  expect(insideItsInterval.detail).toBe('DCGAN 0.06004 [0.06002, 0.08000] vs VAE 0.02000 [0.01000, 0.03000]');
});

test('a claim without an interval is not decidable, however far apart the values', () => {
  const checks = (rows: MetricRow[]) => Object.fromEntries(claimChecks(rows).map((c) => [c.id, c.status]));
  expect(checks([{ metric: 'laplacianVariance', subject: 'DCGAN', value: 9 }, { metric: 'laplacianVariance', subject: 'VAE', value: 0.01, interval: [0, 0.02] }])['dcgan-sharper-than-vae']).toBe('missing');
  // A ratio the report fills in from two values (no ratio interval in metrics.json).
  expect(checks([{ metric: 'laplacianVariance', subject: 'VAE', value: 0.01, interval: [0.005, 0.02], ratioToReal: 0.1 }])['vae-samples-blurry']).toBe('missing');
});

test('goldens: failed with newer failure images, passed only when a test matched their current content, else unknown', () => {
  const snaps = join(dir, 'snapshots', 'a');
  const fails = join(dir, 'failures', 'a');
  mkdirSync(snaps, { recursive: true });
  mkdirSync(fails, { recursive: true });
  for (const name of ['old', 'new', 'ok', 'never', 'rewritten']) writeFileSync(join(snaps, `${name}.png`), name);
  for (const name of ['old', 'new']) writeFileSync(join(fails, `${name}-diff.png`), 'x');
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(join(fails, 'old-diff.png'), past, past);
  utimesSync(join(snaps, 'new.png'), past, past);
  // ok matched with the content it holds; rewritten matched with other content (a checkout, -u, a copy
  // keeping old file times: whatever its mtime says); never not at all.
  const compared = { 'a/ok.png': { sha256: sha256(Buffer.from('ok')), at: 't' }, 'a/rewritten.png': { sha256: sha256(Buffer.from('before')), at: 't' } };
  utimesSync(join(snaps, 'rewritten.png'), past, past);
  writeFileSync(join(dir, 'failures', 'compared.json'), JSON.stringify(compared));
  const states = Object.fromEntries(collectGoldens(join(dir, 'snapshots'), join(dir, 'failures')).map((g) => [g.name, g.status]));
  expect(states).toEqual({ new: 'failed', ok: 'passed', old: 'unknown', never: 'unknown', rewritten: 'unknown' });
});

test('goldens whose names fold to one slug (a_b, a-b) each keep their image', () => {
  const inputs = writeReportFixtures(dir);
  const png = encodePng({ width: 2, height: 2, channels: 4, data: new Uint8Array(16).fill(255) });
  mkdirSync(join(inputs.snapshotsDir, 'clash'), { recursive: true });
  for (const name of ['a_b', 'a-b', 'A-B']) writeFileSync(join(inputs.snapshotsDir, 'clash', `${name}.png`), png);
  const { data } = collectReport({ ...inputs, date: 'd', commit: 'c' });
  const goldens = data.sections.goldens;
  if (goldens.status !== 'ok') throw new Error('goldens missing');
  const clash = goldens.data.entries.filter((e) => e.testFile === 'clash');
  expect(clash.map((e) => e.name).sort()).toEqual(['A-B', 'a-b', 'a_b']);
  const sources = clash.map((e) => e.snapshot?.src);
  expect(sources.every(Boolean)).toBe(true);
  expect(new Set(sources).size).toBe(3);
});

test("golden 'x-diff' and the diff image of golden 'x' each keep their image; only failed goldens carry failure images", () => {
  const inputs = writeReportFixtures(dir);
  const png = encodePng({ width: 2, height: 2, channels: 4, data: new Uint8Array(16).fill(255) });
  const failures = join(inputs.goldenFailuresDir, 'clash');
  mkdirSync(join(inputs.snapshotsDir, 'clash'), { recursive: true });
  mkdirSync(failures, { recursive: true });
  const past = new Date(Date.now() - 3_600_000);
  for (const name of ['x', 'x-diff', 'never']) {
    writeFileSync(join(inputs.snapshotsDir, 'clash', `${name}.png`), png);
    utimesSync(join(inputs.snapshotsDir, 'clash', `${name}.png`), past, past);
  }
  writeFileSync(join(failures, 'x-diff.png'), png);
  const { data, assets } = collectReport({ ...inputs, date: 'd', commit: 'c' });
  const goldens = data.sections.goldens;
  if (goldens.status !== 'ok') throw new Error('goldens missing');
  const byName = Object.fromEntries(goldens.data.entries.filter((e) => e.testFile === 'clash').map((e) => [e.name, e]));
  expect([byName.x?.status, byName['x-diff']?.status, byName.never?.status]).toEqual(['failed', 'unknown', 'unknown']);
  const sources = [byName.x?.snapshot?.src, byName.x?.failure?.diff?.src, byName['x-diff']?.snapshot?.src];
  expect(sources.every((s) => s !== undefined && assets.has(s.replace(/^assets\//, '')))).toBe(true);
  expect(new Set(sources).size).toBe(3);
  expect([byName['x-diff']?.failure, byName.never?.failure]).toEqual([undefined, undefined]);
});

test('metrics scored on another checkpoint than the report shows (a --skip-evaluate after retraining) are missing, saying which', () => {
  const inputs = writeReportFixtures(dir);
  const doc = JSON.parse(readFileSync(inputs.metricsPath, 'utf8'));
  const manifestSha = (kind: string) => sha256(readFileSync(join(inputs.checkpointsDir, kind, 'manifest.json')));
  doc.checkpoints.vae.manifestSha256 = manifestSha('vae');
  doc.checkpoints.dcgan = { ...doc.checkpoints.dcgan, step: 50, manifestSha256: manifestSha('dcgan') };
  writeFileSync(inputs.metricsPath, JSON.stringify(doc));
  const section = () => collectReport({ ...inputs, date: 'd', commit: 'c' }).data.sections.metrics;
  expect(section().status).toBe('ok');
  doc.checkpoints.dcgan.manifestSha256 = '0'.repeat(64);
  writeFileSync(inputs.metricsPath, JSON.stringify(doc));
  const stale = section();
  expect(stale.status).toBe('missing');
  expect(stale.status === 'missing' && stale.reason).toMatch(/metrics\.json scored other checkpoints than the report shows: dcgan \(scored at step 50; .*dcgan\/manifest\.json is now another checkpoint, step 900\); run `npm run evaluate`/);
  // A manifest that cannot be read is a reason too, not a build that throws.
  rmSync(join(inputs.checkpointsDir, 'vae', 'manifest.json'));
  mkdirSync(join(inputs.checkpointsDir, 'vae', 'manifest.json'));
  const unreadable = section();
  expect(unreadable.status === 'missing' && unreadable.reason).toMatch(/: vae \(scored at step \?; .*vae\/manifest\.json cannot be read \(Error: EISDIR/);
});

test('a rebuild removes the assets the new page does not use, only after writing it; a build that fails before that leaves the old page whole', () => {
  const inputs = writeReportFixtures(dir);
  const png = encodePng({ width: 2, height: 2, channels: 4, data: new Uint8Array(16).fill(255) });
  mkdirSync(join(inputs.snapshotsDir, 'extra'), { recursive: true });
  writeFileSync(join(inputs.snapshotsDir, 'extra', 'gone.png'), png);
  const outDir = join(dir, 'out');
  const sources = (html: string) => [...html.matchAll(/"src":"assets\/([^"]+)"/g)].map((m) => m[1]!);
  const first = buildReport({ ...inputs, outDir, date: 'd', commit: 'c' });
  const firstHtml = readFileSync(first.indexPath, 'utf8');
  const extra = sources(firstHtml).find((s) => s.startsWith('golden-extra'));
  expect(extra).toBeDefined();
  rmSync(join(inputs.snapshotsDir, 'extra'), { recursive: true });
  // The new page cannot be written: the old one keeps every file it refers to.
  jest.isolateModules(() => {
    jest.doMock('../../models/atomic-write', () => {
      const actual = jest.requireActual<typeof import('../../models/atomic-write')>('../../models/atomic-write');
      return { ...actual, writeFileAtomically: (path: string, content: string | Buffer) => {
        if (path.endsWith('index.html')) throw new Error('ENOSPC: no space left on device');
        actual.writeFileAtomically(path, content);
      } };
    });
    const { buildReport: build } = require('./build') as typeof import('./build');
    expect(() => build({ ...inputs, outDir, date: 'd', commit: 'c' })).toThrow('ENOSPC');
  });
  jest.dontMock('../../models/atomic-write');
  expect(readFileSync(first.indexPath, 'utf8')).toBe(firstHtml);
  expect(sources(firstHtml).filter((s) => !existsSync(join(outDir, 'assets', s)))).toEqual([]);
  // A build that completes removes what only the old page used, but not another build's file in flight.
  const inFlight = join(outDir, 'assets', 'viewer.js.4242-abc.tmp');
  writeFileSync(inFlight, 'x');
  const second = buildReport({ ...inputs, outDir, date: 'd', commit: 'c' });
  expect(existsSync(join(outDir, 'assets', extra!))).toBe(false);
  expect(existsSync(inFlight)).toBe(true);
  expect(sources(readFileSync(second.indexPath, 'utf8')).filter((s) => !existsSync(join(outDir, 'assets', s)))).toEqual([]);
});
