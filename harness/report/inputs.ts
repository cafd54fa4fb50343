/**
 * Reading the report's input files. A file that is absent, unreadable or malformed becomes a
 * `Missing` with a reason naming the file and what produces it; nothing here throws for bad input.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { PROJECT_ROOT } from './defaults';
import type { Maybe, Missing } from './types';

/** A path as the reader sees it: relative to the project root when inside it. */
export function displayPath(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function missing(reason: string): Missing {
  return { status: 'missing', reason };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** The text of a file, or why there is none; `producer` says what writes it (e.g. `npm run bench`). */
export function readText(path: string, producer: string): Maybe<{ text: string }> {
  if (!existsSync(path)) return missing(`${displayPath(path)} does not exist; ${producer}.`);
  try {
    if (!statSync(path).isFile()) return missing(`${displayPath(path)} is not a file.`);
    return { status: 'ok', text: readFileSync(path, 'utf8') };
  } catch (error) {
    return missing(`${displayPath(path)} cannot be read (${errorText(error)}).`);
  }
}

export function readJson(path: string, producer: string): Maybe<{ value: unknown }> {
  const file = readText(path, producer);
  if (file.status === 'missing') return file;
  if (file.text.trim() === '') return missing(`${displayPath(path)} is empty; ${producer}.`);
  try {
    return { status: 'ok', value: JSON.parse(file.text) as unknown };
  } catch (error) {
    return missing(`${displayPath(path)} is not valid JSON (${errorText(error)}); ${producer}.`);
  }
}

/** One JSON object per line (blank lines skipped); a malformed line makes the whole file missing. */
export function readJsonLines(path: string, producer: string): Maybe<{ records: Record<string, unknown>[] }> {
  const file = readText(path, producer);
  if (file.status === 'missing') return file;
  const records: Record<string, unknown>[] = [];
  const lines = file.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return missing(`${displayPath(path)} line ${i + 1} is not valid JSON (${errorText(error)}).`);
    }
    if (!isRecord(value)) return missing(`${displayPath(path)} line ${i + 1}: expected a JSON object.`);
    records.push(value);
  }
  if (records.length === 0) return missing(`${displayPath(path)} has no records; ${producer}.`);
  return { status: 'ok', records };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringOr(value: unknown, fallback?: string): string | undefined {
  return typeof value === 'string' ? value : fallback;
}
