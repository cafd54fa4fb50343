import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DEFAULTS } from './defaults';
import { PEER_SCHEMA, PeerOutputError, PeerSession, parseReadyLine, parseSamplesLine, peerPython } from './peer';
import { latencyFromSamples } from './stats';
import { readyLine, writeFakePeer } from './test-fixtures';

const line = (doc: object) => JSON.stringify({ schema: PEER_SCHEMA, ...doc });
const ready = { status: 'ready', torch: '2.5.1+cpu', threads: 2, batch: 64, models: [{ model: 'vae', parameters: { encoder: 5, decoder: 7 } }] };

describe('parseReadyLine and parseSamplesLine', () => {
  test('a ready line gives torch, threads, batch and the parameters per model', () => {
    expect(parseReadyLine(line(ready))).toEqual({ status: 'ready', torch: '2.5.1+cpu', threads: 2, batch: 64, parameters: { vae: { encoder: 5, decoder: 7 } } });
  });
  test('a skipped line keeps its reason', () => {
    expect(parseReadyLine(line({ status: 'skipped', reason: 'torch not installed (ModuleNotFoundError)' }))).toEqual({
      status: 'skipped', reason: 'torch not installed (ModuleNotFoundError)',
    });
  });
  test.each([
    ['a non-JSON line', 'Traceback (most recent call last):', /not JSON/],
    ['another schema', JSON.stringify({ schema: 'vae-vs-gan/bench-peer@1', status: 'skipped', reason: 'r' }), /schema/],
    ['an unknown model', line({ ...ready, models: [{ model: 'gan', parameters: {} }] }), /model/],
    ['a missing thread count', line({ ...ready, threads: undefined }), /threads/],
    ['an unknown status', line({ status: 'running' }), /status/],
    ['a fractional parameter count', line({ ...ready, models: [{ model: 'vae', parameters: { encoder: 1.5 } }] }), /parameters/],
  ])('the first line: rejects %s', (_what, out, message) => {
    expect(() => parseReadyLine(out)).toThrow(PeerOutputError);
    expect(() => parseReadyLine(out)).toThrow(message);
  });
  test('an answer gives its samples; one to another request or model, or with no or negative samples, is an error', () => {
    expect(parseSamplesLine(JSON.stringify({ id: 3, model: 'vae', samples_ms: [10, 12] }), 'vae', 3)).toEqual([10, 12]);
    expect(() => parseSamplesLine(JSON.stringify({ id: 3, model: 'dcgan', samples_ms: [1] }), 'vae', 3)).toThrow(/expected request 3 for 'vae'/);
    expect(() => parseSamplesLine(JSON.stringify({ id: 2, model: 'vae', samples_ms: [1] }), 'vae', 3)).toThrow(/answered request 2/);
    expect(() => parseSamplesLine(JSON.stringify({ id: 3, model: 'vae', samples_ms: [] }), 'vae', 3)).toThrow(/samples_ms/);
    expect(() => parseSamplesLine(JSON.stringify({ id: 3, model: 'vae', samples_ms: [-1] }), 'vae', 3)).toThrow(/non-negative/);
  });
});

describe('PeerSession, with a fake peer in Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-peer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const options = { models: ['vae'] as const, batch: 64, threads: 2, seed: 1, timeoutMs: 20_000 };
  /** Runs `use` on a started session and closes it, whatever happens. */
  const withSession = async (fake: { python: string; script: string }, use: (session: PeerSession) => Promise<void>, timeoutMs = options.timeoutMs) => {
    const started = await PeerSession.start({ ...options, ...fake, readyTimeoutMs: options.timeoutMs, timeoutMs });
    if (!('session' in started)) throw new Error(`did not start: ${started.reason}`);
    try {
      await use(started.session);
    } finally {
      await started.session.close(500);
    }
  };

  test('starts on the ready line (other output skipped), and answers blocks in order', async () => {
    const started = await PeerSession.start({ ...options, ...writeFakePeer(dir, 'ok', readyLine()) });
    if (!('session' in started)) throw new Error(`did not start: ${started.reason}`);
    expect(started.ready.parameters).toEqual({ vae: { vae_net: 5 } });
    try {
      expect(await started.session.time('vae', 2, 0)).toEqual([10, 11]);
      expect(await started.session.time('vae', 3, 0)).toEqual([10, 11, 12]);
    } finally {
      await started.session.close();
    }
  });

  test('a peer without torch is a skipped start with its reason', async () => {
    expect(await PeerSession.start({ ...options, ...writeFakePeer(dir, 'skipped', line({ status: 'skipped', reason: 'torch not installed (ImportError)' })) })).toEqual({
      status: 'skipped', reason: 'torch not installed (ImportError)',
    });
  });

  test('a peer ready with another batch or thread count than asked is a skipped start naming both', async () => {
    const other = await PeerSession.start({ ...options, threads: 1, ...writeFakePeer(dir, 'other-threads', readyLine()) });
    expect(other).toEqual({ status: 'skipped', reason: 'peer ran with another setup: threads 2, asked 1' });
    const batch = await PeerSession.start({ ...options, batch: 8, ...writeFakePeer(dir, 'other-batch', readyLine()) });
    expect(batch).toEqual({ status: 'skipped', reason: 'peer ran with another setup: batch 64, asked 8' });
  });

  test('a peer that cannot start, or prints garbage, is a skipped start that says why', async () => {
    const missing = await PeerSession.start({ ...options, python: join(dir, 'no-such-python') });
    expect(missing).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/peer failed .*no-such-python.*(ENOENT|exited)/) });
    const garbage = await PeerSession.start({ ...options, ...writeFakePeer(dir, 'garbage', '{not json') });
    expect(garbage).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/not JSON/) });
  });

  test('a late answer to an earlier request is skipped, not taken for the next one', async () => {
    // This fake answers every request twice: the second copy arrives after the next request was sent.
    await withSession(writeFakePeer(dir, 'echo-twice', readyLine(), Infinity, 2), async (session) => {
      expect(await session.time('vae', 1, 0)).toEqual([10]);
      expect(await session.time('vae', 2, 0)).toEqual([10, 11]);
      expect(await session.time('vae', 3, 0)).toEqual([10, 11, 12]);
    });
  });

  test('a peer that exits mid-session fails the next block with its exit status and last words', async () => {
    await withSession(writeFakePeer(dir, 'dies', readyLine(), 1), async (session) => {
      await session.time('vae', 1, 0);
      await expect(session.time('vae', 1, 0)).rejects.toThrow(/peer exited \(status 4\): fake peer: out of answers/);
    });
  });

  test('a peer that says nothing in time is killed and the block fails; a second request while one waits is refused', async () => {
    await withSession(writeFakePeer(dir, 'silent', readyLine(), 'never'), async (session) => {
      const first = session.time('vae', 1, 0);
      await expect(session.time('vae', 1, 0)).rejects.toThrow(/already waiting/);
      await expect(first).rejects.toThrow(/said nothing for 0.3 s \(killed\)/);
    }, 300);
  });

  test('close ends a peer that ignores the end of its input', async () => {
    const started = await PeerSession.start({ ...options, ...writeFakePeer(dir, 'stubborn', readyLine(), 'never') });
    if (!('session' in started)) throw new Error(`did not start: ${started.reason}`);
    await started.session.close(200);
    await expect(started.session.time('vae', 1, 0)).rejects.toThrow(/peer exited \(SIGKILL\)|stopped reading/);
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
