/** Checks shared by the pixel-space metrics: images are row-major 28×28 float arrays in [0, 1]. */
import { PIXELS } from '../../models/data/shoes';

export const IMAGE_SIDE = 28;

/** The number of images in `images`, after checking it is a non-empty whole number of 28×28 images with pixels in [0, 1]. */
export function imageCount(images: Float32Array, metric: string): number {
  if (images.length === 0) throw new RangeError(`${metric}: expected at least one 28×28 image, found none`);
  if (images.length % PIXELS !== 0) {
    throw new RangeError(`${metric}: expected a multiple of ${PIXELS} values (28×28 images), found ${images.length}`);
  }
  for (let i = 0; i < images.length; i++) {
    const v = images[i]!;
    if (!(v >= 0 && v <= 1)) {
      const hint = v < 0 && v >= -1 ? ' (a generator\'s [−1, 1] output? convert it with tanhToUnit)' : v > 1 && v <= 255 ? ' (bytes? divide by 255)' : '';
      throw new RangeError(`${metric}: pixel ${i % PIXELS} of image ${Math.floor(i / PIXELS)} is ${v}; expected a value in [0, 1]${hint}`);
    }
  }
  return images.length / PIXELS;
}

export function assertSameShape(a: Float32Array, b: Float32Array, metric: string, names = ['originals', 'reconstructions']): void {
  if (a.length !== b.length) {
    throw new RangeError(`${metric}: ${names[0]} and ${names[1]} differ in shape (${a.length / PIXELS} vs ${b.length / PIXELS} images)`);
  }
}
