/** Labels of where a run happened: commit, CPU, threads, library versions, load. */
import * as tf from '@tensorflow/tfjs';
import { availableParallelism, loadavg } from 'node:os';
import type { BackendInfo } from '../../models/backend';
import { gitCommit } from '../../models/environment';
import { readCpuInfo } from './peak';
import type { BackendLabel, BenchBackend, BenchEnvironment } from './types';

export function benchEnvironment(backends: Partial<Record<BenchBackend, BackendLabel>>, native?: BackendInfo): BenchEnvironment {
  return {
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: readCpuInfo().model,
    cpus: availableParallelism(),
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
export function loadWarning(env: BenchEnvironment): string | undefined {
  if (env.loadAverage < 0.5) return undefined;
  return `load average ${env.loadAverage.toFixed(2)} on ${env.cpus} CPUs when the run started: other work was running, timings are disturbed`;
}
