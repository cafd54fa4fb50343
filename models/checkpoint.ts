/**
 * Checkpoints in the TF.js layers-model format (`<network>.json` + `<network>.weights.bin`, what
 * `model.save('file://…')` writes, readable by `tf.loadLayersModel`), plus optimiser state and a
 * JSON manifest. A checkpoint folder is written beside its target and renamed into place, so an
 * interrupted run never leaves a half-written checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { interruptedFolderWrite, writeFolderAtomically } from './atomic-write';
import { FlatAdamOptimizer } from './flat-adam';
import { float32ToFloat16 } from './float16';

export const MANIFEST_FILE = 'manifest.json';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

interface SaveOptions {
  /** Store weights as float16 (half the bytes; for committed inference checkpoints). */
  half?: boolean;
}

function weightsArtifacts(name: string, specs: tf.io.WeightsManifestEntry[]) {
  return [{ paths: [`${name}.weights.bin`], weights: specs }];
}

async function encodeHalf(tensors: tf.NamedTensorMap) {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    const half = float32ToFloat16(await tensor.data() as Float32Array);
    chunks.push(new Uint8Array(half.buffer));
    specs.push({ name, shape: tensor.shape, dtype: 'float32', quantization: { dtype: 'float16' } } as tf.io.WeightsManifestEntry);
  }
  return { data: Buffer.concat(chunks), specs };
}

async function networkFiles(model: tf.LayersModel, name: string, opts: SaveOptions): Promise<Record<string, Buffer | string>> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts?.weightSpecs || !artifacts.weightData) throw new CheckpointError(`network ${name}: nothing to save`);
  let data = Buffer.from(artifacts.weightData as ArrayBuffer);
  let specs = artifacts.weightSpecs;
  if (opts.half) {
    const values = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs);
    ({ data, specs } = await encodeHalf(values));
    tf.dispose(Object.values(values));
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: weightsArtifacts(name, specs),
  };
  return { [`${name}.json`]: JSON.stringify(modelJson), [`${name}.weights.bin`]: data };
}

/**
 * Adam's bias-correction powers β₁ᵗ, β₂ᵗ are accumulated by repeated multiplication while training,
 * but `setWeights` recomputes them with pow(), which differs in the last bits. They are saved and
 * restored as they are, so a resumed run is bit-identical to an uninterrupted one.
 */
const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;
type WithAdamPowers = Partial<Record<(typeof ADAM_POWERS)[number], tf.Variable>>;

async function optimizerFiles(optimizer: tf.Optimizer, name: string): Promise<Record<string, Buffer | string>> {
  const weights = await optimizer.getWeights();
  for (const power of ADAM_POWERS) {
    const variable = (optimizer as unknown as WithAdamPowers)[power];
    if (variable) weights.push({ name: `__${power}`, tensor: variable });
  }
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights may return new tensors (the iteration count, FlatAdamOptimizer's split moments).
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  return {
    [`optimizer-${name}.json`]: JSON.stringify({ weightsManifest: weightsArtifacts(`optimizer-${name}`, specs) }),
    [`optimizer-${name}.weights.bin`]: Buffer.from(data),
  };
}

export interface CheckpointContent {
  networks: Record<string, tf.LayersModel>;
  optimizers?: Record<string, tf.Optimizer>;
  manifest: object;
  /** Extra files copied in as they are (e.g. the step log). */
  extra?: Record<string, Buffer | string>;
}

export async function saveCheckpoint(dir: string, content: CheckpointContent, opts: SaveOptions = {}): Promise<void> {
  const files: Record<string, Buffer | string> = { ...content.extra };
  for (const [name, model] of Object.entries(content.networks)) Object.assign(files, await networkFiles(model, name, opts));
  for (const [name, optimizer] of Object.entries(content.optimizers ?? {})) Object.assign(files, await optimizerFiles(optimizer, name));
  files[MANIFEST_FILE] = JSON.stringify({ ...content.manifest, networks: Object.keys(content.networks) }, null, 2) + '\n';
  writeFolderAtomically(dir, files, { what: 'the checkpoint', error: CheckpointError, durable: true });
}

function readJson(path: string): any {
  if (!existsSync(path)) throw new CheckpointError(`${path}: missing${interruptedFolderWrite(dirname(path))}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1, bool: 1 };

/** Bytes a weight takes in a .weights.bin: its element count × the stored (possibly quantised) type's size. */
function storedBytes(spec: tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  return spec.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_VALUE[stored] ?? 4);
}

/** The one weights group of a TF.js weights manifest, its shape checked so that a damaged file is named rather than crashed on. */
function weightsGroup(json: unknown, manifestPath: string): { path: string; specs: tf.io.WeightsManifestEntry[] } {
  const group = (json as { weightsManifest?: unknown[] } | null)?.weightsManifest?.[0] as { paths?: unknown; weights?: unknown } | undefined;
  if (typeof group !== 'object' || group === null) throw new CheckpointError(`${manifestPath}: expected a "weightsManifest" list with one group, found none`);
  const path = Array.isArray(group.paths) ? group.paths[0] : undefined;
  if (typeof path !== 'string') throw new CheckpointError(`${manifestPath}: expected "weightsManifest[0].paths" to name the .weights.bin file, found ${JSON.stringify(group.paths ?? null)}`);
  const specs = group.weights;
  const bad = Array.isArray(specs) ? specs.findIndex((w) => typeof w?.name !== 'string' || !Array.isArray(w?.shape) || !w.shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0)) : -1;
  if (!Array.isArray(specs) || bad >= 0) {
    const found = Array.isArray(specs) ? `entry ${bad}: ${JSON.stringify(specs[bad]).slice(0, 120)}` : JSON.stringify(specs ?? null);
    throw new CheckpointError(`${manifestPath}: expected "weightsManifest[0].weights" to list each weight's name and shape, found ${found}`);
  }
  return { path, specs };
}

function readWeights(dir: string, manifestPath: string): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer; binPath: string } {
  const { path, specs } = weightsGroup(readJson(manifestPath), manifestPath);
  const binPath = join(dir, path);
  if (!existsSync(binPath)) throw new CheckpointError(`${binPath}: missing`);
  const bin = readFileSync(binPath);
  const expected = specs.reduce((sum, spec) => sum + storedBytes(spec), 0);
  if (bin.byteLength !== expected) {
    throw new CheckpointError(`${binPath}: expected ${expected} bytes for the ${specs.length} weights ${manifestPath} lists, found ${bin.byteLength} (truncated or from another checkpoint)`);
  }
  return { specs, data: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), binPath };
}

export function readManifest<T = Record<string, unknown>>(dir: string): T {
  const path = join(dir, MANIFEST_FILE);
  const manifest = readJson(path);
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new CheckpointError(`${path}: expected a JSON object, found ${JSON.stringify(manifest)?.slice(0, 80)}`);
  return manifest as T;
}

export async function loadNetwork(dir: string, name: string): Promise<tf.LayersModel> {
  const path = join(dir, `${name}.json`);
  const modelJson = readJson(path);
  const { specs, data } = readWeights(dir, path);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: data }));
  } catch (error) {
    throw new CheckpointError(`${path}: cannot load network '${name}' (${(error as Error).message})`);
  }
}

/** Copies a saved network's weights into an already-built one (used by --resume). */
export async function restoreNetwork(dir: string, name: string, into: tf.LayersModel): Promise<void> {
  const loaded = await loadNetwork(dir, name);
  try {
    into.setWeights(loaded.getWeights());
  } catch (error) {
    throw new CheckpointError(`${join(dir, `${name}.json`)}: its weights do not fit network '${name}' as built now (${(error as Error).message})`);
  } finally {
    loaded.dispose();
  }
}

export async function restoreOptimizer(dir: string, name: string, into: tf.Optimizer): Promise<void> {
  const { specs, data, binPath } = readWeights(dir, join(dir, `optimizer-${name}.json`));
  const values = tf.io.decodeWeights(data, specs);
  try {
    const powers = specs.filter((s) => s.name.startsWith('__'));
    await into.setWeights(specs.filter((s) => !powers.includes(s)).map((s) => ({ name: s.name, tensor: values[s.name]! })));
    for (const spec of powers) (into as unknown as WithAdamPowers)[spec.name.slice(2) as 'accBeta1']?.assign(values[spec.name]!);
    // Its shapes are checked against the variables only at the next step: let that error name the file.
    if (into instanceof FlatAdamOptimizer) into.restoredFrom = binPath;
  } catch (error) {
    throw new CheckpointError(`${binPath}: cannot restore optimiser '${name}' (${(error as Error).message})`);
  } finally {
    // Optimisers copy what they keep (tf.train.adam's variables hold their own reference).
    tf.dispose(Object.values(values));
  }
}
