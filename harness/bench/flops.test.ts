import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../models/backend';
import { buildDiscriminator, buildGenerator } from '../../models/gan/networks';
import { buildDecoder, buildEncoder } from '../../models/vae/model';
import { REFERENCE_VAE } from '../../models/vae/config';
import { REFERENCE_WGAN_GP } from '../../models/gan/config';
import type { NativeBackend } from '../../models/native-backend';
import { MODEL_KINDS, type ModelKind } from '../../models/types';
import { measureModelCosts, modelTasks, type TaskContext } from './tasks';
import {
  achievedGflops, conv2dMacs, conv2dTransposeMacs, denseMacs, networkCosts, passFlops, samplingPasses, sumPasses,
  trainingStepPasses, type LayerCost, type ModelCosts,
} from './flops';

beforeAll(async () => {
  await useBackend('tensorflow');
});

describe('layer formulas (hand-computed)', () => {
  test('conv2d 28×28×1 → 14×14×32, 4×4 kernel: 14·14 outputs × 32 filters × 16 taps × 1 channel', () => {
    expect(conv2dMacs(14, 14, 1, 32, 4, 4)).toBe(100_352);
  });
  test('conv2d 14×14×32 → 7×7×64: 49 × 64 × 16 × 32', () => {
    expect(conv2dMacs(7, 7, 32, 64, 4, 4)).toBe(1_605_632);
  });
  test('transposed conv 7×7×128 → 14×14×64: each of 49·128 inputs scatters 16·64 products', () => {
    expect(conv2dTransposeMacs(7, 7, 128, 64, 4, 4)).toBe(6_422_528);
  });
  test('dense 3136 → 200', () => {
    expect(denseMacs(3136, 200)).toBe(627_200);
  });
  test('GFLOP/s: 1e9 FLOPs in 500 ms is 2 GFLOP/s', () => {
    expect(achievedGflops(1e9, 500)).toBeCloseTo(2);
  });
});

describe('networkCosts reads the reference networks', () => {
  const costs = (m: tf.LayersModel) => {
    const c = networkCosts(m);
    m.dispose();
    return c.map((l) => [l.name, l.op, l.macs]);
  };
  test('VAE encoder and decoder', () => {
    expect(costs(buildEncoder(REFERENCE_VAE, 1))).toEqual([
      ['enc_conv1', 'conv2d', 100_352],
      ['enc_conv2', 'conv2d', 1_605_632],
      ['enc_stats', 'dense', 627_200],
    ]);
    expect(costs(buildDecoder(REFERENCE_VAE, 1))).toEqual([
      ['dec_dense', 'dense', 313_600],
      ['dec_deconv1', 'conv2dTranspose', 1_605_632],
      ['dec_deconv2', 'conv2dTranspose', 100_352],
    ]);
  });
  test('GAN generator and discriminator', () => {
    expect(costs(buildGenerator(100, 1))).toEqual([
      ['gen_dense', 'dense', 627_200],
      ['gen_deconv1', 'conv2dTranspose', 6_422_528],
      ['gen_deconv2', 'conv2dTranspose', 200_704],
    ]);
    expect(costs(buildDiscriminator(1))).toEqual([
      ['disc_conv1', 'conv2d', 200_704],
      ['disc_conv2', 'conv2d', 6_422_528],
      ['disc_logit', 'dense', 6_272],
    ]);
  });
});

const layer = (name: string, macs: number): LayerCost => ({ name, op: 'dense', macs });
const ENC = [layer('e1', 100_352), layer('e2', 1_605_632), layer('e3', 627_200)];
const DEC = [layer('d1', 313_600), layer('d2', 1_605_632), layer('d3', 100_352)];
const GEN = [layer('g1', 627_200), layer('g2', 6_422_528), layer('g3', 200_704)];
const CRITIC = [layer('c1', 200_704), layer('c2', 6_422_528), layer('c3', 6_272)];
const FG = 7_250_432;
const FC = 6_629_504;

describe('pass rules', () => {
  const net = [layer('a', 10), layer('b', 20), layer('c', 30)];
  test('forward: 2 FLOPs per multiply–add per sample', () => {
    expect(passFlops({ kind: 'forward', label: '', net, n: 2 })).toBe(2 * 2 * 60);
  });
  test('backward: weight gradients everywhere, input gradients except into the first layer', () => {
    expect(passFlops({ kind: 'backward', label: '', net, n: 1, weightGrads: true, firstInputGrad: false })).toBe(2 * (60 + 50));
    expect(passFlops({ kind: 'backward', label: '', net, n: 1, weightGrads: false, firstInputGrad: true })).toBe(2 * 60);
  });
  test('double backward: weight gradients plus upstream gradients except the top layer', () => {
    expect(passFlops({ kind: 'double-backward', label: '', net, n: 1 })).toBe(2 * (60 + 30));
  });
});

describe('training steps at batch 64 (hand-computed totals)', () => {
  test('VAE: 3 × forward − the encoder input gradient', () => {
    const vae: ModelCosts = { kind: 'vae', encoder: ENC, decoder: DEC };
    const forward = 4_352_768;
    const step = sumPasses(trainingStepPasses(vae, 64));
    expect(step.forward).toBe(2 * 64 * forward);
    expect(step.total).toBe(2 * 64 * (3 * forward - 100_352));
    expect(step.total).toBe(1_658_617_856);
  });
  test('DCGAN: D step (G fwd, D fwd+bwd on 2n) + G step (G fwd+bwd, D fwd + input grads)', () => {
    const dcgan: ModelCosts = { kind: 'dcgan', generator: GEN, critic: CRITIC };
    const dStep = FG + 2 * FC + 2 * FC + 2 * (FC - 200_704);
    const gStep = FG + FC + FC + FG + (FG - 627_200);
    expect(sumPasses(trainingStepPasses(dcgan, 64)).total).toBe(2 * 64 * (dStep + gStep));
    expect(2 * 64 * (dStep + gStep)).toBe(10_369_171_456);
  });
  test('WGAN-GP: 5 critic steps with the penalty double backprop, then a G step', () => {
    const wgan: ModelCosts = { kind: 'wgan-gp', generator: GEN, critic: CRITIC };
    const criticStep = FG + 3 * FC + FC + 2 * FC + 2 * (FC - 200_704) + FC + (FC - 6_272);
    const gStep = 3 * FG - 627_200 + 2 * FC;
    const step = sumPasses(trainingStepPasses(wgan, 64, 5));
    expect(step.total).toBe(2 * 64 * (5 * criticStep + gStep));
    expect(step.total).toBe(51_209_224_192);
    expect(step.passes).toHaveLength(5 * 5 + 4);
  });
  test('sampling: one generator forward per image', () => {
    const dcgan: ModelCosts = { kind: 'dcgan', generator: GEN, critic: CRITIC };
    expect(sumPasses(samplingPasses(dcgan, 500)).total).toBe(2 * 500 * FG);
  });
});

describe('the FLOP model against the kernels one real step executes', () => {
  /** 2 × multiply–adds of every convolution and matrix product libtensorflow runs during `run`, from their shapes. */
  function executedFlops(run: () => void): number {
    const backend = tf.backend() as unknown as NativeBackend;
    const own = backend.executeSingleOutput;
    let macs = 0;
    backend.executeSingleOutput = function (name, attrs, inputs) {
      const out = own.call(this, name, attrs, inputs);
      const [a, b, c] = inputs.map((i) => i.shape);
      const product = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);
      if (name === 'Conv2D') macs += product(out.shape) * product(b!.slice(0, 3)); // N·Ho·Wo·Cout × Kh·Kw·Cin
      else if (name === 'Conv2DBackpropInput') macs += product(c!) * product(b!.slice(0, 3)); // dy: N·Ho·Wo·Cout
      else if (name === 'Conv2DBackpropFilter') macs += product(c!) * product(out.shape.slice(0, 3));
      else if (name === 'BatchMatMulV2') macs += product(out.shape) * a!.at(attrs.find((x) => x.name === 'adj_x')?.value ? -2 : -1)!;
      else if (/Conv|MatMul/.test(name)) throw new Error(`executedFlops: no formula for ${name}`);
      return out;
    };
    try {
      run();
    } finally {
      backend.executeSingleOutput = own;
    }
    return 2 * macs;
  }

  const ctx = () => ({ batch: 64, seed: 1, costs: measureModelCosts(1) });
  const stepOf = (kind: ModelKind, context: TaskContext) => modelTasks(context).find((t) => t.name === `train-step/${kind}`)!.prepare();

  test('VAE: exactly the useful work; the GANs: plus the gradients fused dense layers compute unasked', () => {
    const context = ctx();
    const measured = Object.fromEntries(MODEL_KINDS.map((kind) => {
      const step = stepOf(kind, context);
      step.iterate(); // Adam's slots, oneDNN's caches
      const flops = executedFlops(() => step.iterate());
      step.dispose();
      return [kind, flops];
    })) as Record<ModelKind, number>;
    const useful = (kind: ModelKind) => sumPasses(trainingStepPasses(context.costs[kind], 64)).total;
    const latentGradient = 2 * 64 * denseMacs(100, 7 * 7 * 128);
    const wgan = context.costs['wgan-gp'];
    if (wgan.kind === 'vae') throw new Error('unreachable');
    const critic = wgan.critic;
    // tfjs's fused dense gradient computes the weight gradient too: the critic's logit layer, in the G step.
    const logitWeights = 2 * 64 * critic.at(-1)!.macs;
    expect(measured.vae).toBe(useful('vae'));
    expect(measured.dcgan).toBe(useful('dcgan') + latentGradient + logitWeights);
    // Plus, in each critic update's input-gradient pass, the logit layer's weight gradient (fused
    // dense again). Nothing goes back through the critic's forward pass on the interpolates (the
    // activation gradients read their masks untaped, models/native-gradients.ts); before, 8.35 GFLOP of zeros did.
    expect(measured['wgan-gp']).toBe(useful('wgan-gp') + latentGradient + logitWeights + REFERENCE_WGAN_GP.nCritic * logitWeights);
  });
});
