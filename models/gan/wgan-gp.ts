/**
 * WGAN-GP (Gulrajani et al. 2017, Algorithm 1): the critic minimises
 * E[C(fake)] − E[C(real)] + λ·E[(‖∇x̂ C(x̂)‖₂ − 1)²] at random interpolates x̂, n_critic times per
 * generator step, each time on a fresh real minibatch; the generator minimises −E[C(fake)].
 */
import * as tf from '@tensorflow/tfjs';
import { FlatAdamOptimizer } from '../flat-adam';
import { deriveSeed, normalTensor } from '../seed';
import { disposingOnError } from '../step-losses';
import type { Trainable } from '../types';
import { REFERENCE_WGAN_GP, type WganGpConfig } from './config';
import { buildDiscriminator, buildGenerator, generatorAsGenerative, logitsOfBoth, trainableVariables } from './networks';

/**
 * The penalty differentiates the critic's input gradient again. LeakyReLU's gradient selects with
 * `Greater(x, 0)`, which tfjs gives no gradient; it is piecewise constant, so its gradient is zero.
 */
let comparisonGradientRegistered = false;
function registerComparisonGradient(): void {
  if (comparisonGradientRegistered || tf.getGradient('Greater')) return;
  tf.registerGradient({
    kernelName: 'Greater',
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
  });
  comparisonGradientRegistered = true;
}

export function gradientPenalty(critic: (x: tf.Tensor4D) => tf.Tensor, real: tf.Tensor4D, fake: tf.Tensor4D, seed: number): tf.Scalar {
  registerComparisonGradient();
  const n = real.shape[0];
  const eps = tf.randomUniform([n, 1, 1, 1], 0, 1, 'float32', seed);
  const interpolates = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake)) as tf.Tensor4D;
  const grads = tf.grad((x: tf.Tensor) => tf.sum(critic(x as tf.Tensor4D)))(interpolates);
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(grads), [1, 2, 3]), 1e-12));
  return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
}

export function createWganGp(seed: number, config: WganGpConfig = REFERENCE_WGAN_GP): Trainable {
  const generator = buildGenerator(config.latentDim, seed);
  const critic = buildDiscriminator(seed);
  const cOptimizer = new FlatAdamOptimizer(config.learningRate, config.beta1, config.beta2);
  const gOptimizer = new FlatAdamOptimizer(config.learningRate, config.beta1, config.beta2);
  const cVars = trainableVariables(critic);
  const gVars = trainableVariables(generator);
  const criticOf = (x: tf.Tensor4D) => critic.apply(x, { training: true }) as tf.Tensor;
  return {
    kind: 'wgan-gp',
    networks: { generator, critic },
    optimizers: { critic: cOptimizer, generator: gOptimizer },
    pixelRange: 'tanh',
    step(batches, noiseSeed) {
      if (batches.shape[0] % config.nCritic !== 0) {
        throw new RangeError(`wgan-gp step: expected ${config.nCritic} real batches of one size (one per critic update), found ${batches.shape[0]} images`);
      }
      const reals = tf.split(batches, config.nCritic) as tf.Tensor4D[];
      const n = reals[0]!.shape[0];
      // The last critic update's losses are reported; earlier ones are disposed.
      const kept: { cLoss?: tf.Scalar; wasserstein?: tf.Scalar; gp?: tf.Scalar } = {};
      try {
        return disposingOnError(kept, () => {
          for (let k = 0; k < config.nCritic; k++) {
            const real = reals[k]!;
            tf.dispose(Object.values(kept));
            kept.cLoss = cOptimizer.minimize(() => {
              const fake = generator.apply(normalTensor([n, config.latentDim], deriveSeed(noiseSeed, 'c', k)), { training: true }) as tf.Tensor4D;
              const [onReal, onFake] = logitsOfBoth(criticOf, real, fake);
              const distance = tf.sub(tf.mean(onReal), tf.mean(onFake)) as tf.Scalar;
              const gp = gradientPenalty(criticOf, real, fake, deriveSeed(noiseSeed, 'gp', k));
              kept.wasserstein = tf.keep(distance);
              kept.gp = tf.keep(gp);
              return tf.sub(tf.mul(config.gradientPenalty, gp), distance) as tf.Scalar;
            }, true, cVars)!;
          }
          const gLoss = gOptimizer.minimize(() => {
            const fake = generator.apply(normalTensor([n, config.latentDim], deriveSeed(noiseSeed, 'g')), { training: true }) as tf.Tensor4D;
            return tf.neg(tf.mean(criticOf(fake))) as tf.Scalar;
          }, true, gVars)!;
          return { c_loss: kept.cLoss!, g_loss: gLoss, wasserstein: kept.wasserstein!, gp: kept.gp! };
        });
      } finally {
        tf.dispose(reals);
      }
    },
    asGenerative: () => generatorAsGenerative('wgan-gp', generator, config.latentDim),
  };
}
