import type * as tf from '@tensorflow/tfjs';
import type { PixelRange } from './data/shoes';

export const MODEL_KINDS = ['vae', 'dcgan', 'wgan-gp'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** What the harness needs from any trained generative model. */
export interface GenerativeModel {
  kind: ModelKind;
  latentDim: number;
  /** Decodes latents `[n, latentDim]` to images `[n, 28, 28, 1]` in [0, 1] (inference mode). */
  generate(z: tf.Tensor2D): tf.Tensor4D;
  /** Encoder mean for images in [0, 1]; only models with an encoder have it. */
  encode?(x: tf.Tensor4D): tf.Tensor2D;
}

/** Losses of one training step, by name (e.g. `{ kl, mse, loss }`). */
export type StepLosses = Record<string, number>;

/** The same losses as scalar tensors, still on the backend's device; `readLosses` reads and disposes them. */
export type StepLossTensors = Record<string, tf.Scalar>;

/** A model being trained: its networks and optimisers, and one seeded training step. */
export interface Trainable {
  kind: ModelKind;
  /** Every network, saved in checkpoints under these names. */
  networks: Record<string, tf.LayersModel>;
  optimizers: Record<string, tf.Optimizer>;
  /** Pixel range the networks are trained in. */
  pixelRange: PixelRange;
  /**
   * One training step on `batchesPerStep(kind)` real batches in `pixelRange`, concatenated (WGAN-GP's
   * critic takes a fresh one per update); per-step noise comes from `noiseSeed`. Nothing is read
   * back from the device during the step: its losses come back as tensors, for `readLosses` (or
   * `readLossesAsync` on WebGPU, whose synchronous reads do not work).
   */
  step(batch: tf.Tensor4D, noiseSeed: number): StepLossTensors;
  /** The inference view of the current weights. */
  asGenerative(): GenerativeModel;
}
