import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { assertWritableFile, assertWritableFolder, interruptedFolderWrite, updateUnderLock, writeFileAtomically, writeFolderAtomically, writeJsonAtomically } from './atomic-write';
import { readManifest } from './checkpoint';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('atomic writes create folders, replace content and leave no temporary files', () => {
  const path = join(dir, 'a', 'b', 'x.png');
  writeFileAtomically(path, 'one');
  writeFileAtomically(path, Buffer.from('two'));
  expect(readFileSync(path, 'utf8')).toBe('two');
  expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.png']);
});

test('a write that fails part-way leaves the target as it was and no temporary file', () => {
  const path = join(dir, 'x.json');
  writeFileAtomically(path, 'one');
  jest.isolateModules(() => {
    // The disk fills after half the bytes: a writer that wrote in place would leave 'tw'.
    jest.doMock('node:fs', () => {
      const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
      return {
        ...actual,
        writeFileSync: (target: string, content: string) => {
          actual.writeFileSync(target, content.slice(0, content.length / 2));
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${target}'`), { code: 'ENOSPC' });
        },
      };
    });
    const { writeFileAtomically: write } = require('./atomic-write') as typeof import('./atomic-write');
    expect(() => write(path, 'twotwo')).toThrow(/^ENOSPC: no space left on device, write '.*x\.json\.[^']*\.tmp'$/);
  });
  jest.dontMock('node:fs');
  expect(readFileSync(path, 'utf8')).toBe('one');
  expect(readdirSync(dir)).toEqual(['x.json']);
});

test('a target that cannot be a file is refused up front, naming the flag', () => {
  writeFileSync(join(dir, 'file'), 'x');
  expect(() => assertWritableFile(join(dir, 'new', 'deeper', 'out.json'), '--json')).not.toThrow();
  expect(() => assertWritableFile(dir, '--json')).toThrow(/^--json: expected a file path, found the folder /);
  expect(() => assertWritableFile(join(dir, 'file', 'out.json'), '--json')).toThrow(/^--json: cannot write .*file is a file, not a folder$/);
});

test('a target that cannot be a folder is refused up front, naming the flag', () => {
  writeFileSync(join(dir, 'file'), 'x');
  expect(() => assertWritableFolder(join(dir, 'new', 'deeper'), '--out')).not.toThrow();
  expect(() => assertWritableFolder(dir, '--out')).not.toThrow();
  expect(() => assertWritableFolder(join(dir, 'file'), '--out')).toThrow(/^--out: expected a folder, found the file .*file$/);
  expect(() => assertWritableFolder(join(dir, 'file', 'report'), '--out')).toThrow(/^--out: cannot write .*report: .*file is a file, not a folder$/);
});

test('a folder missing because a write stopped between its two renames: the error names both copies', () => {
  const target = join(dir, 'ckpt');
  writeFolderAtomically(target, { 'manifest.json': '{"step": 1}' });
  expect(interruptedFolderWrite(target)).toBe('');
  // The state a process leaves when it dies after moving the old copy aside, before moving the new one in.
  renameSync(target, `${target}.42-abc.old.tmp`);
  mkdirSync(`${target}.42-abc.tmp`);
  writeFileSync(join(`${target}.42-abc.tmp`, 'manifest.json'), '{"step": 2}');
  mkdirSync(`${target}.7-zzz.tmp`); // another write's leftover, with no old copy: not this case
  const hint = `; a process stopped while replacing it: ${target}.42-abc.tmp holds the complete new copy and ${target}.42-abc.old.tmp the one before; rename either to ${target} to restore it`;
  expect(interruptedFolderWrite(target)).toBe(hint);
  expect(() => readManifest(target)).toThrow(`${join(target, 'manifest.json')}: missing${hint}`);
  expect(interruptedFolderWrite(join(dir, 'never-written'))).toBe('');
  // Another folder whose name starts with this one's (α = 1.5 beside α = 1) is not its leftover.
  mkdirSync(join(dir, 'vae-alpha-1.5.42-abc.old.tmp'));
  mkdirSync(join(dir, 'vae-alpha-1.5.42-abc.tmp'));
  expect(interruptedFolderWrite(join(dir, 'vae-alpha-1'))).toBe('');
});

test('JSON is written indented by two spaces with a final newline', () => {
  const path = join(dir, 'v.json');
  writeJsonAtomically(path, { a: [1] });
  expect(readFileSync(path, 'utf8')).toBe('{\n  "a": [\n    1\n  ]\n}\n');
});

test('a folder is replaced by exactly the files given, with no temporary folders left', () => {
  const target = join(dir, 'parent', 'out');
  writeFolderAtomically(target, { 'old.txt': 'old', 'kept.bin': Buffer.from([1, 2]) });
  writeFolderAtomically(target, { 'kept.bin': Buffer.from([3]), 'new.txt': 'new' });
  expect(readdirSync(target).sort()).toEqual(['kept.bin', 'new.txt']);
  expect([...readFileSync(join(target, 'kept.bin'))]).toEqual([3]);
  expect(readFileSync(join(target, 'new.txt'), 'utf8')).toBe('new');
  expect(readdirSync(join(dir, 'parent'))).toEqual(['out']);
});

test('a failed folder write keeps the old folder and removes the temporary one', () => {
  const target = join(dir, 'out');
  writeFolderAtomically(target, { 'a.txt': 'a' });
  expect(() => writeFolderAtomically(target, { 'no/such/folder.txt': 'b' })).toThrow();
  expect(readdirSync(target)).toEqual(['a.txt']);
  expect(readdirSync(dir)).toEqual(['out']);
});

test('a file where the folder should be is an error naming what the folder is for, in the caller’s error class', () => {
  class OwnError extends Error {}
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  expect(() => writeFolderAtomically(file, { 'a.txt': 'a' })).toThrow(`${file}: expected a folder for these files, found a file`);
  expect(() => writeFolderAtomically(file, { 'a.txt': 'a' }, { what: 'the checkpoint', error: OwnError })).toThrow(OwnError);
  expect(() => writeFolderAtomically(file, { 'a.txt': 'a' }, { what: 'the checkpoint' })).toThrow(/expected a folder for the checkpoint, found a file/);
  expect(readFileSync(file, 'utf8')).toBe('x');
});

test('a durable folder write flushes each file and both folders before the old copy goes; a plain one flushes nothing', () => {
  const fsyncs = jest.fn();
  jest.isolateModules(() => {
    jest.doMock('node:fs', () => {
      const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
      return { ...actual, fsyncSync: (fd: number) => (fsyncs(), actual.fsyncSync(fd)) };
    });
    const { writeFolderAtomically: write } = require('./atomic-write') as typeof import('./atomic-write');
    const target = join(dir, 'checkpoint');
    write(target, { 'a.json': '{}', 'b.bin': Buffer.from([1, 2]) }, { durable: true });
    expect(fsyncs).toHaveBeenCalledTimes(4); // two files, the new folder, the folder holding it
    fsyncs.mockClear();
    write(target, { 'a.json': '{"x":1}' });
    expect(fsyncs).not.toHaveBeenCalled();
    expect(readdirSync(target)).toEqual(['a.json']);
  });
  jest.dontMock('node:fs');
});

test('a lock another process holds, past the retries: the update fails naming the lock file and runs nothing', async () => {
  const path = join(dir, 'records', 'x.json');
  expect(await updateUnderLock(path, () => 'ran')).toBe('ran'); // creates its folder
  const release = await lock(path, { realpath: false });
  const update = jest.fn();
  await expect(updateUnderLock(path, update, 0)).rejects.toThrow(`${path}.lock: could not take the lock to update x.json (Lock file is already being held); a lock untouched for 10 s is taken over`);
  expect(update).not.toHaveBeenCalled();
  await release();
});
