/**
 * The project's one way to put files on disk: each is written beside its target under a temporary
 * name (`*.tmp`, git-ignored) and renamed into place, so neither a reader nor an interrupted run
 * ever sees a half-written file or folder. A failed write removes its temporary.
 */
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type FileContent = Uint8Array | string;

export interface FolderOptions {
  /** What the folder is for, in the error when `dir` is a file: "expected a folder for <what>". */
  what?: string;
  /** The error class to throw then (e.g. the caller's own). */
  error?: new (message: string) => Error;
}

/** `<target>.<pid>-<random>.<suffix>`: unique per write, on the target's file system. */
function besideTarget(target: string, suffix: string): string {
  return `${target}.${process.pid}-${Math.random().toString(36).slice(2)}.${suffix}`;
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
  const tmp = besideTarget(dir, 'tmp');
  const old = besideTarget(dir, 'old.tmp');
  try {
    mkdirSync(tmp);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}
