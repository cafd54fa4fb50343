/**
 * The HTML report in a real browser: a report built from synthetic fixture inputs (no checkpoints,
 * no dataset, no TensorFlow) is opened from disk via file:// in Debian's Chromium, as a reader
 * would open reports/index.html, and checked the way the viewer promises to behave.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright';
import { HOSTILE_METRIC, MISSING_WGAN_REASON, writeReportFixtures } from '../fixtures/report-inputs';
import { GOLDEN_DEFAULTS } from '../harness/golden/defaults';
import { decodePng, encodePng } from '../harness/golden/png';
import { buildReport, type BuildResult } from '../harness/report/build';
import { launchChromium, openReport, renderReport, VIEWPORT, watchProblems } from '../harness/report/render';
import { SECTION_ORDER } from '../harness/report/types';

/** Luminance only (Rec. 601 weights): a third of the bytes to commit; colour changes still show as grey changes. */
function toGrayPng(png: Buffer): Buffer {
  const rgba = decodePng(png, 'report screenshot');
  const data = new Uint8Array(rgba.width * rgba.height);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.round(0.299 * rgba.data[i * 4]! + 0.587 * rgba.data[i * 4 + 1]! + 0.114 * rgba.data[i * 4 + 2]!);
  }
  return encodePng({ width: rgba.width, height: rgba.height, channels: 1, data });
}

// Inside the project (git-ignored), so the paths the page shows are the same on every machine.
const WORK = resolve(__dirname, '..', '.cache', 'report-test');

let browser: Browser;
let page: Page;
let problems: string[];
let dialogs: string[];
let report: BuildResult;

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  const inputs = writeReportFixtures(join(WORK, 'in'));
  report = buildReport({ ...inputs, outDir: join(WORK, 'out'), date: '2026-01-01T00:00:00.000Z', commit: 'fixture' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  problems = watchProblems(page);
  dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openReport(page, report.indexPath);
});

afterAll(async () => {
  await browser?.close();
  rmSync(WORK, { recursive: true, force: true });
});

test('renderReport writes a full-page PNG at the viewport width and an A4 PDF, with no page problem', async () => {
  const rendered = await renderReport(report.indexPath, report.outDir);
  expect(rendered.problems).toEqual([]);
  const png = decodePng(readFileSync(rendered.png), rendered.png);
  expect(png.width).toBe(VIEWPORT.width);
  expect(png.height).toBeGreaterThan(3 * VIEWPORT.height);
  const pdf = readFileSync(rendered.pdf, 'latin1');
  expect(pdf.startsWith('%PDF-')).toBe(true);
  expect(Number(/\/Type\s*\/Pages[^>]*\/Count (\d+)/.exec(pdf)?.[1])).toBeGreaterThan(1);
});

test('the page loads from file:// with no console error and no failed request', () => {
  expect(page.url()).toMatch(/^file:\/\//);
  expect(problems).toEqual([]);
});

test('every image loaded', async () => {
  const images = await page.evaluate(() => Array.from(document.images).map((img) => ({ src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth })));
  // 3 + 2 + 2 strips (reconstructions, samples, interpolations), 6 zoom images, 2 golden thumbnails, 1 diff.
  expect(images).toHaveLength(16);
  expect(images.filter((i) => !i.complete || i.width === 0)).toEqual([]);
  expect(images.every((i) => /^assets\//.test(i.src ?? ''))).toBe(true);
});

test('every section is present, in the seed article’s order', async () => {
  const sections = await page.$$eval('section.section', (els) => els.map((e) => ({ id: e.getAttribute('data-section'), title: e.querySelector('h2')?.textContent ?? '' })));
  expect(sections.map((s) => s.id)).toEqual([...SECTION_ORDER]);
  // Each heading is its letter and the title the data gives, then the status badge.
  const headings = sections.map((s) => s.title.slice(0, s.title.lastIndexOf(' ')));
  expect(headings).toEqual(SECTION_ORDER.map((id, i) => `(${String.fromCharCode(97 + i)}) ${report.data.sections[id].title}`));
  // All inputs but the left-out ones exist, so every section has content.
  const statuses = await page.$$eval('section.section', (els) => els.map((e) => e.getAttribute('data-status')));
  expect(statuses.every((s) => s === 'ok')).toBe(true);
});

test('the charts are drawn (no blank canvas)', async () => {
  const inked = await page.$$eval('canvas.chart', (canvases) =>
    canvases.map((c) => {
      const { data } = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return painted / (data.length / 4);
    }),
  );
  // VAE and DCGAN curves, and the α sweep's quality and MSE logs (the summary is missing).
  expect(inked).toHaveLength(4);
  for (const share of inked) expect(share).toBeGreaterThan(0.01);
});

test('a missing input shows its reason in place', async () => {
  const summary = await page.textContent('#alpha-summary .missing');
  expect(summary).toContain('summary.json does not exist');
  const wganCurve = await page.textContent('#section-curves [data-model="wgan-gp"] .missing-reason');
  expect(wganCurve).toContain('wgan-gp/log.jsonl does not exist');
  const rowReasons = await page.$$eval('#section-samples .image-row[data-status="missing"] .missing-reason', (els) => els.map((e) => e.textContent));
  expect(rowReasons).toEqual([MISSING_WGAN_REASON]);
  const check = await page.textContent('#section-curves table.checks');
  expect(check).toContain('WGAN-GP log missing');
});

test("the claims summary counts a missing section's claims as not decidable", async () => {
  const inputs = writeReportFixtures(join(WORK, 'in-no-metrics'));
  const failed = buildReport({ ...inputs, metricsFailure: 'evaluation failed: no dataset', outDir: join(WORK, 'out-no-metrics'), date: '2026-01-01T00:00:00.000Z', commit: 'fixture' });
  const other = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await openReport(other, failed.indexPath);
  // The fixture's loss claims cannot be decided either (too few quality points, no WGAN-GP log).
  expect(await other.textContent('.claims-summary')).toBe(`Claims: 0 passed, 0 failed, ${report.data.claimCount} not decidable.`);
  expect(report.data.claimCount).toBe(13);
  await other.close();
});

test('the golden diff viewer switches images', async () => {
  const failure = page.locator('.golden-failure[data-golden="report-fixture/sandal"]');
  const shown = failure.locator('img.diff-image');
  expect(await shown.getAttribute('src')).toMatch(/sandal-diff\.png$/);
  await failure.locator('button[data-tab="actual"]').click();
  expect(await shown.getAttribute('src')).toMatch(/sandal-actual\.png$/);
  expect(await failure.locator('button[data-tab="actual"]').getAttribute('aria-selected')).toBe('true');
  await failure.locator('button[data-tab="expected"]').click();
  expect(await shown.getAttribute('src')).toMatch(/sandal-expected\.png$/);
  await failure.locator('button[data-tab="slider"]').click();
  const range = failure.locator('input[type="range"]');
  await range.fill('20');
  expect(await failure.locator('.slider-clip').evaluate((e) => (e as HTMLElement).style.width)).toBe('20%');
  await failure.locator('button[data-tab="composite"]').click();
  expect(await shown.getAttribute('src')).toMatch(/sandal-composite\.png$/);
  await failure.locator('button[data-tab="diff"]').click();
  expect(problems).toEqual([]);
});

test('the bench table gives each native step’s ratio to PyTorch with its 95 % interval and the range of its paired rounds; the goals, the figure each judged and its verdict', async () => {
  const cells = await page.$$eval('#section-bench table:not(.profile) tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  const peerColumn = (task: string, backend: string) => cells.find((row) => row[0] === task && row[1] === backend)?.[6];
  expect(peerColumn('train-step/vae', 'tensorflow')).toBe('1.40× (95 % 1.30–1.50; rounds 1.20–1.60)');
  expect(peerColumn('train-step/dcgan', 'tensorflow')).toBe('2.10× (rounds 1.90–2.40)');
  expect(peerColumn('sample/dcgan', 'wasm')).toBe('–');
  const goals = await page.$$eval('#section-bench table.compact tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  expect(goals).toEqual([
    ['train-step/vae: p50 ≤ 22 ms', 'tensorflow', '70.0 ms', 'failed'],
    ["train-step/vae: no slower than PyTorch CPU (paired ratio's 95 % interval ≤ 1)", 'tensorflow', '1.40× (95 % 1.30–1.50)', 'failed'],
    ["train-step/dcgan: no slower than PyTorch CPU (paired ratio's 95 % interval ≤ 1)", 'tensorflow', '2.10× (no interval: under 6 rounds)', 'not decidable'],
  ]);
});

test('the bench section lists where profiled tasks spend their time', async () => {
  const rows = await page.$$eval('#section-bench table.profile tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
  expect(rows).toEqual([['train-step/vae', 'tensorflow', '72.5', '61.3 (84.5 %)', '178', '11.3 (15.5 %)', 'Conv2D 9.50 × 4, Mul 4.25 × 26']]);
});

test('data is shown as text, never as markup', async () => {
  const cells = await page.$$eval('#section-metrics td, #section-metrics dt', (els) => els.map((e) => e.textContent ?? ''));
  expect(cells.some((t) => t.includes(HOSTILE_METRIC))).toBe(true);
  expect(await page.$$('img[src="x"]')).toHaveLength(0);
  expect(dialogs).toEqual([]);
});

test('the embedded data is exactly report.json', async () => {
  const embedded = await page.evaluate(() => JSON.parse(document.getElementById('report-data')!.textContent!));
  expect(embedded).toEqual(JSON.parse(readFileSync(report.jsonPath, 'utf8')));
});

test('layout golden of the whole page', async () => {
  // Half scale keeps the golden small; versions differ between machines, so they are masked.
  const small = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 0.5 });
  try {
    await openReport(small, report.indexPath);
    const png = await small.screenshot({ fullPage: true, animations: 'disabled', mask: [small.locator('#section-environment .env-grid > div:nth-child(2)')] });
    expect(toGrayPng(png)).toMatchGoldenImage('report-page', { threshold: GOLDEN_DEFAULTS.derivedThreshold, maxDiffPixels: GOLDEN_DEFAULTS.pageMaxDiffPixels });
  } finally {
    await small.close();
  }
});
