/** What a run records about where it ran: backend, versions, commit. */
import { execFileSync } from 'node:child_process';
import type { BackendInfo } from './backend';

export interface RunEnvironment {
  backend: string;
  backendDescription: string;
  tfjs: string;
  libtensorflow?: string;
  node: string;
  commit: string;
  platform: string;
}

export function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
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
    node: process.version,
    commit: gitCommit(),
    platform: `${process.platform}-${process.arch}`,
  };
}
