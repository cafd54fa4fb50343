/**
 * The project's one way to put files on disk: each is written beside its target under a temporary
 * name (`*.tmp`, git-ignored) and renamed into place, so neither a reader nor an interrupted run
 * ever sees a half-written file or folder. A failed write removes its temporary. That holds when
 * the process dies; a crash of the machine can still lose data not yet flushed, so folder writes
 * that replace something hard to remake (checkpoints, the α sweep) pass `durable`.
 */
import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { lock } from 'proper-lockfile';

export type FileContent = Uint8Array | string;

export interface FolderOptions {
  /** What the folder is for, in the error when `dir` is a file: "expected a folder for <what>". */
  what?: string;
  /** The error class to throw then (e.g. the caller's own). */
  error?: new (message: string) => Error;
  /**
   * Flush the files and folders to disk before the old copy is removed, so that a crash of the
   * machine (not only of the process) cannot lose both: for checkpoints, not for regenerable output.
   */
  durable?: boolean;
}

function writeFileDurably(path: string, content: FileContent): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (new names, renames) to disk; a no-op where folders cannot be opened (Windows). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort: the files themselves were flushed
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `<pid>-<random>`: unique per write; a folder write's new and old copies share it. */
const WRITE_ID = /^\d+-[0-9a-z]+$/;
function writeId(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2)}`;
}

/** Whether a file name is a write in flight (or left by one that died): every temporary ends so. */
export function isTemporaryName(name: string): boolean {
  return name.endsWith('.tmp');
}

/** `<target>.<id>.<suffix>`: beside the target, on its file system. */
function besideTarget(target: string, suffix: string, id = writeId()): string {
  return `${target}.${id}.${suffix}`;
}

/**
 * Checks, before long work whose result would go to `path`, that a file can be written there: it
 * is not a folder and its nearest existing ancestor is a writable folder. `what` (a flag) leads the error.
 */
export function assertWritableFile(path: string, what: string): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new Error(`${what}: expected a file path, found the folder ${target}`);
  assertWritableAncestor(target, dirname(target), what);
}

/**
 * The same for a folder: it is not a file, and it can be written into (it, or the nearest folder
 * above it that exists, is writable). One that will be `replaced` whole (writeFolderAtomically
 * renames beside it) also needs the folder that holds it writable.
 */
export function assertWritableFolder(path: string, what: string, o: { replaced?: boolean } = {}): void {
  const target = resolve(path);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new Error(`${what}: expected a folder, found the file ${target}`);
  assertWritableAncestor(target, o.replaced ? dirname(target) : target, what);
  if (o.replaced && existsSync(target)) assertWritableAncestor(target, target, what);
}

/** `from` or its nearest existing ancestor is a writable folder, or writing `target` fails: an error naming both. */
function assertWritableAncestor(target: string, from: string, what: string): void {
  let dir = from;
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new Error(`${what}: cannot write ${target}: ${dir} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new Error(`${what}: cannot write ${target}: the folder ${dir} is not writable`);
  }
}

/** Writes `content` to `path`, creating its folder. */
export function writeFileAtomically(path: string, content: FileContent): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = besideTarget(path, 'tmp');
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Writes `value` as JSON indented by two spaces, with a final newline. */
export function writeJsonAtomically(path: string, value: unknown): void {
  writeFileAtomically(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Replaces the folder `dir` (if any) with one holding exactly `files`, named without folders. */
export function writeFolderAtomically(dir: string, files: Readonly<Record<string, FileContent>>, o: FolderOptions = {}): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new (o.error ?? Error)(`${dir}: expected a folder for ${o.what ?? 'these files'}, found a file`);
  }
  mkdirSync(dirname(dir), { recursive: true });
  const id = writeId();
  const tmp = besideTarget(dir, 'tmp', id);
  const old = besideTarget(dir, 'old.tmp', id);
  try {
    mkdirSync(tmp);
    const write = o.durable ? writeFileDurably : writeFileSync;
    for (const [name, content] of Object.entries(files)) write(join(tmp, name), content);
    if (o.durable) syncFolder(tmp);
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    if (o.durable) syncFolder(dirname(dir));
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * When `dir` is missing because a process stopped between the two renames of writeFolderAtomically,
 * the complete new copy (`<dir>.<id>.tmp`) and the one it replaced (`<dir>.<id>.old.tmp`) are still
 * beside it: a sentence saying so, for the error that reports `dir` missing; '' otherwise.
 */
export function interruptedFolderWrite(dir: string): string {
  if (existsSync(dir) || !existsSync(dirname(dir))) return '';
  const prefix = `${basename(dir)}.`;
  const ids = readdirSync(dirname(dir))
    .flatMap((name) => (name.startsWith(prefix) && name.endsWith('.old.tmp') ? [name.slice(prefix.length, -'.old.tmp'.length)] : []))
    // Only this folder's own writes (`vae-alpha-1` must not take `vae-alpha-1.5`'s), newest first.
    .filter((i) => WRITE_ID.test(i) && existsSync(besideTarget(dir, 'tmp', i)))
    .sort((a, b) => statSync(besideTarget(dir, 'tmp', b)).mtimeMs - statSync(besideTarget(dir, 'tmp', a)).mtimeMs);
  const id = ids[0];
  if (!id) return '';
  return `; a process stopped while replacing it: ${besideTarget(dir, 'tmp', id)} holds the complete new copy and ${besideTarget(dir, 'old.tmp', id)} the one before; rename either to ${dir} to restore it`;
}

/** A lock's staleness: longer than any read-merge-write holds it, shorter than the waiting below (40 retries, ~17 s). */
const LOCK_STALE_MS = 10_000;

/**
 * Runs `update` (a read of `path`, a merge and an atomic write of it) while holding `<path>.lock`
 * (proper-lockfile), so that two processes updating one file both land. A lock left by a killed
 * process is taken over once stale.
 */
export async function updateUnderLock<T>(path: string, update: () => T, retries = 40): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lock(path, { realpath: false, stale: LOCK_STALE_MS, retries: { retries, minTimeout: 10, maxTimeout: 500 } });
  } catch (error) {
    throw new Error(`${path}.lock: could not take the lock to update ${basename(path)} (${(error as Error).message}); a lock untouched for ${LOCK_STALE_MS / 1000} s is taken over`);
  }
  try {
    return update();
  } finally {
    await release();
  }
}
