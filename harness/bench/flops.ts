/**
 * Analytic FLOPs of the reference models' training steps and sampling, counted exactly per op.
 *
 * Counting rules (README.md, "FLOP formula"):
 * - Only convolutions, transposed convolutions and dense layers are counted; one multiply–add is
 *   2 FLOPs. Bias adds, activations, batch norm, losses and Adam are elementwise and left out
 *   (about 1 % of a VAE step, mostly Adam over its 1.0 M parameters; under 0.2 % of a GAN step).
 * - A conv with 'same' padding is counted over the full kernel window at every output position
 *   (what im2col/oneDNN compute), not only the taps that land inside the image.
 *     conv2d:           MACs = H_out · W_out · C_out · K_h · K_w · C_in
 *     conv2dTranspose:  MACs = H_in · W_in · C_in · K_h · K_w · C_out
 *     dense:            MACs = in · out
 * - Backward, per layer: the input gradient and the weight gradient each cost what the forward
 *   op costs. Only the gradients the step needs are counted: no input gradient into data or
 *   latents, no weight gradient for the network that is not being updated. This is the
 *   "useful work" count; tfjs may compute more (see README.md, "What tfjs executes").
 * - WGAN-GP's gradient penalty: an input-gradient pass through the critic (all layers), then the
 *   outer backward goes through that pass. Each op there is bilinear in (upstream gradient,
 *   weights), so it costs one weight gradient plus one upstream-gradient gradient per layer; the
 *   top layer's upstream gradient is the constant ∂Σ/∂output and gets none. LeakyReLU's mask is
 *   piecewise constant, so nothing flows back through the interpolates' forward pass.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelKind } from '../../models/types';

export type LayerOp = 'conv2d' | 'conv2dTranspose' | 'dense';

/** One FLOP-bearing layer: multiply–adds per sample of its forward op. */
export interface LayerCost {
  name: string;
  op: LayerOp;
  macs: number;
}

export function conv2dMacs(outH: number, outW: number, inC: number, outC: number, kH: number, kW: number): number {
  return outH * outW * outC * kH * kW * inC;
}

export function conv2dTransposeMacs(inH: number, inW: number, inC: number, outC: number, kH: number, kW: number): number {
  return inH * inW * inC * kH * kW * outC;
}

export function denseMacs(inUnits: number, units: number): number {
  return inUnits * units;
}

function kernelSize(config: tf.serialization.ConfigDict): [number, number] {
  const k = config.kernelSize as number | number[];
  return Array.isArray(k) ? [k[0]!, k[1] ?? k[0]!] : [k, k];
}

function shapeOf(shape: unknown, what: string): number[] {
  const single = (Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
  const dims = single.slice(1);
  if (dims.some((d) => d === null)) throw new RangeError(`flops: ${what} has an unknown dimension (${JSON.stringify(single)})`);
  return dims as number[];
}

/** The FLOP-bearing layers of a built model, in forward order (NHWC, channels last). */
export function networkCosts(model: tf.LayersModel): LayerCost[] {
  const costs: LayerCost[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv2D' && kind !== 'Conv2DTranspose' && kind !== 'Dense') continue;
    const input = shapeOf((layer.input as tf.SymbolicTensor).shape, `${layer.name} input`);
    const output = shapeOf(layer.outputShape, `${layer.name} output`);
    if (kind === 'Dense') {
      costs.push({ name: layer.name, op: 'dense', macs: denseMacs(input.at(-1)!, output.at(-1)!) });
      continue;
    }
    const [kH, kW] = kernelSize(layer.getConfig());
    const [inH, inW, inC] = input as [number, number, number];
    const [outH, outW, outC] = output as [number, number, number];
    costs.push(
      kind === 'Conv2D'
        ? { name: layer.name, op: 'conv2d', macs: conv2dMacs(outH, outW, inC, outC, kH, kW) }
        : { name: layer.name, op: 'conv2dTranspose', macs: conv2dTransposeMacs(inH, inW, inC, outC, kH, kW) },
    );
  }
  return costs;
}

/** One pass of a step over `n` samples through one network. */
export type Pass =
  | { kind: 'forward'; label: string; net: LayerCost[]; n: number }
  | {
      kind: 'backward';
      label: string;
      net: LayerCost[];
      n: number;
      /** Weight gradients of every layer (the network is being updated). */
      weightGrads: boolean;
      /** Input gradient of the first layer too (its input depends on what is being updated). */
      firstInputGrad: boolean;
    }
  | { kind: 'double-backward'; label: string; net: LayerCost[]; n: number };

const sum = (net: LayerCost[]) => net.reduce((s, l) => s + l.macs, 0);

export function passFlops(pass: Pass): number {
  const all = sum(pass.net);
  const first = pass.net[0]?.macs ?? 0;
  const last = pass.net.at(-1)?.macs ?? 0;
  let macs: number;
  switch (pass.kind) {
    case 'forward':
      macs = all;
      break;
    case 'backward':
      macs = (pass.weightGrads ? all : 0) + (pass.firstInputGrad ? all : all - first);
      break;
    case 'double-backward':
      macs = all + (all - last);
      break;
  }
  return 2 * pass.n * macs;
}

export interface StepFlops {
  total: number;
  forward: number;
  backward: number;
  passes: { label: string; flops: number }[];
}

export function sumPasses(passes: Pass[]): StepFlops {
  const rows = passes.map((p) => ({ label: p.label, flops: passFlops(p), forward: p.kind === 'forward' }));
  const forward = rows.filter((r) => r.forward).reduce((s, r) => s + r.flops, 0);
  const total = rows.reduce((s, r) => s + r.flops, 0);
  return { total, forward, backward: total - forward, passes: rows.map(({ label, flops }) => ({ label, flops })) };
}

/** Networks of a reference model, as FLOP-bearing layers. */
export type ModelCosts =
  | { kind: 'vae'; encoder: LayerCost[]; decoder: LayerCost[] }
  | { kind: 'dcgan' | 'wgan-gp'; generator: LayerCost[]; critic: LayerCost[] };

export function modelCosts(kind: ModelKind, networks: Record<string, tf.LayersModel>): ModelCosts {
  const get = (name: string) => {
    const net = networks[name];
    if (!net) throw new RangeError(`flops: ${kind} has no network '${name}' (has ${Object.keys(networks).join(', ')})`);
    return networkCosts(net);
  };
  if (kind === 'vae') return { kind, encoder: get('encoder'), decoder: get('decoder') };
  return { kind, generator: get('generator'), critic: get(kind === 'dcgan' ? 'discriminator' : 'critic') };
}

/**
 * The passes of one training step, mirroring models/vae/model.ts, models/gan/dcgan.ts and
 * models/gan/wgan-gp.ts.
 */
export function trainingStepPasses(costs: ModelCosts, n: number, nCritic = 5): Pass[] {
  if (costs.kind === 'vae') {
    const { encoder, decoder } = costs;
    return [
      { kind: 'forward', label: 'encoder forward', net: encoder, n },
      { kind: 'forward', label: 'decoder forward', net: decoder, n },
      // The decoder's input z depends on the encoder, so its first layer needs an input gradient.
      { kind: 'backward', label: 'decoder backward', net: decoder, n, weightGrads: true, firstInputGrad: true },
      // The encoder's input is data.
      { kind: 'backward', label: 'encoder backward', net: encoder, n, weightGrads: true, firstInputGrad: false },
    ];
  }
  const { generator: g, critic: c } = costs;
  const generatorStep: Pass[] = [
    { kind: 'forward', label: 'G step: generator forward', net: g, n },
    { kind: 'forward', label: 'G step: critic forward (fake)', net: c, n },
    { kind: 'backward', label: 'G step: critic input gradients', net: c, n, weightGrads: false, firstInputGrad: true },
    { kind: 'backward', label: 'G step: generator backward', net: g, n, weightGrads: true, firstInputGrad: false },
  ];
  if (costs.kind === 'dcgan') {
    return [
      { kind: 'forward', label: 'D step: generator forward', net: g, n },
      { kind: 'forward', label: 'D step: discriminator forward (real + fake)', net: c, n: 2 * n },
      { kind: 'backward', label: 'D step: discriminator backward (real + fake)', net: c, n: 2 * n, weightGrads: true, firstInputGrad: false },
      ...generatorStep,
    ];
  }
  const criticStep = (k: number): Pass[] => [
    { kind: 'forward', label: `critic step ${k}: generator forward`, net: g, n },
    { kind: 'forward', label: `critic step ${k}: critic forward (real + fake + interpolates)`, net: c, n: 3 * n },
    { kind: 'backward', label: `critic step ${k}: penalty input gradient`, net: c, n, weightGrads: false, firstInputGrad: true },
    { kind: 'backward', label: `critic step ${k}: critic backward (real + fake)`, net: c, n: 2 * n, weightGrads: true, firstInputGrad: false },
    { kind: 'double-backward', label: `critic step ${k}: penalty double backprop`, net: c, n },
  ];
  return [...Array.from({ length: nCritic }, (_, k) => criticStep(k + 1)).flat(), ...generatorStep];
}

/** FLOPs to turn `n` latents into images (decoder or generator forward). */
export function samplingPasses(costs: ModelCosts, n: number): Pass[] {
  const net = costs.kind === 'vae' ? costs.decoder : costs.generator;
  return [{ kind: 'forward', label: costs.kind === 'vae' ? 'decoder forward' : 'generator forward', net, n }];
}

/** Achieved GFLOP/s of `flops` done in `ms` milliseconds. */
export function achievedGflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}
