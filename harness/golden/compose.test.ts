import { composeComparison, composeSideBySide } from './compose';
import type { RgbaImage } from './types';

const solid = (width: number, height: number, v: number): RgbaImage => ({
  width,
  height,
  channels: 4,
  data: Uint8Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : v)),
});

const pixel = (image: RgbaImage, x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)];

test('expected | actual | diff side by side, upscaled, separated by gaps', () => {
  const out = composeComparison({ expected: solid(2, 2, 10), actual: solid(2, 2, 20), diff: solid(2, 2, 30) }, { gap: 1, scale: 3, background: 0 });
  expect([out.width, out.height]).toEqual([3 * 6 + 4, 6 + 2]);
  expect(pixel(out, 0, 0)).toEqual([0, 0, 0, 255]);
  expect(pixel(out, 1, 1)).toEqual([10, 10, 10, 255]);
  expect(pixel(out, 6, 6)).toEqual([10, 10, 10, 255]);
  expect(pixel(out, 7, 1)).toEqual([0, 0, 0, 255]);
  expect(pixel(out, 8, 1)).toEqual([20, 20, 20, 255]);
  expect(pixel(out, 15, 1)).toEqual([30, 30, 30, 255]);
});

test('panels of different heights are top-aligned over the background', () => {
  const out = composeSideBySide([solid(1, 3, 50), solid(1, 1, 60)], { gap: 0, scale: 1, background: 7 });
  expect([out.width, out.height]).toEqual([2, 3]);
  expect(pixel(out, 1, 0)).toEqual([60, 60, 60, 255]);
  expect(pixel(out, 1, 2)).toEqual([7, 7, 7, 255]);
});

test('a missing panel (corrupt golden) is left out', () => {
  expect(composeComparison({ actual: solid(2, 2, 1) }, { gap: 0, scale: 1 }).width).toBe(2);
});
