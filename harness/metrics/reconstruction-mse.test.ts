import { perImageMse, reconstructionMse } from './reconstruction-mse';

const PIXELS = 784;

function images(...values: number[]): Float32Array {
  const out = new Float32Array(values.length * PIXELS);
  values.forEach((v, k) => out.fill(v, k * PIXELS, (k + 1) * PIXELS));
  return out;
}

test('per-image MSE is exact on small arrays', () => {
  const originals = images(0, 0.5, 1);
  const reconstructions = images(0.5, 0.5, 0.75);
  originals[PIXELS + 3] = 1;
  reconstructions[PIXELS + 3] = 0; // one pixel of image 1 off by 1 → 1/784
  expect(Array.from(perImageMse(originals, reconstructions))).toEqual([0.25, 1 / PIXELS, 0.0625]);
});

test('overall and per-class means', () => {
  const originals = images(0, 0, 1, 1);
  const reconstructions = images(0.5, 0.25, 0.5, 1);
  const result = reconstructionMse(originals, reconstructions, Uint8Array.from([5, 7, 5, 7]));
  expect(result.overall).toBeCloseTo((0.25 + 0.0625 + 0.25 + 0) / 4, 12);
  expect(result.perClass.get(5)).toEqual({ mse: 0.25, n: 2 });
  expect(result.perClass.get(7)).toEqual({ mse: 0.03125, n: 2 });
});

test('invalid input is a RangeError naming the metric and what was found', () => {
  expect(() => reconstructionMse(new Float32Array(0), new Float32Array(0), new Uint8Array(0))).toThrow(/reconstructionMse: expected at least one 28×28 image, found none/);
  expect(() => perImageMse(images(0, 1), images(0))).toThrow(/reconstructionMse: originals and reconstructions differ in shape \(2 vs 1 images\)/);
  const nan = images(0);
  nan[10] = NaN;
  expect(() => perImageMse(images(0), nan)).toThrow(/reconstructionMse: pixel 10 of image 0 is NaN; expected a value in \[0, 1\]/);
  expect(() => perImageMse(images(0), images(255))).toThrow(/reconstructionMse: pixel 0 of image 0 is 255; expected a value in \[0, 1\] \(bytes\? divide by 255\)/);
  expect(() => perImageMse(images(-0.5), images(0))).toThrow(/reconstructionMse: pixel 0 of image 0 is -0\.5; expected a value in \[0, 1\] \(a generator's \[−1, 1\] output\? convert it with tanhToUnit\)/);
  expect(() => reconstructionMse(images(0), images(0), new Uint8Array(2))).toThrow(/expected one label per image \(1\), found 2/);
});
