import pixelmatch from 'pixelmatch';
import { Bench } from 'tinybench';

test('ESM-only pixelmatch and tinybench load under jest', () => {
  const a = new Uint8Array(4 * 4).fill(255);
  const b = new Uint8Array(a);
  b[0] = 0;
  expect(pixelmatch(a, b, undefined, 2, 2)).toBe(1);
  expect(typeof new Bench().add).toBe('function');
});
