/** What a run records about where it ran: backend, versions, commit. */
import { execFileSync } from 'node:child_process';
import type { BackendInfo } from './backend';

export interface RunEnvironment {
  backend: string;
  backendDescription: string;
  tfjs: string;
  libtensorflow?: string;
  /** The backend's threads (absent in manifests written before it was recorded). */
  threads?: number;
  node: string;
  commit: string;
  platform: string;
}

/**
 * HEAD, with `+dirty` when tracked files differ from it. The committed checkpoints are training's
 * own output, not its input: scripts/train-all.sh publishes one stage's checkpoint before the next
 * stage starts, and that must not mark the next stage's code as uncommitted.
 */
export function gitCommit(cwd = __dirname): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const sha = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', ':(top)', ':(top,exclude)models/checkpoints');
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

export function runEnvironment(info: BackendInfo): RunEnvironment {
  return {
    backend: info.backend,
    backendDescription: info.description,
    tfjs: info.tfjs,
    libtensorflow: info.libtensorflow,
    threads: info.threads,
    node: process.version,
    commit: gitCommit(),
    platform: `${process.platform}-${process.arch}`,
  };
}
