/**
 * Renders the built report with Playwright driving the system's Debian Chromium (never a
 * downloaded browser): a full-page PNG and a PDF beside index.html. Also used by the browser test
 * to open the page the same way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { writeFileAtomically } from '../../models/atomic-write';
import { REPORT_DEFAULTS } from './defaults';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from './environment';

/** The report needs no GPU: rendering on the CPU keeps the page golden the same on every machine. */
export const CHROMIUM_ARGS = [...CHROMIUM_BASE_ARGS, '--disable-gpu'];

/** The page width the report is laid out for (its column is 1180 px wide). */
export const VIEWPORT = { width: 1280, height: 900 };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's Chromium with \`apt-get update && apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium binary`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Console errors, uncaught exceptions and failed requests of a page, collected as they happen. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** Opens the report and waits until the viewer has drawn everything (charts, images, fonts). */
export async function openReport(page: Page, indexPath: string): Promise<void> {
  await page.goto(pathToFileURL(indexPath).href, { waitUntil: 'load' });
  await page.waitForSelector('#report[data-ready="true"]', { timeout: 30_000 });
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all(Array.from(document.images).map((img) => (img.complete ? undefined : img.decode().catch(() => undefined))));
  });
}

export interface RenderResult {
  png: string;
  pdf: string;
  problems: string[];
}

/** Writes <outDir>/report.png (full page) and <outDir>/report.pdf, each atomically. */
export async function renderReport(indexPath: string, outDir: string): Promise<RenderResult> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const problems = watchProblems(page);
    await openReport(page, indexPath);
    const png = join(outDir, REPORT_DEFAULTS.renderedFiles.png);
    const pdf = join(outDir, REPORT_DEFAULTS.renderedFiles.pdf);
    writeFileAtomically(png, await page.screenshot({ fullPage: true, type: 'png' }));
    writeFileAtomically(pdf, await page.pdf({ format: 'A4', landscape: true, printBackground: true, scale: 0.7, margin: { top: '10mm', bottom: '10mm', left: '8mm', right: '8mm' } }));
    return { png, pdf, problems };
  } finally {
    await browser.close();
  }
}
