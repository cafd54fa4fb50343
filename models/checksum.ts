import { createHash } from 'node:crypto';

/** The hex sha256 of `bytes` (dataset files, golden images). */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
