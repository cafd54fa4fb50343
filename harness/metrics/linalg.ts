/**
 * The two dense routines the Fréchet distance needs on small symmetric matrices (d = 64), written
 * for speed on row-major Float64Arrays: eigenvalues without eigenvectors (Householder reduction to
 * tridiagonal form, then implicit QL; Press et al., Numerical Recipes 3rd ed., §11.3–11.4) and a
 * pivoted Cholesky factor that also works for singular PSD matrices (Higham 2002, §10.3).
 * Without eigenvectors this is ~10× faster than ml-matrix's full decomposition, which matters once
 * every bootstrap replicate needs one.
 */

/** Eigenvalues of the symmetric `d × d` matrix `a` (row-major; not modified), unsorted. */
export function symmetricEigenvalues(a: ArrayLike<number>, d: number): Float64Array {
  if (a.length !== d * d) throw new RangeError(`symmetricEigenvalues: expected ${d}×${d} = ${d * d} values, found ${a.length}`);
  const m = Float64Array.from(a);
  const diag = new Float64Array(d);
  const off = new Float64Array(d); // off[i] couples i and i + 1
  const v = new Float64Array(d);
  const p = new Float64Array(d);
  for (let k = 0; k < d - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < d; i++) norm += m[i * d + k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = m[(k + 1) * d + k]! > 0 ? -norm : norm;
    // Householder vector v (unit) mapping column k below the diagonal onto alpha·e₁.
    let vNorm = 0;
    for (let i = k + 1; i < d; i++) {
      v[i] = m[i * d + k]! - (i === k + 1 ? alpha : 0);
      vNorm += v[i]! ** 2;
    }
    vNorm = Math.sqrt(vNorm);
    if (vNorm === 0) continue;
    for (let i = k + 1; i < d; i++) v[i]! /= vNorm;
    // H A H on the trailing block = A − 2 v wᵀ − 2 w vᵀ with p = A v and w = p − (vᵀp) v.
    let vp = 0;
    for (let i = k + 1; i < d; i++) {
      let sum = 0;
      for (let j = k + 1; j < d; j++) sum += m[i * d + j]! * v[j]!;
      p[i] = sum;
      vp += v[i]! * sum;
    }
    for (let i = k + 1; i < d; i++) p[i] = p[i]! - vp * v[i]!;
    for (let i = k + 1; i < d; i++) {
      for (let j = k + 1; j < d; j++) m[i * d + j] = m[i * d + j]! - 2 * (v[i]! * p[j]! + p[i]! * v[j]!);
    }
    for (let i = k + 2; i < d; i++) m[i * d + k] = m[k * d + i] = 0;
    m[(k + 1) * d + k] = m[k * d + k + 1] = alpha;
  }
  for (let i = 0; i < d; i++) {
    diag[i] = m[i * d + i]!;
    off[i] = i + 1 < d ? m[(i + 1) * d + i]! : 0;
  }
  tridiagonalQl(diag, off);
  return diag;
}

/** Implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix; eigenvalues land in `diag`. */
function tridiagonalQl(diag: Float64Array, off: Float64Array): void {
  const n = diag.length;
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      let m = l;
      for (; m < n - 1; m++) {
        const scale = Math.abs(diag[m]!) + Math.abs(diag[m + 1]!);
        if (Math.abs(off[m]!) <= Number.EPSILON * scale) break;
      }
      if (m === l) break;
      if (iteration === 60) throw new Error('symmetricEigenvalues: QL iteration did not converge');
      let g = (diag[l + 1]! - diag[l]!) / (2 * off[l]!);
      let r = Math.hypot(g, 1);
      g = diag[m]! - diag[l]! + off[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let shift = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * off[i]!;
        const b = c * off[i]!;
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          diag[i + 1]! -= shift;
          off[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = diag[i + 1]! - shift;
        r = (diag[i]! - g) * s + 2 * c * b;
        shift = s * r;
        diag[i + 1] = g + shift;
        g = c * r - b;
      }
      if (underflow) continue;
      diag[l]! -= shift;
      off[l] = g;
      off[m] = 0;
    }
  }
}

/**
 * F (`d × rank`, row-major) with F Fᵀ = a for a symmetric PSD `a`, by diagonal pivoting; columns
 * stop once the largest remaining pivot is below `tolerance` times the largest diagonal entry.
 */
export function pivotedCholesky(a: ArrayLike<number>, d: number, tolerance = 1e-12): { factor: Float64Array; rank: number } {
  if (a.length !== d * d) throw new RangeError(`pivotedCholesky: expected ${d}×${d} = ${d * d} values, found ${a.length}`);
  const residual = new Float64Array(d);
  let largest = 0;
  for (let i = 0; i < d; i++) largest = Math.max(largest, (residual[i] = a[i * d + i]!));
  const columns: Float64Array[] = [];
  const used = new Uint8Array(d);
  while (columns.length < d) {
    let pivot = -1;
    for (let i = 0; i < d; i++) if (!used[i] && (pivot < 0 || residual[i]! > residual[pivot]!)) pivot = i;
    if (pivot < 0 || !(residual[pivot]! > tolerance * largest)) break;
    used[pivot] = 1;
    const root = Math.sqrt(residual[pivot]!);
    const column = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      if (used[i] && i !== pivot) continue;
      let value = a[i * d + pivot]!;
      for (const previous of columns) value -= previous[i]! * previous[pivot]!;
      column[i] = value / root;
    }
    for (let i = 0; i < d; i++) if (!used[i]) residual[i]! -= column[i]! ** 2;
    columns.push(column);
  }
  const rank = columns.length;
  const factor = new Float64Array(d * rank);
  columns.forEach((column, j) => column.forEach((value, i) => (factor[i * rank + j] = value)));
  return { factor, rank };
}
