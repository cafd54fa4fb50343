/**
 * The benchmark inside a browser page (bundled by browser.ts with esbuild; `@tensorflow/tfjs` is
 * the page's global `tf` from node_modules/@tensorflow/tfjs/dist/tf.min.js, and the WebGPU backend
 * registers itself from tf-backend-webgpu.min.js). Same models, same step functions and the same
 * tinybench timing (measure.ts) as the Node run. Browser-safe imports only: no registry (it reads
 * checkpoints from disk), no data loader.
 *
 * WebGPU's synchronous reads go through a canvas and did not wait for the device here (sampling
 * "ran" at 2.7× the CPU's FP32 peak), so on WebGPU every iteration awaits its reads. Either
 * backend is first checked against the cpu backend on a convolution and its gradients (here:
 * WebGL within 1.1e-6, WebGPU ~5e-7, relative).
 */
import * as tf from '@tensorflow/tfjs';
import { createDcgan } from '../../models/gan/dcgan';
import { createWganGp } from '../../models/gan/wgan-gp';
import type { ModelKind, Trainable } from '../../models/types';
import { createVae } from '../../models/vae/model';
import { measurePrepared, type Measurement, type Prepared, type TimingOptions } from './measure';
import { readLosses, readLossesAsync } from '../../models/step-losses';
import { tidyValues } from '../../models/tensor-values';

export interface PageTask {
  name: string;
  /** The backend the tab's `init` started: `run` refuses to time any other. */
  backend: string;
  kind: ModelKind;
  group: 'train-step' | 'sample';
  /** The real images of one step (`batchesPerStep` batches), row-major 28×28 in [0, 1]; the page maps them to the model's pixel range. */
  images: number[];
  /** How many images `images` holds. */
  batch: number;
  /** Latents for sampling, `samples` × latentDim. */
  latents: number[];
  samples: number;
  seed: number;
  noiseSeed: number;
  timing: TimingOptions;
}

export interface PageInfo {
  ok: boolean;
  reason?: string;
  renderer: string;
}

const create: Record<ModelKind, (seed: number) => Trainable> = { vae: createVae, dcgan: createDcgan, 'wgan-gp': createWganGp };

function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return 'no WebGL context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

function webgpuAdapter(): string {
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  return `WebGPU adapter ${[info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown'}`;
}

/** A convolution's output and both gradients on `backend`, read asynchronously. */
async function convolutionCheck(backend: string): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`the convolution check could not switch to '${backend}'`);
  const x = tf.tensor4d(Float32Array.from({ length: 8 * 14 * 14 * 32 }, (_, i) => Math.sin(i)), [8, 14, 14, 32]);
  const w = tf.tensor4d(Float32Array.from({ length: 4 * 4 * 32 * 64 }, (_, i) => 0.1 * Math.cos(i)), [4, 4, 32, 64]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'));
  const outputs = [f(x, w), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a, b))))([x, w])];
  const values = await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([x, w, ...outputs]);
  return values;
}

/** Largest difference relative to the largest magnitude, over the arrays. */
function relativeError(actual: Float32Array[], expected: Float32Array[]): number {
  return Math.max(...expected.map((e, k) => e.reduce((m, v, i) => Math.max(m, Math.abs(v - actual[k]![i]!)), 0) / e.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
}

/** Why WebGPU cannot start in this page. */
async function webgpuUnavailable(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'no navigator.gpu (WebGPU is off in this Chromium, or the page is not a secure context)';
  if (!(await gpu.requestAdapter().catch(() => null))) return 'navigator.gpu.requestAdapter() found no adapter';
  return 'an adapter exists, but the tfjs WebGPU backend did not start (see the console)';
}

/** `tolerance`: the largest relative difference from the cpu backend that still counts as this work. */
async function init(backend: string, tolerance: number): Promise<PageInfo> {
  const started = await tf.setBackend(backend).catch(() => false);
  if (!started) {
    const renderer = backend === 'webgpu' ? await webgpuUnavailable() : webglRenderer();
    return { ok: false, reason: `tf.setBackend('${backend}') failed in Chromium: ${renderer}`, renderer };
  }
  await tf.ready();
  const renderer = backend === 'webgpu' ? webgpuAdapter() : webglRenderer();
  const error = relativeError(await convolutionCheck(backend), await convolutionCheck('cpu'));
  await tf.setBackend(backend);
  if (!(error < tolerance)) return { ok: false, reason: `${backend}'s convolution and gradients differ from the cpu backend's by ${error.toExponential(1)} (relative), so its timings would not be of this work`, renderer };
  return { ok: true, renderer };
}

async function run(task: PageTask): Promise<Measurement> {
  if (tf.getBackend() !== task.backend) throw new Error(`the page runs '${tf.getBackend()}', not '${task.backend}'`);
  const trainable = create[task.kind](task.seed);
  const dispose = () => {
    for (const net of Object.values(trainable.networks)) net.dispose();
    for (const opt of Object.values(trainable.optimizers)) opt.dispose();
  };
  // WebGPU awaits its reads; WebGL reads synchronously, as the Node backends do.
  const prepared = (sync: () => void, awaited: () => Promise<unknown>, cleanup: () => void): Prepared =>
    tf.getBackend() === 'webgpu' ? { iterate: awaited, async: true, dispose: cleanup } : { iterate: sync, dispose: cleanup };
  if (task.group === 'train-step') {
    const pixels = trainable.pixelRange === 'unit' ? task.images : task.images.map((v) => v * 2 - 1);
    const batch = tf.tensor4d(pixels, [task.batch, 28, 28, 1]);
    let noiseSeed = task.noiseSeed;
    return measurePrepared(task.name, prepared(
      () => void readLosses(trainable.step(batch, noiseSeed++)),
      () => readLossesAsync(trainable.step(batch, noiseSeed++)),
      () => {
        batch.dispose();
        dispose();
      },
    ), task.timing);
  }
  const model = trainable.asGenerative();
  const z = tf.tensor2d(task.latents, [task.samples, model.latentDim]);
  return measurePrepared(task.name, prepared(
    () => void tidyValues(() => model.generate(z)),
    async () => {
      const images = model.generate(z);
      try {
        await images.data();
      } finally {
        images.dispose();
      }
    },
    () => {
      z.dispose();
      dispose();
    },
  ), task.timing);
}

(globalThis as unknown as { benchPage: unknown }).benchPage = { init, run };
