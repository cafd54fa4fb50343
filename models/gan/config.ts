/** Reference GAN configurations (batch 64, latent 100); the benchmark's PyTorch peer mirrors them. */
export interface DcganConfig {
  latentDim: number;
  learningRate: number;
  beta1: number;
}

export interface WganGpConfig {
  latentDim: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Gradient-penalty weight λ (Gulrajani et al. 2017). */
  gradientPenalty: number;
  /** Critic updates per generator update. */
  nCritic: number;
}

/** Radford et al. 2016: Adam 2e-4, β1 0.5; one D step then one G step. */
export const REFERENCE_DCGAN: DcganConfig = { latentDim: 100, learningRate: 2e-4, beta1: 0.5 };

/**
 * Gulrajani et al. 2017: λ = 10, n_critic = 5 and Adam 1e-4 as in Algorithm 1; β = (0.5, 0.9) as in
 * the authors' MNIST script (gan_mnist.py in igul222/improved_wgan_training), where Algorithm 1
 * lists β1 = 0.
 */
export const REFERENCE_WGAN_GP: WganGpConfig = {
  latentDim: 100, learningRate: 1e-4, beta1: 0.5, beta2: 0.9, gradientPenalty: 10, nCritic: 5,
};
