/**
 * The machine's theoretical FP32 peak: cores × GHz × FLOPs per cycle per core.
 *
 * FLOPs per cycle come from the widest fused multiply–add the CPU flags in /proc/cpuinfo show,
 * assuming two FMA units per core (Intel since Haswell, AMD since Zen 2):
 *   AVX-512 (avx512f):  2 units × 16 FP32 lanes × 2 (mul + add) = 64
 *   AVX2 + FMA:         2 units ×  8 FP32 lanes × 2              = 32
 *   AVX without FMA:    1 mul + 1 add unit × 8 lanes              = 16
 *   SSE2:               1 mul + 1 add unit × 4 lanes              =  8
 *   NEON (asimd):       2 units ×  4 lanes × 2                    = 16
 * Chips with one 512-bit unit (some Xeon Silver/Bronze, Zen 4's double-pumped AVX-512) reach half
 * the AVX-512 figure; set BENCH_FLOPS_PER_CYCLE there. GHz comes from cpufreq where the kernel has
 * it: `base_frequency` (the nominal clock, Intel), else `cpuinfo_max_freq` (the maximum, boost
 * included on some drivers, so the peak may be high); /proc/cpuinfo's `cpu MHz` is then the
 * current clock, which frequency scaling lowers when idle. Without cpufreq (most VMs) it is `cpu
 * MHz`, the nominal clock there; boost exceeds it (scripts/fma-peak.c measures the real figure).
 * Cores are logical CPUs: with SMT two hyperthreads share one core's FMA units, so set
 * BENCH_PEAK_GFLOPS on SMT hosts.
 *
 * Overrides (environment): BENCH_PEAK_GFLOPS (the whole figure), else BENCH_FLOPS_PER_CYCLE and
 * BENCH_CPU_GHZ replace the detected factors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, cpus } from 'node:os';
import { BENCH_DEFAULTS } from './defaults';
import type { PeakInfo } from './types';

interface Isa {
  isa: string;
  flopsPerCycle: number;
  why: string;
}

export function isaFromFlags(flags: readonly string[]): Isa {
  const has = (f: string) => flags.includes(f);
  if (has('avx512f')) return { isa: 'avx512', flopsPerCycle: 64, why: 'AVX-512: 2 FMA units × 16 FP32 lanes × 2' };
  if (has('avx2') && has('fma')) return { isa: 'avx2-fma', flopsPerCycle: 32, why: 'AVX2+FMA: 2 FMA units × 8 FP32 lanes × 2' };
  if (has('avx') || has('avx2')) return { isa: 'avx', flopsPerCycle: 16, why: 'AVX: 1 mul + 1 add unit × 8 FP32 lanes' };
  if (has('asimd')) return { isa: 'neon', flopsPerCycle: 16, why: 'NEON: 2 FMA units × 4 FP32 lanes × 2' };
  if (has('sse2')) return { isa: 'sse2', flopsPerCycle: 8, why: 'SSE2: 1 mul + 1 add unit × 4 FP32 lanes' };
  return { isa: 'scalar', flopsPerCycle: 2, why: 'scalar: 1 FMA per cycle' };
}

export interface CpuInfo {
  model: string;
  processors: number;
  mhz: number | null;
  /** Where `mhz` came from, when not /proc/cpuinfo's `cpu MHz` (e.g. a cpufreq file). */
  clockSource?: string;
  flags: string[];
}

const CPUFREQ_DIR = '/sys/devices/system/cpu/cpu0/cpufreq';

/** cpufreq's clock of the first CPU in MHz (its files hold kHz): the base one, else the maximum; null where there is none. */
export function cpufreqMhz(dir = CPUFREQ_DIR): { mhz: number; source: string } | null {
  for (const file of ['base_frequency', 'cpuinfo_max_freq']) {
    try {
      const khz = Number(readFileSync(join(dir, file), 'utf8').trim());
      if (Number.isFinite(khz) && khz > 0) return { mhz: khz / 1000, source: file === 'base_frequency' ? 'cpufreq base_frequency' : 'cpufreq cpuinfo_max_freq, the maximum: may include boost' };
    } catch {
      // absent: try the next, then /proc/cpuinfo
    }
  }
  return null;
}

/** Parses the parts of /proc/cpuinfo the peak needs (x86 `flags`, ARM `Features`). */
export function parseCpuinfo(text: string): CpuInfo {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'mi').exec(text)?.[1]?.trim();
  const processors = (text.match(/^processor\s*:/gim) ?? []).length;
  const mhz = Number(field('cpu MHz'));
  return {
    model: field('model name') ?? field('Model') ?? field('Hardware') ?? 'unknown CPU',
    processors,
    mhz: Number.isFinite(mhz) && mhz > 0 ? mhz : null,
    flags: (field('flags') ?? field('Features') ?? '').split(/\s+/).filter(Boolean),
  };
}

/** An override variable: absent (undefined) or a number > 0; anything else is an error naming it. */
function override(env: Record<string, string | undefined>, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`$${name}: expected a number > 0, found '${value}'`);
  return n;
}

/** Peak from CPU facts and the override variables; pure. A clock that is nowhere to be found gives peak 0 (unknown). */
export function computePeak(info: CpuInfo, cores: number, env: Record<string, string | undefined>): PeakInfo {
  const names = BENCH_DEFAULTS.env;
  const configured = override(env, names.peakGflops);
  const isa = isaFromFlags(info.flags);
  const perCycleOverride = override(env, names.flopsPerCycle);
  const ghzOverride = override(env, names.ghz);
  const flopsPerCycle = perCycleOverride ?? isa.flopsPerCycle;
  const ghz = ghzOverride ?? (info.mhz ?? 0) / 1000;
  if (configured !== undefined) {
    return {
      gflops: configured, cores, ghz, flopsPerCycle, isa: 'configured', source: 'env',
      formula: `peak = ${configured} GFLOP/s (from $${names.peakGflops})`,
    };
  }
  const source = perCycleOverride !== undefined || ghzOverride !== undefined ? 'env' : 'detected';
  if (ghz === 0) {
    return {
      gflops: 0, cores, ghz, flopsPerCycle, isa: isa.isa, source,
      formula: `peak unknown: the CPU reports no clock (no 'cpu MHz' in /proc/cpuinfo, no speed from os.cpus()); set $${names.ghz} or $${names.peakGflops}`,
    };
  }
  const why = perCycleOverride !== undefined ? `from $${names.flopsPerCycle}` : isa.why;
  const clock = ghzOverride !== undefined ? `${ghz} GHz (from $${names.ghz})` : `${ghz.toFixed(3)} GHz${info.clockSource ? ` (${info.clockSource})` : ''}`;
  const gflops = cores * ghz * flopsPerCycle;
  return {
    gflops, cores, ghz, flopsPerCycle, isa: isa.isa, source,
    formula: `peak = ${cores} cores × ${clock} × ${flopsPerCycle} FLOP/cycle (${why}) = ${gflops.toFixed(1)} GFLOP/s FP32`,
  };
}

/** /proc/cpuinfo, the clock from cpufreq where there is one, else from cpuinfo, else from os.cpus() (most ARM64 kernels). */
export function readCpuInfo(cpufreqDir = CPUFREQ_DIR): CpuInfo {
  const first = cpus()[0];
  const speed = first?.speed && first.speed > 0 ? first.speed : null;
  const cpufreq = cpufreqMhz(cpufreqDir);
  const clock = (mhz: number | null) => (cpufreq ? { mhz: cpufreq.mhz, clockSource: cpufreq.source } : { mhz: mhz ?? speed });
  try {
    const info = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
    return { ...info, ...clock(info.mhz) };
  } catch {
    return { model: first?.model ?? 'unknown CPU', processors: cpus().length, ...clock(null), flags: [] };
  }
}

/** This machine's peak: logical CPUs the process may use × clock × FLOPs per cycle. */
export function detectPeak(env: Record<string, string | undefined> = process.env): PeakInfo {
  return computePeak(readCpuInfo(), availableParallelism(), env);
}
