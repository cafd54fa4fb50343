/**
 * Three no-reference sharpness measures per image, higher = sharper. Blurry VAE decodings score low
 * on all three; comparing each model with real test images gives the ratios in the report.
 *
 * - Variance of the Laplacian (Pech-Pacheco et al. 2000, "Diatom autofocusing in brightfield
 *   microscopy"): population variance of the 4-neighbour Laplacian [0 1 0; 1 −4 1; 0 1 0] over the
 *   valid 26×26 region.
 * - Tenengrad (Tenenbaum 1970; Krotkov 1987): mean of Gx² + Gy² with 3×3 Sobel kernels over the
 *   valid region, without a threshold.
 * - High-frequency share: of the spectral energy of the mean-removed image (2-D DFT, so brightness
 *   does not count), the fraction at radius √(u² + v²) > r, with u, v signed DFT indices.
 *
 * All three run as tf ops (convolutions and DFT matrix products) over batches of images.
 */
import * as tf from '@tensorflow/tfjs';
import { PIXELS } from '../../models/data/shoes';
import { bootstrapMeans, ratioEstimate, type BootstrapOptions, type Estimate } from './bootstrap';
import { IMAGE_SIDE, imageCount } from './images';

const LAPLACIAN = [0, 1, 0, 1, -4, 1, 0, 1, 0];
const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
const SOBEL_Y = [-1, -2, -1, 0, 0, 0, 1, 2, 1];

export interface Sharpness {
  laplacianVariance: Float64Array;
  tenengrad: Float64Array;
  highFrequencyShare: Float64Array;
}

export interface SharpnessOptions {
  /** DFT radius above which energy counts as high frequency. */
  highFrequencyRadius: number;
  batchSize?: number;
}

function kernel(values: number[][]): tf.Tensor4D {
  // [height, width, in, out], one output channel per kernel.
  const out = new Float32Array(9 * values.length);
  values.forEach((k, c) => k.forEach((v, i) => (out[i * values.length + c] = v)));
  return tf.tensor4d(out, [3, 3, 1, values.length]);
}

/** Real and imaginary parts of the 28-point DFT matrix (symmetric). */
function dftMatrices(): [tf.Tensor2D, tf.Tensor2D] {
  const cos = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  const sin = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let j = 0; j < IMAGE_SIDE; j++) {
    for (let k = 0; k < IMAGE_SIDE; k++) {
      const angle = (2 * Math.PI * ((j * k) % IMAGE_SIDE)) / IMAGE_SIDE;
      cos[j * IMAGE_SIDE + k] = Math.cos(angle);
      sin[j * IMAGE_SIDE + k] = Math.sin(angle);
    }
  }
  return [tf.tensor2d(cos, [IMAGE_SIDE, IMAGE_SIDE]), tf.tensor2d(sin, [IMAGE_SIDE, IMAGE_SIDE])];
}

/** 1 where the signed-frequency radius exceeds `radius`; symmetric under transposition. */
export function highFrequencyMask(radius: number): Float32Array {
  const signed = (k: number) => (k <= IMAGE_SIDE / 2 ? k : k - IMAGE_SIDE);
  const mask = new Float32Array(PIXELS);
  for (let u = 0; u < IMAGE_SIDE; u++) {
    for (let v = 0; v < IMAGE_SIDE; v++) mask[u * IMAGE_SIDE + v] = Math.hypot(signed(u), signed(v)) > radius ? 1 : 0;
  }
  return mask;
}

/** Right-multiplies every 28×28 image of `x` [n, 28, 28] by `m`. */
function rightMultiply(x: tf.Tensor3D, m: tf.Tensor2D): tf.Tensor3D {
  const n = x.shape[0];
  return tf.reshape(tf.matMul(tf.reshape(x, [n * IMAGE_SIDE, IMAGE_SIDE]), m), [n, IMAGE_SIDE, IMAGE_SIDE]);
}

function spectralShare(x: tf.Tensor3D, cos: tf.Tensor2D, sin: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  const centred = tf.sub(x, tf.mean(x, [1, 2], true)) as tf.Tensor3D;
  // F = (C − iS) X (C − iS). The spectrum is formed transposed, (Xᵀ-side products), which the
  // radial mask does not notice because it is symmetric in (u, v).
  const a = tf.transpose(rightMultiply(centred, cos), [0, 2, 1]) as tf.Tensor3D;
  const b = tf.transpose(rightMultiply(centred, sin), [0, 2, 1]) as tf.Tensor3D;
  const real = tf.sub(rightMultiply(a, cos), rightMultiply(b, sin));
  const imaginary = tf.add(rightMultiply(a, sin), rightMultiply(b, cos));
  const power = tf.add(tf.square(real), tf.square(imaginary));
  const total = tf.sum(power, [1, 2]);
  const high = tf.sum(tf.mul(power, mask), [1, 2]);
  // A constant image has no energy to share out: its share is 0, not 0/0.
  return tf.where(tf.greater(total, 0), tf.div(high, tf.maximum(total, 1e-30)), tf.zerosLike(total)) as tf.Tensor1D;
}

export function sharpness(images: Float32Array, o: SharpnessOptions): Sharpness {
  const count = imageCount(images, 'sharpness');
  if (!(o.highFrequencyRadius >= 0)) throw new RangeError(`sharpness: highFrequencyRadius must be ≥ 0, found ${o.highFrequencyRadius}`);
  const batch = o.batchSize ?? 500;
  const out: Sharpness = { laplacianVariance: new Float64Array(count), tenengrad: new Float64Array(count), highFrequencyShare: new Float64Array(count) };
  const constants = tf.tidy(() => {
    const [cos, sin] = dftMatrices();
    return { laplacian: kernel([LAPLACIAN]), sobel: kernel([SOBEL_X, SOBEL_Y]), cos, sin, mask: tf.tensor2d(highFrequencyMask(o.highFrequencyRadius), [IMAGE_SIDE, IMAGE_SIDE]) };
  });
  try {
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const [laplacianVariance, tenengrad, share] = tf.tidy(() => {
        const x = tf.tensor4d(images.subarray(start * PIXELS, (start + n) * PIXELS), [n, IMAGE_SIDE, IMAGE_SIDE, 1]);
        const laplacian = tf.conv2d(x, constants.laplacian, 1, 'valid');
        const gradients = tf.conv2d(x, constants.sobel, 1, 'valid');
        return [
          tf.moments(laplacian, [1, 2, 3]).variance.dataSync(),
          tf.mean(tf.sum(tf.square(gradients), 3), [1, 2]).dataSync(),
          spectralShare(tf.reshape(x, [n, IMAGE_SIDE, IMAGE_SIDE]), constants.cos, constants.sin, constants.mask).dataSync(),
        ];
      });
      out.laplacianVariance.set(laplacianVariance, start);
      out.tenengrad.set(tenengrad, start);
      out.highFrequencyShare.set(share, start);
    }
  } finally {
    tf.dispose(Object.values(constants));
  }
  return out;
}

export interface ReconstructionSharpnessOptions extends SharpnessOptions, BootstrapOptions {
  /** Names the bootstrap's random stream (default 'reconstruction-sharpness'). */
  stream?: string;
}

export interface ReconstructionSharpness {
  /** Mean Laplacian variance of the originals. */
  originals: Estimate;
  /** Mean Laplacian variance of the reconstructions, with its ratio to the originals'. */
  reconstructions: Estimate & { ratioToReal: Estimate };
}

/**
 * Laplacian variance of originals and of their reconstructions (item i of one reconstructs item i
 * of the other), with a paired percentile bootstrap: each resample draws the same items from both,
 * so the ratio's interval reflects only how reconstruction changes each image.
 */
export function reconstructionSharpness(originals: Float32Array, reconstructions: Float32Array, o: ReconstructionSharpnessOptions): ReconstructionSharpness {
  const stream = o.stream ?? 'reconstruction-sharpness';
  if (originals.length !== reconstructions.length) {
    throw new RangeError(`${stream}: ${originals.length / PIXELS} originals but ${reconstructions.length / PIXELS} reconstructions`);
  }
  const measure = { highFrequencyRadius: o.highFrequencyRadius, batchSize: o.batchSize };
  const means = bootstrapMeans([sharpness(originals, measure).laplacianVariance, sharpness(reconstructions, measure).laplacianVariance], o, stream);
  return {
    originals: means.estimates[0]!,
    reconstructions: { ...means.estimates[1]!, ratioToReal: ratioEstimate(means, means, 1, o.confidence, 0) },
  };
}
