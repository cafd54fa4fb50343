/** Lays expected | actual | diff side by side into one RGBA image (after jest-image-snapshot's image-composer). */
import { GOLDEN_DEFAULTS } from './defaults';
import type { RgbaImage } from './types';

export interface ComposeOptions {
  /** @default 4 */
  gap?: number;
  /** Integer nearest-neighbour upscaling of every panel. @default 4 */
  scale?: number;
  /** Grey (0–255) of gaps and of the area below shorter panels. @default 96 */
  background?: number;
}

/** Panels left to right, top-aligned, each upscaled by `scale`, separated and framed by `gap`. */
export function composeSideBySide(panels: readonly RgbaImage[], options: ComposeOptions = {}): RgbaImage {
  const { gap, scale, background } = { ...GOLDEN_DEFAULTS.compose, ...options };
  if (panels.length === 0) throw new RangeError('composeSideBySide: no panels');
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`composeSideBySide: scale must be an integer ≥ 1, found ${scale}`);
  const width = panels.reduce((w, p) => w + p.width * scale, 0) + gap * (panels.length + 1);
  const height = Math.max(...panels.map((p) => p.height * scale)) + 2 * gap;
  const data = new Uint8Array(width * height * 4);
  data.fill(background);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  // Whole pixels as 32-bit words: one read and one write per output pixel.
  const out = new Uint32Array(data.buffer);
  let left = gap;
  for (const panel of panels) {
    const source = new Uint32Array(new Uint8Array(panel.data).buffer);
    for (let y = 0; y < panel.height * scale; y++) {
      const from = Math.floor(y / scale) * panel.width;
      const to = (gap + y) * width + left;
      for (let x = 0; x < panel.width * scale; x++) out[to + x] = source[from + Math.floor(x / scale)]!;
    }
    left += panel.width * scale + gap;
  }
  return { width, height, channels: 4, data };
}

/** expected | actual | diff, skipping a panel that does not exist (a corrupt golden has no expected). */
export function composeComparison(
  parts: { expected?: RgbaImage; actual: RgbaImage; diff?: RgbaImage },
  options: ComposeOptions = {},
): RgbaImage {
  return composeSideBySide([parts.expected, parts.actual, parts.diff].filter((p): p is RgbaImage => p !== undefined), options);
}
