/**
 * `npm run bench` end to end, in this process, on its cheapest task (the golden comparison, pure
 * JavaScript): selection, timing, report, baseline save and --check gate are wired together. What
 * each part decides is tested beside it in harness/bench/; timings are never asserted here, only
 * what follows from a baseline 1000× faster or slower than any machine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, type BenchCommand } from '../commands/bench';
import { validateBaseline, validateBenchReport } from '../harness/bench/schema';
import type { BaselineFile } from '../harness/bench/types';

const scratch = mkdtempSync(join(tmpdir(), 'bench-command-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TASK = 'golden/pixelmatch-grid@js';
const dir = mkdtempSync(join(scratch, 'bench-command-'));
const baselinePath = join(dir, 'baseline.json');

interface Outcome {
  exitCode: number | undefined;
  errors: string[];
  printed: string;
}

/** Runs the bench command with `flags` on the one task; its exit status is read and reset (jest would take it as its own). */
async function bench(flags: Partial<BenchCommand>): Promise<Outcome> {
  const printed: string[] = [];
  const errors: string[] = [];
  const spies = [
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' '))),
    jest.spyOn(console, 'warn').mockImplementation(() => undefined), // tfjs's "install the node backend" on cpu
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true),
  ];
  try {
    await runBench({ json: join(dir, 'bench.json'), baseline: baselinePath, backends: 'cpu', only: TASK, threshold: 0.1, time: 50, ...flags });
    return { exitCode: typeof process.exitCode === 'number' ? process.exitCode : undefined, errors, printed: printed.join('\n') };
  } finally {
    process.exitCode = undefined;
    for (const spy of spies) spy.mockRestore();
  }
}

const readBaseline = (): BaselineFile => validateBaseline(JSON.parse(readFileSync(baselinePath, 'utf8')), baselinePath);

/** Writes the saved baseline back with the task's mean (and percentiles) multiplied by `factor`. */
function scaleBaseline(saved: BaselineFile, factor: number): void {
  const tasks = saved.tasks.map((t) => ({ ...t, latency: { ...t.latency, mean: t.latency.mean * factor, p50: t.latency.p50 * factor, p99: t.latency.p99 * factor } }));
  writeFileSync(baselinePath, JSON.stringify({ ...saved, tasks }));
}

test('a quick run times the selected task only, prints it and writes a valid bench.json, exit 0', async () => {
  const run = await bench({ quick: true, allowLoad: true });
  expect(run).toMatchObject({ exitCode: undefined, errors: [] });
  expect(run.printed).toContain('golden/pixelmatch-grid');
  expect(run.printed).toContain(`--baseline ${baselinePath} is used only with --compare, --check or --save-baseline: ignored`);
  expect(run.printed).toContain('--allow-load is used only with --save-baseline: ignored');
  const report = validateBenchReport(JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')));
  expect(report.tasks.map((t) => [t.id, t.status])).toEqual([[TASK, 'completed']]);
  expect(report.tasks[0]).toMatchObject({ tensors: { growth: 0 }, baseline: null });
  expect(report.peer.status).toBe('skipped');
});

describe('baseline', () => {
  let saved: BaselineFile;

  beforeAll(async () => {
    const run = await bench({ saveBaseline: true, allowLoad: true });
    expect(run).toMatchObject({ exitCode: undefined, errors: [] });
    saved = readBaseline();
  });

  test('--save-baseline writes the completed task into the file --baseline names', () => {
    expect(saved.tasks.map((t) => t.id)).toEqual([TASK]);
    expect(Number.isFinite(saved.tasks[0]!.latency.mean)).toBe(true);
  });

  test('--check fails on a task 1000× slower than its baseline entry, naming it', async () => {
    scaleBaseline(saved, 1e-3);
    const run = await bench({ check: true });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(`regressions beyond 10 %: ${TASK}`);
  });

  test('--check passes on a task 1000× faster than its baseline entry', async () => {
    scaleBaseline(saved, 1e3);
    const run = await bench({ check: true });
    expect(run).toMatchObject({ exitCode: undefined, errors: [] });
  });

  test('--check fails when the baseline has no entry for anything the run completed', async () => {
    writeFileSync(baselinePath, JSON.stringify({ ...saved, tasks: [] }));
    const run = await bench({ check: true });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(`--check compared nothing: no task of this run completed with an entry in ${baselinePath}`);
  });
});
