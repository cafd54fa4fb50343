/**
 * The image comparator, pure in the manner of Playwright's `comparators.ts`: decoded RGBA in,
 * `null` on a match, else `{ errorMessage, diff, diffPixels, ratio }`. No file I/O; a size
 * mismatch is a message with a diff, never a crash. Pass/fail is one small function, `shouldFail`.
 */
import pixelmatch from 'pixelmatch';
import { GOLDEN_DEFAULTS } from './defaults';
import { assertImage } from './png';
import type { CompareOptions, ImageMismatch, ResolvedCompareOptions, RgbaImage } from './types';

/** Fills defaults and checks ranges; the default ratio applies only when no failure threshold is given. */
export function resolveCompareOptions(options: CompareOptions = {}): ResolvedCompareOptions {
  const { threshold = GOLDEN_DEFAULTS.compare.threshold, includeAA = GOLDEN_DEFAULTS.compare.includeAA } = options;
  let { maxDiffPixels, maxDiffPixelRatio } = options;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold: expected a number in [0, 1], found ${threshold}`);
  if (maxDiffPixels !== undefined && !(Number.isInteger(maxDiffPixels) && maxDiffPixels >= 0)) {
    throw new RangeError(`maxDiffPixels: expected an integer ≥ 0, found ${maxDiffPixels}`);
  }
  if (maxDiffPixelRatio !== undefined && !(maxDiffPixelRatio >= 0 && maxDiffPixelRatio <= 1)) {
    throw new RangeError(`maxDiffPixelRatio: expected a number in [0, 1], found ${maxDiffPixelRatio}`);
  }
  if (maxDiffPixels === undefined && maxDiffPixelRatio === undefined) maxDiffPixelRatio = GOLDEN_DEFAULTS.compare.maxDiffPixelRatio;
  return { threshold, includeAA, ...(maxDiffPixels !== undefined && { maxDiffPixels }), ...(maxDiffPixelRatio !== undefined && { maxDiffPixelRatio }) };
}

/** Differing pixels allowed out of `totalPixels`; with both thresholds the stricter wins (as Playwright). */
export function allowedDiffPixels(options: ResolvedCompareOptions, totalPixels: number): number {
  const byCount = options.maxDiffPixels ?? Infinity;
  const byRatio = options.maxDiffPixelRatio === undefined ? Infinity : Math.floor(options.maxDiffPixelRatio * totalPixels);
  return Math.min(byCount, byRatio);
}

export function shouldFail(diffPixels: number, totalPixels: number, options: ResolvedCompareOptions): boolean {
  return diffPixels > allowedDiffPixels(options, totalPixels);
}

/** "threshold 0.003, maxDiffPixelRatio 0.002 (= 117 of 58564 pixels), includeAA true" */
export function describeThresholds(options: ResolvedCompareOptions, totalPixels: number): string {
  const budget = [
    options.maxDiffPixels !== undefined && `maxDiffPixels ${options.maxDiffPixels}`,
    options.maxDiffPixelRatio !== undefined && `maxDiffPixelRatio ${options.maxDiffPixelRatio}`,
  ].filter(Boolean);
  return `threshold ${options.threshold}, ${budget.join(' and ')} (= ${allowedDiffPixels(options, totalPixels)} of ${totalPixels} pixels), includeAA ${options.includeAA}`;
}

/** 3 significant digits: 0.0000672, 0.0215. */
export function formatRatio(ratio: number): string {
  return String(Number(ratio.toPrecision(3)));
}

/** Copies `image` into a transparent canvas of `width`×`height` (top-left aligned). */
function padTo(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), y * width * 4);
  return { width, height, channels: 4, data };
}

/** pixelmatch views pixels as Uint32, which needs a 4-byte-aligned offset. */
function aligned(data: Uint8Array): Uint8Array {
  return data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
}

export function compareImages(expected: RgbaImage, actual: RgbaImage, options: CompareOptions = {}): ImageMismatch | null {
  assertImage(expected, 'expected image');
  assertImage(actual, 'actual image');
  const resolved = resolveCompareOptions(options);
  const width = Math.max(expected.width, actual.width);
  const height = Math.max(expected.height, actual.height);
  const total = width * height;
  const diff: RgbaImage = { width, height, channels: 4, data: new Uint8Array(total * 4) };
  const diffPixels = pixelmatch(
    aligned(padTo(expected, width, height).data),
    aligned(padTo(actual, width, height).data),
    diff.data,
    width,
    height,
    // Red where the actual image is lighter, blue where it is darker (pixelmatch's y: expected − actual > 0).
    { threshold: resolved.threshold, includeAA: resolved.includeAA, diffColor: [255, 0, 0], diffColorAlt: [0, 0, 255] },
  );
  const ratio = diffPixels / total;
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return {
      errorMessage: `Expected an image ${expected.width}px by ${expected.height}px, received ${actual.width}px by ${actual.height}px. ${diffPixels} pixels (ratio ${formatRatio(ratio)}) are different.`,
      diff,
      diffPixels,
      ratio,
    };
  }
  if (!shouldFail(diffPixels, total, resolved)) return null;
  return {
    errorMessage: `${diffPixels} pixels (ratio ${formatRatio(ratio)}) are different; allowed: ${describeThresholds(resolved, total)}.`,
    diff,
    diffPixels,
    ratio,
  };
}

/**
 * Differing pixels at each per-pixel threshold, for choosing defaults by measurement (e.g. native
 * vs WASM decodes of one checkpoint, and a checkpoint against its perturbed copy). Same size only.
 */
export function diffPixelsByThreshold(
  expected: RgbaImage,
  actual: RgbaImage,
  thresholds: readonly number[],
  includeAA: boolean = GOLDEN_DEFAULTS.compare.includeAA,
): { threshold: number; diffPixels: number; ratio: number }[] {
  assertImage(expected, 'expected image');
  assertImage(actual, 'actual image');
  if (expected.width !== actual.width || expected.height !== actual.height) {
    throw new RangeError(`diffPixelsByThreshold: sizes differ (${expected.width}×${expected.height} vs ${actual.width}×${actual.height})`);
  }
  const total = expected.width * expected.height;
  return thresholds.map((threshold) => {
    const diffPixels = pixelmatch(aligned(expected.data), aligned(actual.data), undefined, expected.width, expected.height, { threshold, includeAA });
    return { threshold, diffPixels, ratio: diffPixels / total };
  });
}
