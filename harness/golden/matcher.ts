/**
 * The jest side (after jest-image-snapshot's index.js): `toMatchGoldenImage` and
 * `toMatchMetricBaseline`. They read jest's update mode, decide with `decideUpdateAction`, write
 * atomically, record what they used for the obsolete-golden reporter, and count outcomes into
 * jest's snapshot summary. Comparing is compare.ts's job; paths are paths.ts's.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { sha256 } from '../../models/checksum';
import { relative, resolve } from 'node:path';
import { writeFileAtomically } from '../../models/atomic-write';
import { bandFor, checkBaseline, readBaselines, staleBand, updateBaselines, validateMetricKey } from './baseline';
import { compareImages, describeThresholds, resolveCompareOptions } from './compare';
import { composeComparison } from './compose';
import { imagesToGrid } from './grid';
import { failurePaths, FAILURE_KINDS, goldenPath, metricsBaselinePath, validateGoldenName } from './paths';
import { decodePng, encodePng, PngFormatError } from './png';
import type { BaselineOptions, CompareOptions, GridSpec, ImageMismatch, RgbaImage, UpdateAction } from './types';
import { countOutcome, decideUpdateAction, updateModeOf, type JestSnapshotState } from './update-mode';
import { recordUsage } from './usage';

export type GoldenImageOptions = CompareOptions;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /**
       * Compares an encoded PNG (Buffer / Uint8Array) or a `{ images, columns }` grid spec with
       * snapshots/<test file stem>/<name>.png. Supports `.not` (compare only; never writes).
       */
      toMatchGoldenImage(name: string, options?: GoldenImageOptions): R;
      /** Checks a number against the band stored under `key` in snapshots/metrics.json. */
      toMatchMetricBaseline(key: string, options?: BaselineOptions): R;
    }
  }
}

/** Used when jest's snapshot state does not say (it always does under jest-circus). */
const PROJECT_ROOT = resolve(__dirname, '..', '..');
const UPDATE_HINT = '`npm test -- -u`';

interface MatcherThis {
  isNot?: boolean;
  testPath?: string;
  currentTestName?: string;
  snapshotState?: Partial<JestSnapshotState>;
  utils: { matcherHint(name: string, received?: string, expected?: string, options?: object): string };
}

interface Context {
  rootDir: string;
  testPath: string;
  testName: string;
  snapshotState: Partial<JestSnapshotState> | undefined;
  rel(path: string): string;
}

function contextOf(self: MatcherThis, matcher: string): Context {
  if (!self.testPath) throw new Error(`${matcher}: no test file in jest's state; call it inside a jest test`);
  const rootDir = self.snapshotState?._rootDir ?? PROJECT_ROOT;
  return {
    rootDir,
    testPath: self.testPath,
    testName: self.currentTestName ?? '(unknown test)',
    snapshotState: self.snapshotState,
    rel: (path) => relative(rootDir, path) || path,
  };
}

/** Names (golden or metric key) per test file: one test each, so two tests cannot fight over one file. */
const owners = new Map<string, string>();

function claim(ctx: Context, what: string, name: string): string | null {
  const id = `${ctx.testPath}\0${what}\0${name}`;
  const owner = owners.get(id);
  if (owner !== undefined && owner !== ctx.testName) return `${what} '${name}' is already used by test '${owner}' in this file; use a unique name per test`;
  owners.set(id, ctx.testName);
  return null;
}

function isFloat32Array(value: unknown): value is Float32Array {
  return Object.prototype.toString.call(value) === '[object Float32Array]';
}

function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && (value as Uint8Array).BYTES_PER_ELEMENT === 1 && !(value instanceof DataView);
}

/** The received value as PNG bytes: given as is, or a grid laid out and encoded here. */
export function receivedToPng(received: unknown, name: string): Buffer {
  if (isBytes(received)) return Buffer.from(received.buffer, received.byteOffset, received.byteLength);
  const spec = received as Partial<GridSpec> | null;
  if (typeof spec === 'object' && spec !== null && isFloat32Array(spec.images) && typeof spec.columns === 'number') {
    return encodePng(imagesToGrid(spec.images, spec.columns, spec));
  }
  const typeOf = (v: unknown) => Object.prototype.toString.call(v).slice(8, -1);
  const found = typeof spec === 'object' && spec !== null && 'images' in spec ? `an object whose images are a ${typeOf(spec.images)} and columns a ${typeOf(spec.columns)}` : `a ${typeOf(spec)}`;
  throw new TypeError(`toMatchGoldenImage('${name}'): expected an encoded PNG (Buffer / Uint8Array) or a grid spec { images: Float32Array, columns: number }, found ${found}`);
}

type Comparison = { exists: false } | { exists: true; bytes: Buffer; expected?: RgbaImage; mismatch: (Partial<ImageMismatch> & { errorMessage: string }) | null };

function compareWithGolden(path: string, actual: RgbaImage, options: CompareOptions): Comparison {
  if (!existsSync(path)) return { exists: false };
  const bytes = readFileSync(path);
  let expected: RgbaImage;
  try {
    expected = decodePng(bytes, path);
  } catch (error) {
    if (error instanceof PngFormatError) return { exists: true, bytes, mismatch: { errorMessage: error.message } };
    throw error;
  }
  return { exists: true, bytes, expected, mismatch: compareImages(expected, actual, options) };
}

function writeArtefacts(paths: ReturnType<typeof failurePaths>, parts: { expectedBytes: Buffer; expected?: RgbaImage; actualPng: Buffer; actual: RgbaImage; diff?: RgbaImage }): void {
  writeFileAtomically(paths.expected, parts.expectedBytes);
  writeFileAtomically(paths.actual, parts.actualPng);
  if (parts.diff) writeFileAtomically(paths.diff, encodePng(parts.diff, { filter: 'none' }));
  else rmSync(paths.diff, { force: true });
  writeFileAtomically(paths.composite, encodePng(composeComparison({ expected: parts.expected, actual: parts.actual, diff: parts.diff }), { filter: 'none' }));
}

function removeArtefacts(paths: ReturnType<typeof failurePaths>): void {
  for (const kind of FAILURE_KINDS) rmSync(paths[kind], { force: true });
}

export function toMatchGoldenImage(this: MatcherThis, received: unknown, name: string, options: GoldenImageOptions = {}): jest.CustomMatcherResult {
  const hint = this.utils.matcherHint(`${this.isNot ? '.not' : ''}.toMatchGoldenImage`, 'image', 'name');
  const ctx = contextOf(this, 'toMatchGoldenImage');
  validateGoldenName(name);
  const resolved = resolveCompareOptions(options);
  const golden = goldenPath(ctx.rootDir, ctx.testPath, name);
  const actualPng = receivedToPng(received, name);
  const actual = decodePng(actualPng, `received image for golden '${name}'`);
  recordUsage({ kind: 'golden', path: golden, testPath: ctx.testPath });
  const found = compareWithGolden(golden, actual, resolved);

  if (this.isNot) {
    // `.not`: "this image must differ from the golden" (e.g. a perturbed checkpoint). Never writes.
    if (!found.exists) throw new Error(`.not.toMatchGoldenImage: golden '${name}' does not exist (${ctx.rel(golden)}); nothing to differ from`);
    // Differing must mean differing pixels: an unreadable golden or another size proves nothing about the model.
    if (!found.expected) throw new Error(`.not.toMatchGoldenImage: golden '${name}' cannot be read, so nothing was compared: ${found.mismatch?.errorMessage}`);
    if (found.expected.width !== actual.width || found.expected.height !== actual.height) {
      throw new Error(`.not.toMatchGoldenImage: golden '${name}' is ${found.expected.width}×${found.expected.height} and the image ${actual.width}×${actual.height}, so no pixel was compared`);
    }
    const thresholds = describeThresholds(resolved, actual.width * actual.height);
    return {
      pass: found.mismatch === null,
      message: () =>
        found.mismatch === null
          ? `${hint}\n\nExpected the image to differ from golden '${name}' (${ctx.rel(golden)}), but it matches within ${thresholds}.`
          : `${hint}\n\nThe image differs from golden '${name}': ${found.mismatch.errorMessage}`,
    };
  }

  const conflict = claim(ctx, 'golden', name);
  if (conflict) return { pass: false, message: () => `${hint}\n\n${conflict}` };
  const mode = updateModeOf(ctx.snapshotState);
  const action: UpdateAction = decideUpdateAction(mode, found.exists, found.exists && found.mismatch === null);
  countOutcome(ctx.snapshotState, action);
  const artefacts = failurePaths(ctx.rootDir, ctx.testPath, name);

  switch (action) {
    case 'pass':
    case 'write-new':
    case 'overwrite':
      if (action !== 'pass') writeFileAtomically(golden, actualPng);
      // Only a match against a golden that was already there counts as compared: a written one waits for a plain run.
      else recordUsage({ kind: 'matched', path: golden, sha256: sha256((found as Extract<Comparison, { exists: true }>).bytes), at: new Date().toISOString() });
      removeArtefacts(artefacts);
      return { pass: true, message: () => `${hint}\n\nGolden '${name}' matches (${ctx.rel(golden)}).` };
    case 'fail-missing':
      // Images of an earlier failure would show a comparison with a golden that is no longer there.
      removeArtefacts(artefacts);
      return {
        pass: false,
        message: () =>
          `${hint}\n\nGolden image '${name}' is missing: ${ctx.rel(golden)}\n` +
          `CI mode (--ci or CI=true) does not write new goldens. Create it locally with ${UPDATE_HINT} ` +
          `(a plain \`npm test\` also writes missing goldens), look at the PNG, and commit it.`,
      };
    case 'fail-mismatch': {
      const mismatch = (found as Extract<Comparison, { exists: true }>).mismatch!;
      writeArtefacts(artefacts, {
        expectedBytes: (found as Extract<Comparison, { exists: true }>).bytes,
        expected: (found as Extract<Comparison, { exists: true }>).expected,
        actualPng,
        actual,
        diff: mismatch.diff,
      });
      const lines = [
        `Golden image '${name}' does not match ${ctx.rel(golden)}`,
        // The comparator's message gives the differing pixels, ratio and thresholds in force.
        `  ${mismatch.errorMessage}`,
        'Artefacts:',
        ...FAILURE_KINDS.filter((k) => existsSync(artefacts[k])).map((k) => `  ${k.padEnd(9)} ${ctx.rel(artefacts[k])}`),
        `If the change is intended, update the golden with ${UPDATE_HINT} and commit it.`,
      ];
      return { pass: false, message: () => `${hint}\n\n${lines.join('\n')}` };
    }
  }
}

export function toMatchMetricBaseline(this: MatcherThis, received: unknown, key: string, options: BaselineOptions = {}): jest.CustomMatcherResult {
  const hint = this.utils.matcherHint('.toMatchMetricBaseline', 'value', 'key');
  if (this.isNot) throw new Error('.not.toMatchMetricBaseline is not supported');
  const ctx = contextOf(this, 'toMatchMetricBaseline');
  validateMetricKey(key);
  if (typeof received !== 'number' || !Number.isFinite(received)) {
    return { pass: false, message: () => `${hint}\n\nmetric '${key}': expected a finite number, received ${String(received)}` };
  }
  const hasBandOptions = options.ci !== undefined || options.tolerance !== undefined;
  // Check the options on every run, not only on the runs that happen to write.
  const derived = hasBandOptions ? bandFor(received, options) : undefined;
  const file = metricsBaselinePath(ctx.rootDir);
  const entry = readBaselines(file)[key];
  recordUsage({ kind: 'metric', file, key, testPath: ctx.testPath });
  const conflict = claim(ctx, 'metric key', key);
  if (conflict) return { pass: false, message: () => `${hint}\n\n${conflict}` };
  const problem = entry ? (checkBaseline(key, entry, received) ?? (hasBandOptions ? staleBand(key, entry, received, options) : null)) : null;
  const action = decideUpdateAction(updateModeOf(ctx.snapshotState), entry !== undefined, problem === null);

  if (action === 'write-new' || action === 'overwrite') {
    if (!derived) {
      return {
        pass: false,
        message: () => `${hint}\n\nCannot write baseline '${key}' = ${received}: give { ci: [lo, hi] } or { tolerance } so the band can be derived.`,
      };
    }
    const source = `${ctx.rel(ctx.testPath)} › ${ctx.testName}; ${derived.derivation}`;
    updateBaselines(file, { [key]: { value: received, band: derived.band, source } });
  }
  countOutcome(ctx.snapshotState, action);
  switch (action) {
    case 'pass':
    case 'write-new':
    case 'overwrite':
      return { pass: true, message: () => `${hint}\n\nmetric '${key}' = ${received} is within its baseline` };
    case 'fail-missing':
      return {
        pass: false,
        message: () =>
          `${hint}\n\nmetric '${key}' has no baseline in ${ctx.rel(file)}, and CI mode (--ci or CI=true) does not write new ones.\n` +
          `Create it locally with ${UPDATE_HINT} and commit ${ctx.rel(file)}.`,
      };
    case 'fail-mismatch':
      return { pass: false, message: () => `${hint}\n\n${problem}\nIf the change is intended, update the baseline with ${UPDATE_HINT} and commit ${ctx.rel(file)}.` };
  }
}
