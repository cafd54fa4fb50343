/** The golden figures, shared by the golden suite and the mutation suite that proves it guards. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_FIXTURES } from '../fixtures/goldens';
import { composeComparison, compareImages, decodePng, encodePng, goldenPath, imagesToGrid, toRgba, type ImageMismatch } from '../harness/golden';
import { writeFileAtomically } from '../models/atomic-write';
import { alternatingTestImages, interpolationFigure, reconstructionFigure, sampleFigure } from '../harness/samples/figures';
import { loadShoes } from '../models/data/shoes';
import { loadGenerative } from '../models/registry';
import { MODEL_KINDS, type GenerativeModel, type ModelKind } from '../models/types';

export const PROJECT_ROOT = join(__dirname, '..');
export const GOLDEN_SUITE = join(__dirname, 'goldens.test.ts');
export const COLUMNS = GOLDEN_FIXTURES.columns;

export interface Figure {
  name: string;
  kind: ModelKind;
  make(model: GenerativeModel, originals: Float32Array): Float32Array;
}

export const FIGURES: Figure[] = MODEL_KINDS.flatMap((kind) => [
  { name: `${kind}-${kind === 'vae' ? 'reconstructions' : 'inversions'}`, kind, make: (m: GenerativeModel, o: Float32Array) => reconstructionFigure(m, o) },
  { name: `${kind}-samples`, kind, make: (m: GenerativeModel) => sampleFigure(m) },
  { name: `${kind}-interpolation`, kind, make: (m: GenerativeModel) => interpolationFigure(m) },
]);

export async function loadCommittedModels(): Promise<Record<ModelKind, GenerativeModel>> {
  const entries = await Promise.all(MODEL_KINDS.map(async (kind) => [kind, await loadGenerative(kind)] as const));
  return Object.fromEntries(entries) as Record<ModelKind, GenerativeModel>;
}

export function goldenOriginals(): Float32Array {
  return alternatingTestImages(loadShoes('test'), GOLDEN_FIXTURES.reconstructions).images;
}

/** Compares images with a committed golden (of goldens.test.ts unless `suite` says), as the matcher does, without writing anything. */
export function compareWithGolden(name: string, images: Float32Array, suite = GOLDEN_SUITE): ImageMismatch | null {
  const path = goldenPath(PROJECT_ROOT, suite, name);
  const golden = decodePng(readFileSync(path), path);
  return compareImages(golden, toRgba(imagesToGrid(images, COLUMNS)));
}

/**
 * null when the native and WASM renders of a figure agree; else the mismatch, with
 * tensorflow | wasm | diff written to reports/cross-backend/<name>.png (removed once they agree;
 * outside golden-failures/, whose files the report reads as goldens' failures).
 */
export function crossBackendMismatch(name: string, native: Float32Array, wasm: Float32Array): string | null {
  const [a, b] = [toRgba(imagesToGrid(native, COLUMNS)), toRgba(imagesToGrid(wasm, COLUMNS))];
  const mismatch = compareImages(a, b);
  const composite = join(PROJECT_ROOT, 'reports', 'cross-backend', `${name}.png`);
  if (!mismatch) {
    rmSync(composite, { force: true });
    return null;
  }
  writeFileAtomically(composite, encodePng(composeComparison({ expected: a, actual: b, diff: mismatch.diff }), { filter: 'none' }));
  return `tensorflow and wasm renders of '${name}' differ: ${mismatch.errorMessage} tensorflow | wasm | diff: ${composite}`;
}
