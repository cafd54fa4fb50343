/**
 * The WebGPU path end to end in Debian's Chromium: the page bundle, the flags, the check against
 * the cpu backend, and one awaited sampling iteration. Without a GPU the adapter is SwiftShader.
 */
import { useBackend } from '../../models/backend';
import { runBrowserBackend } from './browser';
import { detectPeak } from './peak';
import { measureModelCosts } from './tasks';

jest.setTimeout(120_000);

test('webgpu: the backend passes its check against cpu and times an iteration, labelled with its adapter', async () => {
  await useBackend('tensorflow');
  const ctx = { batch: 64, seed: 1, costs: measureModelCosts(1) };
  const { rows, failed } = await runBrowserBackend('webgpu', ctx, { only: ['sample/vae@webgpu'], peak: detectPeak(), timing: { iterations: 1, warmupIterations: 0, timeMs: 0 } });
  expect(failed).toEqual([]);
  expect(rows).toHaveLength(1);
  const [row] = rows;
  expect(row).toMatchObject({ id: 'sample/vae@webgpu', status: 'completed', device: expect.stringMatching(/WebGPU adapter /) });
  expect(row!.status === 'completed' && row!.tensors.growth).toBe(0);
});

describe('before the first task', () => {
  beforeAll(() => useBackend('tensorflow'));
  const ctx = () => ({ batch: 64, seed: 1, costs: measureModelCosts(1) });
  const o = (chromiumPath: string) => ({ only: ['sample/vae@webgl'], peak: detectPeak(), timing: { iterations: 1, warmupIterations: 0, timeMs: 0 }, chromiumPath });
  test('no Chromium: the tasks are skipped, saying where it was looked for', async () => {
    const { rows, failed } = await runBrowserBackend('webgl', ctx(), o('/nonexistent/chromium'));
    expect(failed).toEqual([]);
    expect(rows).toEqual([expect.objectContaining({ id: 'sample/vae@webgl', status: 'skipped', reason: expect.stringContaining('no Chromium at /nonexistent/chromium') })]);
  });
  test('a Chromium that does not start fails the tasks, so the run exits non-zero', async () => {
    const { rows, failed } = await runBrowserBackend('webgl', ctx(), o('/bin/false'));
    expect(failed).toEqual(['sample/vae@webgl']);
    expect(rows).toEqual([expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^failed while starting Chromium \(\/bin\/false\): /) })]);
  });
});
