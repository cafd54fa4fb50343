/** Where the report and its inputs were made: backend, versions, seeds, data checksums, commit, date. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OFFICIAL_FILES } from '../../models/data/fashion-mnist';
import { gitCommit } from '../../models/environment';
import { PROJECT_ROOT } from './defaults';
import { finiteNumber, isRecord, readJson, stringOr } from './inputs';
import type { EnvironmentData } from './types';
import { MODEL_KINDS } from '../../models/types';

export const CHECKPOINT_KINDS = [...MODEL_KINDS, 'classifier'] as const;
/**
 * Debian's Chromium binary itself. /usr/bin/chromium is a shell wrapper that adds each machine's
 * /etc/chromium.d flags (Google API keys, remote extensions, GPU rasterisation): runs would then
 * depend on that folder and could reach Google's services. `CHROMIUM_PATH` overrides it where a
 * distribution installs Chromium elsewhere (Ubuntu's snap, for one).
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || '/usr/lib/chromium/chromium';
}
export const CHROMIUM_PATH = chromiumPath();

/**
 * Flags of every launch: no sandbox (containers run as root), nothing that reaches the network by
 * itself, and shared memory in /tmp (a container's /dev/shm is often 64 MB, too small for a page).
 */
export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
] as const;

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return `not found at ${CHROMIUM_PATH}`;
  }
}

export interface EnvironmentInputs {
  checkpointsDir: string;
  /** The backend the images were made with, e.g. from models/backend.ts; absent when none ran. */
  backend?: { name: string; description: string; tfjs?: string; libtensorflow?: string };
  seeds: Array<{ what: string; seed: number }>;
  /** Commit override (tests pin it); default: `git rev-parse HEAD` (+dirty). */
  commit?: string;
  date?: string;
}

export function buildEnvironment(o: EnvironmentInputs): EnvironmentData {
  const checkpoints: EnvironmentData['checkpoints'] = [];
  const seeds = [...o.seeds];
  const checksums = new Map<string, string>();
  for (const kind of CHECKPOINT_KINDS) {
    const manifest = readJson(join(o.checkpointsDir, kind, 'manifest.json'), 'not trained yet');
    if (manifest.status === 'missing' || !isRecord(manifest.value)) continue;
    const m = manifest.value;
    const env = isRecord(m.environment) ? m.environment : {};
    checkpoints.push({
      model: kind,
      step: finiteNumber(m.step) ?? finiteNumber(m.steps),
      savedAt: stringOr(m.savedAt),
      commit: stringOr(env.commit),
      backend: stringOr(env.backendDescription) ?? stringOr(env.backend),
    });
    const seed = finiteNumber(m.seed);
    if (seed !== undefined) seeds.push({ what: `${kind} training`, seed });
    if (isRecord(m.data)) for (const [file, sha] of Object.entries(m.data)) if (typeof sha === 'string') checksums.set(file, sha);
  }
  if (checksums.size === 0) {
    // No checkpoint recorded them: the published checksums the loader verifies against.
    for (const split of Object.values(OFFICIAL_FILES)) {
      checksums.set(split.images.name, split.images.sha256);
      checksums.set(split.labels.name, split.labels.sha256);
    }
  }
  return {
    backend: o.backend?.description ?? 'none (no model ran while building the report)',
    commit: o.commit ?? gitCommit(),
    date: o.date ?? new Date().toISOString(),
    platform: `${process.platform}-${process.arch}`,
    versions: [
      { name: 'node', version: process.version },
      { name: '@tensorflow/tfjs', version: o.backend?.tfjs ?? packageVersion('@tensorflow/tfjs') },
      { name: 'libtensorflow', version: o.backend?.libtensorflow ?? 'not loaded' },
      { name: 'chart.js', version: packageVersion('chart.js') },
      { name: 'playwright', version: packageVersion('playwright') },
      { name: 'chromium', version: chromiumVersion() },
    ],
    seeds,
    data: [...checksums].map(([file, sha256]) => ({ file, sha256 })),
    checkpoints,
  };
}
