/**
 * Grayscale 28×28 images (row-major, values in [0, 1]) to PNG bytes, upscaled nearest-neighbour so
 * single pixels stay visible. Pure: returns buffers, writes no files. Encoding is the golden
 * harness's `encodePng`.
 */
import { encodePng } from '../golden/png';
import type { PixelImage } from '../golden/types';

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

/** Gap grey between tiles: mid grey, distinct from both the black background and white shoes. */
const GAP = 128;
/** Crop outline: red, the one colour no grayscale pixel has. */
const BOX_RGB: [number, number, number] = [230, 30, 30];

export interface EncodedGrid {
  png: Buffer;
  width: number;
  height: number;
  rows: number;
  cols: number;
  tile: number;
  gap: number;
}

function toByte(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/** A canvas of `channels` bytes per pixel (1: grey, 4: RGBA), filled with grey `fill`. */
function blank(width: number, height: number, channels: 1 | 4, fill: number): PixelImage {
  const data = new Uint8Array(width * height * channels).fill(fill);
  if (channels === 4) for (let o = 3; o < data.length; o += 4) data[o] = 255;
  return channels === 1 ? { width, height, channels, data } : { width, height, channels, data };
}

/** Draws a `w×h` region of one image (from `x0, y0`) at `(left, top)`, each pixel a `scale`-px square. */
function drawRegion(c: PixelImage, image: Float32Array, offset: number, region: { x0: number; y0: number; w: number; h: number }, left: number, top: number, scale: number): void {
  const ch = c.channels;
  for (let y = 0; y < region.h; y++) {
    for (let x = 0; x < region.w; x++) {
      const g = toByte(image[offset + (region.y0 + y) * SIDE + region.x0 + x] ?? 0);
      for (let dy = 0; dy < scale; dy++) {
        let o = ((top + y * scale + dy) * c.width + left + x * scale) * ch;
        for (let dx = 0; dx < scale; dx++, o += ch) {
          c.data[o] = g;
          if (ch === 4) {
            c.data[o + 1] = g;
            c.data[o + 2] = g;
          }
        }
      }
    }
  }
}

/** `count` images in rows of `cols` tiles (the last row may be short; its empty tiles stay grey). */
export function encodeGrid(images: Float32Array, count: number, opts: { cols: number; scale: number; gap: number }): EncodedGrid {
  if (count < 1) throw new RangeError('encodeGrid: no images');
  if (images.length < count * PIXELS) throw new RangeError(`encodeGrid: ${images.length} values hold fewer than ${count} images of ${PIXELS}`);
  const cols = Math.min(opts.cols, count);
  const rows = Math.ceil(count / cols);
  const tile = SIDE * opts.scale;
  const width = cols * tile + (cols - 1) * opts.gap;
  const height = rows * tile + (rows - 1) * opts.gap;
  const canvas = blank(width, height, 1, GAP);
  for (let i = 0; i < count; i++) {
    const left = (i % cols) * (tile + opts.gap);
    const top = Math.floor(i / cols) * (tile + opts.gap);
    drawRegion(canvas, images, i * PIXELS, { x0: 0, y0: 0, w: SIDE, h: SIDE }, left, top, opts.scale);
  }
  return { png: encodePng(canvas), width, height, rows, cols, tile, gap: opts.gap };
}

export interface Crop {
  x: number;
  y: number;
  size: number;
}

function checkCrop(crop: Crop): void {
  if (crop.x < 0 || crop.y < 0 || crop.size < 1 || crop.x + crop.size > SIDE || crop.y + crop.size > SIDE) {
    throw new RangeError(`crop ${JSON.stringify(crop)} does not fit in ${SIDE}×${SIDE}`);
  }
}

/** The crop of one image, each source pixel `scale` px square. */
export function encodeCrop(image: Float32Array, crop: Crop, scale: number): { png: Buffer; width: number; height: number } {
  checkCrop(crop);
  const side = crop.size * scale;
  const canvas = blank(side, side, 1, GAP);
  drawRegion(canvas, image, 0, { x0: crop.x, y0: crop.y, w: crop.size, h: crop.size }, 0, 0, scale);
  return { png: encodePng(canvas), width: side, height: side };
}

/** The whole image at `scale` with the crop outlined in red (a 1 px line just inside the crop). */
export function encodeWithBox(image: Float32Array, crop: Crop, scale: number): { png: Buffer; width: number; height: number } {
  checkCrop(crop);
  const side = SIDE * scale;
  const canvas = blank(side, side, 4, GAP);
  drawRegion(canvas, image, 0, { x0: 0, y0: 0, w: SIDE, h: SIDE }, 0, 0, scale);
  const red = (x: number, y: number) => canvas.data.set(BOX_RGB, (y * side + x) * 4);
  const [x0, y0] = [crop.x * scale, crop.y * scale];
  const [x1, y1] = [(crop.x + crop.size) * scale - 1, (crop.y + crop.size) * scale - 1];
  for (let x = x0; x <= x1; x++) {
    red(x, y0);
    red(x, y1);
  }
  for (let y = y0; y <= y1; y++) {
    red(x0, y);
    red(x1, y);
  }
  return { png: encodePng(canvas), width: side, height: side };
}
