/** DCGAN-style generator (tanh output in [-1, 1]) and discriminator/critic (one logit, no sigmoid). */
import * as tf from '@tensorflow/tfjs';
import { lazyGradientConv2d } from '../lazy-conv2d';
import { fusedTrainingBatchNormalization } from '../native-batch-norm';
import { seeded, tanhToUnit } from '../layers';
import type { GenerativeModel, ModelKind } from '../types';

export function buildGenerator(latentDim: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [latentDim], name: 'gen_input' });
  let h = tf.layers.dense({ units: 7 * 7 * 128, useBias: false, ...seeded(seed, 'gen_dense') }).apply(input);
  h = fusedTrainingBatchNormalization({ name: 'gen_bn1' }).apply(h);
  h = tf.layers.reLU({ name: 'gen_relu1' }).apply(h);
  h = tf.layers.reshape({ targetShape: [7, 7, 128], name: 'gen_reshape' }).apply(h);
  h = tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', useBias: false, ...seeded(seed, 'gen_deconv1') }).apply(h);
  h = fusedTrainingBatchNormalization({ name: 'gen_bn2' }).apply(h);
  h = tf.layers.reLU({ name: 'gen_relu2' }).apply(h);
  const out = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', ...seeded(seed, 'gen_deconv2') }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'generator' });
}

/** Its convolutions compute only the gradients a step asks for (models/lazy-conv2d.ts). */
export function buildDiscriminator(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1], name: 'disc_input' });
  let h = lazyGradientConv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', ...seeded(seed, 'disc_conv1') }).apply(input);
  h = tf.layers.leakyReLU({ alpha: 0.2, name: 'disc_lrelu1' }).apply(h);
  h = lazyGradientConv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same', ...seeded(seed, 'disc_conv2') }).apply(h);
  h = tf.layers.leakyReLU({ alpha: 0.2, name: 'disc_lrelu2' }).apply(h);
  h = tf.layers.flatten({ name: 'disc_flatten' }).apply(h);
  const logit = tf.layers.dense({ units: 1, ...seeded(seed, 'disc_logit') }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit, name: 'discriminator' });
}

/**
 * The discriminator's (or critic's) logits for real and fake images from one pass over both. It
 * has no batch norm, so each image's logit is what it would be alone, and one pass over 2n images
 * costs less than two over n: alternating in one process, the DCGAN discriminator step took
 * 0.88–0.89× as long, whole DCGAN steps 0.93–0.97× and WGAN-GP steps 0.88–0.96×. Its weight
 * gradients are summed inside each kernel instead of added after, so their last bits differ from
 * two passes'.
 */
export function logitsOfBoth(discriminator: (x: tf.Tensor4D) => tf.Tensor, real: tf.Tensor4D, fake: tf.Tensor4D): [tf.Tensor, tf.Tensor] {
  const logits = discriminator(tf.concat([real, fake]) as tf.Tensor4D);
  return tf.split(logits, [real.shape[0], fake.shape[0]]) as [tf.Tensor, tf.Tensor];
}

export function generatorAsGenerative(kind: ModelKind, generator: tf.LayersModel, latentDim: number): GenerativeModel {
  return {
    kind,
    latentDim,
    generate: (z) => tf.tidy(() => tanhToUnit(generator.apply(z, { training: false }) as tf.Tensor4D)),
  };
}

export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
