/** The reference VAE (batch 64, latent 100, 28×28×1); the benchmark's PyTorch peer mirrors it. */
export interface VaeConfig {
  latentDim: number;
  /** Weight of the pixel-averaged MSE against the KL term: L = KL + α·MSE. */
  alpha: number;
  learningRate: number;
}

/**
 * α = 500 was chosen by the committed sweep (models/checkpoints/vae-alpha-sweep.json): at α ≤ 50
 * the KL term wins and most latent dimensions collapse (blurry average shoes, sneaker/sandal mixed
 * up); at α = 500 shoes are recognisable and the KL still shapes the latent space; larger α buys
 * little MSE and loses the smooth prior the seed article points out.
 */
export const REFERENCE_VAE: VaeConfig = { latentDim: 100, alpha: 500, learningRate: 1e-3 };
