import { medianInterval, tCritical95 } from './stats';

/** 1 … n, shuffled: the interval's ends are then the ranks themselves. */
const ranks = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1);

describe('medianInterval (sign test)', () => {
  test.each([
    // Ranks from the binomial tail: P(Binomial(n, ½) < k) ≤ 2.5 % (n = 15: 576/32768 = 1.76 % at k = 4, 5.9 % at k = 5).
    [6, [1, 6]],
    [9, [2, 8]],
    [15, [4, 12]],
    [20, [6, 15]],
    [30, [10, 21]],
  ])('95 %% with %i values: the order statistics %j', (n, expected) => {
    expect(medianInterval(ranks(n))).toEqual(expected);
  });
  test('a higher level widens it (99 %, 15 values: P < 3 is 0.37 %, P < 4 is 1.76 %)', () => {
    expect(medianInterval(ranks(15), 0.99)).toEqual([3, 13]);
  });
  test('too few values for any interval: null', () => {
    expect(medianInterval(ranks(5))).toBeNull();
    expect(medianInterval([])).toBeNull();
  });
});

test.each([
  // Exact two-sided 95 % quantiles of Student's t.
  [30, 2.042], [31, 2.040], [40, 2.021], [60, 2.000], [120, 1.980], [1000, 1.962],
])('t critical value at %i degrees of freedom: %d', (df, exact) => {
  expect(Math.abs(tCritical95(df) - exact)).toBeLessThan(0.001);
});
