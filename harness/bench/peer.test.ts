import { BENCH_DEFAULTS } from './defaults';
import { PEER_SCHEMA, PeerOutputError, parsePeerOutput, peerPython } from './peer';
import { latencyFromSamples } from './stats';

const line = (doc: object) => `${JSON.stringify({ schema: PEER_SCHEMA, ...doc })}\n`;

describe('parsePeerOutput', () => {
  test('reads the completed document from the last line, with statistics from the samples', () => {
    const out = 'warning: something\n' + line({ status: 'completed', torch: '2.5.1+cpu', threads: 2, batch: 64, tasks: [{ model: 'vae', samples_ms: [10, 12, 11] }] });
    const peer = parsePeerOutput(out);
    expect(peer).toEqual({ status: 'completed', torch: '2.5.1+cpu', threads: 2, batch: 64, tasks: [{ model: 'vae', latency: latencyFromSamples([10, 12, 11]) }] });
    if (peer.status === 'completed') expect(peer.tasks[0]!.latency).toMatchObject({ mean: 11, p50: 11, samples: 3 });
  });
  test('parameter counts per network are kept when the peer reports them', () => {
    const peer = parsePeerOutput(line({ status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'vae', samples_ms: [1], parameters: { encoder: 5, decoder: 7 } }] }));
    expect(peer.status === 'completed' && peer.tasks[0]!.parameters).toEqual({ encoder: 5, decoder: 7 });
  });
  test('a skipped document keeps its reason', () => {
    expect(parsePeerOutput(line({ status: 'skipped', reason: 'torch not installed (ModuleNotFoundError)' }))).toEqual({
      status: 'skipped', reason: 'torch not installed (ModuleNotFoundError)',
    });
  });
  test.each([
    ['nothing', '', /printed nothing/],
    ['a non-JSON line', 'Traceback (most recent call last):', /not JSON/],
    ['another schema', `${JSON.stringify({ schema: 'x', status: 'skipped', reason: 'r' })}`, /schema/],
    ['an unknown model', line({ status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'gan', samples_ms: [1] }] }), /model/],
    ['empty samples', line({ status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'vae', samples_ms: [] }] }), /samples_ms/],
    ['a negative sample', line({ status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'vae', samples_ms: [-1] }] }), /non-negative/],
    ['a missing thread count', line({ status: 'completed', torch: '2', batch: 64, tasks: [] }), /threads/],
    ['an unknown status', line({ status: 'running' }), /status/],
    ['a fractional parameter count', line({ status: 'completed', torch: '2', threads: 2, batch: 64, tasks: [{ model: 'vae', samples_ms: [1], parameters: { encoder: 1.5 } }] }), /parameters/],
  ])('rejects %s', (_what, out, message) => {
    expect(() => parsePeerOutput(out)).toThrow(PeerOutputError);
    expect(() => parsePeerOutput(out)).toThrow(message);
  });
});

test('the peer interpreter: BENCH_PYTHON, else the setup:peer environment when it exists, else python3', () => {
  expect(peerPython({ BENCH_PYTHON: '/opt/py' }, () => true)).toBe('/opt/py');
  expect(peerPython({}, (path) => path === BENCH_DEFAULTS.peer.venvPython)).toBe(BENCH_DEFAULTS.peer.venvPython);
  expect(peerPython({}, () => false)).toBe('python3');
});

describe('latencyFromSamples (tinybench formulas)', () => {
  test('mean, median, interpolated p99 and the t-based rme', () => {
    const l = latencyFromSamples([1, 2, 3, 4]);
    expect(l.mean).toBe(2.5);
    expect(l.p50).toBe(2.5);
    expect(l.p99).toBeCloseTo(3.97);
    // sd = 1.291, sem = 0.6455, t(3) = 3.182 → moe 2.054 → 82.2 % of 2.5
    expect(l.rme).toBeCloseTo(82.16, 1);
  });
  test('one sample has no spread', () => {
    expect(latencyFromSamples([5])).toEqual({ mean: 5, p50: 5, p99: 5, rme: 0, samples: 1 });
  });
});
