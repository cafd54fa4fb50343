/** Builds, names and reloads models; the one place a new model kind is added. */
import { join, resolve } from 'node:path';
import { CheckpointError, loadNetwork, MANIFEST_FILE, readManifest } from './checkpoint';
import { REFERENCE_DCGAN, REFERENCE_WGAN_GP } from './gan/config';
import { createDcgan } from './gan/dcgan';
import { generatorAsGenerative } from './gan/networks';
import { createWganGp } from './gan/wgan-gp';
import { MODEL_KINDS, type GenerativeModel, type ModelKind, type Trainable } from './types';
import { REFERENCE_VAE } from './vae/config';
import { createVae, vaeGenerative } from './vae/model';

export const CHECKPOINTS_DIR = resolve(__dirname, 'checkpoints');

export function parseModelKind(value: string, source = '--model'): ModelKind {
  if ((MODEL_KINDS as readonly string[]).includes(value)) return value as ModelKind;
  throw new RangeError(`${source}: expected one of ${MODEL_KINDS.join(', ')}, found '${value}'`);
}

/**
 * Real batches one training step consumes: WGAN-GP's critic takes a fresh minibatch for each of its
 * n_critic updates (Gulrajani et al. 2017, Algorithm 1), the others one.
 */
export function batchesPerStep(kind: ModelKind): number {
  return kind === 'wgan-gp' ? REFERENCE_WGAN_GP.nCritic : 1;
}

export interface ModelOptions {
  /** VAE only: weight α of the MSE term. */
  alpha?: number;
}

export function createTrainable(kind: ModelKind, seed: number, opts: ModelOptions = {}): Trainable {
  switch (kind) {
    case 'vae':
      return createVae(seed, { ...REFERENCE_VAE, alpha: opts.alpha ?? REFERENCE_VAE.alpha });
    case 'dcgan':
      return createDcgan(seed);
    case 'wgan-gp':
      return createWganGp(seed);
  }
}

export function referenceConfig(kind: ModelKind, opts: ModelOptions = {}): object {
  switch (kind) {
    case 'vae':
      return { ...REFERENCE_VAE, alpha: opts.alpha ?? REFERENCE_VAE.alpha };
    case 'dcgan':
      return REFERENCE_DCGAN;
    case 'wgan-gp':
      return REFERENCE_WGAN_GP;
  }
}

/** The networks an inference checkpoint holds: what `--publish` writes (`loadGenerative` reads these names per kind). */
export const INFERENCE_NETWORKS: Record<ModelKind, readonly string[]> = { vae: ['encoder', 'decoder'], dcgan: ['generator'], 'wgan-gp': ['generator'] };

export function checkpointDir(kind: ModelKind): string {
  return join(CHECKPOINTS_DIR, kind);
}

/** Loads the inference view of a checkpoint (committed ones by default). */
export async function loadGenerative(kind: ModelKind, dir = checkpointDir(kind)): Promise<GenerativeModel> {
  const manifest = readManifest<{ config?: { latentDim?: unknown } }>(dir);
  const latentDim = manifest.config?.latentDim;
  if (!Number.isSafeInteger(latentDim) || (latentDim as number) < 1) {
    throw new CheckpointError(`${join(dir, MANIFEST_FILE)}: expected the ${kind} model's config with an integer latentDim, found ${JSON.stringify(manifest.config)?.slice(0, 80) ?? 'no config'}`);
  }
  switch (kind) {
    case 'vae':
      return vaeGenerative(await loadNetwork(dir, 'encoder'), await loadNetwork(dir, 'decoder'), latentDim as number);
    case 'dcgan':
    case 'wgan-gp':
      return generatorAsGenerative(kind, await loadNetwork(dir, 'generator'), latentDim as number);
  }
}
