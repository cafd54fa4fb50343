import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend, type BackendInfo } from './backend';
import { CheckpointError, loadNetwork, readManifest, restoreOptimizer, saveCheckpoint } from './checkpoint';
import { FlatAdamOptimizer } from './flat-adam';
import { batchesPerStep, createTrainable, loadGenerative } from './registry';
import { normalTensor } from './seed';
import { readLosses } from './step-losses';
import { syntheticShoes, trainableHash, weightsHash } from './testing';
import { imagesPerStep, resumeMismatch, setupChanges, train, validateTrainOptions, TrainingDivergedError, LOG_FILE } from './train';
import { MODEL_KINDS, type GenerativeModel, type ModelKind } from './types';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await useBackend('tensorflow');
});

const data = syntheticShoes(256);
const tempDir = () => mkdtempSync(join(tmpdir(), 'vae-vs-gan-'));
const run = (kind: ModelKind, outDir: string, steps: number, extra: object = {}) =>
  train({ kind, steps, batchSize: 8, seed: 5, outDir, data, backend, checkpointEvery: 2, qualityEvery: 0, ...extra });

describe.each(MODEL_KINDS)('%s', (kind) => {
  test('generates [n, 28, 28, 1] images in [0, 1]; the VAE encodes to [n, 100]', () => {
    const model = createTrainable(kind, 1).asGenerative();
    const images = tf.tidy(() => model.generate(normalTensor([3, model.latentDim], 9) as tf.Tensor2D));
    expect(images.shape).toEqual([3, 28, 28, 1]);
    const values = images.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    images.dispose();
    expect(model.encode !== undefined).toBe(kind === 'vae');
    if (model.encode) {
      const z = tf.tidy(() => model.encode!(tf.zeros([2, 28, 28, 1])));
      expect(z.shape).toEqual([2, 100]);
      z.dispose();
    }
  });

  test('a training step leaks no tensors and returns finite losses', () => {
    const trainable = createTrainable(kind, 1);
    const batch = tf.fill([8 * batchesPerStep(kind), 28, 28, 1], trainable.pixelRange === 'unit' ? 0.5 : 0) as tf.Tensor4D;
    readLosses(trainable.step(batch, 1)); // creates optimiser slots once
    const before = tf.memory().numTensors;
    const losses = readLosses(trainable.step(batch, 2));
    expect(tf.memory().numTensors).toBe(before);
    const names = { vae: ['kl', 'loss', 'mse'], dcgan: ['d_loss', 'g_loss'], 'wgan-gp': ['c_loss', 'g_loss', 'gp', 'wasserstein'] }[kind];
    expect(Object.keys(losses).sort()).toEqual(names);
    for (const value of Object.values(losses)) expect(Number.isFinite(value)).toBe(true);
    batch.dispose();
  });

  test('same seed, backend and steps give bit-identical weights; another seed does not', async () => {
    const a = await run(kind, tempDir(), 2);
    const b = await run(kind, tempDir(), 2);
    const c = await train({ kind, steps: 2, batchSize: 8, seed: 6, outDir: tempDir(), data, backend, qualityEvery: 0 });
    expect(trainableHash(a.trainable)).toBe(trainableHash(b.trainable));
    expect(trainableHash(c.trainable)).not.toBe(trainableHash(a.trainable));
  });

  test('--resume continues to exactly the weights of an uninterrupted run', async () => {
    // Resumed after 2 steps: the next β₂³ by repeated multiplication and by pow() differ in float32
    // for β₂ = 0.999, so with the VAE and DCGAN a restore that recomputed the powers (as
    // tf.train.adam's setWeights does) shows here (checked by deleting it). WGAN-GP's weights came
    // out the same without the restore even when resumed at step 8, so the restore itself is
    // tested directly below.
    const at = 2;
    const straight = await run(kind, tempDir(), at + 2);
    const dir = tempDir();
    await run(kind, dir, at);
    const resumed = await run(kind, dir, at + 2, { resume: true });
    expect(trainableHash(resumed.trainable)).toBe(trainableHash(straight.trainable));
    expect(readFileSync(join(dir, LOG_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step)).toEqual(Array.from({ length: at + 2 }, (_, i) => i));
    expect(resumed.start).toBe(at);
    const { runs } = readManifest<{ runs: { fromStep: number; environment: { backend: string } }[] }>(dir);
    expect(runs.map((r) => [r.fromStep, r.environment.backend])).toEqual([[0, 'tensorflow'], [at, 'tensorflow']]);
  });
});

test('an optimiser restored from a checkpoint has Adam’s β powers bit for bit, not recomputed with pow()', async () => {
  const dir = tempDir();
  const x = tf.variable(tf.tensor1d([1, -2, 3]));
  const trained = new FlatAdamOptimizer(0.01, 0.9, 0.999);
  for (let i = 0; i < 5; i++) trained.minimize(() => tf.sum(tf.square(x)))?.dispose();
  await saveCheckpoint(dir, { networks: {}, optimizers: { o: trained }, manifest: {} });
  const restored = new FlatAdamOptimizer(0.01, 0.9, 0.999);
  await restoreOptimizer(dir, 'o', restored);
  const bits = (o: FlatAdamOptimizer) => [o.accBeta1, o.accBeta2].map((v) => Array.from(new Uint32Array(Float32Array.from(v.dataSync()).buffer)));
  expect(bits(restored)).toEqual(bits(trained));
  // State saved for other variables fails at the next step, naming the file it came from.
  const other = tf.variable(tf.tensor1d([1, 2, 3, 4]));
  expect(() => restored.minimize(() => tf.sum(tf.square(other)))).toThrow(
    `${join(dir, 'optimizer-o.weights.bin')}: FlatAdamOptimizer: restored state is for shapes [3], found gradients of shapes [4]`,
  );
  tf.dispose([x, other]);
  trained.dispose();
  restored.dispose();
});

test('checkpoints hold the tfjs layers format, a manifest and the step log', async () => {
  const dir = tempDir();
  const result = await run('vae', dir, 2);
  const manifest = readManifest<{ kind: string; seed: number; step: number; environment: { backend: string }; data: object }>(dir);
  expect(manifest).toMatchObject({ kind: 'vae', seed: 5, step: 2, environment: { backend: 'tensorflow' } });
  expect(Object.keys(manifest.data)).toHaveLength(4);
  const decoder = await loadNetwork(dir, 'decoder');
  expect(weightsHash({ decoder })).toBe(weightsHash({ decoder: result.trainable.networks.decoder! }));
  const generative = await loadGenerative('vae', dir);
  expect(generative.latentDim).toBe(100);
});

test('--resume refuses a run whose seed, config, batch, classes or backend differ, naming each', () => {
  const saved = { kind: 'vae', seed: 1, config: { alpha: 2000 }, batchSize: 64, classes: [5, 7], backend: 'tensorflow' };
  expect(resumeMismatch('d', saved, saved)).toBeUndefined();
  expect(resumeMismatch('d', saved, { ...saved, config: { alpha: 10 }, batchSize: 32 })).toBe(
    '--resume: the run in d differs: config {"alpha":2000} there, {"alpha":10} asked; batchSize 64 there, 32 asked',
  );
  expect(resumeMismatch('d', saved, { ...saved, kind: 'dcgan', classes: [7] })).toMatch(/kind "vae" there, "dcgan" asked; classes \[5,7\] there, \[7\] asked$/);
  expect(resumeMismatch('d', saved, { ...saved, backend: 'cpu' })).toBe('--resume: the run in d differs: backend "tensorflow" there, "cpu" asked');
});

test('--resume on another setup warns that the weights will not be bit-identical, naming what changed; classes saved in another order are the same run', async () => {
  const now = { backend: 'tensorflow', backendDescription: 'd', tfjs: '4.22.0', libtensorflow: '2.9.1', threads: 2, node: 'v20', commit: 'c', platform: 'linux-x64' };
  expect(setupChanges(now, now)).toEqual([]);
  expect(setupChanges({ ...now, threads: 1, libtensorflow: '2.20.0', commit: 'other' }, now)).toEqual(['libtensorflow "2.20.0" there, "2.9.1" here', 'threads 1 there, 2 here']);
  expect(setupChanges({ ...now, threads: undefined }, now)).toEqual([]); // not recorded: not compared
  const dir = tempDir();
  await run('vae', dir, 1);
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  // Also saved with its classes in another order, as runs did before --classes was sorted: the same set.
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, classes: [...manifest.classes].reverse(), environment: { ...manifest.environment, threads: 99 } }));
  const notes: string[] = [];
  await run('vae', dir, 2, { resume: true, onNote: (n: string) => notes.push(n) });
  expect(notes).toEqual([expect.stringMatching(/^--resume: .* was trained on another setup \(threads 99 there, \d+ here\): the weights will not be bit-identical/)]);
  // And asked for in another order by a caller of train() (the CLI sorts --classes).
  expect(data.classes.length).toBeGreaterThan(1);
  await expect(run('vae', dir, 3, { resume: true, data: { ...data, classes: [...data.classes].reverse() }, onNote: () => {} })).resolves.toMatchObject({ start: 2 });
});

test('--resume checks the step log it continues, naming the file and line', async () => {
  const dir = tempDir();
  await run('vae', dir, 2);
  const log = join(dir, LOG_FILE);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  writeFileSync(log, `${lines[0]}\n{"step": 1, "loss"\n`);
  await expect(run('vae', dir, 3, { resume: true })).rejects.toThrow(`${log}:2: expected a JSON step record, found "{\\"step\\": 1, \\"loss\\""`);
  writeFileSync(log, `${lines[0]}\nnull\n`);
  await expect(run('vae', dir, 3, { resume: true })).rejects.toThrow(`${log}:2: expected a step record with an integer "step", found "null"`);
  writeFileSync(log, `${lines[0]}\n`);
  await expect(run('vae', dir, 3, { resume: true })).rejects.toThrow(/--resume: .*log\.jsonl: expected records of steps 0–1 in order, found 1 records/);
  writeFileSync(log, `${lines[1]}\n${lines[0]}\n`);
  await expect(run('vae', dir, 3, { resume: true })).rejects.toThrow(/expected records of steps 0–1 in order, found step 1 at record 1/);
  writeFileSync(log, 'not json at all\n');
  await expect(run('vae', dir, 1)).rejects.toThrow(/already holds a checkpoint \(manifest\.json\); pass --resume to continue it or --overwrite to replace it/);
  await expect(run('vae', dir, 1, { overwrite: true })).resolves.toMatchObject({ start: 0 }); // a new run replaces the folder: its log is not read
});

test('the quality signal is recorded every qualityEvery steps, from the model being trained', async () => {
  const seen: number[] = [];
  const result = await run('vae', tempDir(), 4, {
    qualityEvery: 2,
    quality: (model: GenerativeModel) => {
      seen.push(model.latentDim);
      return 40 + seen.length;
    },
  });
  expect(result.log.map((r) => r.quality)).toEqual([undefined, 41, undefined, 42]);
  expect(seen).toEqual([100, 100]);
});

test('a damaged checkpoint is an error naming the file, not a raw decode failure', async () => {
  const dir = tempDir();
  await run('vae', dir, 1);
  const optimizerBin = join(dir, 'optimizer-vae.weights.bin');
  writeFileSync(optimizerBin, readFileSync(optimizerBin).subarray(0, 1000));
  await expect(run('vae', dir, 2, { resume: true })).rejects.toThrow(/optimizer-vae\.weights\.bin: expected \d+ bytes for the \d+ weights .* lists, found 1000 \(truncated or from another checkpoint\)/);
  const again = tempDir();
  await run('vae', again, 1);
  const decoderBin = join(again, 'decoder.weights.bin');
  writeFileSync(decoderBin, Buffer.concat([readFileSync(decoderBin), Buffer.alloc(4)]));
  await expect(loadNetwork(again, 'decoder')).rejects.toThrow(CheckpointError);
  await expect(loadNetwork(again, 'decoder')).rejects.toThrow(/decoder\.weights\.bin: expected \d+ bytes .* found \d+/);
});

test('a checkpoint JSON missing a field names the file and the field, not a TypeError', async () => {
  const committed = join('models', 'checkpoints', 'classifier');
  const damaged = (edit: (json: any) => unknown, file = 'classifier.json') => {
    const dir = tempDir();
    for (const f of ['classifier.json', 'classifier.weights.bin', 'manifest.json']) writeFileSync(join(dir, f), readFileSync(join(committed, f)));
    writeFileSync(join(dir, file), JSON.stringify(edit(JSON.parse(readFileSync(join(dir, file), 'utf8')))));
    return dir;
  };
  const load = (dir: string) => loadNetwork(dir, 'classifier');
  await expect(load(damaged((j) => ({ ...j, weightsManifest: [] })))).rejects.toThrow(/classifier\.json: expected a "weightsManifest" list with one group, found none/);
  await expect(load(damaged((j) => (delete j.weightsManifest[0].paths, j)))).rejects.toThrow(/classifier\.json: expected "weightsManifest\[0\]\.paths" to name the \.weights\.bin file, found null/);
  await expect(load(damaged((j) => (delete j.weightsManifest[0].weights[1].shape, j)))).rejects.toThrow(/classifier\.json: expected "weightsManifest\[0\]\.weights" to list each weight's name and shape, found entry 1: \{"name":/);
  expect(() => readManifest(damaged(() => null, 'manifest.json'))).toThrow(/manifest\.json: expected a JSON object, found null/);
});

test('--out that holds other files is refused untouched; --resume past its checkpoint is refused', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  await expect(run('vae', dir, 1)).rejects.toThrow(/--out: .* holds 1 files but no checkpoint \(manifest\.json\); checkpoints replace the whole folder/);
  expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  const checkpointed = tempDir();
  await run('vae', checkpointed, 2);
  await expect(run('vae', checkpointed, 2, { resume: true })).rejects.toThrow(/--steps: the checkpoint in .* is at step 2; expected more steps than that, found 2/);
});

test('each WGAN-GP critic update trains on its own real batch (Gulrajani et al., Algorithm 1)', () => {
  const seen: number[] = [];
  const trainable = createTrainable('wgan-gp', 1);
  const critic = trainable.networks.critic!;
  const apply = critic.apply.bind(critic);
  // Real batches are constant images here; fakes and interpolates never are. A real batch comes
  // first in its pass, with the fakes after it (logitsOfBoth), so the first half of each pass is read.
  critic.apply = ((inputs: tf.Tensor, kwargs?: object) => {
    const values = inputs.dataSync().slice(0, inputs.size / 2);
    if (values.every((v) => v === values[0])) seen.push(values[0]!);
    return apply(inputs, kwargs);
  }) as typeof critic.apply;
  // Five batches of 2 images, each of one grey level: 0.1 … 0.5 (in the tanh range).
  const levels = [0.1, 0.2, 0.3, 0.4, 0.5];
  const batches = tf.concat(levels.map((v) => tf.fill([2, 28, 28, 1], v))) as tf.Tensor4D;
  readLosses(trainable.step(batches, 3));
  expect(seen.map((v) => Number(v.toFixed(6)))).toEqual(levels);
  expect(() => trainable.step(tf.zeros([7, 28, 28, 1]) as tf.Tensor4D, 4)).toThrow('wgan-gp step: expected 5 real batches of one size (one per critic update), found 7 images');
});

test('a NaN loss at the first step of a new run says no checkpoint was saved', async () => {
  const poisoned = { ...data, images: data.images.map((v, i) => (i % 784 === 5 ? NaN : v)) };
  await expect(run('vae', tempDir(), 2, { data: poisoned })).rejects.toThrow(/step 0: loss '\w+' is NaN; stopped\. No checkpoint was saved in /);
});

test('a NaN loss stops the run naming the step, and the last good checkpoint stays', async () => {
  const dir = tempDir();
  const good = await run('vae', dir, 2);
  const poisoned = { ...data, images: data.images.map((v, i) => (i % 784 === 5 ? NaN : v)) };
  await expect(run('vae', dir, 6, { resume: true, data: poisoned })).rejects.toThrow(TrainingDivergedError);
  await expect(run('vae', dir, 6, { resume: true, data: poisoned })).rejects.toThrow(/step 2: loss '\w+' is NaN/);
  expect(readManifest<{ step: number }>(dir).step).toBe(2);
  expect(weightsHash({ decoder: await loadNetwork(dir, 'decoder') })).toBe(weightsHash({ decoder: good.trainable.networks.decoder! }));
});

test('bad options are clear errors', async () => {
  expect(() => validateTrainOptions({ kind: 'vae', steps: 0, batchSize: 64, seed: 1 })).toThrow(/--steps: expected an integer ≥ 1, found 0/);
  expect(() => validateTrainOptions({ kind: 'vae', steps: 1, batchSize: 0, seed: 1 })).toThrow(/--batch: expected an integer ≥ 1, found 0/);
  expect(() => validateTrainOptions({ kind: 'vae', steps: 1, batchSize: 1, seed: 1, alpha: 0 })).toThrow(/--alpha: expected a number > 0, found 0/);
  expect(() => validateTrainOptions({ kind: 'vae', steps: 1, batchSize: 1, seed: 1, checkpointEvery: 0 })).toThrow('--checkpoint-every: expected an integer ≥ 1, found 0');
  expect(() => validateTrainOptions({ kind: 'vae', steps: 1, batchSize: 1, seed: 1, qualityEvery: -1 })).toThrow('--quality-every: expected an integer ≥ 0, found -1');
  expect(() => validateTrainOptions({ kind: 'dcgan', steps: 1, batchSize: 1, seed: 1, alpha: 5 })).toThrow('--alpha: only the VAE has an α (its MSE weight), found --alpha 5 with --model dcgan');
  await expect(run('vae', tempDir(), 2, { resume: true })).rejects.toThrow(/--resume: expected a checkpoint in .*, found no manifest\.json there/);
  const file = join(tempDir(), 'a-file');
  writeFileSync(file, 'x');
  await expect(run('vae', file, 2)).rejects.toThrow(`--out: expected a folder for the checkpoint, found the file ${file}`);
  expect(existsSync(file)).toBe(true);
  // A folder under a file cannot be made: refused before the first step, not at the first checkpoint.
  await expect(run('vae', join(file, 'ckpt'), 2)).rejects.toThrow(`--out: cannot write ${join(file, 'ckpt')}: ${file} is a file, not a folder`);
});

test('a batch larger than the training data is refused naming --batch, for a WGAN-GP step by its n_critic batches', () => {
  const data = { count: 300, classes: [5, 7] };
  expect(imagesPerStep('vae', 64, data)).toBe(64);
  expect(() => imagesPerStep('wgan-gp', 64, data)).toThrow('--batch: a wgan-gp step takes 320 images (5 × 64), more than the 300 training images of classes 5,7');
});

test('a folder without a generative model’s config (the classifier’s) is refused, naming its manifest', async () => {
  await expect(loadGenerative('vae', join(__dirname, 'checkpoints', 'classifier'))).rejects.toThrow(
    /classifier\/manifest\.json: expected the vae model's config with an integer latentDim, found no config/,
  );
});
