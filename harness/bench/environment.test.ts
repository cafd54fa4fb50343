import { busyBaselineRefusal, loadWarning } from './environment';

test('a load average of 0.5 or more is a disturbed run, named with its figures', () => {
  expect(loadWarning({ loadAverage: 0.49, cpus: 2 })).toBeUndefined();
  expect(loadWarning({ loadAverage: 0.5, cpus: 2 })).toBe('load average 0.50 on 2 CPUs when the run started: other work was running, timings are disturbed');
});

test('--save-baseline is refused on a busy machine, saying why and how to proceed; allowed on a quiet one', () => {
  expect(busyBaselineRefusal({ loadAverage: 0.2, cpus: 2 })).toBeUndefined();
  const refusal = busyBaselineRefusal({ loadAverage: 0.91, cpus: 2 });
  expect(refusal).toMatch(/^--save-baseline: the 1-minute load average is 0\.91 on 2 CPUs, so other work is running/);
  expect(refusal).toMatch(/hide later regressions\. Wait until `uptime` shows a load under 0\.5, or pass --allow-load to save anyway$/);
});
