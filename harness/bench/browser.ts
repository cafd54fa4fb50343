/**
 * Browser backends: the training steps and sampling on WebGL (or WebGPU) inside Debian's
 * Chromium (/usr/bin/chromium, never a downloaded browser), driven by Playwright, headless.
 * The page is served from a loopback HTTP server: tf.min.js from node_modules and an esbuild
 * bundle of browser-page.ts. Without a GPU, Chromium renders WebGL with SwiftShader on the CPU,
 * and the device label says so ('software rendering').
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { referenceConfig } from '../../models/registry';
import { CHROMIUM_PATH } from '../report/environment';
import { fixedLatents } from '../samples/generate';
import { BENCH_DEFAULTS } from './defaults';
import type { PageInfo, PageTask } from './browser-page';
import type { Measurement, TimingOptions } from './measure';
import { completedRow, skippedRow, type RowContext } from './run';
import { syntheticShoes } from '../../models/testing';
import { matchesOnly, modelTasks, taskId, type TaskContext } from './tasks';
import type { BenchBackend, BenchTask, PeakInfo } from './types';

/** The brief's flags: no sandbox (root in a container), nothing that reaches the network by itself. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  // Chromium 116+ only falls back to SwiftShader WebGL when allowed to.
  '--enable-unsafe-swiftshader'];

/** Per-task limit; a task still running then is skipped, and the tasks after it (the page is busy). */
const GUARD_MS = { full: 300_000, quick: 90_000 };

async function bundlePage(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(__dirname, 'browser-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // seedrandom's Node branch requires 'crypto' inside a try; in the page it is absent.
    external: ['crypto'],
    plugins: [{
      name: 'tf-global',
      setup(build) {
        build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({ path: 'tf', namespace: 'tf-global' }));
        build.onLoad({ filter: /.*/, namespace: 'tf-global' }, () => ({ contents: 'module.exports = globalThis.tf;', loader: 'js' }));
      },
    }],
  });
  return result.outputFiles[0]!.text;
}

function serve(files: Record<string, { type: string; body: string | Buffer }>): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files[req.url ?? '/'];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** 'SwiftShader (software rendering): <renderer>' without a GPU, else the renderer string. */
export function rendererLabel(renderer: string): string {
  return /swiftshader|llvmpipe|software/i.test(renderer) ? `SwiftShader (software rendering): ${renderer}` : renderer;
}

function withGuard<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runBrowserBackend(
  backend: Extract<BenchBackend, 'webgl' | 'webgpu'>,
  ctx: TaskContext,
  o: { only: string[]; peak: PeakInfo; timing: TimingOptions },
): Promise<{ rows: BenchTask[]; failed: string[] }> {
  const defs = modelTasks(ctx).filter((d) => matchesOnly(taskId(d.name, backend), o.only));
  const skipAll = (device: string, reason: string) => ({ rows: defs.map((d) => skippedRow(d, { backend, device, peak: o.peak }, reason)), failed: [] });
  if (defs.length === 0) return { rows: [], failed: [] };
  if (backend === 'webgpu') {
    // The tfjs union bundle has no WebGPU backend; it ships as @tensorflow/tfjs-backend-webgpu.
    try {
      require.resolve('@tensorflow/tfjs-backend-webgpu');
    } catch {
      return skipAll('browser', '@tensorflow/tfjs-backend-webgpu is not installed (the tfjs bundle has no WebGPU backend)');
    }
    return skipAll('browser', 'WebGPU in headless Chromium is not wired yet');
  }
  let playwright: typeof import('playwright');
  try {
    playwright = await import('playwright');
  } catch (error) {
    return skipAll('browser', `playwright cannot load: ${(error as Error).message}`);
  }
  const page = await bundlePage();
  const server = await serve({
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><script src="/tf.min.js"></script><script src="/bench.js"></script>' },
    '/tf.min.js': { type: 'text/javascript', body: readFileSync(require.resolve('@tensorflow/tfjs/dist/tf.min.js')) },
    '/bench.js': { type: 'text/javascript', body: page },
  });
  let browser: Browser | undefined;
  const quick = o.timing.iterations <= BENCH_DEFAULTS.quick.iterations && o.timing.timeMs === 0;
  const guard = quick ? GUARD_MS.quick : GUARD_MS.full;
  try {
    browser = await playwright.chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const tab: Page = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { waitUntil: 'load' });
    const info = await tab.evaluate((b) => (globalThis as unknown as { benchPage: { init(b: string): Promise<PageInfo> } }).benchPage.init(b), backend);
    const device = rendererLabel(info.renderer);
    if (!info.ok) return skipAll(device, info.reason ?? 'backend unavailable');
    const rowCtx: RowContext = { backend, device, peak: o.peak };
    const rows: BenchTask[] = [];
    const failed: string[] = [];
    const images = Array.from(syntheticShoes(ctx.batch, ctx.seed).images);
    for (const def of defs) {
      const kind = def.model!;
      const { latentDim } = referenceConfig(kind) as { latentDim: number };
      const task: PageTask = {
        name: def.name, kind, group: def.group as PageTask['group'], images, batch: ctx.batch,
        latents: def.group === 'sample' ? Array.from(fixedLatents(BENCH_DEFAULTS.sampleBatch, latentDim, ctx.seed, 'bench')) : [],
        samples: BENCH_DEFAULTS.sampleBatch, seed: ctx.seed, noiseSeed: 1000, timing: o.timing,
      };
      process.stderr.write(`[bench] ${taskId(def.name, backend)} (${device}) …\n`);
      try {
        const result = await withGuard(
          tab.evaluate((t) => (globalThis as unknown as { benchPage: { run(t: PageTask): Promise<Measurement> } }).benchPage.run(t), task),
          guard,
        );
        if (result === 'timeout') {
          rows.push(skippedRow(def, rowCtx, `no result within the ${guard / 1000} s browser guard`));
          // The page's thread is still busy with it: later tasks would queue behind it.
          for (const rest of defs.slice(defs.indexOf(def) + 1)) rows.push(skippedRow(rest, rowCtx, `not run: ${def.name} hit the browser guard and the page is still busy`));
          break;
        }
        rows.push(completedRow(def, rowCtx, result));
      } catch (error) {
        rows.push(skippedRow(def, rowCtx, `failed: ${(error as Error).message.split('\n')[0]}${errors.length ? ` (${errors.at(-1)})` : ''}`));
        failed.push(taskId(def.name, backend));
      }
    }
    return { rows, failed };
  } catch (error) {
    return skipAll('browser', `Chromium failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await browser?.close().catch(() => undefined);
    server.close();
  }
}
