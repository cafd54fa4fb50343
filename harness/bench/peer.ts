/**
 * Runs the PyTorch peer (peer/pytorch_peer.py) in a child process and reads its JSON line.
 * The peer is optional: without torch the summary is `skipped` with the reason, and the table says
 * 'peer: torch not installed'.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REFERENCE_DCGAN, REFERENCE_WGAN_GP } from '../../models/gan/config';
import { MODEL_KINDS, type ModelKind } from '../../models/types';
import { REFERENCE_VAE } from '../../models/vae/config';
import { BENCH_DEFAULTS } from './defaults';
import { latencyFromSamples } from './stats';
import type { PeerSummary } from './types';

export const PEER_SCHEMA = 'vae-vs-gan/bench-peer@1';

export class PeerOutputError extends Error {
  override name = 'PeerOutputError';
}

function parameterCounts(value: unknown, i: number): Record<string, number> {
  const counts = value as Record<string, unknown>;
  if (counts === null || typeof counts !== 'object' || Array.isArray(counts) || !Object.values(counts).every((n) => Number.isInteger(n) && (n as number) >= 0)) {
    throw new PeerOutputError(`peer: tasks[${i}].parameters must map network names to parameter counts`);
  }
  return counts as Record<string, number>;
}

/** Parses the peer's stdout (its last non-empty line is the JSON document); pure. */
export function parsePeerOutput(stdout: string): PeerSummary {
  const line = stdout.trim().split('\n').filter((l) => l.trim()).at(-1);
  if (!line) throw new PeerOutputError('peer printed nothing');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new PeerOutputError(`peer output is not JSON: ${line.slice(0, 80)}`);
  }
  if (doc === null || typeof doc !== 'object') throw new PeerOutputError('peer output is not a JSON object');
  if (doc.schema !== PEER_SCHEMA) throw new PeerOutputError(`peer schema: expected '${PEER_SCHEMA}', found ${JSON.stringify(doc.schema)}`);
  if (doc.status === 'skipped') {
    if (typeof doc.reason !== 'string') throw new PeerOutputError('peer: skipped without a reason');
    return { status: 'skipped', reason: doc.reason };
  }
  if (doc.status !== 'completed') throw new PeerOutputError(`peer status: expected completed or skipped, found ${JSON.stringify(doc.status)}`);
  if (typeof doc.torch !== 'string') throw new PeerOutputError('peer: missing torch version');
  for (const key of ['threads', 'batch'] as const) {
    if (typeof doc[key] !== 'number' || !Number.isInteger(doc[key]) || (doc[key] as number) < 1) throw new PeerOutputError(`peer: ${key} must be a positive integer`);
  }
  if (!Array.isArray(doc.tasks)) throw new PeerOutputError('peer: tasks must be an array');
  const tasks = doc.tasks.map((t: unknown, i: number) => {
    const task = t as { model?: unknown; samples_ms?: unknown; parameters?: unknown };
    if (!(MODEL_KINDS as readonly unknown[]).includes(task?.model)) throw new PeerOutputError(`peer: tasks[${i}].model ${JSON.stringify(task?.model)} is not a model kind`);
    if (!Array.isArray(task.samples_ms) || task.samples_ms.length === 0 || !task.samples_ms.every((s) => typeof s === 'number')) {
      throw new PeerOutputError(`peer: tasks[${i}].samples_ms must be a non-empty array of numbers`);
    }
    const parameters = task.parameters === undefined ? undefined : parameterCounts(task.parameters, i);
    try {
      return { model: task.model as ModelKind, latency: latencyFromSamples(task.samples_ms as number[]), ...(parameters ? { parameters } : {}) };
    } catch (error) {
      throw new PeerOutputError(`peer: tasks[${i}]: ${(error as Error).message}`);
    }
  });
  return { status: 'completed', torch: doc.torch, threads: doc.threads as number, batch: doc.batch as number, tasks };
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
  /** Per model: at least `iterations` timed steps and `timeMs` of them, after `warmup` steps (defaults in BENCH_DEFAULTS). */
  iterations?: number;
  timeMs?: number;
  warmup?: number;
}

/** Runs the peer once for all `models`; never throws: a failure is a skipped summary. */
export function runPeer(o: PeerOptions): PeerSummary {
  // No separate `import torch` check: the script reports a missing torch itself, as 'skipped'.
  const python = o.python ?? peerPython();
  if (o.models.length === 0) return { status: 'skipped', reason: 'no training-step task selected' };
  const config = JSON.stringify({ vae: REFERENCE_VAE, dcgan: REFERENCE_DCGAN, 'wgan-gp': REFERENCE_WGAN_GP });
  const p = BENCH_DEFAULTS.peer;
  const r = spawnSync(
    python,
    [p.script, '--config', config, '--models', o.models.join(','), '--batch', String(o.batch), '--threads', String(o.threads),
      '--warmup', String(o.warmup ?? p.warmupIterations), '--iterations', String(o.iterations ?? p.iterations),
      '--time-ms', String(o.timeMs ?? BENCH_DEFAULTS.timeMs), '--seed', String(o.seed)],
    { encoding: 'utf8', timeout: p.timeoutMs, maxBuffer: 16 * 1024 * 1024 },
  );
  if (r.error) return { status: 'skipped', reason: `peer failed (${python}): ${r.error.message}` };
  try {
    return parsePeerOutput(r.stdout ?? '');
  } catch (error) {
    const stderr = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
    return { status: 'skipped', reason: `peer failed (exit ${r.status}): ${(error as Error).message}${stderr ? `; ${stderr.slice(0, 160)}` : ''}` };
  }
}
