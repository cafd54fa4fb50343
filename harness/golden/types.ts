/**
 * Public types of the golden harness: the contract between the pure parts (png, grid, compare,
 * compose, baseline) and the jest side (matcher, reporter).
 */

/** 8-bit RGBA, row-major, 4 bytes per pixel: what the comparator reads. */
export interface RgbaImage {
  width: number;
  height: number;
  channels: 4;
  data: Uint8Array;
}

/** 8-bit greyscale, row-major, 1 byte per pixel: what grids are made of. */
export interface GrayImage {
  width: number;
  height: number;
  channels: 1;
  data: Uint8Array;
}

export type PixelImage = RgbaImage | GrayImage;

export interface CompareOptions {
  /**
   * Per-pixel tolerance (0–1) on pixelmatch's YIQ colour distance: a pixel counts as different
   * when its distance exceeds it. On greyscale pixels a threshold t lets a pixel move ≈ 264·t grey levels (see defaults.ts).
   * @default 0.003
   */
  threshold?: number;
  /** Failure threshold as a count of differing pixels. When neither this nor the ratio is given, the default ratio applies. */
  maxDiffPixels?: number;
  /**
   * Failure threshold as a fraction (0–1) of all pixels. With `maxDiffPixels` too, the stricter wins.
   * @default 0.002 (only when neither failure threshold is given)
   */
  maxDiffPixelRatio?: number;
  /**
   * Count pixels that pixelmatch's anti-aliasing detector would excuse. `true` switches the
   * detector off, which soft generator output needs (see defaults.ts).
   * @default true
   */
  includeAA?: boolean;
}

/** CompareOptions with defaults filled in; `maxDiffPixels`/`maxDiffPixelRatio` stay as given (at least one is set). */
export interface ResolvedCompareOptions {
  threshold: number;
  includeAA: boolean;
  maxDiffPixels?: number;
  maxDiffPixelRatio?: number;
}

/** A failed comparison (a match is `null`). */
export interface ImageMismatch {
  errorMessage: string;
  /** pixelmatch's diff: differing pixels red (darker in actual: blue), the rest faded expected. */
  diff: RgbaImage;
  diffPixels: number;
  /** diffPixels / pixels of the larger image. */
  ratio: number;
}

/** A grid of 28×28 images (row-major floats in [0, 1]) that the matcher lays out and encodes itself. */
export interface GridSpec extends GridOptions {
  images: Float32Array;
  columns: number;
}

export interface GridOptions {
  /** Side of one square image in pixels. @default 28 */
  size?: number;
  /** Pixels between cells and around the grid (after upscaling). @default 2 */
  padding?: number;
  /** Integer nearest-neighbour upscaling of each image. @default 1 */
  scale?: number;
  /** Grey value in [0, 1] of padding and empty cells. @default 0.5 */
  padValue?: number;
}

/** `_updateSnapshot` of jest's snapshot state: -u → all, default → new, --ci / CI=true → none. */
export type UpdateMode = 'all' | 'new' | 'none';

export type UpdateAction = 'pass' | 'write-new' | 'overwrite' | 'fail-missing' | 'fail-mismatch';

/** One entry of snapshots/metrics.json. */
export interface MetricBaseline {
  value: number;
  /** Values in [lo, hi] pass. */
  band: [number, number];
  /** `<test file relative to rootDir> › <test name>`, and how the band was derived. */
  source: string;
}

export type MetricBaselines = Record<string, MetricBaseline>;

/** How a band is derived when a baseline is written: exactly one of the two. */
export interface BaselineOptions {
  /** The metric's confidence interval, e.g. a bootstrap 95% interval; becomes the band. */
  ci?: readonly [number, number];
  /** Relative half-width: band = value ± tolerance·|value|. */
  tolerance?: number;
}
