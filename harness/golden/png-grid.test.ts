import { gridSize, imagesToGrid, quantise } from './grid';
import { decodePng, encodePng, grayToRgba, PngFormatError } from './png';
import { softBlobs } from './test-images';
import type { GrayImage, RgbaImage } from './types';

describe('png', () => {
  test('greyscale round trip: colour type 0 in, RGBA out', () => {
    const gray: GrayImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 1, 127, 128, 254, 255]) };
    const png = encodePng(gray);
    expect(png[25]).toBe(0); // IHDR colour type
    const decoded = decodePng(png, 'gray.png');
    expect(decoded).toEqual(grayToRgba(gray));
    expect([...decoded.data.subarray(8, 12)]).toEqual([127, 127, 127, 255]);
  });

  test('RGBA round trip is exact', () => {
    const data = Uint8Array.from({ length: 4 * 5 * 4 }, (_, i) => (i * 37) % 256);
    const rgba: RgbaImage = { width: 4, height: 5, channels: 4, data };
    const png = encodePng(rgba);
    expect(png[25]).toBe(6);
    expect(decodePng(png, 'rgba.png')).toEqual(rgba);
  });

  test('encoding is deterministic', () => {
    const grid = imagesToGrid(softBlobs(4, 1), 2);
    expect(encodePng(grid).equals(encodePng(grid))).toBe(true);
  });

  test('a file that is not a PNG is an error naming it', () => {
    expect(() => decodePng(Buffer.from('GIF89a not a png'), 'snapshots/x/grid.png')).toThrow(PngFormatError);
    expect(() => decodePng(Buffer.from('GIF89a not a png'), 'snapshots/x/grid.png')).toThrow(/^snapshots\/x\/grid\.png: not a PNG file \(starts with 474946383961206e/);
    expect(() => decodePng(new Uint8Array(0), 'empty.png')).toThrow(/empty\.png: not a PNG file \(starts with empty/);
  });

  test('a truncated PNG is an error naming it', () => {
    const png = encodePng(imagesToGrid(softBlobs(1, 1), 1));
    expect(() => decodePng(png.subarray(0, 60), 'cut.png')).toThrow(/^cut\.png: cannot decode PNG .*truncated or corrupt$/);
  });

  test('rejects data that does not fit the size', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toThrow(/expected 2×2×1 = 4 bytes, found 3/);
  });
});

describe('quantise', () => {
  test.each([
    [0, 0],
    [1, 255],
    [0.5, 128], // 127.5 rounds up
    [126.5 / 255, 127], // half up, not half to even
    [1.5 / 255, 2],
    [1.49 / 255, 1],
    [-0.2, 0],
    [1.7, 255],
    [Number.NEGATIVE_INFINITY, 0],
  ])('%p → %p', (value, byte) => {
    expect(quantise(value)).toBe(byte);
  });

  test('NaN is an error', () => {
    expect(() => quantise(Number.NaN)).toThrow(/NaN/);
  });
});

describe('imagesToGrid', () => {
  test('size: cells plus padding around and between', () => {
    expect(gridSize(5, 3, { padding: 2, scale: 2 })).toEqual({ width: 3 * 56 + 4 * 2, height: 2 * 56 + 3 * 2, rows: 2 });
    expect(gridSize(2, 8)).toEqual({ width: 2 * 28 + 3 * 2, height: 28 + 2 * 2, rows: 1 });
  });

  test('places each image row by row, upscaled by nearest neighbour, with padding and empty cells in padValue', () => {
    const size = 2;
    // three 2×2 images whose pixels are k/10 + p/100
    const images = Float32Array.from({ length: 12 }, (_, i) => Math.floor(i / 4) / 10 + (i % 4) / 100);
    const grid = imagesToGrid(images, 2, { size, padding: 1, scale: 2, padValue: 1 });
    expect([grid.width, grid.height]).toEqual([2 * 4 + 3, 2 * 4 + 3]);
    const at = (x: number, y: number) => grid.data[y * grid.width + x];
    expect(at(0, 0)).toBe(255); // padding
    // image 1, pixel (1, 0) = 0.11 → 28, drawn at cell left 1 + 4 + 1 = 6, x 6 + 2·1 .. +1
    expect([at(8, 1), at(9, 1), at(8, 2), at(9, 2)]).toEqual([28, 28, 28, 28]);
    // image 2 (second row, first column), pixel (0, 1) = 0.22 → 56
    expect(at(1, 6 + 2)).toBe(quantise(0.22));
    // the fourth cell is empty
    expect(at(8, 8)).toBe(255);
  });

  test('non-finite pixels and partial images are errors', () => {
    const bad = softBlobs(2, 1);
    bad[784 + 30] = Number.NaN;
    expect(() => imagesToGrid(bad, 2)).toThrow(/image 1 pixel \(2, 1\) is NaN/);
    expect(() => imagesToGrid(new Float32Array(100), 2)).toThrow(/100 values is not a positive multiple of one 28×28 image/);
    expect(() => imagesToGrid(softBlobs(1, 1), 0)).toThrow(/columns must be an integer ≥ 1/);
    expect(() => imagesToGrid(softBlobs(1, 1), 1, { scale: 1.5 })).toThrow(/scale must be an integer ≥ 1/);
  });

  test('grid → PNG → RGBA round trip', () => {
    const grid = imagesToGrid(softBlobs(6, 2), 3, { scale: 2 });
    expect(decodePng(encodePng(grid), 'grid')).toEqual(grayToRgba(grid));
  });
});
