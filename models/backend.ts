/**
 * Chooses the TensorFlow.js backend once per process and says which one runs.
 *
 * `tensorflow` (native libtensorflow through @tensorflow/tfjs-node) is the default;
 * `tensorflow-gpu` is the same through @tensorflow/tfjs-node-gpu on an NVIDIA GPU (the user installs
 * it; not verified here, no GPU was available). Asking for a backend that cannot load is an error
 * naming what is missing; there is no silent fallback to a slower backend.
 */
import * as tf from '@tensorflow/tfjs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { installNativeBatchNorm } from './native-batch-norm';
import { installNativeConv } from './native-conv';
import { installNativeGradients } from './native-gradients';

export const BACKENDS = ['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const BACKEND_ENV = 'TFJS_BACKEND';
export const DEFAULT_BACKEND: BackendName = 'tensorflow';

export interface BackendInfo {
  backend: BackendName;
  tfjs: string;
  /** libtensorflow version for `tensorflow`, else undefined. */
  libtensorflow?: string;
  threads: number;
  description: string;
}

export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

export function parseBackendName(value: string, source = '--backend'): BackendName {
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new RangeError(`${source}: expected one of ${BACKENDS.join(', ')}, found '${value}'`);
}

const NATIVE_PACKAGES = { tensorflow: '@tensorflow/tfjs-node', 'tensorflow-gpu': '@tensorflow/tfjs-node-gpu' } as const;
type NativeName = keyof typeof NATIVE_PACKAGES;
/** What tfjs-node-gpu 4.22 runs on: its installer downloads libtensorflow-gpu 2.9.1, built for these. */
export const GPU_REQUIREMENTS = 'CUDA 11.2 and cuDNN 8.1 (libtensorflow-gpu 2.9.1, which @tensorflow/tfjs-node-gpu 4.22 downloads)';

/**
 * The TensorFlow environment variables as the user set them, before loadNative fills in defaults:
 * a child process for the other native package starts from these (harness/bench/run.ts).
 */
export const USER_TENSORFLOW_ENV = {
  TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL,
  TF_ENABLE_ONEDNN_OPTS: process.env.TF_ENABLE_ONEDNN_OPTS,
} as const;

/** What tfjs-node(-gpu) registered as the TensorFlow.js backend 'tensorflow' (NodeJSKernelBackend). */
export interface LoadedNative {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

function loadedNative(): LoadedNative | null {
  return tf.findBackend('tensorflow') as LoadedNative | null;
}

/** Why `name` cannot load in a process that already loaded the other native package; undefined when it can. */
export function packageConflict(name: NativeName, loaded: LoadedNative | null): string | undefined {
  if (!loaded || Boolean(loaded.isGPUPackage) === (name === 'tensorflow-gpu')) return undefined;
  const other = loaded.isGPUPackage ? NATIVE_PACKAGES['tensorflow-gpu'] : NATIVE_PACKAGES.tensorflow;
  return `backend '${name}' needs ${NATIVE_PACKAGES[name]}, but this process already loaded ${other}; both register the TensorFlow.js backend 'tensorflow', so use one per process`;
}

/** Why a loaded tensorflow-gpu cannot be used: TensorFlow found no GPU (it would silently run on the CPU). */
export function missingGpuDevice(name: NativeName, loaded: LoadedNative | null): string | undefined {
  if (name !== 'tensorflow-gpu' || loaded?.isUsingGpuDevice) return undefined;
  return `backend 'tensorflow-gpu': ${NATIVE_PACKAGES[name]} loaded, but TensorFlow found no GPU device; it needs an NVIDIA driver with ${GPU_REQUIREMENTS} (TF_CPP_MIN_LOG_LEVEL=0 shows which library failed to load); not falling back to the CPU`;
}

function loadNative(name: NativeName): string {
  const pkg = NATIVE_PACKAGES[name];
  const conflict = packageConflict(name, loadedNative());
  if (conflict) throw new BackendUnavailableError(conflict);
  // Silence libtensorflow's start-up banner about CPU instructions; errors still print.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // oneDNN kernels for convolutions (TF's default on Linux x86, pinned here): DCGAN step kernels
  // took 245 ms with them and 482 ms with TF_ENABLE_ONEDNN_OPTS=0 on 2 cores. Transposed
  // convolutions into ≤ 4 channels, where oneDNN is slower, go to Eigen per call (native-conv.ts).
  if (name === 'tensorflow') process.env.TF_ENABLE_ONEDNN_OPTS ??= '1';
  try {
    require(pkg);
  } catch (error) {
    const install = name === 'tensorflow'
      ? `Install it with \`npm run setup\` (scripts/setup-native.sh builds libtensorflow offline from the tensorflow-cpu wheel), or choose --backend wasm|cpu.`
      : `Install it with \`npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0\` on a machine with an NVIDIA GPU, ${GPU_REQUIREMENTS}, or choose --backend tensorflow.`;
    throw new BackendUnavailableError(`backend '${name}' cannot load ${pkg}: ${(error as Error).message.split('\n')[0]}. ${install}`);
  }
  const native = loadedNative();
  const noGpu = missingGpuDevice(name, native);
  if (noGpu) throw new BackendUnavailableError(noGpu);
  return native?.binding?.TF_Version ?? 'unknown';
}

function loadWasm(): void {
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
  } catch (error) {
    throw new BackendUnavailableError(
      `backend 'wasm' cannot load @tensorflow/tfjs-backend-wasm: ${(error as Error).message}. Run \`npm ci\`.`,
    );
  }
}

/**
 * The threads of libtensorflow's intra-op pool, as TensorFlow sizes it: $TF_NUM_INTRAOP_THREADS
 * when a positive integer, else the CPUs this process may run on (its affinity mask, so `taskset`
 * counts). The bench labels rows with it and gives PyTorch as many.
 */
export function intraOpThreads(env: NodeJS.ProcessEnv = process.env, available = availableParallelism()): number {
  const value = env.TF_NUM_INTRAOP_THREADS?.trim() ?? '';
  return /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : available;
}

let active: BackendInfo | undefined;

/**
 * Activates `name` (default: $TFJS_BACKEND, else tensorflow). Calling again with the same name
 * is free; switching within one process is allowed (tests and benchmarks compare backends).
 */
export async function useBackend(name?: BackendName): Promise<BackendInfo> {
  const wanted = name ?? parseBackendName(process.env[BACKEND_ENV] ?? DEFAULT_BACKEND, BACKEND_ENV);
  // Both native packages register the TensorFlow.js backend 'tensorflow'.
  const tfjsName = wanted === 'tensorflow-gpu' ? 'tensorflow' : wanted;
  if (active?.backend === wanted && tf.getBackend() === tfjsName) return active;
  const native = wanted === 'tensorflow' || wanted === 'tensorflow-gpu';
  let libtensorflow: string | undefined;
  if (native) libtensorflow = loadNative(wanted);
  if (wanted === 'wasm') loadWasm();
  if (!(await tf.setBackend(tfjsName))) {
    throw new BackendUnavailableError(`backend '${wanted}' is registered but failed to initialise`);
  }
  await tf.ready();
  if (native) installNativeGradients();
  if (wanted === 'tensorflow') {
    // Eigen vs oneDNN is a CPU matter; on the GPU, cuDNN runs every convolution.
    installNativeConv();
    // On the GPU, FusedBatchNorm's saved variance is the inverse variance (cuDNN's).
    installNativeBatchNorm();
  }
  const threads = native ? intraOpThreads() : 1;
  const description =
    `backend ${wanted}` +
    (libtensorflow ? ` (libtensorflow ${libtensorflow}${wanted === 'tensorflow-gpu' ? ', on the GPU' : ''})` : wanted === 'cpu' ? ' (pure JavaScript, slow)' : ' (WebAssembly, single thread in Node)') +
    `, tfjs ${tf.version_core}, ${threads} ${wanted === 'tensorflow-gpu' ? 'host ' : ''}thread${threads > 1 ? 's' : ''}`;
  active = { backend: wanted, tfjs: tf.version_core, libtensorflow, threads, description };
  return active;
}
