/** 8-bit greyscale / RGBA PNG encoding and decoding (pngjs); decoding always yields RGBA. */
import { PNG } from 'pngjs';
import type { GrayImage, PixelImage, RgbaImage } from './types';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

export function assertImage(image: PixelImage, what = 'image'): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${what}: expected positive integer width and height, found ${width}×${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(`${what}: expected ${width}×${height}×${channels} = ${width * height * channels} bytes, found ${data.length}`);
  }
}

export interface EncodeOptions {
  /**
   * Row filter. 'paeth' (default) compresses smooth images well, for committed goldens; 'none'
   * for throwaway artefacts. One fixed filter, not pngjs's adaptive search, which filters every
   * row five ways to keep the smallest.
   */
  filter?: 'paeth' | 'none';
}

/** Encodes greyscale as PNG colour type 0 and RGBA as colour type 6, both 8-bit. */
export function encodePng(image: PixelImage, options: EncodeOptions = {}): Buffer {
  assertImage(image, 'encodePng');
  const gray = image.channels === 1;
  const filterType = options.filter === 'none' ? 0 : 4;
  const png = { width: image.width, height: image.height, data: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  return PNG.sync.write(
    png as PNG,
    gray ? { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, filterType } : { colorType: 6, bitDepth: 8, filterType },
  );
}

/**
 * Decodes any PNG pngjs reads into 8-bit RGBA. `source` (a path or a label) names the input in
 * errors: not a PNG, truncated, or corrupt.
 */
export function decodePng(buffer: Uint8Array, source: string): RgbaImage {
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    const start = bytes.subarray(0, 8).toString('hex') || 'empty';
    throw new PngFormatError(`${source}: not a PNG file (starts with ${start}, expected the PNG signature 89504e470d0a1a0a)`);
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new PngFormatError(`${source}: cannot decode PNG (${(error as Error).message}); the file is probably truncated or corrupt`);
  }
  // Copy into a fresh, 4-byte-aligned array: pixelmatch views pixels as Uint32.
  return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data) };
}

export function grayToRgba(image: GrayImage): RgbaImage {
  const data = new Uint8Array(image.width * image.height * 4);
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i]!;
    data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return { width: image.width, height: image.height, channels: 4, data };
}

export function toRgba(image: PixelImage): RgbaImage {
  return image.channels === 4 ? image : grayToRgba(image);
}
