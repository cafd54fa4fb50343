/**
 * Adam whose update runs once over all of an optimiser's variables, concatenated into one vector.
 *
 * tfjs's AdamOptimizer launches ~14 kernels per variable per step, each paying the native
 * binding's per-kernel cost. Here the moments live in two flat variables and each step is one
 * concat of the gradients and one of the variables, the update, and one split. On the native
 * backend the update is TensorFlow's fused ResourceApplyAdam (native-adam.ts: tfjs's Adam up to
 * float32 rounding, tested), and the moments and flat parameters stay in TensorFlow between
 * steps, so only the gradients are concatenated, and the variables again only when something
 * else assigned them. Elsewhere it is tfjs's arithmetic op for op, so weights are bit-identical
 * to `tf.train.adam` (tested).
 * Alternating steps in one process: 0.91–0.95× the VAE step time with tfjs's arithmetic (12
 * variables), then 0.91–0.92× that with ResourceApplyAdam; keeping the state in TensorFlow
 * measured 0.95–1.00× (VAE) and within noise for the GANs (the same bits).
 * `getWeights`/`setWeights` use tf.train.adam's per-variable names and order, so checkpoints are
 * interchangeable with it.
 */
import * as tf from '@tensorflow/tfjs';
import { isNativeBackend, type NativeBackend } from './native-backend';
import { NativeAdam, type AdamHyperparameters } from './native-adam';

type NamedTensor = { name: string; tensor: tf.Tensor };

interface Layout {
  names: string[];
  shapes: number[][];
  sizes: number[];
  /**
   * False after setWeights: like tf.train.adam, restored state belongs to variables by position
   * (a rebuilt model's variables get new unique names), so the next step binds the names.
   */
  bound: boolean;
}

function layoutOf(named: readonly NamedTensor[]): Layout {
  return { names: named.map((n) => n.name), shapes: named.map((n) => n.tensor.shape), sizes: named.map((n) => n.tensor.size), bound: true };
}

function bindByPosition(layout: Layout, given: readonly NamedTensor[], source: string | undefined): void {
  const shapes = given.map((g) => JSON.stringify(g.tensor.shape));
  if (shapes.join() !== layout.shapes.map((shape) => JSON.stringify(shape)).join()) {
    const from = source ? `${source}: ` : '';
    throw new Error(`${from}FlatAdamOptimizer: restored state is for shapes ${layout.shapes.map((sh) => `[${sh}]`).join(' ')}, found gradients of shapes ${shapes.join(' ')}`);
  }
  layout.names = given.map((g) => g.name);
  layout.bound = true;
}

const flatten = (tensors: readonly tf.Tensor[]) => tf.concat(tensors.map((t) => tf.reshape(t, [-1])));

/** Whether each variable still holds the data it held when `dataIds` were taken (assign replaces it). */
const unchanged = (variables: readonly tf.Variable[], dataIds: readonly object[] | undefined) =>
  dataIds !== undefined && variables.every((v, i) => v.dataId === dataIds[i]);

export class FlatAdamOptimizer extends tf.Optimizer {
  /** β₁ᵗ and β₂ᵗ, accumulated by multiplication (saved as they are by models/checkpoint.ts). */
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;
  /** The file setWeights' state came from, when a checkpoint restored it (named by a mismatch at the next step). */
  restoredFrom?: string;
  private readonly epsilon: number;
  private layout?: Layout;
  /** The moments, here or, from the first step on the native backend, in `native`. */
  private firstMoment?: tf.Variable;
  private secondMoment?: tf.Variable;
  private native?: NativeAdam;
  /** The variables' data after the last native step: while they hold it, `native` has their values. */
  private nativeParams?: readonly object[];

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    epsilon?: number,
  ) {
    super();
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable(false));
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const given = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const layout = (this.layout ??= layoutOf(given));
    if (!layout.bound) bindByPosition(layout, given, this.restoredFrom);
    const byName = new Map(given.map((g) => [g.name, g.tensor]));
    const gradients = layout.names.map((name) => {
      const gradient = byName.get(name);
      if (!gradient) throw new Error(`FlatAdamOptimizer: no gradient for variable '${name}' (every step must update the same variables)`);
      return gradient;
    });
    if (given.length !== layout.names.length) {
      throw new Error(`FlatAdamOptimizer: expected gradients for ${layout.names.length} variables, found ${given.length}`);
    }
    const total = layout.sizes.reduce((a, b) => a + b, 0);
    const variables = layout.names.map((name) => tf.engine().registeredVariables[name]!);
    const backend = tf.backend();
    tf.tidy(() => {
      const gradient = flatten(gradients);
      const params = isNativeBackend(backend) ? this.nativeUpdate(backend, variables, gradient, total) : this.tfjsUpdate(variables, gradient, total);
      tf.split(params, layout.sizes).forEach((part, i) => variables[i]!.assign(tf.reshape(part, layout.shapes[i]!)));
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    if (this.native) this.nativeParams = variables.map((v) => v.dataId);
    this.incrementIterations();
  }

  private nativeUpdate(backend: NativeBackend, variables: readonly tf.Variable[], gradient: tf.Tensor, total: number): tf.Tensor {
    if (!this.native) {
      const [m, v] = this.tfjsMoments(total);
      this.native = new NativeAdam(backend, m, v);
      this.firstMoment = this.secondMoment = undefined;
    }
    const params = unchanged(variables, this.nativeParams) ? undefined : flatten(variables);
    // Until this step has put its results into the variables, TensorFlow's parameters are ahead of them.
    this.nativeParams = undefined;
    return this.native.update(params, gradient, this.accBeta1, this.accBeta2, this.hyperparameters());
  }

  /** The moments as tfjs variables. */
  private tfjsMoments(total: number): [tf.Variable, tf.Variable] {
    this.assertNoNativeState();
    this.firstMoment ??= tf.zeros([total]).variable(false);
    this.secondMoment ??= tf.zeros([total]).variable(false);
    return [this.firstMoment, this.secondMoment];
  }

  /** tfjs-node makes its tensors on the active backend, so TensorFlow's state can only be read while it is active. */
  private assertNoNativeState(): void {
    if (this.native && !isNativeBackend(tf.backend())) {
      throw new Error(`FlatAdamOptimizer: its moments are in TensorFlow (it stepped on the native backend), but the active backend is '${tf.getBackend()}'; switch back, or move the state with getWeights there and setWeights on an optimiser for '${tf.getBackend()}'`);
    }
  }

  /** tfjs's Adam arithmetic, op for op: tf.train.adam's bits. */
  private tfjsUpdate(variables: readonly tf.Variable[], gradient: tf.Tensor, total: number): tf.Tensor {
    const [m, v] = this.tfjsMoments(total);
    return tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      const firstMoment = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const secondMoment = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      const biasCorrectedFirstMoment = tf.div(firstMoment, oneMinusAccBeta1);
      const biasCorrectedSecondMoment = tf.div(secondMoment, oneMinusAccBeta2);
      const step = tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), this.epsilon)), -this.learningRate);
      m.assign(firstMoment);
      v.assign(secondMoment);
      return tf.add(step, flatten(variables));
    });
  }

  private hyperparameters(): AdamHyperparameters {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** New tensors (moments split per variable): the caller disposes them. */
  override async getWeights(): Promise<NamedTensor[]> {
    this.assertNoNativeState();
    const iterations = await this.saveIterations();
    const { layout, native, firstMoment, secondMoment } = this;
    if (!layout || (!native && (!firstMoment || !secondMoment))) return [iterations];
    const perVariable = tf.tidy(() =>
      (native ? native.moments() : [firstMoment!, secondMoment!]).map((flat) => tf.split(flat, layout.sizes).map((part, i) => tf.reshape(part, layout.shapes[i]!))),
    );
    const named = (tensors: tf.Tensor[], suffix: string) => tensors.map((tensor, i) => ({ name: `${layout.names[i]}/${suffix}`, tensor }));
    return [iterations, ...named(perVariable[0]!, 'm'), ...named(perVariable[1]!, 'v')];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    // Checked before anything changes: a bad state leaves the optimiser as it was.
    const moments = weightValues.slice(1);
    const count = moments.length / 2;
    const first = moments.slice(0, count);
    const second = moments.slice(count);
    if (!Number.isInteger(count) || !first.every((w) => w.name.endsWith('/m'))) {
      throw new Error(`FlatAdamOptimizer.setWeights: expected the iteration count, then 'name/m' and 'name/v' per variable, found ${moments.map((w) => w.name).join(', ')}`);
    }
    const names = first.map((w) => w.name.slice(0, -'/m'.length));
    second.forEach((w, i) => {
      if (w.name !== `${names[i]}/v`) throw new Error(`FlatAdamOptimizer.setWeights: expected '${names[i]}/v' at position ${count + i}, found '${w.name}'`);
    });
    await this.extractIterations(weightValues);
    this.restoredFrom = undefined; // a checkpoint's restore names itself after this
    const restored = count === 0 ? undefined : tf.tidy(() => [flatten(first.map((w) => w.tensor)).variable(false), flatten(second.map((w) => w.tensor)).variable(false)]);
    tf.tidy(() => {
      this.accBeta1.assign(tf.pow(this.beta1, this.iterations + 1));
      this.accBeta2.assign(tf.pow(this.beta2, this.iterations + 1));
    });
    this.disposeMoments();
    this.layout = restored ? { ...layoutOf(first), names, bound: false } : undefined;
    [this.firstMoment, this.secondMoment] = restored ?? [];
  }

  private disposeMoments(): void {
    tf.dispose([this.firstMoment, this.secondMoment].filter((t): t is tf.Variable => t !== undefined));
    this.firstMoment = this.secondMoment = undefined;
    this.native?.dispose();
    this.native = undefined;
    this.nativeParams = undefined;
  }

  override dispose(): void {
    tf.dispose([this.accBeta1, this.accBeta2]);
    this.disposeMoments();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.hyperparameters() };
  }
}
