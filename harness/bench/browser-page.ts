/**
 * The benchmark inside a browser page (bundled by browser.ts with esbuild; `@tensorflow/tfjs` is
 * the page's global `tf` from node_modules/@tensorflow/tfjs/dist/tf.min.js). Same models, same
 * step functions and the same tinybench timing (measure.ts) as the Node run. Browser-safe imports
 * only: no registry (it reads checkpoints from disk), no data loader.
 */
import * as tf from '@tensorflow/tfjs';
import { createDcgan } from '../../models/gan/dcgan';
import { createWganGp } from '../../models/gan/wgan-gp';
import type { ModelKind, Trainable } from '../../models/types';
import { createVae } from '../../models/vae/model';
import { measurePrepared, type Measurement, type TimingOptions } from './measure';
import { tidyValues } from '../../models/tensor-values';

export interface PageTask {
  name: string;
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

function renderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return 'no WebGL context';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

async function init(backend: string): Promise<PageInfo> {
  const name = renderer();
  const ok = await tf.setBackend(backend).catch(() => false);
  if (!ok) return { ok: false, reason: `tf.setBackend('${backend}') failed in Chromium (${name})`, renderer: name };
  await tf.ready();
  return { ok: true, renderer: name };
}

async function run(task: PageTask): Promise<Measurement> {
  const trainable = create[task.kind](task.seed);
  const dispose = () => {
    for (const net of Object.values(trainable.networks)) net.dispose();
    for (const opt of Object.values(trainable.optimizers)) opt.dispose();
  };
  if (task.group === 'train-step') {
    const pixels = trainable.pixelRange === 'unit' ? task.images : task.images.map((v) => v * 2 - 1);
    const batch = tf.tensor4d(pixels, [task.batch, 28, 28, 1]);
    let noiseSeed = task.noiseSeed;
    return measurePrepared(task.name, {
      iterate: () => void trainable.step(batch, noiseSeed++),
      dispose: () => {
        batch.dispose();
        dispose();
      },
    }, task.timing);
  }
  const model = trainable.asGenerative();
  const z = tf.tensor2d(task.latents, [task.samples, model.latentDim]);
  return measurePrepared(task.name, {
    iterate: () => void tidyValues(() => model.generate(z)),
    dispose: () => {
      z.dispose();
      dispose();
    },
  }, task.timing);
}

(globalThis as unknown as { benchPage: unknown }).benchPage = { init, run };
