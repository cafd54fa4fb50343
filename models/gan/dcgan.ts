/** DCGAN with the non-saturating BCE loss: one discriminator step, then one generator step. */
import * as tf from '@tensorflow/tfjs';
import { FlatAdamOptimizer } from '../flat-adam';
import { deriveSeed, normalTensor } from '../seed';
import { disposingOnError } from '../step-losses';
import type { Trainable } from '../types';
import { REFERENCE_DCGAN, type DcganConfig } from './config';
import { buildDiscriminator, buildGenerator, generatorAsGenerative, logitsOfBoth, trainableVariables } from './networks';

function bce(logits: tf.Tensor, target: 0 | 1): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(target === 1 ? tf.onesLike(logits) : tf.zerosLike(logits), logits) as tf.Scalar;
}

export function createDcgan(seed: number, config: DcganConfig = REFERENCE_DCGAN): Trainable {
  const generator = buildGenerator(config.latentDim, seed);
  const discriminator = buildDiscriminator(seed);
  const dOptimizer = new FlatAdamOptimizer(config.learningRate, config.beta1);
  const gOptimizer = new FlatAdamOptimizer(config.learningRate, config.beta1);
  const dVars = trainableVariables(discriminator);
  const gVars = trainableVariables(generator);
  return {
    kind: 'dcgan',
    networks: { generator, discriminator },
    optimizers: { discriminator: dOptimizer, generator: gOptimizer },
    pixelRange: 'tanh',
    step(real, noiseSeed) {
      const n = real.shape[0];
      const dLoss = dOptimizer.minimize(() => {
        const fake = generator.apply(normalTensor([n, config.latentDim], deriveSeed(noiseSeed, 'd')), { training: true }) as tf.Tensor4D;
        const [realLogits, fakeLogits] = logitsOfBoth((x) => discriminator.apply(x, { training: true }) as tf.Tensor, real, fake);
        return tf.add(bce(realLogits, 1), bce(fakeLogits, 0)) as tf.Scalar;
      }, true, dVars)!;
      const gLoss = disposingOnError({ dLoss }, () => gOptimizer.minimize(() => {
        const fake = generator.apply(normalTensor([n, config.latentDim], deriveSeed(noiseSeed, 'g')), { training: true }) as tf.Tensor4D;
        return bce(discriminator.apply(fake, { training: true }) as tf.Tensor, 1);
      }, true, gVars)!);
      return { d_loss: dLoss, g_loss: gLoss };
    },
    asGenerative: () => generatorAsGenerative('dcgan', generator, config.latentDim),
  };
}
