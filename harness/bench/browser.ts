/**
 * Browser backends: the training steps and sampling on WebGL or WebGPU inside Debian's Chromium
 * (/usr/lib/chromium/chromium, never a downloaded browser), driven by Playwright, headless. The
 * page is served from a loopback HTTP server (a secure context, which WebGPU needs): tf.min.js and
 * tf-backend-webgpu.min.js from node_modules and an esbuild bundle of browser-page.ts. Without a
 * GPU, Chromium runs both on SwiftShader on the CPU, and the device label says so ('software
 * rendering').
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { batchesPerStep, referenceConfig } from '../../models/registry';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../report/environment';
import { fixedLatents } from '../samples/generate';
import { BENCH_DEFAULTS } from './defaults';
import type { PageInfo, PageTask } from './browser-page';
import type { Measurement, TimingOptions } from './measure';
import { completedRow, skippedRow, type RowContext } from './run';
import { syntheticShoes } from '../../models/testing';
import { taskId, tasksFor, type TaskContext } from './tasks';
import type { BenchBackend, BenchTask, PeakInfo } from './types';

/**
 * The GPU stays on (a machine with one uses it); Chromium 116+ only falls back to SwiftShader when
 * allowed to. WebGPU is behind a flag on Linux; with it and no GPU, the adapter is SwiftShader's.
 */
const CHROMIUM_ARGS: Record<'webgl' | 'webgpu', string[]> = {
  webgl: [...CHROMIUM_BASE_ARGS, '--enable-unsafe-swiftshader'],
  webgpu: [...CHROMIUM_BASE_ARGS, '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'],
};

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

const isSoftwareRenderer = (renderer: string) => /swiftshader|llvmpipe|software/i.test(renderer);

/** 'SwiftShader (software rendering): <renderer>' without a GPU, else the renderer string. */
export function rendererLabel(renderer: string): string {
  return isSoftwareRenderer(renderer) ? `SwiftShader (software rendering): ${renderer}` : renderer;
}

function withGuard<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Times `backend`'s tasks in Chromium. Playwright or Chromium absent, or a backend the browser
 * does not start, skips them; anything else that stops the run before the tasks (the page bundle,
 * Chromium crashing at launch, the page's init throwing) fails them.
 */
export async function runBrowserBackend(
  backend: Extract<BenchBackend, 'webgl' | 'webgpu'>,
  ctx: TaskContext,
  o: { only: string[]; peak: PeakInfo; timing: TimingOptions; chromiumPath?: string },
): Promise<{ rows: BenchTask[]; failed: string[] }> {
  const defs = tasksFor(backend, ctx, o.only);
  const rowsOf = (device: string, reason: string) => defs.map((d) => skippedRow(d, { backend, device, peak: o.peak }, reason));
  const skipAll = (device: string, reason: string) => ({ rows: rowsOf(device, reason), failed: [] });
  const failAll = (device: string, reason: string) => ({ rows: rowsOf(device, reason), failed: defs.map((d) => taskId(d.name, backend)) });
  if (defs.length === 0) return { rows: [], failed: [] };
  const chromium = o.chromiumPath ?? CHROMIUM_PATH;
  if (!existsSync(chromium)) return skipAll('browser', `no Chromium at ${chromium} (\`apt-get install chromium\`, or set $CHROMIUM_PATH)`);
  let playwright: typeof import('playwright');
  try {
    playwright = await import('playwright');
  } catch (error) {
    return skipAll('browser', `playwright cannot load: ${(error as Error).message}`);
  }
  let browser: Browser | undefined;
  let server: Server | undefined;
  const quick = o.timing.iterations <= BENCH_DEFAULTS.quick.iterations && o.timing.timeMs === 0;
  const guard = quick ? BENCH_DEFAULTS.browser.guardMs.quick : BENCH_DEFAULTS.browser.guardMs.full;
  let stage = 'bundling the page';
  try {
    const page = await bundlePage();
    const scripts = ['/tf.min.js', '/tf-backend-webgpu.min.js', '/bench.js'];
    server = await serve({
      '/': { type: 'text/html', body: `<!doctype html><meta charset="utf-8">${scripts.map((src) => `<script src="${src}"></script>`).join('')}` },
      '/tf.min.js': { type: 'text/javascript', body: readFileSync(require.resolve('@tensorflow/tfjs/dist/tf.min.js')) },
      '/tf-backend-webgpu.min.js': { type: 'text/javascript', body: readFileSync(require.resolve('@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js')) },
      '/bench.js': { type: 'text/javascript', body: page },
    });
    stage = `starting Chromium (${chromium})`;
    browser = await playwright.chromium.launch({ executablePath: chromium, headless: true, args: CHROMIUM_ARGS[backend] });
    stage = 'opening the first tab';
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    /** Page errors of the current tab only, so a failure never quotes an earlier task's. */
    const errors: string[] = [];
    const openTab = async (): Promise<{ tab: Page; info: PageInfo }> => {
      errors.length = 0;
      const tab = await browser!.newPage();
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(url, { waitUntil: 'load' });
      const info = await tab.evaluate(
        ([b, tolerance]) => (globalThis as unknown as { benchPage: { init(b: string, tolerance: number): Promise<PageInfo> } }).benchPage.init(b, tolerance),
        [backend, BENCH_DEFAULTS.browser.tolerance] as const,
      );
      return { tab, info };
    };
    // The first tab tells the device and whether the backend starts at all; the first task runs in it.
    let spare: { tab: Page; info: PageInfo } | undefined = await openTab();
    stage = 'running the tasks';
    const { info } = spare;
    const device = rendererLabel(info.renderer);
    if (!info.ok) return skipAll(device, info.reason ?? 'backend unavailable');
    // The CPU's peak describes software rendering only; a hardware GPU's is unknown here.
    const rowCtx: RowContext = { backend, device, peak: isSoftwareRenderer(device) ? o.peak : null };
    const rows: BenchTask[] = [];
    const failed: string[] = [];
    const timedOut = new Map<string, string>();
    for (const def of defs) {
      const slower = timedOut.get(def.group);
      if (slower) {
        rows.push(skippedRow(def, rowCtx, `not run: ${slower} (less work) hit the ${guard / 1000} s browser guard`));
        continue;
      }
      const kind = def.model!;
      const { latentDim } = referenceConfig(kind) as { latentDim: number };
      const stepImages = ctx.batch * batchesPerStep(kind);
      const task: PageTask = {
        name: def.name, backend, kind, group: def.group as PageTask['group'], images: Array.from(syntheticShoes(stepImages, ctx.seed).images), batch: stepImages,
        latents: def.group === 'sample' ? Array.from(fixedLatents(BENCH_DEFAULTS.sampleBatch, latentDim, ctx.seed, 'bench')) : [],
        samples: BENCH_DEFAULTS.sampleBatch, seed: ctx.seed, noiseSeed: 1000, timing: o.timing,
      };
      process.stderr.write(`[bench] ${taskId(def.name, backend)} (${device}) …\n`);
      // A fresh tab per task: a task cannot inherit another's GPU memory, lost device or busy thread.
      // Its own init (and WebGPU's check) must pass too.
      let tab: Page | undefined;
      try {
        const opened = spare ?? (await openTab());
        spare = undefined;
        tab = opened.tab;
        if (!opened.info.ok) {
          rows.push(skippedRow(def, rowCtx, opened.info.reason ?? 'backend unavailable in this tab'));
          failed.push(taskId(def.name, backend));
          continue;
        }
        const result = await withGuard(
          tab.evaluate((t) => (globalThis as unknown as { benchPage: { run(t: PageTask): Promise<Measurement> } }).benchPage.run(t), task),
          guard,
        );
        if (result === 'timeout') {
          rows.push(skippedRow(def, rowCtx, `no result within the ${guard / 1000} s browser guard`));
          timedOut.set(def.group, def.name);
          continue;
        }
        rows.push(completedRow(def, rowCtx, result));
      } catch (error) {
        rows.push(skippedRow(def, rowCtx, `failed: ${(error as Error).message.split('\n')[0]}${errors.length ? ` (${errors.at(-1)})` : ''}`));
        failed.push(taskId(def.name, backend));
      } finally {
        await tab?.close({ runBeforeUnload: false }).catch(() => undefined);
      }
    }
    return { rows, failed };
  } catch (error) {
    return failAll('browser', `failed while ${stage}: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await browser?.close().catch(() => undefined);
    server?.close();
  }
}
