/**
 * Paths between latents: straight (lerp) and spherical (slerp, Shoemake 1985;
 * White 2016, "Sampling generative networks"). Used by the path-length metric, the golden
 * interpolation strips and the report's interpolation rows.
 */

/**
 * Spherical interpolation between z₁ and z₂ (Shoemake 1985): along the great circle, so the norm
 * stays put only when ‖z₁‖ = ‖z₂‖ (orthogonal ends of norms 10 and 5 give 7.91 halfway); lerp when parallel.
 */
export function slerp(z1: ArrayLike<number>, z2: ArrayLike<number>, t: number): Float64Array {
  let dot = 0;
  let n1 = 0;
  let n2 = 0;
  for (let i = 0; i < z1.length; i++) {
    dot += z1[i]! * z2[i]!;
    n1 += z1[i]! ** 2;
    n2 += z2[i]! ** 2;
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(n1 * n2))));
  const sin = Math.sin(omega);
  const [w1, w2] = sin < 1e-9 ? [1 - t, t] : [Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin];
  return Float64Array.from(z1, (v, i) => w1 * v + w2 * z2[i]!);
}

export function lerp(z1: ArrayLike<number>, z2: ArrayLike<number>, t: number): Float64Array {
  return Float64Array.from(z1, (v, i) => v + t * (z2[i]! - v));
}

/** `steps` latents evenly spaced in t along the slerp from `a` to `b`, ends included, row after row. */
export function slerpPath(a: ArrayLike<number>, b: ArrayLike<number>, steps: number): Float32Array {
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`slerpPath: expected at least 2 steps (both ends), found ${steps}`);
  if (a.length !== b.length) throw new RangeError(`slerpPath: ends differ in size (${a.length} vs ${b.length})`);
  const path = new Float32Array(steps * a.length);
  for (let k = 0; k < steps; k++) path.set(slerp(a, b, k / (steps - 1)), k * a.length);
  return path;
}
