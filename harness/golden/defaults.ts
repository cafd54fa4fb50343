/**
 * Every default of the golden harness in one table. The compare thresholds were measured on the
 * committed checkpoints (README.md has the table): native and WASM renders of every figure differ
 * in 0 or 1 of 15,004 pixels even at t = 0 (one grey level), while perturbing a network's weights
 * by 0.5% (of each tensor's RMS) moves 245–2,572 pixels by a level or more.
 */
export const GOLDEN_DEFAULTS = {
  compare: {
    /**
     * Per-pixel tolerance on pixelmatch's YIQ distance. On grey pixels the distance is
     * 0.5053·Δ², against 35215·t², so a pixel may move t·√(35215/0.5053) ≈ 264·t grey levels:
     * 0.003 is 0.79 of a level, so every pixel that moved by one 8-bit level or more counts. Soft
     * VAE output needs that: at t = 0.01 (2.6 levels) a 1% weight perturbation of the decoder
     * passed its goldens, at 0.005 (1.3 levels) a 0.5% one did.
     */
    threshold: 0.003,
    /**
     * Failure threshold: 0.2% of the pixels (30 of a 16-image figure's 15,004, 15 of an 8-image one's 7,744) may exceed `threshold`:
     * room for one-level rounding flips between backends and CPUs (native vs WASM: 0 or 1 per
     * figure). A 0.5% weight perturbation moves hundreds.
     */
    maxDiffPixelRatio: 0.002,
    /**
     * pixelmatch's anti-aliasing detector excuses a pixel whose neighbours are both darker and
     * brighter next to flat areas — exactly what every edge of a soft generated image against a
     * flat black background looks like, so it would excuse real changes at edges (even a
     * one-pixel shift). `includeAA: true` turns the detector off: every differing pixel counts.
     */
    includeAA: true,
  },
  /**
   * The threshold of the report page golden, which is not a render of model weights: Chromium's
   * text anti-aliasing. 0.01 ≈ 2.6 grey levels. (The training goldens used it too, until
   * dropping a model's last training step was shown to pass it: WGAN-GP 0, DCGAN 82 pixels of 30
   * allowed. Their steps repeat bit for bit, so they take the default.)
   */
  derivedThreshold: 0.01,
  /**
   * The report page's failure threshold as a count: on its 640 px × ~4,100 px the default ratio
   * would excuse over 5,000 pixels (a 70 × 70 block, or a missing line of text). Renders repeat
   * pixel for pixel here; the count leaves room for a few anti-aliasing flips on another CPU.
   */
  pageMaxDiffPixels: 25,
  grid: {
    /** Fashion-MNIST images are 28×28. */
    size: 28,
    /** Two pixels keep neighbouring cells apart in the diff view. */
    padding: 2,
    /** Goldens are stored at native size; upscale only for viewing. */
    scale: 1,
    /** Mid grey: distinct from the black background and from bright garments. */
    padValue: 0.5,
  },
  compose: {
    /** Pixels between expected | actual | diff in the composite. */
    gap: 4,
    /** Composite upscaling so 28-pixel images are readable. */
    scale: 4,
    /** Grey (0–255) of the gap. */
    background: 96,
  },
  paths: {
    /** Goldens: <rootDir>/snapshots/<test file stem>/<name>.png, committed. */
    snapshotsDir: 'snapshots',
    /** Failure artefacts: <rootDir>/reports/golden-failures/<test file stem>/<name>-*.png, git-ignored. */
    failuresDir: 'reports/golden-failures',
    /** Metric baselines: <rootDir>/snapshots/metrics.json, committed. */
    metricsFile: 'metrics.json',
    /** When each golden was last compared: <failuresDir>/compared.json, `{ "<stem>/<name>.png": ISO time }`, git-ignored. */
    comparedFile: 'compared.json',
  },
  /** Environment variable naming the file where matchers record which goldens a run used. */
  usageEnv: 'GOLDEN_USAGE_FILE',
} as const;
