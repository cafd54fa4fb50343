/**
 * Real jest, in a child process, on a one-test fixture in a temp folder (its own rootDir, so
 * nothing touches this project's snapshots/): the setup file, the matcher, jest's --ci / -u
 * modes and the obsolete-golden reporter working together.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GOLDEN_DEFAULTS } from './defaults';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const JEST = join(PROJECT_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

const FIXTURE = `
import { encodePng } from ${JSON.stringify(join(__dirname, 'png'))};

test('tiny image', () => {
  const data = Uint8Array.from({ length: 16 }, (_, i) => i * 16);
  expect(encodePng({ width: 4, height: 4, channels: 1, data })).toMatchGoldenImage('tiny');
});
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'golden-integration-'));
  mkdirSync(join(dir, 'suite'));
  writeFileSync(join(dir, 'suite', 'fixture.test.ts'), FIXTURE);
  mkdirSync(join(dir, 'snapshots', 'removed-suite'), { recursive: true });
  writeFileSync(join(dir, 'snapshots', 'removed-suite', 'unused.png'), 'a golden no test uses');
  mkdirSync(join(dir, 'reports', 'golden-failures', 'removed-suite'), { recursive: true });
  writeFileSync(join(dir, 'reports', 'golden-failures', 'removed-suite', 'unused-diff.png'), 'its last failure');
  // A test file both runs leave out with --testPathIgnorePatterns: its golden is not obsolete.
  writeFileSync(join(dir, 'suite', 'ignored.test.ts'), "test('left out', () => { throw new Error('ran'); });\n");
  mkdirSync(join(dir, 'snapshots', 'ignored'), { recursive: true });
  writeFileSync(join(dir, 'snapshots', 'ignored', 'kept.png'), 'a golden of a test file that did not run');
  // And one outside the folder both runs narrow jest's roots to with --roots.
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(dir, 'elsewhere', 'outside.test.ts'), "test('outside the roots', () => { throw new Error('ran'); });\n");
  mkdirSync(join(dir, 'snapshots', 'outside'), { recursive: true });
  writeFileSync(join(dir, 'snapshots', 'outside', 'kept.png'), 'a golden of a test file outside --roots');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runJest(args: string[]): { status: number | null; output: string } {
  const config = {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['**/*.test.ts'],
    transform: { '^.+\\.(t|j|mj)sx?$': [require.resolve('@swc/jest'), { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
    transformIgnorePatterns: ['/node_modules/(?!(pixelmatch)/)'],
    setupFilesAfterEnv: [join(__dirname, 'setup.ts')],
    reporters: ['default', join(__dirname, 'obsolete-reporter.cjs')],
  };
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  for (const name of ['CI', 'JEST_WORKER_ID', GOLDEN_DEFAULTS.usageEnv]) delete env[name];
  const run = spawnSync(process.execPath, [JEST, '--config', JSON.stringify(config), '--watchman=false', '--testPathIgnorePatterns', 'ignored', '--roots', join(dir, 'suite'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

const golden = () => join(dir, 'snapshots', 'fixture', 'tiny.png');

test('--ci: a missing golden fails and is not written; an obsolete golden fails the run', () => {
  const { status, output } = runJest(['--ci']);
  expect(status).toBe(1);
  expect(output).toContain("Golden image 'tiny' is missing: snapshots/fixture/tiny.png");
  expect(output).toContain('Create it locally with `npm test -- -u`');
  expect(existsSync(golden())).toBe(false);
  expect(output).toContain('1 obsolete golden (no test in this full run used it):\n    snapshots/removed-suite/unused.png');
  expect(output).toContain('CI mode fails on obsolete goldens');
});

test('-u writes the golden and removes the obsolete one', () => {
  const { status, output } = runJest(['-u', '--ci=false']);
  expect(status).toBe(0);
  expect(existsSync(golden())).toBe(true);
  expect(output).toContain('Removed 1 obsolete golden');
  expect(existsSync(join(dir, 'snapshots', 'removed-suite'))).toBe(false);
  expect(existsSync(join(dir, 'reports', 'golden-failures', 'removed-suite'))).toBe(false);
  expect(existsSync(join(dir, 'snapshots', 'ignored', 'kept.png'))).toBe(true);
  expect(existsSync(join(dir, 'snapshots', 'outside', 'kept.png'))).toBe(true);
  expect(output).toMatch(/Snapshots:\s+1 written/);
});

// A mismatch (artefacts, message) is covered in-process by matcher.test.ts; a third jest run here
// would take this file past its time budget.
