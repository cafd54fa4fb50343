/**
 * jest's node environment runs tests in a separate realm, so typed arrays made by the native
 * TensorFlow addon fail tfjs's `instanceof Float32Array` checks (e.g. when saving weights).
 * Sharing the host realm's typed-array and buffer constructors removes the mismatch.
 */
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array',
  'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Buffer',
] as const;

export default class TfjsEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    for (const name of SHARED) (this.global as unknown as Record<string, unknown>)[name] = (globalThis as unknown as Record<string, unknown>)[name];
  }
}
