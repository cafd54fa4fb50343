/**
 * Runtime checks that a document is a BenchReport or a BaselineFile of this version (types.ts).
 * The HTML report and --compare call these before trusting a file; errors name the JSON path.
 */
import { MODEL_KINDS } from '../../models/types';
import {
  BASELINE_SCHEMA, BENCH_BACKENDS, BENCH_SCHEMA, TASK_GROUPS,
  type BaselineFile, type BenchReport, type LatencyStats,
} from './types';

export class SchemaError extends Error {
  override name = 'SchemaError';
}

/** A document of another schema version (`found`): the rest of it was not checked. */
export class SchemaVersionError extends SchemaError {
  override name = 'SchemaVersionError';
  constructor(message: string, readonly found: unknown) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function mismatch(path: string, expected: string, found: unknown): string {
  const shown = found === undefined ? 'nothing' : JSON.stringify(found)?.slice(0, 60);
  return `${path}: expected ${expected}, found ${shown}`;
}

function fail(path: string, expected: string, found: unknown): never {
  throw new SchemaError(mismatch(path, expected, found));
}

function checkSchema(found: unknown, expected: string, source: string): void {
  if (found !== expected) throw new SchemaVersionError(mismatch(`${source}.schema`, `'${expected}'`, found), found);
}

function uniqueIds(tasks: readonly unknown[], path: string): void {
  const ids = tasks.map((t) => (t as Json).id as string);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) fail(path, 'unique ids', dup);
}

function object(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Json;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'a string', v);
  return v;
}

function number(v: unknown, path: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(path, `a finite number ≥ ${min}`, v);
  return v;
}

/** Finite and > 0: what a ratio's denominator must be. */
function positive(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) fail(path, 'a finite number > 0', v);
  return v;
}

function nullable<T>(check: (v: unknown, path: string) => T) {
  return (v: unknown, path: string): T | null => (v === null ? null : check(v, path));
}

function oneOf<T extends string>(values: readonly T[]) {
  return (v: unknown, path: string): T => {
    if (!values.includes(v as T)) fail(path, `one of ${values.join(', ')}`, v);
    return v as T;
  };
}

/** [low, high], both ≥ 0, low ≤ high. */
function ratioInterval(v: unknown, path: string): [number, number] {
  const pair = array(v, path);
  if (pair.length !== 2) fail(path, '[low, high]', v);
  const [low, high] = pair.map((x, i) => number(x, `${path}[${i}]`, 0)) as [number, number];
  if (low > high) fail(path, 'low ≤ high', v);
  return [low, high];
}

function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'a boolean', v);
  return v;
}

export function checkLatency(v: unknown, path: string): LatencyStats {
  const o = object(v, path);
  for (const key of ['mean', 'p50', 'p99', 'rme'] as const) number(o[key], `${path}.${key}`, 0);
  number(o.samples, `${path}.samples`, 1);
  return o as unknown as LatencyStats;
}

function checkTask(v: unknown, path: string): void {
  const t = object(v, path);
  string(t.id, `${path}.id`);
  string(t.name, `${path}.name`);
  oneOf(BENCH_BACKENDS)(t.backend, `${path}.backend`);
  if (t.id !== `${t.name}@${t.backend}`) fail(`${path}.id`, `'${t.name}@${t.backend}'`, t.id);
  oneOf(TASK_GROUPS)(t.group, `${path}.group`);
  nullable(oneOf(MODEL_KINDS))(t.model, `${path}.model`);
  string(t.device, `${path}.device`);
  number(t.itemsPerIteration, `${path}.itemsPerIteration`, 1);
  nullable((f, p) => {
    const o = object(f, p);
    for (const key of ['perIteration', 'forward', 'backward'] as const) number(o[key], `${p}.${key}`, 0);
    oneOf(['exact-per-op'] as const)(o.method, `${p}.method`);
  })(t.flops, `${path}.flops`);
  const status = oneOf(['completed', 'skipped'] as const)(t.status, `${path}.status`);
  if (status === 'skipped') {
    string(t.reason, `${path}.reason`);
    nullable(number)(t.singleIterationMs, `${path}.singleIterationMs`);
    return;
  }
  checkLatency(t.latency, `${path}.latency`);
  const tp = object(t.throughput, `${path}.throughput`);
  number(tp.value, `${path}.throughput.value`, 0);
  oneOf(['steps/s', 'images/s', 'samples/s'] as const)(tp.unit, `${path}.throughput.unit`);
  nullable(number)(t.gflops, `${path}.gflops`);
  nullable(number)(t.peakShare, `${path}.peakShare`);
  nullable(number)(t.peerRatio, `${path}.peerRatio`);
  nullable((b, p) => {
    const o = object(b, p);
    number(o.ratio, `${p}.ratio`, 0);
    for (const key of ['intervalsOverlap', 'regression', 'improvement'] as const) boolean(o[key], `${p}.${key}`);
    if (o.rerun !== undefined) {
      const rerun = object(o.rerun, `${p}.rerun`);
      for (const key of ['mean', 'rme', 'ratio'] as const) number(rerun[key], `${p}.rerun.${key}`, 0);
      boolean(rerun.regression, `${p}.rerun.regression`);
    }
    if (o.peer !== undefined) {
      const peer = object(o.peer, `${p}.peer`);
      number(peer.ratio, `${p}.peer.ratio`, 0);
      if (peer.upper !== undefined && peer.upper !== null) number(peer.upper, `${p}.peer.upper`, 0);
      boolean(peer.regression, `${p}.peer.regression`);
    }
  })(t.baseline, `${path}.baseline`);
  const m = object(t.tensors, `${path}.tensors`);
  for (const key of ['start', 'max', 'end', 'growth'] as const) number(m[key], `${path}.tensors.${key}`);
  if (t.profile !== undefined) checkProfile(t.profile, `${path}.profile`);
}

function checkProfile(v: unknown, path: string): void {
  const p = object(v, path);
  number(p.iterations, `${path}.iterations`, 1);
  for (const key of ['iterationMs', 'ops', 'opMs', 'outsideMs'] as const) number(p[key], `${path}.${key}`, 0);
  array(p.top, `${path}.top`).forEach((op, i) => {
    const o = object(op, `${path}.top[${i}]`);
    string(o.name, `${path}.top[${i}].name`);
    number(o.ms, `${path}.top[${i}].ms`, 0);
    number(o.count, `${path}.top[${i}].count`, 0);
  });
}

/** Throws SchemaError unless `doc` is a bench report of this schema version. */
export function validateBenchReport(doc: unknown, source = 'bench.json'): BenchReport {
  const r = object(doc, source);
  checkSchema(r.schema, BENCH_SCHEMA, source);
  string(r.createdAt, `${source}.createdAt`);
  const env = object(r.environment, `${source}.environment`);
  for (const key of ['commit', 'node', 'platform', 'cpuModel', 'tfjs'] as const) string(env[key], `${source}.environment.${key}`);
  number(env.cpus, `${source}.environment.cpus`, 1);
  number(env.loadAverage, `${source}.environment.loadAverage`, 0);
  nullable(string)(env.libtensorflow, `${source}.environment.libtensorflow`);
  object(env.backends, `${source}.environment.backends`);
  const peak = object(r.peak, `${source}.peak`);
  for (const key of ['gflops', 'cores', 'ghz', 'flopsPerCycle'] as const) number(peak[key], `${source}.peak.${key}`, 0);
  string(peak.formula, `${source}.peak.formula`);
  const settings = object(r.settings, `${source}.settings`);
  number(settings.batch, `${source}.settings.batch`, 1);
  boolean(settings.quick, `${source}.settings.quick`);
  array(settings.backends, `${source}.settings.backends`).forEach((b, i) => oneOf(BENCH_BACKENDS)(b, `${source}.settings.backends[${i}]`));
  const peer = object(r.peer, `${source}.peer`);
  if (oneOf(['completed', 'skipped'] as const)(peer.status, `${source}.peer.status`) === 'skipped') {
    string(peer.reason, `${source}.peer.reason`);
  } else {
    string(peer.torch, `${source}.peer.torch`);
    array(peer.tasks, `${source}.peer.tasks`).forEach((t, i) => {
      const path = `${source}.peer.tasks[${i}]`;
      const task = object(t, path);
      checkLatency(task.latency, `${path}.latency`);
      const paired = object(task.paired, `${path}.paired`);
      for (const key of ['ratio', 'min', 'max'] as const) number(paired[key], `${path}.paired.${key}`, 0);
      number(paired.rounds, `${path}.paired.rounds`, 1);
      nullable(ratioInterval)(paired.interval, `${path}.paired.interval`);
    });
  }
  nullable((b, p) => {
    const o = object(b, p);
    string(o.path, `${p}.path`);
    array(o.regressions, `${p}.regressions`).forEach((id, i) => string(id, `${p}.regressions[${i}]`));
    if (o.notCompared !== undefined) array(o.notCompared, `${p}.notCompared`).forEach((id, i) => string(id, `${p}.notCompared[${i}]`));
    if (o.incomparable !== undefined) array(o.incomparable, `${p}.incomparable`).forEach((s, i) => string(s, `${p}.incomparable[${i}]`));
  })(r.baseline, `${source}.baseline`);
  array(r.goals, `${source}.goals`).forEach((g, i) => {
    const o = object(g, `${source}.goals[${i}]`);
    string(o.task, `${source}.goals[${i}].task`);
    nullable(number)(o.measuredMs, `${source}.goals[${i}].measuredMs`);
    if (o.ratio !== undefined) number(o.ratio, `${source}.goals[${i}].ratio`, 0);
    if (o.interval !== undefined) nullable(ratioInterval)(o.interval, `${source}.goals[${i}].interval`);
    nullable(boolean)(o.met, `${source}.goals[${i}].met`);
  });
  const tasks = array(r.tasks, `${source}.tasks`);
  tasks.forEach((t, i) => checkTask(t, `${source}.tasks[${i}]`));
  uniqueIds(tasks, `${source}.tasks`);
  return r as unknown as BenchReport;
}

/** Throws SchemaError unless `doc` is a baseline file of this schema version. */
export function validateBaseline(doc: unknown, source = 'baseline.json'): BaselineFile {
  const b = object(doc, source);
  checkSchema(b.schema, BASELINE_SCHEMA, source);
  string(b.createdAt, `${source}.createdAt`);
  string(b.commit, `${source}.commit`);
  string(b.cpuModel, `${source}.cpuModel`);
  number(b.cpus, `${source}.cpus`, 1);
  const tasks = array(b.tasks, `${source}.tasks`);
  tasks.forEach((t, i) => {
    const o = object(t, `${source}.tasks[${i}]`);
    string(o.id, `${source}.tasks[${i}].id`);
    // Comparisons divide by the baseline's mean and PyTorch ratio.
    positive(checkLatency(o.latency, `${source}.tasks[${i}].latency`).mean, `${source}.tasks[${i}].latency.mean`);
    if (o.commit !== undefined) string(o.commit, `${source}.tasks[${i}].commit`);
    if (o.createdAt !== undefined) string(o.createdAt, `${source}.tasks[${i}].createdAt`);
    if (o.peerRatio !== undefined) positive(o.peerRatio, `${source}.tasks[${i}].peerRatio`);
    if (o.peerTorch !== undefined) string(o.peerTorch, `${source}.tasks[${i}].peerTorch`);
    if (o.threads !== undefined) number(o.threads, `${source}.tasks[${i}].threads`, 1);
    if (o.libtensorflow !== undefined) string(o.libtensorflow, `${source}.tasks[${i}].libtensorflow`);
  });
  uniqueIds(tasks, `${source}.tasks`);
  return b as unknown as BaselineFile;
}
