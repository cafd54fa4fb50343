/**
 * The contract between the report builder (build.ts, Node) and the static viewer (viewer/, the
 * browser). build.ts writes one `ReportData` as reports/report.json and embeds the same JSON in
 * reports/index.html; the viewer only reads it. Nothing else passes between them, so this file is
 * the whole interface: a field is added here first, then written by the builder and read by the
 * viewer (both type-check against it).
 *
 * Every input can be absent or unreadable. That is data, not an error: a section (or one row of a
 * section) is then `{ status: 'missing', reason }` and the viewer shows the reason in its place.
 * Paths in the data (`src`) are relative to index.html and always point under assets/.
 */

export const REPORT_FORMAT = 'vae-vs-gan-report';
/** Bumped when a field changes meaning or is removed (adding an optional field does not bump it). */
export const REPORT_VERSION = 2;

// ─── Presence ────────────────────────────────────────────────────────────────────────────────

/** Something that could not be made, and why (a sentence naming the input and what to run). */
export interface Missing {
  status: 'missing';
  reason: string;
}

/** Either the content or the reason it is missing; read the content only after checking `status`. */
export type Maybe<T extends object> = ({ status: 'ok' } & T) | Missing;

// ─── Sections ────────────────────────────────────────────────────────────────────────────────

/** The sections, in the order of the seed article's argument and of the page. */
export const SECTION_ORDER = [
  'reconstructions',
  'samples',
  'interpolations',
  'zoom',
  'metrics',
  'curves',
  'bench',
  'goldens',
  'environment',
] as const;
export type SectionId = (typeof SECTION_ORDER)[number];

export interface SectionHead {
  title: string;
  /** What the section is meant to show (the seed article's statement it tests, where there is one). */
  lead: string;
  /** The inputs the section was built from, as paths relative to the project root or descriptions. */
  sources: string[];
}

export type Section<T extends object> = SectionHead & Maybe<{ data: T }>;

export interface ReportSections {
  reconstructions: Section<ImageRowsData>;
  samples: Section<ImageRowsData>;
  interpolations: Section<ImageRowsData>;
  zoom: Section<ZoomData>;
  metrics: Section<MetricsData>;
  curves: Section<CurvesData>;
  bench: Section<BenchData>;
  goldens: Section<GoldensData>;
  environment: Section<EnvironmentData>;
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  title: string;
  /** ISO 8601 time the report was built. */
  generatedAt: string;
  /** Every section, present or missing; the page shows them in `SECTION_ORDER`. */
  sections: ReportSections;
  /** How many claims the report decides with every input present; those it could not decide (a section missing included) are not decidable. */
  claimCount: number;
}

// ─── Images ──────────────────────────────────────────────────────────────────────────────────

/** One PNG under assets/, shown at its natural size (pixels are upscaled nearest-neighbour). */
export interface ImageRef {
  src: string;
  width: number;
  height: number;
  alt: string;
}

/** A PNG holding `rows × cols` tiles of `tile` px with `gap` px between them. */
export interface ImageGrid extends ImageRef {
  rows: number;
  cols: number;
  tile: number;
  gap: number;
}

/** A caption under one tile; `flag` marks a tile worth a look (e.g. a sneaker decoded as a sandal). */
export interface TileLabel {
  text: string;
  flag?: boolean;
  /** Why the tile is flagged (shown as a tooltip). */
  title?: string;
}

/** One labelled row of images; rows that share a column share an input (same test image or same z). */
export type ImageRow = {
  label: string;
  /** Short text under the label: how the row was made. */
  note?: string;
} & Maybe<{ image: ImageGrid; tileLabels?: TileLabel[] }>;

export interface ImageRowsData {
  /** How to read the rows (what the columns share). */
  caption: string;
  rows: ImageRow[];
}

export interface ZoomPanel {
  label: string;
  /** The whole 28×28 image with the crop outlined, then the crop upscaled. */
  image: Maybe<{ full: ImageRef; crop: ImageRef }>;
}

export interface ZoomData {
  caption: string;
  /** The crop in source pixels. */
  crop: { x: number; y: number; size: number; scale: number };
  panels: ZoomPanel[];
}

// ─── Metrics and the seed's claims ───────────────────────────────────────────────────────────

export interface MetricDefinition {
  key: string;
  name: string;
  /** One or two sentences: what is computed, on what, and the reference it follows. */
  definition: string;
  /** `near-real`: the closer to the real data's value the better (e.g. sharpness). */
  better: 'higher' | 'lower' | 'near-real' | 'neither';
}

export interface MetricRow {
  /** Key into `definitions` (may be absent there; the viewer then shows the key only). */
  metric: string;
  /** What was measured: a model, its reconstructions, or the real data. */
  subject: string;
  value: number;
  /** Confidence interval (e.g. 95 % bootstrap), when the input gives one. */
  interval?: [number, number];
  /** Sample count behind the value. */
  n?: number;
  /** value / value of the same metric on real data, when there is one. */
  ratioToReal?: number;
  /** Bootstrap interval of that ratio, when the input gives one. */
  ratioInterval?: [number, number];
}

export type CheckStatus = 'passed' | 'failed' | 'missing';

/** One of the seed article's statements turned into a test on measured numbers. */
export interface ClaimCheck {
  id: string;
  /** The statement, in English. */
  claim: string;
  /** The article's words it comes from (Japanese). */
  quote?: string;
  /** The test as a formula, e.g. `sharpness(DCGAN samples) > sharpness(VAE samples)`. */
  test: string;
  status: CheckStatus;
  /** The numbers that decided it, or why it could not be decided. */
  detail: string;
}

/** How a claim was decided, and on what. */
export type ClaimVerdict = Pick<ClaimCheck, 'status' | 'detail'>;

export interface MetricsData {
  /** Where the numbers come from and how they were made (e.g. `2000 samples, seed 1`). */
  provenance: string;
  /** Column order of the table (the `subject`s of the rows). */
  subjects: string[];
  definitions: MetricDefinition[];
  /** One row per (metric, subject); metrics in table order. */
  rows: MetricRow[];
  checks: ClaimCheck[];
  /** Models that were not evaluated, values that could not be read, and the like. */
  notes: string[];
}

// ─── Training curves ─────────────────────────────────────────────────────────────────────────

/** `[step, value]` pairs, in step order. */
export type Points = Array<[number, number]>;

export interface Series {
  /** The log field, e.g. `g_loss`, `wasserstein`, `quality`. */
  name: string;
  /** Which y axis: losses on the left, the quality signal (Fréchet distance, lower is better) on the right. */
  axis: 'loss' | 'quality';
  points: Points;
}

/** How well one loss follows the quality signal over training. */
export interface Tracking {
  series: string;
  /** Spearman rank correlation with `quality` (sign: +1 means the loss falls when quality improves). */
  spearman: number;
  /** Number of (loss, quality) pairs. */
  n: number;
}

export type ModelCurves = { model: string; label: string } & Maybe<{
  steps: number;
  /** Points were averaged into buckets of this many steps (1 = raw). */
  bucket: number;
  series: Series[];
  tracking: Tracking[];
}>;

export interface AlphaSweepRow {
  alpha: number;
  mse: number;
  kl: number;
  sharpness: number;
  frechet: number;
}

export interface AlphaRun {
  alpha: number;
  series: Series[];
}

export interface CurvesData {
  models: ModelCurves[];
  /** Final MSE, KL, sharpness and Fréchet distance per α (the lead's summary). */
  alphaSweep: Maybe<{ rows: AlphaSweepRow[] }>;
  /** The step logs of the α sweep runs. */
  alphaRuns: Maybe<{ runs: AlphaRun[] }>;
  checks: ClaimCheck[];
}

// ─── Benchmarks ──────────────────────────────────────────────────────────────────────────────

interface BenchRowBase {
  /** e.g. `train-step/vae`, `sample/dcgan`, `golden/pixelmatch-grid`. */
  task: string;
  model?: string;
  backend: string;
  /** What ran it, e.g. `AMD EPYC, 2 threads`. */
  device?: string;
}

export type BenchRow = BenchRowBase &
  (
    | {
        status: 'completed';
        /** Milliseconds per iteration. */
        meanMs: number;
        p50Ms: number;
        /** Relative margin of error of the mean (95 %), in percent. */
        rme: number;
        samples: number;
        gflops?: number;
        /** Achieved / peak FP32 throughput of the machine, as a fraction (0–1). */
        shareOfPeak?: number;
        /** Our step time over the PyTorch peer's (below 1: faster than PyTorch): the paired ratio on tensorflow (harness/bench/paired.ts). */
        ratioToPeer?: number;
        /** The lowest and highest ratio of the paired rounds behind `ratioToPeer`. */
        ratioToPeerRange?: [number, number];
        /** The sign test's 95 % interval for `ratioToPeer` (harness/bench/stats.ts), from 6 rounds on. */
        ratioToPeerInterval?: [number, number];
        /** ms / ms of the committed baseline (above 1: slower). */
        ratioToBaseline?: number;
        /** The same ratio from the task's second timing, when a first one was flagged (bench --compare/--check). */
        rerunRatioToBaseline?: number;
        /** (ratio to PyTorch now) / (ratio to PyTorch in the baseline run), when both timed the peer. */
        peerNormalisedRatioToBaseline?: number;
        /** The upper end of that ratio's 95 % interval, which decided whether it cleared a flag. */
        peerNormalisedUpperToBaseline?: number;
        regression?: boolean;
        improvement?: boolean;
        /** `npm run bench -- --profile`: where one iteration's time goes, per TensorFlow op. */
        profile?: BenchProfile;
      }
    | { status: 'skipped'; reason: string }
  );

export interface BenchProfile {
  /** Profiled mean ms per iteration. */
  iterationMs: number;
  /** In TensorFlow ops, and how many ops. */
  opMs: number;
  ops: number;
  /** Outside ops: tfjs's engine, tape and bookkeeping, reading values, GC, the task's own JavaScript. */
  outsideMs: number;
  /** Costliest ops, most expensive first; count per iteration. */
  top: { name: string; ms: number; count: number }[];
}

export interface BenchGoal {
  task: string;
  backend: string;
  goal: string;
  measuredMs?: number;
  /** For a goal on the ratio to PyTorch: the ratio judged, and its 95 % interval when there is one. */
  ratio?: number;
  interval?: [number, number];
  /** undefined: could not be judged, or (with a ratio) not decided by its interval. */
  met?: boolean;
}

export interface BenchData {
  /** When, where and how the benchmark ran (settings, load average). */
  provenance: string;
  /** The machine's FP32 peak and how it was found. */
  peak: string;
  /** The PyTorch peer: version and threads, or why it did not run. */
  peer: string;
  /** The baseline compared against, or why there was none. */
  baseline: string;
  /** Regression threshold as a fraction (0.1 = 10 %). */
  threshold: number;
  rows: BenchRow[];
  goals: BenchGoal[];
}

// ─── Goldens ─────────────────────────────────────────────────────────────────────────────────

export type GoldenStatus = 'passed' | 'failed' | 'unknown';

export interface GoldenEntry {
  /** Test file the golden belongs to. */
  testFile: string;
  name: string;
  status: GoldenStatus;
  /** Why this status (e.g. `no failure recorded by the last run`). */
  detail: string;
  /** The committed golden, when there is one. */
  snapshot?: ImageRef;
  /** Only for failures: the images the matcher wrote. */
  failure?: { expected?: ImageRef; actual?: ImageRef; diff?: ImageRef; composite?: ImageRef };
}

export interface GoldensData {
  entries: GoldenEntry[];
  counts: Record<GoldenStatus, number>;
}

// ─── Environment ─────────────────────────────────────────────────────────────────────────────

export interface EnvironmentData {
  backend: string;
  commit: string;
  date: string;
  platform: string;
  versions: Array<{ name: string; version: string }>;
  seeds: Array<{ what: string; seed: number }>;
  /** sha256 of each dataset file as the checkpoints' manifests recorded it (training verified it), else the official ones the loader verifies against; not computed here. */
  data: Array<{ file: string; sha256: string }>;
  /** One row per checkpoint the report read. */
  checkpoints: Array<{ model: string; step?: number; savedAt?: string; commit?: string; backend?: string }>;
}
