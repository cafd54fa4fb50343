#!/usr/bin/env tsx
/** The one entry point: data | train | alpha-sweep | train-classifier | evaluate | bench | report. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { join, relative, resolve } from 'node:path';
import { BENCH_DEFAULTS } from './harness/bench/defaults';
import { METRIC_DEFAULTS } from './harness/metrics/defaults';
import { REPORT_DEFAULTS } from './harness/report/defaults';
import { BACKENDS, parseBackendName, useBackend } from './models/backend';
import { CLASS_NAMES, dataDirFromEnv, downloadFashionMnist, ensureFashionMnist, readSplit, resolveDataDir } from './models/data/fashion-mnist';
import { DEFAULT_CLASSES, loadShoes, validateClasses } from './models/data/shoes';
import { MODEL_KINDS } from './models/types';
import { CHECKPOINT_EVERY } from './models/train';
import { parseModelKind } from './models/registry';

export function parseInteger(flag: string, min = Number.MIN_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag}: expected an integer ≥ ${min}, found '${value}'`);
    }
    return n;
  };
}

export function parsePositiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    // Number('0x10') is 16: only decimal notation is a number here.
    if (!/^\s*\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag}: expected a number > 0, found '${value}'`);
    }
    return n;
  };
}

/** α values, each once (1 and 1.0 are one α: its run folder and log would be shared). */
export function parseAlphas(value: string): number[] {
  const alphas = value.split(',').map((a) => parsePositiveNumber('--alphas')(a.trim()));
  const repeated = alphas.find((a, i) => alphas.indexOf(a) !== i);
  if (repeated !== undefined) throw new InvalidArgumentError(`--alphas: expected each α once, found ${repeated} twice (in '${value}')`);
  return alphas;
}

/** A fraction strictly between 0 and 1 (10 % is 0.1: a '10' is almost certainly meant as a percentage). */
export function parseFraction(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError(`${flag}: expected a fraction between 0 and 1 (0.1 = 10 %), found '${value}'`);
    return n;
  };
}

export function parseClasses(value: string): number[] {
  const items = value.split(',').map((v) => v.trim());
  // Number('') is 0 and Number('0x5') is 5: only plain digits are class ids.
  const notDigits = items.find((v) => !/^\d+$/.test(v));
  if (notDigits !== undefined) throw new InvalidArgumentError(`--classes: expected comma-separated integers 0-9, found '${notDigits}' (in '${value}')`);
  const classes = items.map(Number);
  try {
    validateClasses(classes);
  } catch (error) {
    throw new InvalidArgumentError(`--classes: ${(error as Error).message.replace(/^classes: /, '')} (from '${value}')`);
  }
  // Images are selected in dataset order whatever the order given: 7,5 is the run 5,7 is.
  return classes.sort((a, b) => a - b);
}

const backendOption = () =>
  new Option('--backend <name>', `TensorFlow.js backend (default $TFJS_BACKEND or tensorflow)`).choices(BACKENDS as unknown as string[]);
const dataDirOption = () => new Option('--data-dir <dir>', 'folder with the four Fashion-MNIST .gz files (default $FASHION_MNIST_DIR, then .cache/fashion-mnist)');

function printDownload(file: string, received: number, total: number) {
  process.stderr.write(`\r[vae-vs-gan] downloading ${file}: ${(received / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`);
  if (received === total) process.stderr.write('\n');
}

async function announceBackend(name?: string) {
  const info = await useBackend(name ? parseBackendName(name) : undefined);
  console.error(`[vae-vs-gan] ${info.description}`);
  return info;
}

const program = new Command('vae-vs-gan')
  .description('VAE vs GAN on Fashion-MNIST shoes and sandals: training, metrics, goldens, benchmarks, report')
  .showHelpAfterError()
  .allowExcessArguments(false)
  // Commands that read the dataset fetch it into the cache first when no folder is given and the
  // cache is incomplete (checksums verified; offline this fails saying where to put the files).
  // The report goes on without it: the sections that need it say so.
  .hook('preAction', async (_program, command) => {
    const readsData = command.options.some((opt) => opt.attributeName() === 'dataDir');
    if (!readsData || command.name() === 'data') return;
    try {
      await ensureFashionMnist(command.opts().dataDir, printDownload);
    } catch (error) {
      if (command.name() !== 'report') throw error;
      console.error(`[vae-vs-gan] no dataset, so the sections that need it will be missing: ${(error as Error).message}`);
    }
  });

program
  .command('data')
  .description('verify the Fashion-MNIST files (sha256, IDX headers) and print the shoe subset; --download fetches them')
  .addOption(dataDirOption())
  .option('--download', 'download the official files (checksums verified) into --data-dir, else $FASHION_MNIST_DIR, else the cache folder')
  .option('--classes <list>', 'comma-separated class ids', parseClasses, [...DEFAULT_CLASSES])
  .action(async (o) => {
    // Into the folder the command then reads: --data-dir, else $FASHION_MNIST_DIR, else the cache.
    const target = o.dataDir ?? dataDirFromEnv();
    if (o.download) console.log(`downloaded and verified into ${await downloadFashionMnist(target ? resolve(target) : undefined, printDownload)}`);
    const dir = resolveDataDir(o.dataDir);
    for (const split of ['train', 'test'] as const) {
      const raw = readSplit(split, dir);
      const subset = loadShoes(split, o.classes, dir);
      const perClass = o.classes.map((c: number) => `${CLASS_NAMES[c]} ${subset.labels.filter((l) => l === c).length}`).join(', ');
      console.log(`${split}: ${raw.count} images verified; subset: ${perClass}`);
    }
  });

program
  .command('train')
  .description('train one model with a seeded custom loop; writes checkpoints, manifest and log.jsonl')
  .addOption(new Option('--model <kind>', 'model to train').choices(MODEL_KINDS as unknown as string[]).makeOptionMandatory())
  .addOption(new Option('--steps <n>', 'training steps').argParser(parseInteger('--steps', 1)).conflicts('epochs'))
  .option('--epochs <n>', 'training epochs, instead of --steps (10 when neither is given; a WGAN-GP step takes n_critic batches)', parseInteger('--epochs', 1))
  .option('--batch <n>', 'batch size', parseInteger('--batch', 1), 64)
  .option('--seed <n>', 'run seed', parseInteger('--seed', 0), 1)
  .option('--alpha <x>', 'VAE: weight α of the MSE term', parsePositiveNumber('--alpha'))
  .option('--classes <list>', 'comma-separated class ids', parseClasses, [...DEFAULT_CLASSES])
  .option('--out <dir>', 'output folder (default .cache/runs/<model>)')
  .addOption(new Option('--resume', 'continue from the checkpoint in --out').conflicts('overwrite'))
  .option('--overwrite', 'replace a checkpoint already in --out (refused without this or --resume)')
  .option('--checkpoint-every <n>', 'steps between checkpoints', parseInteger('--checkpoint-every', 1), CHECKPOINT_EVERY)
  .option('--quality-every <n>', 'steps between quality signals (Fréchet distance on a fixed batch; 0 = off)', parseInteger('--quality-every', 0), 250)
  .option('--publish', 'also write the compact (float16) inference checkpoint to models/checkpoints/<model>')
  .addOption(backendOption())
  .addOption(dataDirOption())
  .action(async (o) => {
    const { runTraining } = await import('./commands/train');
    const backend = await announceBackend(o.backend);
    await runTraining({ ...o, kind: parseModelKind(o.model), backend, outDir: resolve(o.out ?? join('.cache', 'runs', o.model)) });
  });

program
  .command('alpha-sweep')
  .description('train the VAE once per α (replacing its run in .cache/runs/vae-alpha-<α>); write the step logs and summary.json (the committed sweep by default)')
  .option('--alphas <list>', 'comma-separated α values', parseAlphas, [1, 10, 100, 500, 2000, 10000, 50000])
  .option('--steps <n>', 'training steps per α', parseInteger('--steps', 1), 600)
  .option('--seed <n>', 'run seed', parseInteger('--seed', 0), 1)
  .option('--summary-only', 'summarise existing runs in .cache/runs/vae-alpha-<α> without training')
  .option('--out <dir>', 'folder replaced by the sweep\'s step logs and summary.json', relative(process.cwd(), REPORT_DEFAULTS.alphaSweepDir))
  .addOption(backendOption())
  .addOption(dataDirOption())
  .action(async (o) => {
    const { runAlphaSweep } = await import('./commands/alpha-sweep');
    const backend = await announceBackend(o.backend);
    await runAlphaSweep({ ...o, out: resolve(o.out), backend });
  });

program
  .command('train-classifier')
  .description('train the shoe classifier used by the metrics and commit-ready checkpoint it')
  .option('--steps <n>', 'training steps (the committed classifier: 1200)', parseInteger('--steps', 1), 1200)
  .option('--seed <n>', 'run seed', parseInteger('--seed', 0), 1)
  .option('--out <dir>', 'checkpoint folder (default: models/checkpoints/classifier, the one the metrics load)')
  .addOption(backendOption())
  .addOption(dataDirOption())
  .action(async (o) => {
    const { runClassifierTraining } = await import('./commands/train');
    const backend = await announceBackend(o.backend);
    await runClassifierTraining({ ...o, outDir: o.out === undefined ? undefined : resolve(o.out), backend });
  });

program
  .command('evaluate')
  .description('evaluate the committed checkpoints: metrics with bootstrap intervals, as JSON and a table')
  .option('--json <file>', 'write the metrics document here', 'reports/metrics.json')
  .option('--samples <n>', 'generated samples per model', parseInteger('--samples', METRIC_DEFAULTS.precisionRecallNeighbours + 1), 2000)
  .option('--seed <n>', 'evaluation seed', parseInteger('--seed', 0), 1)
  .option('--export <dir>', 'also write samples, reconstructions and references as PNG folders and float32 arrays')
  .addOption(backendOption())
  .addOption(dataDirOption())
  .action(async (o) => {
    const { runEvaluate } = await import('./commands/evaluate');
    const backend = await announceBackend(o.backend);
    await runEvaluate({ ...o, backend });
  });

program
  .command('bench')
  .description('time training steps, sampling, golden comparison and metrics (tinybench)')
  .option('--json <file>', 'write results here', relative(process.cwd(), BENCH_DEFAULTS.reportPath))
  .option('--save-baseline', 'write the tasks this run completed into the baseline (the others stay); refused on a busy machine')
  .option('--allow-load', 'with --save-baseline: save even though the 1-minute load average is 0.5 or more')
  .option('--baseline <file>', `the baseline that --compare, --check and --save-baseline use (default: ${relative(process.cwd(), BENCH_DEFAULTS.baselinePath)})`)
  .option('--compare', 'print ratios against the baseline')
  .option('--check', 'exit non-zero when a regression is flagged, a baseline task is not compared, or nothing is (implies --compare)')
  .option('--threshold <x>', 'regression threshold as a fraction (0.1 = 10 % slower)', parseFraction('--threshold'), BENCH_DEFAULTS.threshold)
  .option('--time <ms>', 'measuring time per task', parseInteger('--time', 1), BENCH_DEFAULTS.timeMs)
  .option('--quick', 'fewer iterations and no peers (smoke run)')
  .option('--only <list>', 'comma-separated filters, each part of a task id name@backend (e.g. train-step/vae, @wasm)')
  .option('--backends <list>', 'comma-separated backends to time', BENCH_DEFAULTS.backends)
  .option('--profile', 'also time every TensorFlow op of each native task and list where the time goes')
  .action(async (o) => {
    const { runBench } = await import('./commands/bench');
    await runBench(o);
  });

program
  .command('report')
  .description('evaluate (unless --skip-evaluate), then build <out>/index.html and render it to PNG and PDF with Chromium')
  .option('--out <dir>', 'report folder', 'reports')
  .option('--skip-evaluate', 'reuse <out>/metrics.json')
  .option('--no-render', 'do not render report.png / report.pdf')
  .option('--open', 'print the file:// URL of the report')
  .addOption(backendOption())
  .addOption(dataDirOption())
  .action(async (o) => {
    const { runReport } = await import('./commands/report');
    await runReport(o);
  });

if (require.main === module) {
  program.parseAsync(process.argv).catch((error: Error) => {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  });
}

export { program };
