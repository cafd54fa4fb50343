/**
 * The state of every golden, from the files the golden harness leaves (harness/golden/paths.ts):
 *   snapshots/<test stem>/<name>.png                               the committed golden
 *   reports/golden-failures/<test stem>/<name>-<kind>.png          written by a failing comparison
 *   reports/golden-failures/compared.json                          which content of each golden last matched
 * A golden with failure images newer than itself failed on the last run that reached it; one
 * without passed if a test matched the content it holds now (harness/golden/compared.ts), and is
 * unknown otherwise (a fresh clone, a golden -u rewrote or a checkout changed, an emptied failures
 * folder). Images are returned as file paths for build.ts to copy.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../models/checksum';
import { readCompared } from '../golden/compared';
import { FAILURE_KINDS, type FailureKind } from '../golden/paths';
import { displayPath } from './inputs';
import type { GoldenStatus } from './types';

export interface GoldenFiles {
  testFile: string;
  name: string;
  status: GoldenStatus;
  detail: string;
  snapshot?: string;
  failure: Partial<Record<FailureKind, string>>;
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).sort();
  } catch {
    return [];
  }
}

function listPngs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  } catch {
    return [];
  }
}

const FAILURE_FILE = new RegExp(`^(.+)-(${FAILURE_KINDS.join('|')})\\.png$`);

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Every golden and every failure, keyed by test stem and name, sorted. */
export function collectGoldens(snapshotsDir: string, failuresDir: string): GoldenFiles[] {
  const byKey = new Map<string, GoldenFiles>();
  const entry = (testFile: string, name: string): GoldenFiles => {
    const key = `${testFile}\u0000${name}`;
    let e = byKey.get(key);
    if (!e) {
      e = { testFile, name, status: 'passed', detail: '', failure: {} };
      byKey.set(key, e);
    }
    return e;
  };
  for (const stem of listDirs(snapshotsDir)) {
    for (const file of listPngs(join(snapshotsDir, stem))) entry(stem, file.slice(0, -4)).snapshot = join(snapshotsDir, stem, file);
  }
  for (const stem of listDirs(failuresDir)) {
    for (const file of listPngs(join(failuresDir, stem))) {
      const m = FAILURE_FILE.exec(file);
      if (m) entry(stem, m[1]!).failure[m[2] as FailureKind] = join(failuresDir, stem, file);
    }
  }
  const failuresShown = displayPath(failuresDir);
  const compared = readCompared(failuresDir);
  for (const e of byKey.values()) {
    const failureFiles = Object.values(e.failure);
    const match = compared[`${e.testFile}/${e.name}.png`];
    if (failureFiles.length === 0 && e.snapshot && match && match.sha256 === sha256(readFileSync(e.snapshot))) {
      e.status = 'passed';
      e.detail = `matched at ${match.at}, with no failure images in ${failuresShown}`;
    } else if (failureFiles.length === 0) {
      e.status = 'unknown';
      e.detail = `no test has matched its current content; run \`npm test\``;
    } else if (!e.snapshot) {
      e.status = 'failed';
      e.detail = 'no committed golden: the run refused to write a new one (CI mode) or it was deleted';
    } else if (Math.max(...failureFiles.map(mtime)) < mtime(e.snapshot)) {
      e.status = 'unknown';
      e.detail = 'the failure images are older than the golden (updated since); rerun the tests';
    } else {
      e.status = 'failed';
      e.detail = 'the last run wrote expected/actual/diff images';
    }
  }
  return [...byKey.values()].sort((a, b) => a.testFile.localeCompare(b.testFile) || a.name.localeCompare(b.name));
}

export function goldensMissingReason(snapshotsDir: string, failuresDir: string): string | undefined {
  if (!existsSync(snapshotsDir) && !existsSync(failuresDir)) {
    return `${displayPath(snapshotsDir)} does not exist; run \`npm test\` to write the goldens.`;
  }
  return undefined;
}
