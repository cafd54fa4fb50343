import * as tf from '@tensorflow/tfjs';
import { useBackend } from './backend';
import { FlatAdamOptimizer } from './flat-adam';
import { normalArray } from './seed';

const SHAPES = [[3, 4], [5], [2, 2, 3]];

function variables(prefix: string): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.variable(tf.tensor(normalArray(tf.util.sizeFromShape(shape), 20 + i), shape), true, `${prefix}_${i}`));
}

/** A few steps on a loss whose gradients differ per element and per step. */
function train(optimizer: tf.Optimizer, vars: tf.Variable[], steps: number, from = 0): void {
  for (let s = from; s < from + steps; s++) {
    tf.tidy(() => {
      optimizer.minimize(() => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, 0.1 * (s + i))), tf.sin(tf.add(v, s)))))) as tf.Scalar, false, vars);
    });
  }
}

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

// tfjs's arithmetic, everywhere but the native backend.
describe('on the cpu backend', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  test('the same weights as tf.train.adam, bit for bit', () => {
    const [a, b] = [variables('reference'), variables('flat')];
    train(tf.train.adam(0.01, 0.5, 0.9), a, 7);
    train(new FlatAdamOptimizer(0.01, 0.5, 0.9), b, 7);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(snapshot(b)).not.toEqual(snapshot(variables('untrained')));
  });

  test('getWeights and setWeights speak tf.train.adam’s format: state moves between them exactly', async () => {
    const [a, b] = [variables('ref2'), variables('flat2')];
    const reference = tf.train.adam(0.01);
    const flat = new FlatAdamOptimizer(0.01);
    train(reference, a, 3);
    train(flat, b, 3);
    const [saved, ours] = [await reference.getWeights(), await flat.getWeights()];
    expect(ours.map((w) => w.name.replace('flat2', 'ref2'))).toEqual(saved.map((w) => w.name));
    expect(ours.map((w) => Array.from(w.tensor.dataSync()))).toEqual(saved.map((w) => Array.from(w.tensor.dataSync())));

    // Restore a fresh flat optimiser from tf.train.adam's state and continue both. The state names
    // other variables (as after rebuilding a model): like tf.train.adam, it binds them by position.
    const restored = new FlatAdamOptimizer(0.01);
    await restored.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    (restored.accBeta1 as tf.Variable).assign((reference as unknown as { accBeta1: tf.Variable }).accBeta1);
    (restored.accBeta2 as tf.Variable).assign((reference as unknown as { accBeta2: tf.Variable }).accBeta2);
    train(reference, a, 2, 3);
    train(restored, b, 2, 3);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect((await restored.getWeights()).map((w) => w.name)).toContain(`${b[0]!.name}/m`);
  });

  test('restored state for other shapes is an error listing both', async () => {
    const restored = new FlatAdamOptimizer(0.01);
    await restored.setWeights([
      { name: 'iter', tensor: tf.scalar(1, 'int32') },
      { name: 'w/m', tensor: tf.zeros([2]) },
      { name: 'w/v', tensor: tf.zeros([2]) },
    ]);
    expect(() => train(restored, variables('other'), 1)).toThrow('restored state is for shapes [2], found gradients of shapes [3,4] [5] [2,2,3]');
  });

  test('a step without a gradient for one of its variables is an error naming it', () => {
    const vars = variables('partial');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const grads = { [vars[0]!.name]: tf.onesLike(vars[0]!), [vars[1]!.name]: tf.onesLike(vars[1]!) };
    expect(() => flat.applyGradients(grads)).toThrow(`no gradient for variable '${vars[2]!.name}'`);
  });

  test('state saved before any step restores to a fresh start; malformed state is an error', async () => {
    const [a, b] = [variables('fresh-ref'), variables('fresh-flat')];
    const reference = tf.train.adam(0.01);
    const restored = new FlatAdamOptimizer(0.01);
    await restored.setWeights(await new FlatAdamOptimizer(0.01).getWeights());
    train(reference, a, 2);
    train(restored, b, 2);
    expect(snapshot(b)).toEqual(snapshot(a));
    const iter = { name: 'iter', tensor: tf.scalar(0, 'int32') };
    await expect(restored.setWeights([iter, { name: 'w/x', tensor: tf.zeros([2]) }, { name: 'w/v', tensor: tf.zeros([2]) }])).rejects.toThrow("expected the iteration count, then 'name/m' and 'name/v'");
    await expect(restored.setWeights([iter, { name: 'w/m', tensor: tf.zeros([2]) }, { name: 'u/v', tensor: tf.zeros([2]) }])).rejects.toThrow("expected 'w/v' at position 1, found 'u/v'");
    train(restored, b, 1, 2);
  });

  test('getWeights returns new tensors for the caller to dispose, and nothing else stays behind', async () => {
    const vars = variables('saved');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const before = tf.memory().numTensors;
    tf.dispose((await flat.getWeights()).map((w) => w.tensor));
    expect(tf.memory().numTensors).toBe(before);
  });

  test('no tensors leak per step', () => {
    const vars = variables('leak');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const before = tf.memory().numTensors;
    train(flat, vars, 3, 1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('on the native backend: ResourceApplyAdam', () => {
  beforeAll(async () => {
    await useBackend('tensorflow');
  });

  interface NativeSpy {
    executeSingleOutput(name: string, ...rest: unknown[]): unknown;
    executeMultipleOutputs(name: string, ...rest: unknown[]): unknown;
  }
  /** The TensorFlow ops `run` executes, by name. */
  const recordOps = (run: () => void): string[] => {
    const backend = tf.backend() as unknown as NativeSpy;
    const spies = [jest.spyOn(backend, 'executeSingleOutput'), jest.spyOn(backend, 'executeMultipleOutputs')];
    try {
      run();
      return spies.flatMap((spy) => spy.mock.calls.map(([name]) => name as string));
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  };

  /** Largest difference between two snapshots, relative to how far `reference` moved from `start`. */
  const relativeToMovement = (actual: number[][], reference: number[][], start: number[][]) => {
    const worst = (f: (i: number, j: number) => number) => Math.max(...reference.flatMap((row, i) => row.map((_, j) => f(i, j))));
    return worst((i, j) => Math.abs(actual[i]![j]! - reference[i]![j]!)) / worst((i, j) => Math.abs(reference[i]![j]! - start[i]![j]!));
  };

  test.each([
    [0.5, 0.999],
    [0.9, 0.9],
  ])('known answer: the first step moves each parameter by lr · g / (|g| + ε), with β₁ %s and β₂ %s', (beta1, beta2) => {
    // From zero, so that the float32 weights hold the step itself. ε matters for the tiny gradient.
    const w = tf.variable(tf.zeros([4]), true, `first_step_${beta1}_${beta2}`);
    const g = [4, -1e-6, 2e-3, -0.25];
    const optimizer = new FlatAdamOptimizer(0.01, beta1, beta2, 1e-7);
    const gradient = tf.tensor1d(g);
    optimizer.applyGradients({ [w.name]: gradient });
    Array.from(w.dataSync()).forEach((step, i) => expect(step).toBeCloseTo((-0.01 * g[i]!) / (Math.abs(g[i]!) + 1e-7), 8));
    tf.dispose([w, gradient]);
    optimizer.dispose();
  });

  test.each([
    { betas: [0.5, 0.9] as const, tolerance: 1e-5 },
    { betas: [0.9, 0.999] as const, tolerance: 1e-4 },
  ])('β $betas: within $tolerance of tf.train.adam after 7 steps, relative to how far the weights moved', ({ betas: [beta1, beta2], tolerance }) => {
    const [a, b] = [variables(`native-ref-${beta2}`), variables(`native-${beta2}`)];
    const start = snapshot(a);
    train(tf.train.adam(0.01, beta1, beta2), a, 7);
    train(new FlatAdamOptimizer(0.01, beta1, beta2), b, 7);
    const error = relativeToMovement(snapshot(b), snapshot(a), start);
    expect(error).toBeLessThan(tolerance);
    expect(error).toBeGreaterThan(0); // another kernel, so not tfjs's bits
  });

  test('runs one ResourceApplyAdam per step, and no tensors leak', () => {
    const vars = variables('native-leak');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const backend = tf.backend() as unknown as { executeMultipleOutputs: (name: string) => unknown };
    const spy = jest.spyOn(backend, 'executeMultipleOutputs');
    const before = tf.memory().numTensors;
    train(flat, vars, 3, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(spy.mock.calls.filter(([name]) => name === 'ResourceApplyAdam')).toHaveLength(3);
    spy.mockRestore();
  });

  test('keeps the moments and parameters in TensorFlow between steps: only the gradients are concatenated and nothing is assigned', () => {
    const vars = variables('native-resident');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const names = recordOps(() => train(flat, vars, 2, 1));
    expect(names.filter((name) => name === 'ConcatV2')).toHaveLength(2);
    expect(names.filter((name) => name === 'AssignVariableOp')).toHaveLength(0);
    expect(names.filter((name) => name === 'ReadVariableOp')).toHaveLength(2);
    flat.dispose();
  });

  test('variables changed between steps are loaded again', () => {
    const [a, b] = [variables('native-ref-reload'), variables('native-reload')];
    const start = snapshot(a);
    const [reference, flat] = [tf.train.adam(0.01, 0.5, 0.9), new FlatAdamOptimizer(0.01, 0.5, 0.9)];
    train(reference, a, 2);
    train(flat, b, 2);
    [a, b].forEach((vars) => vars[1]!.assign(tf.fill(vars[1]!.shape, 0.3)));
    train(reference, a, 2, 2);
    train(flat, b, 2, 2);
    expect(relativeToMovement(snapshot(b), snapshot(a), start)).toBeLessThan(1e-5);
    flat.dispose();
  });

  test('a step or getWeights on another backend is an error that says why, and changes nothing', async () => {
    const vars = variables('native-elsewhere');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const before = snapshot(vars);
    const tensors = tf.memory().numTensors;
    try {
      await useBackend('cpu');
      expect(() => train(flat, vars, 1, 1)).toThrow(/moments are in TensorFlow.*active backend is 'cpu'/);
      await expect(flat.getWeights()).rejects.toThrow(/switch back, or move the state with getWeights/);
    } finally {
      await useBackend('tensorflow');
    }
    expect(snapshot(vars)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    train(flat, vars, 1, 1);
    expect(snapshot(vars)).not.toEqual(before);
    flat.dispose();
  });

  test('reloading the variables every step gives the same bits as keeping them in TensorFlow', () => {
    const [a, b] = [variables('native-kept'), variables('native-reloaded')];
    const [kept, reloaded] = [new FlatAdamOptimizer(0.01), new FlatAdamOptimizer(0.01)];
    for (let s = 0; s < 4; s++) {
      train(kept, a, 1, s);
      b.forEach((v) => v.assign(tf.tidy(() => tf.mul(v, 1)))); // same values, new data: reloaded
      // The parameters each step; the first one also loads both moments.
      expect(recordOps(() => train(reloaded, b, 1, s)).filter((name) => name === 'AssignVariableOp')).toHaveLength(s === 0 ? 3 : 1);
    }
    expect(snapshot(b)).toEqual(snapshot(a));
    [kept, reloaded].forEach((o) => o.dispose());
  });

  test('tensors that shared TensorFlow’s buffers before a step keep their values (aligned sizes, so the split can share)', async () => {
    // 32, 16 and 16 floats: every part starts 64-byte aligned, where TensorFlow's split may return views.
    const vars = [[4, 8], [16], [2, 2, 4]].map((shape, i) => tf.variable(tf.tensor(normalArray(tf.util.sizeFromShape(shape), 40 + i), shape), true, `native-aligned_${i}`));
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 2);
    const kept = vars.map((v) => v.clone());
    const moments = await flat.getWeights();
    const [keptBefore, momentsBefore] = [snapshot(kept), moments.map((w) => Array.from(w.tensor.dataSync()))];
    train(flat, vars, 1, 2);
    expect(snapshot(kept)).toEqual(keptBefore);
    expect(moments.map((w) => Array.from(w.tensor.dataSync()))).toEqual(momentsBefore);
    expect(snapshot(vars)).not.toEqual(keptBefore);
    tf.dispose([...kept, ...moments.map((w) => w.tensor), ...vars]);
    flat.dispose();
  });

  test('state taken out with getWeights and put back with setWeights continues the same optimiser', async () => {
    const [a, b] = [variables('native-ref-roundtrip'), variables('native-roundtrip')];
    const start = snapshot(a);
    const [reference, flat] = [new FlatAdamOptimizer(0.01, 0.5, 0.9), new FlatAdamOptimizer(0.01, 0.5, 0.9)];
    train(reference, a, 2);
    train(flat, b, 2);
    const state = await flat.getWeights();
    await flat.setWeights(state);
    tf.dispose(state.map((w) => w.tensor));
    train(reference, a, 2, 2);
    train(flat, b, 2, 2);
    expect(relativeToMovement(snapshot(b), snapshot(a), start)).toBeLessThan(1e-5);
    [reference, flat].forEach((o) => o.dispose());
  });

  test('after a step that failed once the kernel had run, the next one loads the variables again', () => {
    const vars = variables('native-failed');
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 1);
    const backend = tf.backend() as unknown as NativeSpy;
    const original = backend.executeSingleOutput.bind(backend);
    const failing = jest.spyOn(backend, 'executeSingleOutput').mockImplementation((name: string, ...rest: unknown[]) => {
      if (name === 'ReadVariableOp') throw new Error('read failed');
      return original(name, ...rest);
    });
    expect(() => train(flat, vars, 1, 1)).toThrow('read failed');
    failing.mockRestore();
    const names = recordOps(() => train(flat, vars, 1, 2));
    expect(names.filter((name) => name === 'ConcatV2')).toHaveLength(2);
    expect(names.filter((name) => name === 'AssignVariableOp')).toHaveLength(1);
    flat.dispose();
  });

  test('getWeights reads the moments from TensorFlow in tf.train.adam’s format', async () => {
    const [a, b] = [variables('native-ref-state'), variables('native-state')];
    const [reference, flat] = [tf.train.adam(0.01, 0.5, 0.9), new FlatAdamOptimizer(0.01, 0.5, 0.9)];
    train(reference, a, 3);
    train(flat, b, 3);
    const [expected, actual] = await Promise.all([reference.getWeights(), flat.getWeights()]);
    expect(actual.map((w) => w.name.replace('native-state', 'native-ref-state'))).toEqual(expected.map((w) => w.name));
    actual.slice(1).forEach((w, i) => {
      const want = expected[i + 1]!.tensor.dataSync();
      const scale = Math.max(...want.map(Math.abs));
      w.tensor.dataSync().forEach((value, j) => expect(Math.abs(value - want[j]!)).toBeLessThan(1e-4 * scale));
    });
    tf.dispose([...expected, ...actual].map((w) => w.tensor));
    flat.dispose();
  });

  test('dispose releases the scratch resource variables with the moments', () => {
    const vars = variables('native-dispose');
    const before = tf.memory().numTensors;
    const flat = new FlatAdamOptimizer(0.01);
    train(flat, vars, 2);
    flat.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('state restored from tf.train.adam continues alongside it', async () => {
    const [a, b] = [variables('native-ref3'), variables('native3')];
    const start = snapshot(a);
    const reference = tf.train.adam(0.01, 0.5, 0.9);
    train(reference, a, 3);
    b.forEach((v, i) => v.assign(a[i]!));
    const restored = new FlatAdamOptimizer(0.01, 0.5, 0.9);
    await restored.setWeights((await reference.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor })));
    (restored.accBeta1 as tf.Variable).assign((reference as unknown as { accBeta1: tf.Variable }).accBeta1);
    (restored.accBeta2 as tf.Variable).assign((reference as unknown as { accBeta2: tf.Variable }).accBeta2);
    train(reference, a, 2, 3);
    train(restored, b, 2, 3);
    expect(relativeToMovement(snapshot(b), snapshot(a), start)).toBeLessThan(1e-5);
    restored.dispose();
  });
});
