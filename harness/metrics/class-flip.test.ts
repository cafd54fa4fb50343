import { classFlipRate, classFlips, type Labeller } from './class-flip';

const PIXELS = 784;
const SANDAL = 5;
const SNEAKER = 7;

/** A fake classifier: bright images are sneakers, dark ones sandals. */
const byBrightness: Labeller = (images, count) =>
  Uint8Array.from({ length: count }, (_, k) => (images[k * PIXELS]! > 0.5 ? SNEAKER : SANDAL));

function images(...values: number[]): Float32Array {
  const out = new Float32Array(values.length * PIXELS);
  values.forEach((v, k) => out.fill(v, k * PIXELS, (k + 1) * PIXELS));
  return out;
}

test('counts reconstructions labelled as another class, overall and per original class', () => {
  const labels = Uint8Array.from([SANDAL, SANDAL, SANDAL, SNEAKER]);
  const result = classFlipRate(images(0.1, 0.9, 0.2, 0.3), labels, byBrightness);
  expect(Array.from(result.flipped)).toEqual([0, 1, 0, 1]);
  expect(result.rate).toBe(0.5);
  expect(result.perClass.get(SANDAL)).toEqual({ rate: 1 / 3, n: 3 });
  expect(result.perClass.get(SNEAKER)).toEqual({ rate: 1, n: 1 });
});

test('no flips when every label survives', () => {
  expect(classFlips(Uint8Array.from([5, 7]), Uint8Array.from([5, 7])).rate).toBe(0);
});

test('invalid input is a RangeError naming the metric', () => {
  expect(() => classFlips(new Uint8Array(0), new Uint8Array(0))).toThrow(/classFlipRate: expected at least one label, found none/);
  expect(() => classFlips(new Uint8Array(2), new Uint8Array(3))).toThrow(/classFlipRate: 2 original labels but 3 predicted ones/);
  expect(() => classFlipRate(images(0.5), new Uint8Array(2), byBrightness)).toThrow(/classFlipRate: expected one label per reconstruction \(1\), found 2/);
  expect(() => classFlipRate(images(0.5), new Uint8Array(1), () => new Uint8Array(0))).toThrow(/the labeller returned 0 labels for 1 images/);
  expect(() => classFlipRate(new Float32Array(0), new Uint8Array(0), byBrightness)).toThrow(/classFlipRate: expected at least one 28×28 image, found none/);
});
