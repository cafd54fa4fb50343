/** tsx and jest strip types without checking them: this is where the strict settings of tsconfig.json hold. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

test('the whole project type-checks (tsc --noEmit, no unused locals)', () => {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.'], { cwd: resolve(__dirname, '..'), encoding: 'utf8' });
  expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
  expect(tsc.status).toBe(0);
}, 120_000);
