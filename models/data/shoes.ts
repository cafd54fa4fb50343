/**
 * The seed article's subset: sandals (5) and sneakers (7) by default, ankle boots (9) on request,
 * official train/test split, pixels scaled to [0, 1] (or [-1, 1] for tanh generators).
 */
import { deriveSeed, createRng, permutation } from '../seed';
import { CLASS_NAMES, IMAGE_SIZE, readSplit, type Split } from './fashion-mnist';

export const SANDAL = 5;
export const SNEAKER = 7;
export const ANKLE_BOOT = 9;
export const DEFAULT_CLASSES: readonly number[] = [SANDAL, SNEAKER];
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

export type PixelRange = 'unit' | 'tanh';

/** `count` images of 28×28, row-major in `images`, values in [0, 1]. */
export interface ImageSet {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  classes: readonly number[];
}

export function validateClasses(classes: readonly number[]): void {
  if (classes.length === 0) throw new RangeError('classes: expected at least one Fashion-MNIST class, found none');
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= CLASS_NAMES.length) {
      throw new RangeError(`classes: expected integers 0-9 (${CLASS_NAMES.map((n, i) => `${i} ${n}`).join(', ')}), found ${c}`);
    }
  }
  const twice = classes.find((c, i) => classes.indexOf(c) !== i);
  if (twice !== undefined) throw new RangeError(`classes: expected each class once, found ${twice} twice`);
}

export function selectClasses(raw: { pixels: Uint8Array; labels: Uint8Array; count: number }, classes: readonly number[]): ImageSet {
  validateClasses(classes);
  const wanted = new Set(classes);
  const indices: number[] = [];
  for (let i = 0; i < raw.count; i++) if (wanted.has(raw.labels[i]!)) indices.push(i);
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, k) => {
    labels[k] = raw.labels[source]!;
    for (let p = 0; p < PIXELS; p++) images[k * PIXELS + p] = raw.pixels[source * PIXELS + p]! / 255;
  });
  return { images, labels, count: indices.length, classes: [...classes] };
}

const cache = new Map<string, ImageSet>();

/** Loads (once per process) the chosen classes of one split from the verified official files. */
export function loadShoes(split: Split, classes: readonly number[] = DEFAULT_CLASSES, dir?: string): ImageSet {
  const key = `${split}:${classes.join(',')}:${dir ?? ''}`;
  let set = cache.get(key);
  if (!set) {
    set = selectClasses(readSplit(split, dir), classes);
    cache.set(key, set);
  }
  return set;
}

export function toPixelRange(unit: Float32Array, range: PixelRange): Float32Array {
  return range === 'unit' ? unit : unit.map((v) => v * 2 - 1);
}

/** The first `n` images of a set (for fixed evaluation batches). */
export function head(set: ImageSet, n: number): ImageSet {
  const count = Math.min(n, set.count);
  return { images: set.images.slice(0, count * PIXELS), labels: set.labels.slice(0, count), count, classes: set.classes };
}

let lastOrder: { key: string; order: Int32Array } | undefined;

/** The seeded permutation of one epoch, kept while consecutive steps ask for the same epoch. */
function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const key = `${count}/${seed}/${epoch}`;
  if (lastOrder?.key !== key) lastOrder = { key, order: permutation(count, createRng(deriveSeed(seed, 'shuffle', epoch))) };
  return lastOrder.order;
}

/**
 * The indices of training step `step`: each epoch is a fresh seeded permutation, so a resumed run
 * draws exactly the batches an uninterrupted one would. The last partial batch of an epoch is dropped.
 */
export function batchIndices(count: number, batchSize: number, seed: number, step: number): Int32Array {
  const perEpoch = Math.floor(count / batchSize);
  if (perEpoch === 0) throw new RangeError(`batch size ${batchSize} is larger than the ${count} training images`);
  const order = epochOrder(count, seed, Math.floor(step / perEpoch));
  const start = (step % perEpoch) * batchSize;
  return order.subarray(start, start + batchSize);
}

export function gather(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * PIXELS);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(set.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
  }
  return out;
}
