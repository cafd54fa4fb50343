import { lerp, slerp, slerpPath } from './latent';

test('lerp runs straight from z₁ to z₂', () => {
  expect(Array.from(lerp([0, 2], [4, 6], 0.25))).toEqual([1, 3]);
});

test('slerp of parallel latents falls back to lerp', () => {
  expect(Array.from(slerp([1, 1], [2, 2], 0.5))).toEqual([1.5, 1.5]);
});

test('a slerp path holds `steps` latents, ends included, a quarter circle apart in equal angles', () => {
  const path = slerpPath([2, 0], [0, 2], 3);
  expect(path).toBeInstanceOf(Float32Array);
  expect(path.length).toBe(6);
  expect(Array.from(path.subarray(0, 2))).toEqual([2, 0]);
  expect(path[2]).toBeCloseTo(Math.SQRT2, 6);
  expect(path[3]).toBeCloseTo(Math.SQRT2, 6);
  expect(path[4]).toBeCloseTo(0, 6);
  expect(path[5]).toBeCloseTo(2, 6);
});

test('a slerp path is slerp at t = k / (steps − 1), row after row', () => {
  const a = [0.3, -1.2, 0.8];
  const b = [-0.5, 0.4, 1.1];
  const path = slerpPath(a, b, 5);
  for (let k = 0; k < 5; k++) expect(Array.from(path.subarray(3 * k, 3 * k + 3))).toEqual(Array.from(Float32Array.from(slerp(a, b, k / 4))));
});

test('a slerp path needs both ends and ends of one size', () => {
  expect(() => slerpPath([1], [2], 1)).toThrow(/at least 2 steps/);
  expect(() => slerpPath([1, 0], [2], 3)).toThrow(/ends differ in size \(2 vs 1\)/);
});
