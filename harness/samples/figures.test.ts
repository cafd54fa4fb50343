import { SANDAL, SNEAKER, PIXELS, type ImageSet } from '../../models/data/shoes';
import { alternatingTestImages } from './figures';

/** Image i is filled with the value i, so picked images name their source index. */
function testSet(labels: number[]): ImageSet {
  const images = new Float32Array(labels.length * PIXELS);
  labels.forEach((_, i) => images.fill(i, i * PIXELS, (i + 1) * PIXELS));
  return { images, labels: Uint8Array.from(labels), count: labels.length, classes: [SANDAL, SNEAKER] };
}

const sources = (set: ImageSet) => Array.from({ length: set.count }, (_, k) => set.images[k * PIXELS]);

test('test images alternate sandal and sneaker in test-set order', () => {
  const picked = alternatingTestImages(testSet([SNEAKER, 0, SANDAL, SNEAKER, SANDAL, SANDAL]), 4);
  expect(sources(picked)).toEqual([2, 0, 4, 3]);
  expect(Array.from(picked.labels)).toEqual([SANDAL, SNEAKER, SANDAL, SNEAKER]);
  expect(picked.count).toBe(4);
});

test('when one class runs out the other goes on alone, and a short set gives fewer images', () => {
  const set = testSet([SANDAL, SNEAKER, SANDAL, SANDAL]);
  expect(sources(alternatingTestImages(set, 4))).toEqual([0, 1, 2, 3]);
  expect(alternatingTestImages(set, 10).count).toBe(4);
});

test('the class order is the caller’s', () => {
  expect(sources(alternatingTestImages(testSet([SANDAL, SNEAKER]), 2, [SNEAKER, SANDAL]))).toEqual([1, 0]);
});
