/** The reference VAE (batch 64, latent 100, 28×28×1); the benchmark's PyTorch peer mirrors it. */
export interface VaeConfig {
  latentDim: number;
  /** Weight of the pixel-averaged MSE against the KL term: L = KL + α·MSE. */
  alpha: number;
  learningRate: number;
}

/**
 * α = 2000, chosen from the committed sweep (models/checkpoints/vae-alpha-sweep/, 600 steps each):
 * at α ≤ 500 the KL term wins (KL < 3 nats: the posterior collapses and every reconstruction is the
 * same average shoe); at α = 2000 KL ≈ 10 nats, reconstructions are recognisable but blurry and
 * samples look like shoes (best quality signal, Fréchet distance 60.0); at α ≥ 10000 reconstructions
 * sharpen but samples degrade (the aggregate posterior drifts from the N(0, I) prior they are drawn from).
 */
export const REFERENCE_VAE: VaeConfig = { latentDim: 100, alpha: 2000, learningRate: 1e-3 };
