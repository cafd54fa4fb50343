import { allowedDiffPixels, compareImages, diffPixelsByThreshold, resolveCompareOptions, shouldFail } from './compare';
import { GOLDEN_DEFAULTS } from './defaults';
import { gridRgba, shiftRight, softBlobs, withNoise } from './test-images';
import type { RgbaImage } from './types';

const blobs = softBlobs(16, 7);
const grid = gridRgba(blobs, 4);

function flip(image: RgbaImage, ...pixels: number[]): RgbaImage {
  const data = new Uint8Array(image.data);
  for (const p of pixels) for (let c = 0; c < 3; c++) data[p * 4 + c] = 255 - data[p * 4 + c]!;
  return { ...image, data };
}

describe('compareImages', () => {
  test('identical images match', () => {
    expect(compareImages(grid, { ...grid, data: new Uint8Array(grid.data) })).toBeNull();
  });

  test('one flipped pixel passes under maxDiffPixels and fails above it', () => {
    const flipped = flip(grid, 500);
    expect(compareImages(grid, flipped, { maxDiffPixels: 1 })).toBeNull();
    const mismatch = compareImages(grid, flipped, { maxDiffPixels: 0 });
    expect(mismatch).not.toBeNull();
    expect(mismatch!.diffPixels).toBe(1);
    expect(mismatch!.ratio).toBeCloseTo(1 / (grid.width * grid.height), 12);
    expect(mismatch!.errorMessage).toMatch(/^1 pixels \(ratio 0\.0000672\) are different; allowed: threshold 0\.003, maxDiffPixels 0 \(= 0 of \d+ pixels\), includeAA true\.$/);
    // pixelmatch paints the differing pixel red and fades the rest
    expect([...mismatch!.diff.data.subarray(500 * 4, 500 * 4 + 4)]).toEqual([255, 0, 0, 255]);
  });

  test('the diff paints pixels lighter in the actual image red and darker ones blue', () => {
    const grey: RgbaImage = { width: 2, height: 1, channels: 4, data: Uint8Array.from([128, 128, 128, 255, 128, 128, 128, 255]) };
    const actual: RgbaImage = { ...grey, data: Uint8Array.from([200, 200, 200, 255, 50, 50, 50, 255]) };
    const mismatch = compareImages(grey, actual, { maxDiffPixels: 0 })!;
    expect([...mismatch.diff.data]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
  });

  test('the default ratio allows 0.2% of the pixels: 1 of a 28×28 image, not 2', () => {
    const single = gridRgba(blobs.subarray(0, 784), 1, { padding: 0 });
    expect(single.width * single.height).toBe(784);
    expect(compareImages(single, flip(single, 0))).toBeNull();
    expect(compareImages(single, flip(single, 0, 1))!.diffPixels).toBe(2);
  });

  test('a size mismatch is a message with a diff, not a crash', () => {
    const smaller = gridRgba(blobs.subarray(0, 12 * 784), 4);
    const mismatch = compareImages(grid, smaller);
    expect(mismatch!.errorMessage).toMatch(/^Expected an image 122px by 122px, received 122px by 92px\. \d+ pixels/);
    expect([mismatch!.diff.width, mismatch!.diff.height]).toEqual([122, 122]);
    expect(mismatch!.diffPixels).toBeGreaterThanOrEqual(122 * 30);
  });

  test('one grey level on every pixel fails by default (it is a change, not rounding); t = 0.005 would let it pass', () => {
    const noisy = gridRgba(withNoise(blobs, 1 / 255, 3), 4);
    expect(noisy.data).not.toEqual(grid.data);
    expect(compareImages(grid, noisy)).not.toBeNull();
    expect(compareImages(grid, noisy, { threshold: 0.005 })).toBeNull();
  });

  test('shifting every image by one pixel fails', () => {
    const mismatch = compareImages(grid, gridRgba(shiftRight(blobs, 1), 4));
    expect(mismatch).not.toBeNull();
    expect(mismatch!.ratio).toBeGreaterThan(0.02);
  });

  test('with anti-aliasing detection on (includeAA false), a shift would be partly excused', () => {
    // Why the default is includeAA true: soft edges next to flat black look like anti-aliasing.
    const shifted = gridRgba(shiftRight(blobs, 1), 4);
    const counted = compareImages(grid, shifted, { includeAA: true })!.diffPixels;
    const excused = compareImages(grid, shifted, { includeAA: false, maxDiffPixels: 0 })?.diffPixels ?? 0;
    expect(excused).toBeLessThan(counted);
  });

  test('reads misaligned buffers (pixelmatch needs 4-byte alignment)', () => {
    const backing = new Uint8Array(grid.data.length + 1);
    backing.set(grid.data, 1);
    expect(compareImages(grid, { ...grid, data: backing.subarray(1) })).toBeNull();
  });

  test('rejects a buffer that does not fit its size', () => {
    expect(() => compareImages(grid, { ...grid, data: grid.data.subarray(4) })).toThrow(/actual image: expected 122×122×4 = 59536 bytes, found 59532/);
  });
});

describe('thresholds', () => {
  test('a threshold sweep for measuring defaults: fewer pixels count as the threshold grows', () => {
    const dimmed = gridRgba(blobs.map((v) => v * 0.95), 4);
    const sweep = diffPixelsByThreshold(grid, dimmed, [0.02, 0.1]);
    expect(sweep[0]!.diffPixels).toBeGreaterThan(0);
    expect(sweep[1]).toEqual({ threshold: 0.1, diffPixels: 0, ratio: 0 }); // ≤ 13 grey levels: under 0.1
    expect(() => diffPixelsByThreshold(grid, gridRgba(blobs.subarray(0, 784), 1), [0.1])).toThrow(/sizes differ/);
  });

  test('defaults come from the one table; the default ratio only when no failure threshold is given', () => {
    expect(resolveCompareOptions()).toEqual({ ...GOLDEN_DEFAULTS.compare });
    expect(resolveCompareOptions({ maxDiffPixels: 5 })).toEqual({ threshold: 0.003, includeAA: true, maxDiffPixels: 5 });
  });

  test('with both failure thresholds the stricter wins', () => {
    const resolved = resolveCompareOptions({ maxDiffPixels: 10, maxDiffPixelRatio: 0.01 });
    expect(allowedDiffPixels(resolved, 500)).toBe(5);
    expect(allowedDiffPixels(resolved, 5000)).toBe(10);
    expect(shouldFail(10, 5000, resolved)).toBe(false);
    expect(shouldFail(11, 5000, resolved)).toBe(true);
  });

  test.each([
    [{ threshold: 1.5 }, /threshold: expected a number in \[0, 1\], found 1\.5/],
    [{ threshold: Number.NaN }, /threshold/],
    [{ maxDiffPixels: -1 }, /maxDiffPixels: expected an integer ≥ 0, found -1/],
    [{ maxDiffPixels: 2.5 }, /maxDiffPixels/],
    [{ maxDiffPixelRatio: 2 }, /maxDiffPixelRatio: expected a number in \[0, 1\], found 2/],
  ])('rejects %p', (options, message) => {
    expect(() => resolveCompareOptions(options)).toThrow(message);
  });
});
