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
 * the AVX-512 figure; set BENCH_FLOPS_PER_CYCLE there. GHz is the `cpu MHz` the kernel reports
 * (the nominal clock on VMs; turbo can exceed it). Cores are logical CPUs: with SMT two
 * hyperthreads share one core's FMA units, so set BENCH_PEAK_GFLOPS on SMT hosts.
 *
 * Overrides (environment): BENCH_PEAK_GFLOPS (the whole figure), else BENCH_FLOPS_PER_CYCLE and
 * BENCH_CPU_GHZ replace the detected factors.
 */
import { readFileSync } from 'node:fs';
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
  flags: string[];
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

const positive = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Peak from CPU facts and the override variables; pure. */
export function computePeak(info: CpuInfo, cores: number, env: Record<string, string | undefined>): PeakInfo {
  const names = BENCH_DEFAULTS.env;
  const configured = positive(env[names.peakGflops]);
  const isa = isaFromFlags(info.flags);
  const flopsPerCycle = positive(env[names.flopsPerCycle]) ?? isa.flopsPerCycle;
  const ghz = positive(env[names.ghz]) ?? (info.mhz ?? 0) / 1000;
  if (configured !== undefined) {
    return {
      gflops: configured, cores, ghz, flopsPerCycle, isa: 'configured', source: 'env',
      formula: `peak = ${configured} GFLOP/s (from $${names.peakGflops})`,
    };
  }
  const overridden = env[names.flopsPerCycle] !== undefined || env[names.ghz] !== undefined;
  const gflops = cores * ghz * flopsPerCycle;
  const why = positive(env[names.flopsPerCycle]) ? `from $${names.flopsPerCycle}` : isa.why;
  return {
    gflops, cores, ghz, flopsPerCycle, isa: isa.isa, source: overridden ? 'env' : 'detected',
    formula: `peak = ${cores} cores × ${ghz.toFixed(3)} GHz × ${flopsPerCycle} FLOP/cycle (${why}) = ${gflops.toFixed(1)} GFLOP/s FP32`,
  };
}

export function readCpuInfo(): CpuInfo {
  try {
    return parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    const first = cpus()[0];
    return { model: first?.model ?? 'unknown CPU', processors: cpus().length, mhz: first?.speed ?? null, flags: [] };
  }
}

/** This machine's peak: logical CPUs the process may use × clock × FLOPs per cycle. */
export function detectPeak(env: Record<string, string | undefined> = process.env): PeakInfo {
  return computePeak(readCpuInfo(), availableParallelism(), env);
}
