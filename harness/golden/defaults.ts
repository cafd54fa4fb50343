/**
 * Every default of the golden harness in one table. The compare thresholds were measured on the
 * committed checkpoints (README.md has the table): native and WASM decodes of every figure differ in
 * 0 pixels even at t = 0.005, while a VAE decoder perturbed by 2% (of each tensor's RMS) moves 254
 * of 15,004 pixels at t = 0.01 and a 5% dimming 3,252.
 */
export const GOLDEN_DEFAULTS = {
  compare: {
    /**
     * Per-pixel tolerance on pixelmatch's YIQ distance. On grey pixels the distance is
     * 0.5053·Δ², against 35215·t², so t = 0.01 lets a pixel move ≈ 2.6 of 255 grey levels
     * (t·√(35215/0.5053) ≈ 264·t): above the 1-level rounding flip that float noise between
     * backends can cause, below what a 1–2% weight change does to soft generator output
     * (t = 0.1, 26 levels, let a 2% perturbation and a 5% dimming pass).
     */
    threshold: 0.01,
    /**
     * Failure threshold: 0.2% of the pixels may exceed `threshold` (one or two per 28×28 image),
     * room for the rare pixel where native and WASM disagree on a steep edge. A one-pixel shift
     * or a perturbed checkpoint changes whole edges, i.e. several percent.
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
  },
  /** Environment variable naming the file where matchers record which goldens a run used. */
  usageEnv: 'GOLDEN_USAGE_FILE',
} as const;
