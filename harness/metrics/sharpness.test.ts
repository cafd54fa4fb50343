import { useBackend } from '../../models/backend';
import { highFrequencyMask, reconstructionSharpness, sharpness } from './sharpness';

const SIDE = 28;
const options = { highFrequencyRadius: 7 };

function image(f: (row: number, col: number) => number): Float32Array {
  return Float32Array.from({ length: SIDE * SIDE }, (_, i) => f(Math.floor(i / SIDE), i % SIDE));
}

const checkerboard = image((r, c) => (r + c) % 2);
const verticalEdge = image((_, c) => (c >= 14 ? 1 : 0));

/** A synthetic "shoe": a filled sole, an upper with stripes and a dotted toe, on black. */
const stubShoe = image((r, c) => {
  const sole = r >= 19 && r <= 21 && c >= 4 && c <= 24 ? 0.9 : 0;
  const upper = r >= 10 && r < 19 && c >= 6 + (18 - r) && c <= 22 ? (c % 4 < 2 ? 0.8 : 0.4) : 0;
  const toe = r >= 15 && r < 19 && c > 22 && c <= 24 && (r + c) % 2 === 0 ? 1 : 0;
  return Math.max(sole, upper, toe);
});

/** 3×3 mean filter, edge pixels replicated. */
function boxBlur(x: Float32Array): Float32Array {
  const at = (r: number, c: number) => x[Math.min(SIDE - 1, Math.max(0, r)) * SIDE + Math.min(SIDE - 1, Math.max(0, c))]!;
  return image((r, c) => {
    let sum = 0;
    for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) sum += at(r + dr, c + dc);
    return sum / 9;
  });
}

beforeAll(async () => {
  await useBackend('tensorflow');
});

test('a constant image scores 0 on all three measures', () => {
  const s = sharpness(new Float32Array(SIDE * SIDE).fill(0.37), options);
  expect(s.laplacianVariance[0]).toBeCloseTo(0, 10);
  expect(s.tenengrad[0]).toBeCloseTo(0, 10);
  expect(s.highFrequencyShare[0]).toBeCloseTo(0, 6);
});

test('checkerboard by hand: Laplacian ±4 on alternating pixels (variance 16), Sobel cancels, all energy at Nyquist', () => {
  const s = sharpness(checkerboard, options);
  expect(s.laplacianVariance[0]).toBeCloseTo(16, 4);
  expect(s.tenengrad[0]).toBeCloseTo(0, 6);
  expect(s.highFrequencyShare[0]).toBeCloseTo(1, 5);
});

test('two sines by hand: amplitude 0.2 at radius 2 and 0.1 at radius 10 put 0.1² / (0.2² + 0.1²) = 0.2 of the energy above radius 7', () => {
  // Sines, not cosines: their energy lies in the imaginary part of the DFT, which a checkerboard never exercises.
  const twoSines = image((r, c) => 0.5 + 0.2 * Math.sin((2 * Math.PI * 2 * c) / SIDE) + 0.1 * Math.sin((2 * Math.PI * 10 * r) / SIDE));
  expect(sharpness(twoSines, options).highFrequencyShare[0]).toBeCloseTo(0.2, 5);
});

test('vertical step edge by hand: Gx = 4 on two of 26 valid columns, so Tenengrad = 2·26·16 / 676', () => {
  const s = sharpness(verticalEdge, options);
  expect(s.tenengrad[0]).toBeCloseTo((2 * 26 * 16) / 676, 5);
  // Laplacian is +1 left of the edge and −1 right of it on 26 rows each: variance 2·26 / 676.
  expect(s.laplacianVariance[0]).toBeCloseTo((2 * 26) / 676, 5);
});

test('each further box blur lowers every measure', () => {
  const blurred = [stubShoe];
  for (let i = 0; i < 3; i++) blurred.push(boxBlur(blurred[i]!));
  const all = new Float32Array(4 * SIDE * SIDE);
  blurred.forEach((x, i) => all.set(x, i * SIDE * SIDE));
  const s = sharpness(all, options);
  for (const measure of [s.laplacianVariance, s.tenengrad, s.highFrequencyShare]) {
    for (let i = 1; i < 4; i++) expect(measure[i]).toBeLessThan(measure[i - 1]!);
  }
});

test('results do not depend on the batch size', () => {
  const all = new Float32Array(3 * SIDE * SIDE);
  [checkerboard, verticalEdge, stubShoe].forEach((x, i) => all.set(x, i * SIDE * SIDE));
  const whole = sharpness(all, options);
  const split = sharpness(all, { ...options, batchSize: 2 });
  expect(Array.from(split.tenengrad)).toEqual(Array.from(whole.tenengrad));
  expect(Array.from(split.highFrequencyShare)).toEqual(Array.from(whole.highFrequencyShare));
});

test('the high-frequency mask excludes DC and counts the Nyquist corner', () => {
  const mask = highFrequencyMask(7);
  expect(mask[0]).toBe(0);
  expect(mask[14 * SIDE + 14]).toBe(1);
  expect(mask[7 * SIDE]).toBe(0); // radius exactly 7 is not above 7
});

test('invalid input is a RangeError naming the metric', () => {
  expect(() => sharpness(new Float32Array(0), options)).toThrow(/sharpness: expected at least one 28×28 image/);
  expect(() => sharpness(new Float32Array(100), options)).toThrow(/sharpness: expected a multiple of 784/);
  const bad = new Float32Array(SIDE * SIDE);
  bad[5] = NaN;
  expect(() => sharpness(bad, options)).toThrow(/sharpness: pixel 5 of image 0 is NaN/);
});

function concat(images: Float32Array[]): Float32Array {
  const out = new Float32Array(images.length * SIDE * SIDE);
  images.forEach((x, i) => out.set(x, i * SIDE * SIDE));
  return out;
}

test('reconstruction sharpness by hand: a checkerboard scaled by c has Laplacian variance 16c², and halving every image quarters it', () => {
  const scaled = (c: number) => checkerboard.map((v) => v * c);
  const bootstrap = { resamples: 200, confidence: 0.95, seed: 3 };
  const result = reconstructionSharpness(concat([scaled(1), scaled(0.5)]), concat([scaled(0.5), scaled(0.25)]), { ...options, ...bootstrap });
  // Originals 16 and 4 (mean 10), reconstructions 4 and 1 (mean 2.5).
  expect(result.originals.value).toBeCloseTo(10, 3);
  expect(result.reconstructions.value).toBeCloseTo(2.5, 3);
  expect(result.originals.n).toBe(2);
  expect(result.originals.ci[0]).toBeGreaterThanOrEqual(4 - 1e-3);
  expect(result.originals.ci[1]).toBeLessThanOrEqual(16 + 1e-3);
  // Paired resamples: every replicate ratio is exactly 1/4, so the interval is that point.
  expect(result.reconstructions.ratioToReal.value).toBeCloseTo(0.25, 6);
  expect(result.reconstructions.ratioToReal.ci[0]).toBeCloseTo(0.25, 6);
  expect(result.reconstructions.ratioToReal.ci[1]).toBeCloseTo(0.25, 6);
  expect(reconstructionSharpness(concat([scaled(1), scaled(0.5)]), concat([scaled(0.5), scaled(0.25)]), { ...options, ...bootstrap })).toEqual(result);
});

test('reconstruction sharpness needs one reconstruction per original', () => {
  expect(() => reconstructionSharpness(concat([checkerboard, checkerboard]), checkerboard, { ...options, resamples: 10, confidence: 0.95, seed: 1 })).toThrow(
    /reconstruction-sharpness: 2 originals but 1 reconstructions/,
  );
});
