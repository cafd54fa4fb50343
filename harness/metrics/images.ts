/** Checks shared by the pixel-space metrics: images are row-major 28×28 float arrays in [0, 1]. */
import { PIXELS } from '../../models/data/shoes';

export const IMAGE_SIDE = 28;

/** The number of images in `images`, after checking it is a non-empty whole number of finite 28×28 images. */
export function imageCount(images: Float32Array, metric: string): number {
  if (images.length === 0) throw new RangeError(`${metric}: expected at least one 28×28 image, found none`);
  if (images.length % PIXELS !== 0) {
    throw new RangeError(`${metric}: expected a multiple of ${PIXELS} values (28×28 images), found ${images.length}`);
  }
  for (let i = 0; i < images.length; i++) {
    if (!Number.isFinite(images[i])) {
      throw new RangeError(`${metric}: pixel ${i % PIXELS} of image ${Math.floor(i / PIXELS)} is ${images[i]}`);
    }
  }
  return images.length / PIXELS;
}

export function assertSameShape(a: Float32Array, b: Float32Array, metric: string, names = ['originals', 'reconstructions']): void {
  if (a.length !== b.length) {
    throw new RangeError(`${metric}: ${names[0]} and ${names[1]} differ in shape (${a.length / PIXELS} vs ${b.length / PIXELS} images)`);
  }
}
