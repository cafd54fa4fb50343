/**
 * The PyTorch peer (peer/pytorch_peer.py) as a session in a child process: it builds and warms up
 * the models, says it is ready, then times blocks of steps on request, so that the bench can
 * alternate them with its own (paired.ts). The peer is optional: without torch the session does
 * not start and the summary is `skipped` with the reason ('peer: torch not installed').
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { referenceConfig } from '../../models/registry';
import { MODEL_KINDS, type ModelKind } from '../../models/types';
import { BENCH_DEFAULTS } from './defaults';

export const PEER_SCHEMA = 'vae-vs-gan/bench-peer@2';

export class PeerOutputError extends Error {
  override name = 'PeerOutputError';
}

function parameterCounts(value: unknown, i: number): Record<string, number> {
  const counts = value as Record<string, unknown>;
  if (counts === null || typeof counts !== 'object' || Array.isArray(counts) || !Object.values(counts).every((n) => Number.isInteger(n) && (n as number) >= 0)) {
    throw new PeerOutputError(`peer: models[${i}].parameters must map network names to parameter counts`);
  }
  return counts as Record<string, number>;
}

function jsonObject(line: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    throw new PeerOutputError(`peer output is not JSON: ${line.slice(0, 80)}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new PeerOutputError('peer output is not a JSON object');
  return doc as Record<string, unknown>;
}

export type PeerReady =
  | { status: 'ready'; torch: string; threads: number; batch: number; parameters: Partial<Record<ModelKind, Record<string, number>>> }
  | { status: 'skipped'; reason: string };

/** The peer's first line: ready (torch, threads, batch, parameters per model) or skipped with a reason; pure. */
export function parseReadyLine(line: string): PeerReady {
  const doc = jsonObject(line);
  if (doc.schema !== PEER_SCHEMA) throw new PeerOutputError(`peer schema: expected '${PEER_SCHEMA}', found ${JSON.stringify(doc.schema)}`);
  if (doc.status === 'skipped') {
    if (typeof doc.reason !== 'string') throw new PeerOutputError('peer: skipped without a reason');
    return { status: 'skipped', reason: doc.reason };
  }
  if (doc.status !== 'ready') throw new PeerOutputError(`peer status: expected ready or skipped, found ${JSON.stringify(doc.status)}`);
  if (typeof doc.torch !== 'string') throw new PeerOutputError('peer: missing torch version');
  for (const key of ['threads', 'batch'] as const) {
    if (typeof doc[key] !== 'number' || !Number.isInteger(doc[key]) || (doc[key] as number) < 1) throw new PeerOutputError(`peer: ${key} must be a positive integer`);
  }
  if (!Array.isArray(doc.models)) throw new PeerOutputError('peer: models must be an array');
  const parameters: Partial<Record<ModelKind, Record<string, number>>> = {};
  doc.models.forEach((m: unknown, i: number) => {
    const entry = m as { model?: unknown; parameters?: unknown };
    if (!(MODEL_KINDS as readonly unknown[]).includes(entry?.model)) throw new PeerOutputError(`peer: models[${i}].model ${JSON.stringify(entry?.model)} is not a model kind`);
    parameters[entry.model as ModelKind] = parameterCounts(entry.parameters, i);
  });
  return { status: 'ready', torch: doc.torch, threads: doc.threads as number, batch: doc.batch as number, parameters };
}

/** The samples (ms) of the peer's answer to request `id` for `model`; pure. */
export function parseSamplesLine(line: string, model: ModelKind, id: number): number[] {
  const doc = jsonObject(line);
  if (doc.id !== id || doc.model !== model) {
    throw new PeerOutputError(`peer answered request ${JSON.stringify(doc.id)} for model ${JSON.stringify(doc.model)}, expected request ${id} for '${model}'`);
  }
  const samples = doc.samples_ms;
  if (!Array.isArray(samples) || samples.length === 0 || !samples.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0)) {
    throw new PeerOutputError(`peer: samples_ms for '${model}' must be a non-empty array of non-negative numbers`);
  }
  return samples as number[];
}

export function peerPython(env: Record<string, string | undefined> = process.env, exists: (path: string) => boolean = existsSync): string {
  const { python, venvPython } = BENCH_DEFAULTS.peer;
  return env[BENCH_DEFAULTS.env.python] || (exists(venvPython) ? venvPython : python);
}

/** Whether `python -c "import torch"` works; the reason when it does not. */
export function torchCheck(python = peerPython()): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, reason: `torch not installed (${python}: ${r.error.message})` };
  if (r.status === 0) return { ok: true };
  const last = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
  return { ok: false, reason: `torch not installed (${python} -c "import torch": ${last.slice(0, 120)})` };
}

export interface PeerOptions {
  models: readonly ModelKind[];
  batch: number;
  threads: number;
  seed: number;
  python?: string;
  /** The peer script (default BENCH_DEFAULTS.peer.script); tests substitute a fake one. */
  script?: string;
  /** Untimed steps per model before the peer says it is ready (default BENCH_DEFAULTS.peer.warmupIterations). */
  warmup?: number;
  /** How long to wait for the ready line (default BENCH_DEFAULTS.peer.timeoutMs: torch loads and the models warm up first). */
  readyTimeoutMs?: number;
  /** How long to wait for the answer to a request, at least twice its time (default BENCH_DEFAULTS.peer.timeoutMs). */
  timeoutMs?: number;
}

/** One running peer; `time` asks it for a block of steps, one request at a time. Close it when done. */
export class PeerSession {
  private readonly lines: string[] = [];
  private waiting?: { resolve: (line: string) => void; reject: (error: Error) => void };
  private ended?: Error;
  private readonly exited: Promise<void>;
  private stderr = '';
  private requests = 0;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly timeoutMs: number,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.trim().startsWith('{')) return; // anything a library printed
      if (this.waiting) this.settle((w) => w.resolve(line));
      else this.lines.push(line);
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    child.on('error', (error) => this.end(new PeerOutputError(`peer failed to start: ${error.message}`)));
    child.stdin.on('error', (error) => this.end(new PeerOutputError(`peer stopped reading requests: ${error.message}`)));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        const last = this.stderr.trim().split('\n').at(-1) ?? '';
        this.end(new PeerOutputError(`peer exited (${code === null ? signal : `status ${code}`})${last ? `: ${last.slice(0, 200)}` : ''}`));
        resolve();
      });
      child.on('error', () => resolve());
    });
  }

  /** Starts the peer and waits for its ready line; never throws: a failure is a skipped start. */
  static async start(o: PeerOptions): Promise<{ session: PeerSession; ready: Extract<PeerReady, { status: 'ready' }> } | Extract<PeerReady, { status: 'skipped' }>> {
    if (o.models.length === 0) return { status: 'skipped', reason: 'no model to time' };
    const python = o.python ?? peerPython();
    const p = BENCH_DEFAULTS.peer;
    const config = JSON.stringify(Object.fromEntries(MODEL_KINDS.map((kind) => [kind, referenceConfig(kind)])));
    const child = spawn(python, [o.script ?? p.script, '--config', config, '--models', o.models.join(','), '--batch', String(o.batch), '--threads', String(o.threads),
      '--warmup', String(o.warmup ?? p.warmupIterations), '--seed', String(o.seed)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const session = new PeerSession(child, o.timeoutMs ?? p.timeoutMs);
    try {
      const ready = parseReadyLine(await session.nextLine(o.readyTimeoutMs ?? p.timeoutMs));
      if (ready.status === 'skipped') {
        await session.close();
        return ready;
      }
      // Its ratios mean something only for the batch and threads asked for.
      const differs = (['batch', 'threads'] as const).filter((k) => ready[k] !== o[k]).map((k) => `${k} ${ready[k]}, asked ${o[k]}`);
      if (differs.length) {
        await session.close();
        return { status: 'skipped', reason: `peer ran with another setup: ${differs.join('; ')}` };
      }
      return { session, ready };
    } catch (error) {
      await session.close();
      return { status: 'skipped', reason: `peer failed (${python}): ${(error as Error).message}` };
    }
  }

  /** At least `iterations` steps of `model` and at least `timeMs` of them, timed by the peer. */
  async time(model: ModelKind, iterations: number, timeMs: number): Promise<number[]> {
    if (this.waiting) throw new PeerOutputError('peer: a request is already waiting for its answer');
    const id = ++this.requests;
    this.child.stdin.write(`${JSON.stringify({ id, model, iterations, time_ms: timeMs })}\n`);
    for (;;) {
      const line = await this.nextLine(Math.max(this.timeoutMs, 2 * timeMs));
      const answered = jsonObject(line).id;
      // A late answer to an earlier request that already failed: skip it rather than fail every later one.
      if (typeof answered === 'number' && answered < id) continue;
      return parseSamplesLine(line, model, id);
    }
  }

  /** Ends the peer's input and waits for it to exit; kills it if it has not within `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
  }

  private nextLine(timeoutMs: number): Promise<string> {
    const buffered = this.lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle((w) => w.reject(new PeerOutputError(`peer said nothing for ${timeoutMs / 1000} s (killed)`)));
        this.child.kill('SIGKILL');
      }, timeoutMs);
      const clear = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.waiting = { resolve: clear(resolve), reject: clear(reject) };
    });
  }

  private settle(f: (waiting: NonNullable<PeerSession['waiting']>) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) f(waiting);
  }

  private end(error: Error): void {
    this.ended ??= error;
    this.settle((w) => w.reject(this.ended!));
  }
}
