/**
 * `report` (what `npm start` runs): evaluate the checkpoints (unless --skip-evaluate), make the
 * pictures from the checkpoints with fixed latents, build <out>/index.html + report.json + assets/,
 * and render report.png and report.pdf with the system's Chromium (unless --no-render).
 *
 * Nothing missing stops the report: an input that cannot be had (no checkpoint, no dataset, a
 * failed evaluation, no bench run) becomes a 'missing' section saying why.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertWritableFolder } from '../models/atomic-write';
import { parseBackendName, useBackend, type BackendInfo } from '../models/backend';
import { buildReport } from '../harness/report/build';
import { REPORT_DEFAULTS } from '../harness/report/defaults';
import { errorText } from '../harness/report/inputs';
import type { Maybe } from '../harness/report/types';

export interface ReportCommand {
  /** Report folder (default reports/). */
  out?: string;
  /** Reuse <out>/metrics.json instead of evaluating. */
  skipEvaluate?: boolean;
  /** false: skip report.png / report.pdf (commander's --no-render). */
  render?: boolean;
  /** Print the file:// URL of the report. */
  open?: boolean;
  /** TensorFlow.js backend name (default $TFJS_BACKEND, then tensorflow). */
  backend?: string;
  dataDir?: string;
}

const log = (line: string) => console.error(`[report] ${line}`);

async function activateBackend(name?: string): Promise<Maybe<{ info: BackendInfo }>> {
  try {
    const info = await useBackend(name ? parseBackendName(name) : undefined);
    log(info.description);
    return { status: 'ok', info };
  } catch (error) {
    return { status: 'missing', reason: `no TensorFlow.js backend: ${errorText(error)}` };
  }
}

/** Pictures older than this build (started at `builtAt`, ms) would pass for it: removed when it did not render both. */
export function removeStaleRenders(outDir: string, builtAt: number, log: (line: string) => void): void {
  const stale = Object.values(REPORT_DEFAULTS.renderedFiles).map((f) => join(outDir, f)).filter((p) => existsSync(p) && statSync(p).mtimeMs < builtAt);
  for (const p of stale) rmSync(p);
  if (stale.length) log(`removed ${stale.map((p) => relative(process.cwd(), p) || p).join(' and ')}: ${stale.length > 1 ? 'they' : 'it'} showed an earlier build`);
}

export async function runReport(o: ReportCommand = {}): Promise<void> {
  const outDir = resolve(o.out ?? REPORT_DEFAULTS.outDir);
  assertWritableFolder(outDir, '--out');
  const metricsPath = join(outDir, 'metrics.json');
  const backend = await activateBackend(o.backend);
  const dataDir = o.dataDir ? resolve(o.dataDir) : undefined;

  let metricsFailure: string | undefined;
  if (!o.skipEvaluate) {
    if (backend.status === 'missing') metricsFailure = `evaluation not run: ${backend.reason}`;
    else {
      log('evaluating the checkpoints (use --skip-evaluate to reuse metrics.json)');
      try {
        const { runEvaluate } = await import('./evaluate');
        const { METRIC_DEFAULTS } = await import('../harness/metrics/defaults');
        await runEvaluate({ json: metricsPath, jsonSource: '--out (its metrics.json)', samples: METRIC_DEFAULTS.samples, seed: METRIC_DEFAULTS.seed, backend: backend.info, dataDir });
      } catch (error) {
        // A stale metrics.json must not pass for this run's numbers.
        metricsFailure = `evaluation failed: ${errorText(error)}`;
        log(metricsFailure);
      }
    }
  }

  log('making the pictures from the checkpoints');
  const { imagesFromCheckpoints } = await import('../harness/report/images');
  const images = backend.status === 'ok' ? { status: 'ok' as const, ...(await imagesFromCheckpoints({ dataDir, backend: backend.info })) } : backend;

  const builtAt = Date.now();
  const report = buildReport({ outDir, metricsPath, images, metricsFailure });
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const missing = Object.entries(report.data.sections).filter(([, s]) => s.status === 'missing');
  log(`built ${rel(report.indexPath)} and ${rel(report.jsonPath)}; ${missing.length ? `missing: ${missing.map(([id]) => id).join(', ')}` : 'every section present'}`);

  let rendered = false;
  if (o.render !== false) {
    const { renderReport } = await import('../harness/report/render');
    try {
      const result = await renderReport(report.indexPath, outDir);
      for (const p of result.problems) log(`page problem: ${p}`);
      log(`rendered ${rel(result.png)} and ${rel(result.pdf)}`);
      // A console error or a failed request means some part of the page did not draw.
      if (result.problems.length) {
        log(`the page had ${result.problems.length} problem${result.problems.length > 1 ? 's' : ''} (above): the pictures show it as it drew`);
        process.exitCode = 1;
      }
      rendered = true;
    } catch (error) {
      log(`rendering failed: ${errorText(error)} (the HTML report is complete; --no-render skips this step)`);
      process.exitCode = 1;
    }
  }
  if (!rendered) removeStaleRenders(outDir, builtAt, log);
  if (o.open) console.log(pathToFileURL(report.indexPath).href);
}
