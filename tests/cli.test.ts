/** The command line rejects unknown flags and bad values with messages naming them. */
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseClasses, program } from '../cli';
import { sweepRunMismatch } from '../commands/alpha-sweep';
import { runEvaluate } from '../commands/evaluate';
import { removeStaleRenders } from '../commands/report';
import { DEFAULT_CLASSES } from '../models/data/shoes';
import type { BackendInfo } from '../models/backend';
import { referenceConfig } from '../models/registry';
import { assertNotReplacing } from '../models/train';

function parse(...args: string[]): Promise<unknown> {
  const quiet = (c: Command) => c.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  quiet(program);
  program.commands.forEach(quiet);
  return program.parseAsync(['node', 'cli.ts', ...args]);
}

test.each([
  [['train', '--model', 'vae', '--bogus'], /unknown option '--bogus'/],
  [['train', '--model', 'gan'], /argument 'gan' is invalid\. Allowed choices are vae, dcgan, wgan-gp/],
  [['train', '--model', 'vae', '--batch', '0'], /--batch: expected an integer ≥ 1, found '0'/],
  [['train', '--model', 'vae', '--alpha', '0'], /--alpha: expected a number > 0, found '0'/],
  [['train', '--model', 'vae', '--steps', '1.5'], /--steps: expected an integer ≥ 1, found '1\.5'/],
  [['train', '--model', 'vae', '--alpha', '0x10'], /--alpha: expected a number > 0, found '0x10'/],
  [['alpha-sweep', '--alphas', '1,10,1.0'], /--alphas: expected each α once, found 1 twice \(in '1,10,1\.0'\)/],
  [['alpha-sweep', '--alphas', '1e3,1000'], /--alphas: expected each α once, found 1000 twice/],
  [['train', '--model', 'vae', '--resume', '--overwrite'], /option '--resume' cannot be used with option '--overwrite'/],
  [['train', '--model', 'vae', '--classes', '5,12'], /--classes: expected integers 0-9/],
  [['train', '--model', 'vae', '--classes', '5,,7'], /--classes: expected comma-separated integers 0-9, found '' \(in '5,,7'\)/],
  [['train', '--model', 'vae', '--classes', '0x5'], /--classes: expected comma-separated integers 0-9, found '0x5'/],
  [['train', '--model', 'vae', '--classes', '5,7,5'], /--classes: expected each class once, found 5 twice \(from '5,7,5'\)/],
  [['train', '--model', 'vae', '--steps', '10', '--epochs', '2'], /option '--steps <n>' cannot be used with option '--epochs <n>'/],
  [['bench', '--threshold', '10'], /--threshold: expected a fraction between 0 and 1 \(0\.1 = 10 %\), found '10'/],
  [['bench', '--backends', ','], /--backends: expected at least one backend name, found ','/],
  [['train', '--model', 'vae', '--backend', 'webgl'], /argument 'webgl' is invalid\. Allowed choices are tensorflow, tensorflow-gpu, wasm, cpu/],
  [['evaluate', '--samples', '3'], /--samples: expected an integer ≥ 4, found '3'/],
  [['evaluate', '--samples', 'many'], /--samples: expected an integer ≥ 4, found 'many'/],
  [['train'], /required option '--model <kind>' not specified/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['bench', '--backends', 'tensorflow', '--only', 'sample/vae,train/vae'], /--only: 'train\/vae' matches no task; .* names train-step\/vae, /],
])('%j is rejected', async (args, message) => {
  await expect(parse(...args)).rejects.toThrow(message);
});

test('report --out, evaluate --export and train-classifier --out naming a file are refused before any work, naming the flag', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cli-out-')), 'a-file');
  writeFileSync(file, 'x');
  await expect(parse('report', '--out', file, '--skip-evaluate', '--no-render')).rejects.toThrow(`--out: expected a folder, found the file ${file}`);
  await expect(parse('evaluate', '--json', join(file, '..', 'm.json'), '--export', file)).rejects.toThrow(`--export: expected a folder, found the file ${file}`);
  await expect(parse('train-classifier', '--out', file)).rejects.toThrow(`--out: expected a folder for the checkpoint, found the file ${file}`);
});

test('train refuses to replace a checkpoint unless resuming or told to overwrite, before loading any data', async () => {
  const out = mkdtempSync(join(tmpdir(), 'cli-train-'));
  writeFileSync(join(out, 'manifest.json'), '{}');
  const refusal = `--out: ${out} already holds a checkpoint (manifest.json); pass --resume to continue it or --overwrite to replace it`;
  await expect(parse('train', '--model', 'vae', '--steps', '1', '--out', out)).rejects.toThrow(refusal);
  expect(readdirSync(out)).toEqual(['manifest.json']);
  expect(() => assertNotReplacing(out, {})).toThrow(refusal);
  expect(() => assertNotReplacing(out, { overwrite: true })).not.toThrow();
  expect(() => assertNotReplacing(out, { resume: true })).not.toThrow();
  expect(() => assertNotReplacing(join(out, 'new'), {})).not.toThrow();
});

test("an evaluation the report runs names the report's --out when its metrics.json cannot be written", async () => {
  const out = mkdtempSync(join(tmpdir(), 'report-out-'));
  mkdirSync(join(out, 'metrics.json'));
  const backend = { name: 'cpu', description: 'unused' } as unknown as BackendInfo;
  await expect(runEvaluate({ json: join(out, 'metrics.json'), jsonSource: '--out (its metrics.json)', samples: 4, seed: 1, backend })).rejects.toThrow(
    `--out (its metrics.json): expected a file path, found the folder ${join(out, 'metrics.json')}`,
  );
});

test('a build that did not render both pictures removes those of an earlier build, and says so', () => {
  const out = mkdtempSync(join(tmpdir(), 'report-out-'));
  for (const f of ['report.png', 'report.pdf', 'index.html']) writeFileSync(join(out, f), 'old');
  const earlier = new Date(Date.now() - 60_000);
  utimesSync(join(out, 'report.pdf'), earlier, earlier);
  const lines: string[] = [];
  // report.png is this build's (its PDF failed): kept; report.pdf is an earlier build's.
  removeStaleRenders(out, Date.now() - 1000, (l) => lines.push(l));
  expect(readdirSync(out).sort()).toEqual(['index.html', 'report.png']);
  expect(lines).toEqual([expect.stringMatching(/^removed .*report\.pdf: it showed an earlier build$/)]);
  removeStaleRenders(out, Date.now() + 1000, (l) => lines.push(l));
  expect(readdirSync(out)).toEqual(['index.html']);
  removeStaleRenders(out, Date.now() + 1000, (l) => lines.push(l));
  expect(lines).toHaveLength(2);
});

test('alpha-sweep refuses an --out folder that holds more than an earlier sweep, before training, leaving it as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-out-'));
  writeFileSync(join(dir, 'precious.txt'), 'mine');
  await expect(parse('alpha-sweep', '--summary-only', '--out', dir)).rejects.toThrow(/--out: .* holds precious\.txt, which is not an α sweep's; the sweep replaces the whole folder/);
  expect(readdirSync(dir)).toEqual(['precious.txt']);
});

test("alpha-sweep --summary-only scores only the cached runs this sweep trains, naming what differs", () => {
  const run = { kind: 'vae', seed: 1, step: 600, config: referenceConfig('vae', { alpha: 2000 }), batchSize: 64, classes: [...DEFAULT_CLASSES] };
  expect(sweepRunMismatch('runs/a', run, { alpha: 2000, seed: 1, steps: 600 })).toBeUndefined();
  expect(sweepRunMismatch('runs/a', run, { alpha: 2000, seed: 2, steps: 300 })).toBe(
    "alpha-sweep --summary-only: the run in runs/a is not this sweep's: seed 1 there, 2 asked; steps 600 there, 300 asked",
  );
  expect(sweepRunMismatch('runs/a', { ...run, batchSize: 32, classes: [7] }, { alpha: 2000, seed: 1, steps: 600 })).toBe(
    "alpha-sweep --summary-only: the run in runs/a is not this sweep's: batchSize 32 there, 64 asked; classes [7] there, [5,7] asked",
  );
  expect(sweepRunMismatch('runs/a', { ...run, kind: 'dcgan' }, { alpha: 10, seed: 1, steps: 600 })).toMatch(
    /^alpha-sweep --summary-only: the run in runs\/a is not this sweep's: kind "dcgan" there, "vae" asked; config \{[^}]*"alpha":2000[^}]*\} there, \{[^}]*"alpha":10[^}]*\} asked$/,
  );
});

test('bench --baseline has no default: a plain run would be told that the --baseline it never gave is ignored', () => {
  const bench = program.commands.find((c) => c.name() === 'bench')!;
  expect(bench.options.find((o) => o.long === '--baseline')!.defaultValue).toBeUndefined();
});

test('--classes is a set: given in any order it names the same run', () => {
  expect(parseClasses('7,5')).toEqual([5, 7]);
  expect(parseClasses(' 9, 5,7')).toEqual([5, 7, 9]);
});
