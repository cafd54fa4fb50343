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
import { cpus } from 'node:os';
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

/** What tfjs-node(-gpu) registered as the backend 'tensorflow', if anything yet. */
function loadedNative(): { isGPUPackage?: boolean; isUsingGpuDevice?: boolean; binding?: { TF_Version?: string } } | null {
  return tf.findBackend('tensorflow') as ReturnType<typeof loadedNative>;
}

function loadNative(name: NativeName): string {
  const pkg = NATIVE_PACKAGES[name];
  const loaded = loadedNative();
  if (loaded && Boolean(loaded.isGPUPackage) !== (name === 'tensorflow-gpu')) {
    const other = loaded.isGPUPackage ? NATIVE_PACKAGES['tensorflow-gpu'] : NATIVE_PACKAGES.tensorflow;
    throw new BackendUnavailableError(`backend '${name}' needs ${pkg}, but this process already loaded ${other}; both register the TensorFlow.js backend 'tensorflow', so use one per process`);
  }
  // Silence libtensorflow's start-up banner about CPU instructions; errors still print.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // oneDNN kernels for convolutions (TF 2.9's default on Linux x86, pinned here): DCGAN step kernels
  // took 245 ms with them and 482 ms with TF_ENABLE_ONEDNN_OPTS=0 on 2 cores. Transposed
  // convolutions into ≤ 4 channels, where oneDNN is slower, go to Eigen per call (native-conv.ts).
  if (name === 'tensorflow') process.env.TF_ENABLE_ONEDNN_OPTS ??= '1';
  try {
    require(pkg);
  } catch (error) {
    const install = name === 'tensorflow'
      ? `Install it with \`npm run setup\` (scripts/setup-native.sh builds libtensorflow offline from the tensorflow-cpu wheel), or choose --backend wasm|cpu.`
      : `Install it with \`npm install @tensorflow/tfjs-node-gpu\` on a machine with an NVIDIA GPU, CUDA and cuDNN (its installer downloads libtensorflow-gpu), or choose --backend tensorflow.`;
    throw new BackendUnavailableError(`backend '${name}' cannot load ${pkg}: ${(error as Error).message.split('\n')[0]}\n${install}`);
  }
  const native = loadedNative();
  if (name === 'tensorflow-gpu' && !native?.isUsingGpuDevice) {
    throw new BackendUnavailableError(`backend 'tensorflow-gpu': ${pkg} loaded, but TensorFlow found no GPU device (check the NVIDIA driver, CUDA and cuDNN libraries); not falling back to the CPU`);
  }
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
  // Eigen vs oneDNN is a CPU matter; on the GPU, cuDNN runs every convolution.
  if (wanted === 'tensorflow') installNativeConv();
  const threads = native ? cpus().length : 1;
  const description =
    `backend ${wanted}` +
    (libtensorflow ? ` (libtensorflow ${libtensorflow}${wanted === 'tensorflow-gpu' ? ', on the GPU' : ''})` : wanted === 'cpu' ? ' (pure JavaScript, slow)' : ' (WebAssembly, single thread in Node)') +
    `, tfjs ${tf.version_core}, ${threads} thread${threads > 1 ? 's' : ''}`;
  active = { backend: wanted, tfjs: tf.version_core, libtensorflow, threads, description };
  return active;
}
