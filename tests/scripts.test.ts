/** The shell scripts stop at the first bad input, saying what they expected and found. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scripts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bash = (script: string, env: Record<string, string>) => spawnSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8' });

// The script builds for Linux x86-64 only and says so first elsewhere.
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64' ? test : test.skip;

onLinuxX64('setup-native.sh stops at a wheel whose checksum does not match, before unpacking it', () => {
  const wheel = join(dir, 'tensorflow.whl');
  writeFileSync(wheel, 'not a wheel');
  const run = bash('scripts/setup-native.sh', { TF_WHEEL: wheel, LIBTENSORFLOW_CACHE: join(dir, 'cache') });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`error: ${wheel}: sha256 expected 6666dd[0-9a-f]+, found [0-9a-f]{64}`));
  expect(run.stderr).not.toMatch(/unpacking/);
  expect(existsSync(join(dir, 'cache'))).toBe(false);
});

test('train-all.sh refuses a stage it does not know before training anything', () => {
  const run = bash('scripts/train-all.sh', { STAGES: 'vae dcgn' });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe("train-all.sh: STAGES: expected names among 'classifier sweep vae dcgan wgan-gp', found 'dcgn'\n");
});
