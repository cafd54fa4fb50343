/**
 * Convolutional VAE of the seed article: L = KL(q(z|x) ‖ N(0, I)) + α·MSE(x, x̂), KL summed over
 * latent dimensions, MSE averaged over pixels, both averaged over the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { FlatAdamOptimizer } from '../flat-adam';
import { seeded } from '../layers';
import type { GenerativeModel, Trainable } from '../types';
import { normalTensor } from '../seed';
import { disposingOnError } from '../step-losses';
import { REFERENCE_VAE, type VaeConfig } from './config';

export function buildEncoder(config: VaeConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1], name: 'enc_input' });
  let h = tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu', ...seeded(seed, 'enc_conv1') }).apply(input);
  h = tf.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu', ...seeded(seed, 'enc_conv2') }).apply(h);
  h = tf.layers.flatten({ name: 'enc_flatten' }).apply(h);
  const stats = tf.layers.dense({ units: 2 * config.latentDim, ...seeded(seed, 'enc_stats') }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: stats, name: 'encoder' });
}

export function buildDecoder(config: VaeConfig, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [config.latentDim], name: 'dec_input' });
  let h = tf.layers.dense({ units: 7 * 7 * 64, activation: 'relu', ...seeded(seed, 'dec_dense') }).apply(input);
  h = tf.layers.reshape({ targetShape: [7, 7, 64], name: 'dec_reshape' }).apply(h);
  h = tf.layers.conv2dTranspose({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu', ...seeded(seed, 'dec_deconv1') }).apply(h);
  const out = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'sigmoid', ...seeded(seed, 'dec_deconv2') }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'decoder' });
}

/** Splits the encoder output into μ and log σ². */
export function splitStats(stats: tf.Tensor2D, latentDim: number): [tf.Tensor2D, tf.Tensor2D] {
  return tf.split(stats, [latentDim, latentDim], 1) as [tf.Tensor2D, tf.Tensor2D];
}

/** KL(N(μ, σ²) ‖ N(0, I)) summed over dimensions, averaged over the batch. */
export function klDivergence(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.exp(logVar))), 1))));
}

export function vaeLoss(x: tf.Tensor4D, reconstruction: tf.Tensor4D, mu: tf.Tensor2D, logVar: tf.Tensor2D, alpha: number) {
  return tf.tidy(() => {
    const kl = klDivergence(mu, logVar);
    const mse = tf.mean(tf.squaredDifference(x, reconstruction)) as tf.Scalar;
    return { loss: tf.add(kl, tf.mul(alpha, mse)) as tf.Scalar, kl, mse };
  });
}

export function vaeGenerative(encoder: tf.LayersModel, decoder: tf.LayersModel, latentDim: number): GenerativeModel {
  return {
    kind: 'vae',
    latentDim,
    generate: (z) => decoder.apply(z, { training: false }) as tf.Tensor4D,
    encode: (x) => tf.tidy(() => splitStats(encoder.apply(x, { training: false }) as tf.Tensor2D, latentDim)[0]),
  };
}

export function createVae(seed: number, config: VaeConfig = REFERENCE_VAE): Trainable {
  if (!(config.alpha > 0)) throw new RangeError(`alpha: expected a number > 0, found ${config.alpha}`);
  const encoder = buildEncoder(config, seed);
  const decoder = buildDecoder(config, seed);
  const optimizer = new FlatAdamOptimizer(config.learningRate);
  const weights = [...encoder.trainableWeights, ...decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  return {
    kind: 'vae',
    networks: { encoder, decoder },
    optimizers: { vae: optimizer },
    pixelRange: 'unit',
    step(batch, noiseSeed) {
      const parts: { kl?: tf.Scalar; mse?: tf.Scalar } = {};
      const loss = disposingOnError(parts, () => optimizer.minimize(
        () => {
          const [mu, logVar] = splitStats(encoder.apply(batch, { training: true }) as tf.Tensor2D, config.latentDim);
          const eps = normalTensor(mu.shape, noiseSeed);
          const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;
          const out = vaeLoss(batch, decoder.apply(z, { training: true }) as tf.Tensor4D, mu, logVar, config.alpha);
          parts.kl = tf.keep(out.kl);
          parts.mse = tf.keep(out.mse);
          return out.loss;
        },
        true,
        weights,
      )!);
      return { loss, kl: parts.kl!, mse: parts.mse! };
    },
    asGenerative: () => vaeGenerative(encoder, decoder, config.latentDim),
  };
}
