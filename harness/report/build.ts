/**
 * The report builder: collects every input into one `ReportData` (types.ts), writes it as
 * <out>/report.json, the PNGs it references under <out>/assets/, the viewer's script and styles and
 * Chart.js beside them, and <out>/index.html with the data embedded (a page opened from file://
 * cannot fetch report.json). Nothing here needs TensorFlow: images arrive as plain pixel arrays
 * (images.ts makes them from the checkpoints; tests pass synthetic ones).
 *
 * Every file is written to a temporary name and renamed; assets the new page no longer uses are
 * removed only after it is in place, so every file a page refers to exists.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { isTemporaryName, writeFileAtomically } from '../../models/atomic-write';
import { readBench } from './bench';
import { buildCurves, lossClaims } from './curves';
import { PROJECT_ROOT, REPORT_DEFAULTS } from './defaults';
import { buildEnvironment, type EnvironmentInputs } from './environment';
import { collectGoldens, goldensMissingReason } from './goldens';
import { displayPath, missing } from './inputs';
import { claimChecks, readMetrics } from './metrics';
import { encodeCrop, encodeGrid, encodeWithBox, type Crop } from './png';
import {
  REPORT_FORMAT,
  REPORT_VERSION,
  type GoldenEntry,
  type GoldensData,
  type ImageRef,
  type ImageRow,
  type ImageRowsData,
  type Maybe,
  type MetricRow,
  type ReportData,
  type Section,
  type SectionHead,
  type TileLabel,
  type ZoomData,
} from './types';

// ─── Inputs ──────────────────────────────────────────────────────────────────────────────────

/** `count` images of 28×28, row-major, values in [0, 1], with optional captions per tile. */
export interface ImageBatch {
  pixels: Float32Array;
  count: number;
  labels?: TileLabel[];
}

export type ImageRowInput = { label: string; note?: string } & Maybe<{ batch: ImageBatch }>;
export type ZoomInput = { label: string } & Maybe<{ image: Float32Array }>;

/** The pictures of sections (a)–(d); images.ts makes them from the checkpoints. */
export interface ImageInputs {
  /** Originals first, then the VAE reconstructions and GAN inversions of the same test images. */
  reconstructions: ImageRowInput[];
  /** One row per model, column k from the same latent z_k. */
  samples: ImageRowInput[];
  /** One row per model between the same two latents. */
  interpolations: ImageRowInput[];
  /** One original, one VAE sample, one GAN sample. */
  zoom: ZoomInput[];
  /** Metric rows measured while making the images (sharpness of VAE reconstructions). */
  measurements?: MetricRow[];
  /** What the images were made from, for the section heads. */
  sources: string[];
  seeds: Array<{ what: string; seed: number }>;
  /** The TensorFlow.js backend that made them. */
  backend?: EnvironmentInputs['backend'];
}

export interface BuildOptions {
  outDir?: string;
  metricsPath?: string;
  benchPath?: string;
  checkpointsDir?: string;
  alphaSweepDir?: string;
  snapshotsDir?: string;
  goldenFailuresDir?: string;
  /** The pictures, or why there are none (e.g. TensorFlow.js could not load). */
  images: Maybe<ImageInputs>;
  /** Set when this run's evaluation failed: the metrics section says so instead of showing an older metrics.json. */
  metricsFailure?: string;
  tileScale?: number;
  tileGap?: number;
  zoomCrop?: Crop & { scale: number };
  zoomFullScale?: number;
  maxCurvePoints?: number;
  trackingThreshold?: number;
  /** Pin the date and commit (tests, reproducible goldens). */
  date?: string;
  commit?: string;
}

export interface BuildResult {
  outDir: string;
  indexPath: string;
  jsonPath: string;
  url: string;
  data: ReportData;
}

// ─── Assets ──────────────────────────────────────────────────────────────────────────────────

/** Files for assets/, collected in memory, then written (buildReport). */
class AssetSet {
  readonly files = new Map<string, Buffer | string>();

  add(name: string, content: Buffer | string): string {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) throw new RangeError(`asset name '${name}': letters, digits, '.', '_', '-' only`);
    if (this.files.has(name)) throw new RangeError(`asset '${name}' added twice`);
    this.files.set(name, content);
    return `assets/${name}`;
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

// ─── Sections ────────────────────────────────────────────────────────────────────────────────

function section<T extends object>(head: SectionHead, content: Maybe<{ data: T }>): Section<T> {
  return { ...head, ...content };
}

/** Distinct reasons, one line each, labelled when there is more than one. */
function joinReasons(items: Array<{ label: string; reason: string }>): string {
  const distinct = [...new Set(items.map((i) => i.reason))];
  if (distinct.length <= 1) return distinct[0] ?? '';
  return items.filter((i, k) => items.findIndex((j) => j.reason === i.reason) === k).map((i) => `${i.label}: ${i.reason}`).join('\n');
}

/** A section whose every row is missing is itself missing, with the rows' distinct reasons. */
function imageRowsSection(head: SectionHead, rows: ImageRow[], caption: string): Section<ImageRowsData> {
  if (rows.length > 0 && rows.every((r) => r.status === 'missing')) {
    return section(head, missing(joinReasons(rows.map((r) => ({ label: r.label, reason: r.status === 'missing' ? r.reason : '' })))));
  }
  if (rows.length === 0) return section(head, missing('no image rows were produced.'));
  return section(head, { status: 'ok', data: { caption, rows } });
}

function encodeRows(assets: AssetSet, prefix: string, inputs: ImageRowInput[], o: { scale: number; gap: number }): ImageRow[] {
  return inputs.map((row): ImageRow => {
    if (row.status === 'missing') return { label: row.label, note: row.note, status: 'missing', reason: row.reason };
    const { batch } = row;
    const grid = encodeGrid(batch.pixels, batch.count, { cols: batch.count, scale: o.scale, gap: o.gap });
    const src = assets.add(`${prefix}-${slug(row.label)}.png`, grid.png);
    return {
      label: row.label,
      note: row.note,
      status: 'ok',
      image: { src, width: grid.width, height: grid.height, alt: `${row.label}: ${batch.count} images`, rows: grid.rows, cols: grid.cols, tile: grid.tile, gap: grid.gap },
      tileLabels: batch.labels,
    };
  });
}

function zoomSection(head: SectionHead, assets: AssetSet, inputs: ZoomInput[], crop: Crop & { scale: number }, fullScale: number): Section<ZoomData> {
  const panels = inputs.map((p) => {
    if (p.status === 'missing') return { label: p.label, image: missing(p.reason) };
    const full = encodeWithBox(p.image, crop, fullScale);
    const cropped = encodeCrop(p.image, crop, crop.scale);
    const name = slug(p.label);
    const fullRef: ImageRef = { src: assets.add(`zoom-${name}-full.png`, full.png), width: full.width, height: full.height, alt: `${p.label}, whole image with the crop outlined` };
    const cropRef: ImageRef = { src: assets.add(`zoom-${name}-crop.png`, cropped.png), width: cropped.width, height: cropped.height, alt: `${p.label}, crop at ${crop.scale}×` };
    return { label: p.label, image: { status: 'ok' as const, full: fullRef, crop: cropRef } };
  });
  if (panels.length === 0 || panels.every((p) => p.image.status === 'missing')) {
    return section(head, missing(joinReasons(panels.map((p) => ({ label: p.label, reason: p.image.status === 'missing' ? p.image.reason : '' }))) || 'no images to zoom into.'));
  }
  const caption =
    `Rows ${crop.y}–${crop.y + crop.size - 1}, columns ${crop.x}–${crop.x + crop.size - 1} of each 28×28 image, ` +
    `every pixel drawn as a ${crop.scale}×${crop.scale} square (no smoothing): a blurry image has soft ramps between neighbouring squares, a sharp one hard steps.`;
  return section(head, { status: 'ok', data: { caption, crop, panels } });
}

function goldensSection(head: SectionHead, assets: AssetSet, snapshotsDir: string, failuresDir: string): Section<GoldensData> {
  const absent = goldensMissingReason(snapshotsDir, failuresDir);
  if (absent) return section(head, missing(absent));
  const files = collectGoldens(snapshotsDir, failuresDir);
  if (files.length === 0) return section(head, missing(`${displayPath(snapshotsDir)} holds no goldens; run \`npm test\` to write them.`));
  const ref = (path: string, alt: string, prefix: string): ImageRef | undefined => {
    let png: Buffer;
    try {
      png = readFileSync(path);
    } catch {
      return undefined;
    }
    // PNG IHDR: width and height are big-endian at bytes 16 and 20.
    if (png.length < 24 || png.toString('ascii', 1, 4) !== 'PNG') return undefined;
    return { src: assets.add(`${prefix}.png`, png), width: png.readUInt32BE(16), height: png.readUInt32BE(20), alt };
  };
  // Slugs fold case and punctuation ('a_b' and 'a-b' meet), and golden 'x-diff' meets the diff of golden 'x':
  // a repeated name gets a number, so no golden loses its images.
  const taken = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return id;
  };
  const entries: GoldenEntry[] = files.map((g) => {
    const id = uniqueId(`golden-${slug(g.testFile)}--${slug(g.name)}`);
    const entry: GoldenEntry = { testFile: g.testFile, name: g.name, status: g.status, detail: g.detail };
    if (g.snapshot) entry.snapshot = ref(g.snapshot, `golden ${g.testFile}/${g.name}`, id);
    if (g.status === 'failed') {
      entry.failure = {};
      for (const [kind, path] of Object.entries(g.failure)) {
        const image = ref(path, `${g.testFile}/${g.name}: ${kind}`, uniqueId(`${id}-${kind}`));
        if (image) entry.failure[kind as keyof NonNullable<GoldenEntry['failure']>] = image;
      }
    }
    return entry;
  });
  const counts = { passed: 0, failed: 0, unknown: 0 };
  for (const e of entries) counts[e.status]++;
  return section(head, { status: 'ok', data: { entries, counts } });
}

// ─── The whole report ────────────────────────────────────────────────────────────────────────

export interface Collected {
  data: ReportData;
  assets: Map<string, Buffer | string>;
}

/** Reads every input and encodes every image; writes nothing. */
export function collectReport(o: BuildOptions): Collected {
  const d = REPORT_DEFAULTS;
  const paths = {
    metrics: o.metricsPath ?? d.metricsPath,
    bench: o.benchPath ?? d.benchPath,
    checkpoints: o.checkpointsDir ?? d.checkpointsDir,
    alphaSweep: o.alphaSweepDir ?? d.alphaSweepDir,
    snapshots: o.snapshotsDir ?? d.snapshotsDir,
    failures: o.goldenFailuresDir ?? d.goldenFailuresDir,
  };
  const scale = { scale: o.tileScale ?? d.tileScale, gap: o.tileGap ?? d.tileGap };
  const assets = new AssetSet();
  const images = o.images;
  const imageSources = images.status === 'ok' ? images.sources : [displayPath(paths.checkpoints)];
  const rowsOf = (pick: (i: ImageInputs) => ImageRowInput[], prefix: string): ImageRow[] =>
    images.status === 'ok' ? encodeRows(assets, prefix, pick(images), scale) : [{ label: 'all', status: 'missing', reason: images.reason }];

  const curves = buildCurves({ checkpointsDir: paths.checkpoints, alphaSweepDir: paths.alphaSweep, maxPoints: o.maxCurvePoints, trackingThreshold: o.trackingThreshold });
  const metrics = o.metricsFailure ? missing(o.metricsFailure) : readMetrics(paths.metrics, images.status === 'ok' ? images.measurements : [], paths.checkpoints);
  const bench = readBench(paths.bench);

  const data: ReportData = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    title: 'VAE vs GAN on Fashion-MNIST shoes and sandals',
    generatedAt: o.date ?? new Date().toISOString(),
    claimCount: claimChecks([]).length + lossClaims([], d.trackingThreshold).length,
    sections: {
      reconstructions: imageRowsSection(
        {
          title: 'Reconstructions',
          lead: 'Test images (top) through the VAE encoder and decoder, and the GANs’ closest images found by latent search. The seed: the VAE tells sneaker from sandal but loses the kind of shoe, and sometimes swaps the two.',
          sources: imageSources,
        },
        rowsOf((i) => i.reconstructions, 'recon'),
        'Each column is one test image. Captions: the test label, and under the rows below it the class the shoe classifier reads; red marks a class flip (the seed’s sneaker/sandal swap).',
      ),
      samples: imageRowsSection(
        {
          title: 'Samples from the same z',
          lead: 'Decoder and generators fed the same latent vectors. The seed: VAE samples come out blurry; GAN samples are drawn sharply, with patterns and visibly different kinds of shoe.',
          sources: imageSources,
        },
        rowsOf((i) => i.samples, 'samples'),
        'Each column is one fixed z ~ N(0, I), shared by all three models. Captions: the class the shoe classifier reads.',
      ),
      interpolations: imageRowsSection(
        {
          title: 'Latent interpolation',
          lead: 'A straight path between two latents. The seed: the KL term makes the VAE’s latent space continuous, so nearby points decode to similar images.',
          sources: imageSources,
        },
        rowsOf((i) => i.interpolations, 'interp'),
        'Spherical interpolation between the same two fixed latents z_a (left) and z_b (right) in every model.',
      ),
      zoom: zoomSection(
        { title: 'Zoom: where the blur is', lead: 'One original, one VAE sample and one GAN sample, cropped and enlarged without smoothing.', sources: imageSources },
        assets,
        images.status === 'ok' ? images.zoom : [{ label: 'all', status: 'missing', reason: images.reason }],
        o.zoomCrop ?? d.zoomCrop,
        o.zoomFullScale ?? d.zoomFullScale,
      ),
      metrics: section(
        {
          title: 'Metrics and the seed’s claims',
          lead: 'Each claim of the article as a test on measured numbers, with the table it is decided from.',
          sources: [displayPath(paths.metrics)],
        },
        metrics.status === 'ok' ? { status: 'ok', data: metrics.data } : metrics,
      ),
      curves: section(
        {
          title: 'Training curves',
          lead: 'Losses against the quality signal (Fréchet distance of fixed samples to fixed test images, lower is better). The seed: a GAN’s loss is no absolute measure of progress; WGAN was designed to fix that.',
          sources: [`${displayPath(paths.checkpoints)}/{vae,dcgan,wgan-gp}/log.jsonl`, `${displayPath(paths.alphaSweep)}/alpha-*.jsonl`, `${displayPath(paths.alphaSweep)}/summary.json`],
        },
        curves.models.every((m) => m.status === 'missing') && curves.alphaRuns.status === 'missing' && curves.alphaSweep.status === 'missing'
          ? missing(joinReasons([...curves.models.map((m) => ({ label: m.label, reason: m.status === 'missing' ? m.reason : '' })), { label: 'α sweep', reason: curves.alphaRuns.status === 'missing' ? curves.alphaRuns.reason : '' }]))
          : { status: 'ok', data: curves },
      ),
      bench: section(
        {
          title: 'Benchmarks',
          lead: 'Milliseconds per step by model and backend; the seed notes that GANs are expensive to train.',
          sources: [displayPath(paths.bench)],
        },
        bench,
      ),
      goldens: goldensSection(
        { title: 'Goldens', lead: 'Every committed golden image and its state after the last test run.', sources: [displayPath(paths.snapshots), displayPath(paths.failures)] },
        assets,
        paths.snapshots,
        paths.failures,
      ),
      environment: section(
        { title: 'Environment', lead: 'Where this report and its inputs were made.', sources: [`${displayPath(paths.checkpoints)}/*/manifest.json`, 'this process'] },
        {
          status: 'ok',
          data: buildEnvironment({
            checkpointsDir: paths.checkpoints,
            backend: images.status === 'ok' ? images.backend : undefined,
            seeds: images.status === 'ok' ? images.seeds : [],
            commit: o.commit,
            date: o.date,
          }),
        },
      ),
    },
  };
  return { data, assets: assets.files };
}

// ─── Writing ─────────────────────────────────────────────────────────────────────────────────

export const VIEWER_DIR = join(__dirname, 'viewer');
const CHART_JS = join(PROJECT_ROOT, 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js');
const DATA_PLACEHOLDER = '<!--REPORT_DATA-->';

/** The viewer's TypeScript bundled with the contract's constants into one plain browser script. */
export function compileViewer(): string {
  const result = buildSync({
    entryPoints: [join(VIEWER_DIR, 'viewer.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('viewer.ts: esbuild produced no output');
  return file.text;
}

/** JSON that is safe inside <script>: `<` (so `</script>` and `<!--`) and the JS-invalid separators escaped. */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderIndexHtml(data: ReportData): string {
  const template = readFileSync(join(VIEWER_DIR, 'index.html'), 'utf8');
  if (!template.includes(DATA_PLACEHOLDER)) throw new Error(`${join(VIEWER_DIR, 'index.html')}: no ${DATA_PLACEHOLDER} placeholder`);
  return template.replace(DATA_PLACEHOLDER, () => `<script type="application/json" id="report-data">${jsonForScript(data)}</script>`);
}

/** Builds the report into `outDir` (default reports/) and returns where it is. */
export function buildReport(o: BuildOptions): BuildResult {
  const outDir = o.outDir ?? REPORT_DEFAULTS.outDir;
  const { data, assets } = collectReport(o);
  assets.set('viewer.js', compileViewer());
  assets.set('viewer.css', readFileSync(join(VIEWER_DIR, 'viewer.css')));
  assets.set('chart.umd.min.js', readFileSync(CHART_JS));
  // Assets first, each file atomically, and the old ones removed only once the new page is in
  // place: a build that stops part-way leaves every file the previous page refers to. Another
  // build's temporary files are not old assets.
  const assetsDir = join(outDir, 'assets');
  for (const [name, content] of assets) writeFileAtomically(join(assetsDir, name), content);
  const jsonPath = join(outDir, 'report.json');
  const indexPath = join(outDir, 'index.html');
  writeFileAtomically(jsonPath, JSON.stringify(data, null, 1) + '\n');
  writeFileAtomically(indexPath, renderIndexHtml(data));
  for (const stale of readdirSync(assetsDir).filter((f) => !assets.has(f) && !isTemporaryName(f))) rmSync(join(assetsDir, stale), { recursive: true, force: true });
  return { outDir, indexPath, jsonPath, url: pathToFileURL(indexPath).href, data };
}

