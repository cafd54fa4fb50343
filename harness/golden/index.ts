/** Re-exports only: the golden harness's public surface. The jest matchers register through setup.ts. */
export { bandFor, checkBaseline, readBaselines, updateBaselines, withinBand } from './baseline';
export { allowedDiffPixels, compareImages, describeThresholds, diffPixelsByThreshold, resolveCompareOptions, shouldFail } from './compare';
export { composeComparison, composeSideBySide } from './compose';
export { GOLDEN_DEFAULTS } from './defaults';
export { gridSize, imagesToGrid, quantise } from './grid';
export { perturbWeights, withPerturbedWeights } from './mutation';
export { failurePaths, goldenPath, metricsBaselinePath, testFileStem } from './paths';
export { decodePng, encodePng, grayToRgba, PngFormatError, toRgba } from './png';
export type * from './types';
export { decideUpdateAction } from './update-mode';
