import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computePeak, cpufreqMhz, isaFromFlags, parseCpuinfo, readCpuInfo } from './peak';

const scratch = mkdtempSync(join(tmpdir(), 'peak-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CPUINFO = `processor\t: 0
model name\t: AMD EPYC 7B13
cpu MHz\t\t: 2450.000
flags\t\t: fpu sse sse2 avx fma avx2 bmi2

processor\t: 1
model name\t: AMD EPYC 7B13
cpu MHz\t\t: 2450.000
flags\t\t: fpu sse sse2 avx fma avx2 bmi2
`;

describe('peak FP32', () => {
  test('parses model, processors, clock and flags', () => {
    expect(parseCpuinfo(CPUINFO)).toEqual({ model: 'AMD EPYC 7B13', processors: 2, mhz: 2450, flags: ['fpu', 'sse', 'sse2', 'avx', 'fma', 'avx2', 'bmi2'] });
  });
  test.each([
    [['avx512f', 'avx2', 'fma'], 64],
    [['avx2', 'fma'], 32],
    [['avx2'], 16],
    [['avx'], 16],
    [['asimd'], 16],
    [['sse2'], 8],
    [[], 2],
  ])('flags %j give %i FLOPs per cycle', (flags, perCycle) => {
    expect(isaFromFlags(flags).flopsPerCycle).toBe(perCycle);
  });
  test('cores × GHz × FLOPs/cycle, with the formula spelled out', () => {
    const p = computePeak(parseCpuinfo(CPUINFO), 2, {});
    expect(p.gflops).toBeCloseTo(2 * 2.45 * 32);
    expect(p).toMatchObject({ cores: 2, flopsPerCycle: 32, isa: 'avx2-fma', source: 'detected' });
    expect(p.formula).toBe('peak = 2 cores × 2.450 GHz × 32 FLOP/cycle (AVX2+FMA: 2 FMA units × 8 FP32 lanes × 2) = 156.8 GFLOP/s FP32');
  });
  test('the clock: cpufreq’s base frequency, else its maximum (kHz), not the current `cpu MHz` that scaling lowers; none without cpufreq', () => {
    const dir = mkdtempSync(join(scratch, 'cpufreq-'));
    expect(cpufreqMhz(dir)).toBeNull();
    writeFileSync(join(dir, 'cpuinfo_max_freq'), '3500000\n');
    expect(cpufreqMhz(dir)).toEqual({ mhz: 3500, source: 'cpufreq cpuinfo_max_freq, the maximum: may include boost' });
    writeFileSync(join(dir, 'base_frequency'), '2100000\n');
    expect(cpufreqMhz(dir)).toEqual({ mhz: 2100, source: 'cpufreq base_frequency' });
    const info = readCpuInfo(dir);
    expect(info).toMatchObject({ mhz: 2100, clockSource: 'cpufreq base_frequency' });
    expect(computePeak({ ...parseCpuinfo(CPUINFO), mhz: 2100, clockSource: 'cpufreq base_frequency' }, 2, {}).formula).toContain('× 2.100 GHz (cpufreq base_frequency) ×');
  });
  test('environment overrides: the whole figure, or single factors', () => {
    expect(computePeak(parseCpuinfo(CPUINFO), 2, { BENCH_PEAK_GFLOPS: '100' })).toMatchObject({ gflops: 100, source: 'env' });
    expect(computePeak(parseCpuinfo(CPUINFO), 2, { BENCH_FLOPS_PER_CYCLE: '16', BENCH_CPU_GHZ: '3' })).toMatchObject({ gflops: 96, source: 'env' });
    expect(computePeak(parseCpuinfo(CPUINFO), 2, { BENCH_CPU_GHZ: '3' }).formula).toBe(
      'peak = 2 cores × 3 GHz (from $BENCH_CPU_GHZ) × 32 FLOP/cycle (AVX2+FMA: 2 FMA units × 8 FP32 lanes × 2) = 192.0 GFLOP/s FP32',
    );
  });
  test('an override that is not a positive number is an error naming it', () => {
    expect(() => computePeak(parseCpuinfo(CPUINFO), 2, { BENCH_PEAK_GFLOPS: 'lots' })).toThrow("$BENCH_PEAK_GFLOPS: expected a number > 0, found 'lots'");
    expect(() => computePeak(parseCpuinfo(CPUINFO), 2, { BENCH_CPU_GHZ: '-1' })).toThrow("$BENCH_CPU_GHZ: expected a number > 0, found '-1'");
  });
  test('no clock anywhere: peak 0 (unknown), saying which variable to set', () => {
    const p = computePeak({ ...parseCpuinfo(CPUINFO), mhz: null }, 2, {});
    expect(p.gflops).toBe(0);
    expect(p.formula).toMatch(/^peak unknown: .*set \$BENCH_CPU_GHZ or \$BENCH_PEAK_GFLOPS$/);
  });
});
