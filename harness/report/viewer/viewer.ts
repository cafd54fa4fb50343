/**
 * The report viewer: reads the ReportData embedded in index.html (`<script type="application/json"
 * id="report-data">`) and builds the page. It only reads; build.ts bundles this file into
 * assets/viewer.js. Every piece of text from the data goes in through `textContent` or
 * `setAttribute` (never innerHTML), and image paths must point under assets/.
 *
 * Chart.js is the UMD build loaded before this script (global `Chart`).
 */
import type { Chart as ChartClass, ChartConfiguration } from 'chart.js';
import {
  REPORT_FORMAT,
  REPORT_VERSION,
  SECTION_ORDER,
  type AlphaRun,
  type AlphaSweepRow,
  type BenchData,
  type BenchGoal,
  type BenchRow,
  type CheckStatus,
  type ClaimCheck,
  type CurvesData,
  type EnvironmentData,
  type GoldenEntry,
  type GoldensData,
  type ImageGrid,
  type ImageRef,
  type ImageRowsData,
  type MetricDefinition,
  type MetricRow,
  type MetricsData,
  type ModelCurves,
  type ReportData,
  type Section,
  type SectionId,
  type Series,
  type TileLabel,
  type ZoomData,
} from '../types';

declare const Chart: typeof ChartClass | undefined;

// ─── DOM helpers (text only) ─────────────────────────────────────────────────────────────────

type Child = Node | string | number | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, String(value));
  append(node, children);
  return node;
}

function append(node: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Only relative paths under assets/ may become image sources. */
function safeSrc(src: string): string | undefined {
  return /^assets\/[A-Za-z0-9._-]+$/.test(src) ? src : undefined;
}

function img(ref: ImageRef, cls = 'pixelated'): HTMLElement {
  const src = safeSrc(ref.src);
  if (!src) return missingBox(`image path ${JSON.stringify(ref.src)} is not under assets/`);
  return h('img', { src, width: ref.width, height: ref.height, alt: ref.alt, class: cls, loading: 'eager', decoding: 'sync' });
}

function missingBox(reason: string): HTMLElement {
  return h('div', { class: 'missing', role: 'note' }, h('strong', {}, 'Missing'), ' ', h('span', { class: 'missing-reason' }, reason));
}

/** Three significant digits (exponent notation outside 1e-3 … 1e5), a dash for no value. */
function fmt(v: number | undefined, digits = 3): string {
  if (v === undefined || v === null) return '–';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 1);
  if (a >= 10 ** digits) return v.toFixed(0);
  return v.toPrecision(digits);
}

function pct(v: number | undefined): string {
  return v === undefined ? '–' : `${(v * 100).toFixed(1)} %`;
}

function ratio(v: number | undefined): string {
  return v === undefined ? '–' : `${v.toFixed(2)}×`;
}

function table(head: string[], rows: Child[][], cls = ''): HTMLTableElement {
  return h(
    'table',
    { class: `data ${cls}`.trim() },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

function badge(status: CheckStatus | GoldenEntry['status'] | 'ok' | 'missing', label: string = status): HTMLElement {
  return h('span', { class: `badge badge-${status}` }, label);
}

/** A claim's badge: 'missing' reads "not decidable", as in the summary (absent inputs, or intervals that cannot tell). */
function claimBadge(status: CheckStatus): HTMLElement {
  return badge(status, status === 'missing' ? 'not decidable' : status);
}

// ─── Sections ────────────────────────────────────────────────────────────────────────────────

function imageRows(data: ImageRowsData): HTMLElement {
  const wrap = h('div', { class: 'image-rows' }, h('p', { class: 'caption' }, data.caption));
  for (const row of data.rows) {
    const head = h('div', { class: 'row-head' }, h('div', { class: 'row-label' }, row.label), row.note ? h('div', { class: 'row-note' }, row.note) : null);
    let body: HTMLElement;
    if (row.status === 'missing') body = missingBox(row.reason);
    else body = strip(row.image, row.tileLabels);
    wrap.appendChild(h('div', { class: 'image-row', 'data-status': row.status }, head, body));
  }
  return wrap;
}

function strip(grid: ImageGrid, labels: TileLabel[] | undefined): HTMLElement {
  const fig = h('figure', { class: 'strip' }, img(grid));
  if (labels && labels.length > 0) {
    const captions = h('div', { class: 'tile-labels' });
    captions.style.gridTemplateColumns = `repeat(${grid.cols}, ${grid.tile}px)`;
    captions.style.columnGap = `${grid.gap}px`;
    captions.style.width = `${grid.width}px`;
    for (const label of labels) captions.appendChild(h('span', { class: label.flag ? 'flag' : undefined, title: label.title }, label.text));
    fig.appendChild(captions);
  }
  return fig;
}

function zoom(data: ZoomData): HTMLElement {
  const panels = h('div', { class: 'zoom-panels' });
  for (const p of data.panels) {
    const body = p.image.status === 'ok'
      ? h('div', { class: 'zoom-images' }, img(p.image.full), img(p.image.crop))
      : missingBox(p.image.reason);
    panels.appendChild(h('figure', { class: 'zoom-panel' }, h('figcaption', {}, p.label), body));
  }
  return h('div', {}, h('p', { class: 'caption' }, data.caption), panels);
}

function checksTable(checks: ClaimCheck[]): HTMLElement {
  return table(
    ['', 'Claim', 'Test', 'Evidence'],
    checks.map((c) => [
      claimBadge(c.status),
      h('div', {}, h('div', { class: 'claim' }, c.claim), c.quote ? h('div', { class: 'quote', lang: 'ja' }, `「${c.quote}」`) : null),
      h('code', {}, c.test),
      c.detail,
    ]),
    'checks',
  );
}

function metricCell(r: MetricRow | undefined): Child {
  if (!r) return h('span', { class: 'absent' }, '–');
  const meta = [r.ratioToReal === undefined ? '' : `×${fmt(r.ratioToReal)} real`, r.n === undefined ? '' : `n = ${r.n}`].filter(Boolean).join(' · ');
  return h(
    'div',
    { class: 'cell' },
    h('span', { class: 'num value' }, fmt(r.value)),
    r.interval ? h('span', { class: 'num interval' }, ` [${fmt(r.interval[0])}, ${fmt(r.interval[1])}]`) : null,
    meta ? h('div', { class: 'meta' }, meta) : null,
  );
}

const BETTER: Record<MetricDefinition['better'], string> = { higher: 'higher is better', lower: 'lower is better', 'near-real': 'closer to real is better', neither: '' };

function metrics(data: MetricsData): HTMLElement {
  const names = new Map(data.definitions.map((d) => [d.key, d]));
  const keys = [...new Set(data.rows.map((r) => r.metric))];
  const rows = keys.map((key) => {
    const d = names.get(key);
    return [
      h('div', {}, h('div', { class: 'metric-name' }, d?.name ?? key), d && BETTER[d.better] ? h('div', { class: 'meta' }, BETTER[d.better]) : null),
      ...data.subjects.map((subject) => metricCell(data.rows.find((r) => r.metric === key && r.subject === subject))),
    ];
  });
  const defs = h('dl', { class: 'definitions' });
  for (const d of data.definitions) {
    defs.appendChild(h('dt', {}, d.name));
    defs.appendChild(h('dd', {}, d.definition));
  }
  return h(
    'div',
    {},
    h('h3', {}, 'The seed’s claims'),
    data.checks.length ? checksTable(data.checks) : h('p', {}, 'No claims could be tested.'),
    h('h3', {}, 'Metrics'),
    h('p', { class: 'caption' }, data.provenance),
    table(['Metric', ...data.subjects], rows, 'metrics'),
    h('p', { class: 'caption' }, 'Each cell: value [95 % bootstrap interval], its ratio to the real-data value, and n (images, pairs or samples behind it).'),
    data.notes.length ? h('ul', { class: 'notes' }, ...data.notes.map((n) => h('li', {}, n))) : null,
    h('h3', {}, 'Definitions'),
    defs,
  );
}

// ─── Charts ──────────────────────────────────────────────────────────────────────────────────

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e'];
const QUALITY_COLOR = '#111111';

function chartCanvas(label: string, width: number, height: number, config: ChartConfiguration): HTMLElement {
  const canvas = h('canvas', { width, height, role: 'img', 'aria-label': label, class: 'chart' });
  const holder = h('div', { class: 'chart-holder' }, canvas);
  if (typeof Chart === 'undefined') return missingBox('Chart.js did not load (assets/chart.umd.min.js).');
  // Drawn after the canvas is in the document (Chart.js measures it); render() marks the page
  // ready in a later microtask, so every chart is drawn by then.
  queueMicrotask(() => {
    try {
      new Chart!(canvas, config);
    } catch (error) {
      holder.replaceChildren(missingBox(`chart failed: ${(error as Error).message}`));
      console.error(error);
    }
  });
  return holder;
}

function powerOfTenLabel(v: number): string {
  const e = Math.log10(v);
  if (Math.abs(e - Math.round(e)) > 1e-9) return '';
  return v >= 1000 ? `${v / 1000}k` : String(v);
}

interface LineSeries {
  label: string;
  points: Array<[number, number]>;
  axis: 'y' | 'y1';
  color: string;
  dashed?: boolean;
  showPoints?: boolean;
}

function lineConfig(series: LineSeries[], axes: { x: string; y: string; y1?: string; xLog?: boolean; yLog?: boolean }): ChartConfiguration {
  return {
    type: 'line',
    data: {
      datasets: series.map((s) => ({
        label: s.label,
        data: s.points.map(([x, y]) => ({ x, y })),
        yAxisID: s.axis,
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: s.axis === 'y1' ? 2.5 : 1.5,
        borderDash: s.dashed ? [6, 4] : undefined,
        pointRadius: s.showPoints ? 3 : 0,
        tension: 0,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      parsing: false,
      normalized: true,
      plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, pointStyle: 'rectRounded', boxWidth: 12, font: { size: 11 } } }, tooltip: { enabled: true } },
      scales: {
        x: {
          type: axes.xLog ? 'logarithmic' : 'linear',
          title: { display: true, text: axes.x },
          // A log axis labels powers of ten only (1, 10, 100, 1k, …), flat, so small charts stay legible.
          ticks: axes.xLog ? { maxRotation: 0, callback: (v: number | string) => powerOfTenLabel(Number(v)) } : { maxRotation: 0 },
        },
        y: { type: axes.yLog ? 'logarithmic' : 'linear', position: 'left', title: { display: true, text: axes.y } },
        ...(axes.y1 ? { y1: { type: 'linear' as const, position: 'right' as const, title: { display: true, text: axes.y1 }, grid: { drawOnChartArea: false } } } : {}),
      },
    },
  } as ChartConfiguration;
}

function modelChart(m: ModelCurves & { status: 'ok' }): HTMLElement {
  const losses = m.series.filter((s) => s.axis === 'loss');
  const quality = m.series.find((s) => s.axis === 'quality');
  const series: LineSeries[] = losses.map((s, i) => ({ label: s.name, points: s.points, axis: 'y', color: PALETTE[i % PALETTE.length]! }));
  if (quality) series.push({ label: 'quality (Fréchet distance)', points: quality.points, axis: 'y1', color: QUALITY_COLOR, showPoints: true, dashed: true });
  // Losses of very different sizes (a VAE's α·MSE next to its MSE) share the left axis: a log
  // axis keeps them all readable where every value is positive.
  const values = losses.flatMap((s) => s.points.map((p) => p[1]));
  const positive = values.length > 0 && values.every((v) => v > 0);
  const yLog = positive && Math.max(...values) / Math.min(...values) > 100;
  const config = lineConfig(series, { x: 'step', y: yLog ? 'loss (log)' : 'loss', y1: quality ? 'Fréchet distance' : undefined, yLog });
  const tracking = table(
    ['Loss', 'Spearman ρ with quality', 'pairs'],
    m.tracking.map((t) => [h('code', {}, t.series), h('span', { class: 'num' }, Number.isFinite(t.spearman) ? t.spearman.toFixed(2) : 'n/a'), h('span', { class: 'num' }, t.n)]),
    'compact',
  );
  return h(
    'figure',
    { class: 'chart-card', 'data-model': m.model },
    h('figcaption', {}, `${m.label}: ${m.steps} steps`, m.bucket > 1 ? ` (losses averaged over ${m.bucket} steps)` : ''),
    chartCanvas(`${m.label} losses and quality over training steps`, 540, 300, config),
    quality ? tracking : h('p', { class: 'caption' }, 'No quality points in this log: nothing to correlate with.'),
  );
}

function sweepCharts(rows: AlphaSweepRow[]): HTMLElement {
  const keys: Array<[keyof AlphaSweepRow, string]> = [['mse', 'MSE'], ['kl', 'KL'], ['sharpness', 'sharpness'], ['frechet', 'Fréchet distance']];
  const wrap = h('div', { class: 'small-multiples' });
  keys.forEach(([key, label], i) => {
    const points = rows.map((r) => [r.alpha, r[key]] as [number, number]);
    wrap.appendChild(
      h('figure', { class: 'chart-card small' }, h('figcaption', {}, `${label} by α`), chartCanvas(`${label} by α`, 260, 190, lineConfig([{ label, points, axis: 'y', color: PALETTE[i]!, showPoints: true }], { x: 'α (log)', y: label, xLog: true }))),
    );
  });
  const t = table(['α', 'MSE', 'KL', 'sharpness', 'Fréchet distance'], rows.map((r) => [String(r.alpha), fmt(r.mse), fmt(r.kl), fmt(r.sharpness), fmt(r.frechet)].map((v) => h('span', { class: 'num' }, v))), 'compact');
  return h('div', {}, wrap, t);
}

function alphaRunsChart(runs: AlphaRun[]): HTMLElement {
  const pick = (name: string) =>
    runs.flatMap((r, i) => {
      const s = r.series.find((x: Series) => x.name === name);
      return s ? [{ label: `α = ${r.alpha}`, points: s.points, axis: 'y' as const, color: PALETTE[i % PALETTE.length]!, showPoints: name === 'quality' }] : [];
    });
  const quality = pick('quality');
  const mse = pick('mse');
  return h(
    'div',
    { class: 'chart-row' },
    quality.length
      ? h('figure', { class: 'chart-card' }, h('figcaption', {}, 'Fréchet distance during training, per α'), chartCanvas('Fréchet distance per α over steps', 540, 280, lineConfig(quality, { x: 'step', y: 'Fréchet distance' })))
      : missingBox('the α sweep logs have no quality points.'),
    mse.length
      ? h('figure', { class: 'chart-card' }, h('figcaption', {}, 'MSE term during training, per α'), chartCanvas('MSE per α over steps', 540, 280, lineConfig(mse, { x: 'step', y: 'MSE', yLog: true })))
      : missingBox('the α sweep logs have no mse field.'),
  );
}

function curves(data: CurvesData): HTMLElement {
  const models = h('div', { class: 'chart-row' });
  for (const m of data.models) {
    models.appendChild(m.status === 'ok' ? modelChart(m) : h('figure', { class: 'chart-card', 'data-model': m.model }, h('figcaption', {}, m.label), missingBox(m.reason)));
  }
  return h(
    'div',
    {},
    h('h3', {}, 'Does the loss track quality?'),
    data.checks.length ? checksTable(data.checks) : null,
    models,
    h('h3', {}, 'VAE α sweep'),
    h('p', { class: 'caption' }, 'L = KL + α·MSE: α weighs reconstruction against the prior (the seed: a larger α speeds up the decoder; the KL term is what keeps the latent space continuous).'),
    h('div', { class: 'subsection', id: 'alpha-summary' }, h('h4', {}, 'Summary per α'), data.alphaSweep.status === 'ok' ? sweepCharts(data.alphaSweep.rows) : missingBox(data.alphaSweep.reason)),
    h('div', { class: 'subsection', id: 'alpha-runs' }, h('h4', {}, 'Training logs per α'), data.alphaRuns.status === 'ok' ? alphaRunsChart(data.alphaRuns.runs) : missingBox(data.alphaRuns.reason)),
  );
}

// ─── Bench, goldens, environment ─────────────────────────────────────────────────────────────

function benchRow(r: BenchRow): Child[] {
  const head: Child[] = [h('code', {}, r.task), r.backend];
  if (r.status === 'skipped') {
    return [...head, h('span', { class: 'skipped' }, `skipped: ${r.reason}`), '–', '–', '–', '–', '–'];
  }
  const opinions = [
    r.peerNormalisedRatioToBaseline === undefined ? '' : `÷ PyTorch ${ratio(r.peerNormalisedRatioToBaseline)}${r.peerNormalisedUpperToBaseline === undefined ? '' : `, 95 % ≤ ${ratio(r.peerNormalisedUpperToBaseline)}`}`,
    r.rerunRatioToBaseline === undefined ? '' : `rerun ${ratio(r.rerunRatioToBaseline)}`,
  ].filter(Boolean);
  const rerun = opinions.length ? ` (${opinions.join(', ')}${r.regression ? '' : ', not confirmed'})` : '';
  // Only the figures keep to one line: the explanations beside them wrap, so the table fits the page.
  const baselineCell = r.ratioToBaseline === undefined ? '–' : h('span', { class: r.regression ? 'regression' : r.improvement ? 'improvement' : undefined }, h('span', { class: 'num' }, ratio(r.ratioToBaseline)), r.regression ? ' regression' : r.improvement ? ' faster' : '', rerun);
  return [
    ...head,
    h('span', { class: 'num' }, `${fmt(r.meanMs)} ± ${r.rme.toFixed(1)} %`),
    h('span', { class: 'num' }, fmt(r.p50Ms)),
    h('span', { class: 'num' }, r.samples),
    h('span', { class: 'num' }, pct(r.shareOfPeak)),
    h('span', {}, h('span', { class: 'num' }, ratio(r.ratioToPeer)), peerSpread(r.ratioToPeerInterval, r.ratioToPeerRange)),
    baselineCell,
  ];
}

/** Per profiled task: its time in TensorFlow ops and outside them, and the costliest ops. */
function profileTable(rows: BenchRow[]): HTMLTableElement | null {
  const profiled = rows.flatMap((r) => (r.status === 'completed' && r.profile ? [{ r, p: r.profile }] : []));
  if (!profiled.length) return null;
  const share = (ms: number, of: number) => `${fmt(ms)} (${pct(ms / of)})`;
  return table(
    ['Task', 'Backend', 'profiled ms / iteration', 'in TensorFlow ops', 'ops', 'outside ops', 'costliest ops (ms × count)'],
    profiled.map(({ r, p }) => [
      h('code', {}, r.task),
      r.backend,
      h('span', { class: 'num' }, fmt(p.iterationMs)),
      h('span', { class: 'num' }, share(p.opMs, p.iterationMs)),
      h('span', { class: 'num' }, Math.round(p.ops)),
      h('span', { class: 'num' }, share(p.outsideMs, p.iterationMs)),
      p.top.map((o) => `${o.name} ${fmt(o.ms)} × ${Math.round(o.count * 10) / 10}`).join(', '),
    ]),
    'bench profile',
  );
}

const span = (pair: [number, number]) => pair.map((v) => v.toFixed(2)).join('–');

/** " (95 % a–b; rounds c–d)": the paired ratio's interval and its rounds' range, whichever there is. */
function peerSpread(interval: [number, number] | undefined, range: [number, number] | undefined): string {
  const parts = [interval && `95 % ${span(interval)}`, range && `rounds ${span(range)}`].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function goalBadge(g: BenchGoal): HTMLElement {
  if (g.met !== undefined) return badge(g.met ? 'passed' : 'failed');
  return g.ratio !== undefined ? badge('missing', 'not decidable') : badge('missing');
}

function bench(data: BenchData): HTMLElement {
  const profile = profileTable(data.rows);
  const measured = (g: BenchGoal) => {
    if (g.ratio === undefined) return g.measuredMs === undefined ? '–' : `${fmt(g.measuredMs)} ms`;
    return `${ratio(g.ratio)}${g.interval ? peerSpread(g.interval, undefined) : ' (no interval: under 6 rounds)'}`;
  };
  const goals = data.goals.length
    ? table(['Goal', 'Backend', 'Measured', ''], data.goals.map((g) => [`${g.task}: ${g.goal}`, g.backend, h('span', { class: 'num' }, measured(g)), goalBadge(g)]), 'compact')
    : null;
  return h(
    'div',
    {},
    table(['Task', 'Backend', 'ms / iteration (mean ± rme)', 'p50 ms', 'samples', 'share of peak', 'ratio to PyTorch', 'ratio to baseline'], data.rows.map(benchRow), 'bench'),
    h(
      'ul',
      { class: 'notes' },
      h('li', {}, h('strong', {}, 'Run: '), data.provenance),
      h('li', {}, h('strong', {}, 'Peak: '), data.peak),
      h('li', {}, h('strong', {}, 'Peer: '), data.peer),
      h('li', {}, h('strong', {}, 'Baseline: '), data.baseline, ` (regression threshold ${(data.threshold * 100).toFixed(0)} %)`),
    ),
    goals ? h('h3', {}, 'Performance goals') : null,
    goals,
    profile ? h('h3', {}, 'Where the time goes (npm run bench -- --profile)') : null,
    profile,
  );
}

/** The image scaled to show at least `min` px on its long side (integer upscale) and at most `max`. */
function fitted(ref: ImageRef, min: number, max: number): ImageRef {
  const long = Math.max(ref.width, ref.height);
  const k = long < min ? Math.floor(min / long) : long > max ? max / long : 1;
  return { ...ref, width: Math.round(ref.width * k), height: Math.round(ref.height * k) };
}

/** Small goldens are enlarged pixel by pixel; large ones (page screenshots) shrunk smoothly. */
function thumbnail(ref: ImageRef): HTMLElement {
  const shown = fitted(ref, 84, 160);
  return img(shown, shown.width >= ref.width ? 'pixelated thumb' : 'thumb');
}

type FailureImages = NonNullable<GoldenEntry['failure']>;
const DIFF_TABS: Array<[keyof FailureImages | 'slider', string]> = [['diff', 'Diff'], ['actual', 'Actual'], ['expected', 'Expected'], ['slider', 'Slider'], ['composite', 'Side by side']];

/** Playwright-style image diff: tabs switch the shown image; the slider wipes expected into actual. */
function diffViewer(entry: GoldenEntry, failure: FailureImages): HTMLElement {
  const viewer = h('div', { class: 'diff-viewer' });
  const tabs = h('div', { class: 'diff-tabs', role: 'tablist' });
  const stage = h('div', { class: 'diff-stage' });
  const available = DIFF_TABS.filter(([key]) => (key === 'slider' ? failure.expected && failure.actual : failure[key]));
  const show = (key: (typeof DIFF_TABS)[number][0]) => {
    for (const b of Array.from(tabs.children)) b.setAttribute('aria-selected', String(b.getAttribute('data-tab') === key));
    stage.replaceChildren();
    if (key === 'slider') stage.appendChild(slider(failure.expected!, failure.actual!));
    else {
      const shown = img(fitted(failure[key]!, 280, 1100));
      shown.classList.add('diff-image');
      shown.setAttribute('data-kind', key);
      stage.appendChild(shown);
    }
  };
  for (const [key, label] of available) {
    const b = h('button', { type: 'button', role: 'tab', 'data-tab': key, 'aria-selected': 'false' }, label);
    b.addEventListener('click', () => show(key));
    tabs.appendChild(b);
  }
  if (available.length === 0) return missingBox(`${entry.testFile}/${entry.name}: no failure images to show`);
  viewer.append(tabs, stage);
  show(available[0]![0]);
  return viewer;
}

function slider(expected: ImageRef, actual: ImageRef): HTMLElement {
  const width = Math.max(expected.width, actual.width);
  const height = Math.max(expected.height, actual.height);
  const scale = Math.max(1, Math.floor(280 / Math.max(width, height)));
  const box = h('div', { class: 'slider-box' });
  box.style.width = `${width * scale}px`;
  box.style.height = `${height * scale}px`;
  const under = img({ ...actual, width: actual.width * scale, height: actual.height * scale });
  const over = img({ ...expected, width: expected.width * scale, height: expected.height * scale });
  const clip = h('div', { class: 'slider-clip' }, over);
  clip.style.width = '50%';
  box.append(under, clip);
  const range = h('input', { type: 'range', min: 0, max: 100, value: 50, 'aria-label': 'expected ← → actual' });
  range.addEventListener('input', () => (clip.style.width = `${range.value}%`));
  return h('div', { class: 'slider' }, box, h('label', {}, 'expected ', range, ' actual'));
}

function goldens(data: GoldensData): HTMLElement {
  const summary = h('p', {}, `${data.counts.passed} passed (a test matched their current content), ${data.counts.failed} failed, ${data.counts.unknown} unknown.`);
  const rows = data.entries.map((e) => [
    badge(e.status),
    h('code', {}, e.testFile),
    h('code', {}, e.name),
    e.snapshot ? thumbnail(e.snapshot) : '–',
    e.detail,
  ]);
  const failures = data.entries.filter((e) => e.status === 'failed' && e.failure);
  return h(
    'div',
    {},
    summary,
    table(['', 'Test file', 'Golden', 'Committed image', 'State'], rows, 'goldens'),
    ...failures.map((e) => h('div', { class: 'golden-failure', 'data-golden': `${e.testFile}/${e.name}` }, h('h3', {}, `${e.testFile} › ${e.name}`), diffViewer(e, e.failure!))),
  );
}

function environment(data: EnvironmentData): HTMLElement {
  const kv = (rows: Array<[string, Child]>) => table(['', ''], rows.map(([k, v]) => [h('strong', {}, k), v]), 'kv');
  return h(
    'div',
    { class: 'env-grid' },
    h('div', {}, h('h3', {}, 'Run'), kv([['Backend', data.backend], ['Commit', h('code', {}, data.commit)], ['Date', data.date], ['Platform', data.platform]])),
    h('div', {}, h('h3', {}, 'Versions'), kv(data.versions.map((v) => [v.name, v.version]))),
    h('div', {}, h('h3', {}, 'Seeds'), data.seeds.length ? kv(data.seeds.map((s) => [s.what, h('span', { class: 'num' }, s.seed)])) : h('p', {}, 'none recorded')),
    h('div', {}, h('h3', {}, 'Checkpoints'), data.checkpoints.length ? table(['Model', 'Step', 'Saved', 'Commit'], data.checkpoints.map((c) => [c.model, c.step ?? '–', c.savedAt ?? '–', h('code', {}, c.commit ?? '–')]), 'compact') : h('p', {}, 'none found')),
    h('div', { class: 'wide' }, h('h3', {}, 'Data (sha256)'), kv(data.data.map((d) => [d.file, h('code', { class: 'hash' }, d.sha256)]))),
  );
}

// ─── Page ────────────────────────────────────────────────────────────────────────────────────

const RENDERERS: { [K in SectionId]: (data: ReportData['sections'][K] extends Section<infer T> ? T : never) => HTMLElement } = {
  reconstructions: imageRows,
  samples: imageRows,
  interpolations: imageRows,
  zoom,
  metrics,
  curves,
  bench,
  goldens,
  environment,
};

function renderSection<K extends SectionId>(id: K, s: ReportData['sections'][K], index: number): HTMLElement {
  const letter = String.fromCharCode(97 + index);
  const el = h(
    'section',
    { id: `section-${id}`, class: 'section', 'data-section': id, 'data-status': s.status },
    h('h2', {}, `(${letter}) ${s.title} `, badge(s.status)),
    h('p', { class: 'lead' }, s.lead),
    h('p', { class: 'sources' }, 'Source: ', ...s.sources.flatMap((src, i) => [i ? ', ' : '', h('code', {}, src)])),
  );
  if (s.status === 'missing') el.appendChild(missingBox(s.reason));
  else {
    try {
      el.appendChild((RENDERERS[id] as (d: unknown) => HTMLElement)(s.data));
    } catch (error) {
      el.appendChild(missingBox(`the viewer could not show this section: ${(error as Error).message}`));
      console.warn(error);
    }
  }
  return el;
}

function summary(data: ReportData): HTMLElement {
  const list = h('ol', { class: 'toc' });
  SECTION_ORDER.forEach((id) => {
    const s = data.sections[id];
    list.appendChild(h('li', {}, h('a', { href: `#section-${id}` }, s.title), ' ', badge(s.status)));
  });
  const checks = [
    ...(data.sections.metrics.status === 'ok' ? data.sections.metrics.data.checks : []),
    ...(data.sections.curves.status === 'ok' ? data.sections.curves.data.checks : []),
  ];
  const count = (st: CheckStatus) => checks.filter((c) => c.status === st).length;
  // A missing section's claims are not in `checks`, so "not decidable" is what the others leave.
  const undecided = data.claimCount - count('passed') - count('failed');
  return h(
    'nav',
    { class: 'summary' },
    list,
    h('p', { class: 'claims-summary' }, `Claims: ${count('passed')} passed, ${count('failed')} failed, ${undecided} not decidable.`),
  );
}

function render(): void {
  const root = document.getElementById('report');
  const source = document.getElementById('report-data');
  if (!root) return;
  let data: ReportData;
  try {
    data = JSON.parse(source?.textContent ?? '') as ReportData;
  } catch (error) {
    root.replaceChildren(missingBox(`no report data in this page (${(error as Error).message}); rebuild it with \`npm start\`.`));
    return;
  }
  if (data.format !== REPORT_FORMAT || data.version !== REPORT_VERSION) {
    root.replaceChildren(missingBox(`report data is ${String(data.format)} v${String(data.version)}; this viewer reads ${REPORT_FORMAT} v${REPORT_VERSION}. Rebuild with \`npm start\`.`));
    return;
  }
  document.title = data.title;
  const header = h('header', {}, h('h1', {}, data.title), h('p', { class: 'generated' }, `Built ${data.generatedAt}`), summary(data));
  root.replaceChildren(header, ...SECTION_ORDER.map((id, i) => renderSection(id, data.sections[id], i)));
  queueMicrotask(() => root.setAttribute('data-ready', 'true'));
}

render();
