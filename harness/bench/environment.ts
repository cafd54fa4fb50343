/** Labels of where a run happened: commit, CPU, threads, library versions, load. */
import * as tf from '@tensorflow/tfjs';
import { cpus, loadavg } from 'node:os';
import type { BackendInfo } from '../../models/backend';
import { gitCommit } from '../../models/environment';
import { BENCH_DEFAULTS } from './defaults';
import { readCpuInfo } from './peak';
import type { BackendLabel, BenchBackend, BenchEnvironment } from './types';

export function benchEnvironment(backends: Partial<Record<BenchBackend, BackendLabel>>, native?: BackendInfo): BenchEnvironment {
  return {
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: readCpuInfo().model,
    cpus: cpus().length,
    loadAverage: loadavg()[0] ?? 0,
    tfjs: tf.version_core,
    libtensorflow: native?.libtensorflow ?? null,
    backends,
  };
}

export function backendLabel(info: BackendInfo): BackendLabel {
  return { threads: info.threads, description: info.description };
}

/** The device column: what did the arithmetic, e.g. `AMD EPYC, 2 threads`. */
export function deviceLabel(backend: BenchBackend, cpuModel: string, threads: number): string {
  const t = `${threads} thread${threads === 1 ? '' : 's'}`;
  switch (backend) {
    case 'wasm':
      return `${cpuModel}, ${t} (WebAssembly)`;
    case 'cpu':
      return `${cpuModel}, ${t} (pure JavaScript)`;
    case 'js':
      return `${cpuModel}, 1 thread (JavaScript)`;
    default:
      return `${cpuModel}, ${t}`;
  }
}

/** A warning when other work was running: the timings of this run are then not comparable. */
export function loadWarning(env: Pick<BenchEnvironment, 'loadAverage' | 'cpus'>): string | undefined {
  if (env.loadAverage < BENCH_DEFAULTS.quietLoadAverage) return undefined;
  return `load average ${env.loadAverage.toFixed(2)} on ${env.cpus} CPUs when the run started: other work was running, timings are disturbed`;
}

/** Why `--save-baseline` must not run now (checked before anything is timed), or undefined on a quiet machine. */
export function busyBaselineRefusal(env: Pick<BenchEnvironment, 'loadAverage' | 'cpus'>): string | undefined {
  const quiet = BENCH_DEFAULTS.quietLoadAverage;
  if (env.loadAverage < quiet) return undefined;
  return (
    `--save-baseline: the 1-minute load average is ${env.loadAverage.toFixed(2)} on ${env.cpus} CPUs, so other work is running; ` +
    `a baseline saved now would record slow times that hide later regressions. Wait until \`uptime\` shows a load under ${quiet}, or pass --allow-load to save anyway`
  );
}
