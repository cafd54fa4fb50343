/**
 * Lays out square images (row-major floats in [0, 1], 28×28 by default) into one greyscale grid
 * image, with padding and optional integer nearest-neighbour upscaling. Quantisation to 8 bits is
 * deterministic: round half up, clamp to [0, 255]; a non-finite value is an error, not a pixel.
 */
import { GOLDEN_DEFAULTS } from './defaults';
import type { GrayImage, GridOptions } from './types';

/** [0, 1] → 0..255, round half up, clamped. */
export function quantise(value: number): number {
  if (Number.isNaN(value)) throw new RangeError('quantise: value is NaN');
  if (value <= 0) return 0;
  if (value >= 1) return 255;
  return Math.floor(value * 255 + 0.5);
}

function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`grid: ${name} must be an integer ≥ ${min}, found ${value}`);
  return value;
}

export function gridSize(count: number, columns: number, options: GridOptions = {}): { width: number; height: number; rows: number } {
  const { size, padding, scale } = { ...GOLDEN_DEFAULTS.grid, ...options };
  const cols = Math.min(columns, count);
  const rows = Math.ceil(count / columns);
  const cell = size * scale;
  return { width: cols * cell + (cols + 1) * padding, height: rows * cell + (rows + 1) * padding, rows };
}

/**
 * `images` holds `count = images.length / size²` images; they fill the grid row by row,
 * `columns` per row (fewer columns when there are fewer images).
 */
export function imagesToGrid(images: Float32Array, columns: number, options: GridOptions = {}): GrayImage {
  const { size, padding, scale, padValue } = { ...GOLDEN_DEFAULTS.grid, ...options };
  positiveInteger(size, 'size');
  positiveInteger(scale, 'scale');
  positiveInteger(padding, 'padding', 0);
  positiveInteger(columns, 'columns');
  const pixels = size * size;
  const count = images.length / pixels;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`grid: ${images.length} values is not a positive multiple of one ${size}×${size} image (${pixels})`);
  }
  const { width, height } = gridSize(count, columns, { size, padding, scale });
  const data = new Uint8Array(width * height).fill(quantise(padValue));
  const cell = size * scale;
  for (let k = 0; k < count; k++) {
    const left = padding + (k % columns) * (cell + padding);
    const top = padding + Math.floor(k / columns) * (cell + padding);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const value = images[k * pixels + y * size + x]!;
        if (!Number.isFinite(value)) throw new RangeError(`grid: image ${k} pixel (${x}, ${y}) is ${value}`);
        const q = quantise(value);
        for (let dy = 0; dy < scale; dy++) {
          const row = (top + y * scale + dy) * width + left + x * scale;
          data.fill(q, row, row + scale);
        }
      }
    }
  }
  return { width, height, channels: 1, data };
}
