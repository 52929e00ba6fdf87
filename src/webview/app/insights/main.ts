// The browser side of the UDF insights webview. It receives a ready-made view (numbers and text
// made visible by the host) and draws it: uPlot canvases for runs per bucket and execution time,
// tables for everything (the "Show tables" toggle is every chart's text alternative), all text
// set with textContent. Colours are the theme's own variables, read again when the theme changes.
//
// uPlot (MIT, ~50 KB minified, canvas, no eval, no inline styles: it sets styles through the
// CSSOM, which the page's CSP allows) is bundled into this script; its CSS into insights.css.

// First: configures l10n.t from the host's bundle before any other module runs (see ../l10n.ts).
import '../l10n';
import * as l10n from '@vscode/l10n';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { InsightsHostMessage, InsightsMessage, InsightsState, InsightsSubject, InsightsView, RatioView } from '../../../insights/protocol';
import { countText, formatCount } from '../../../text/counts';
import { formatDuration, formatDurationTick, formatLocalTime } from '../../../shared/presentation';
import './insights.css';

interface VsCodeApi {
  postMessage(message: InsightsMessage): void;
  getState(): unknown;
  setState(state: InsightsState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

/** Bottom first, as aggregate.ts's STATUSES. */
const STATUSES = ['ok', 'cached', 'incomplete', 'failed'] as const;
type Status = (typeof STATUSES)[number];
/** A status's name, translated when asked (a function, so it reads the bundle ./l10n configured). */
function statusLabel(status: Status): string {
  switch (status) {
    case 'ok':
      return l10n.t('OK');
    case 'cached':
      return l10n.t('Cached');
    case 'incomplete':
      return l10n.t('Incomplete');
    case 'failed':
      return l10n.t('Failed');
  }
}
/** Theme variables per series; VS Code defines the charts.* colours in every theme, High Contrast included. */
const STATUS_COLOUR_VAR: Record<Status, string> = { ok: '--vscode-charts-green', cached: '--vscode-charts-blue', incomplete: '--vscode-charts-yellow', failed: '--vscode-charts-red' };
const P50_VAR = '--vscode-charts-purple';
const P95_VAR = '--vscode-charts-orange';
/** Most rows the run table builds (the newest); the table says when it shows fewer than were drawn. */
const RUN_TABLE_MAX = 2000;
/** A log scale cannot show 0 s; such runs are drawn at 1 ms (the table shows the real value). */
const LOG_FLOOR_SECONDS = 0.001;

let state: InsightsState | undefined = readState();
let subject: InsightsSubject | undefined = state?.subject;
let view: InsightsView | undefined;
let tables = state?.tables ?? false;
let charts: uPlot[] = [];
let lastError: string | undefined;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as InsightsHostMessage;
  if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
  switch (message.type) {
    case 'loading':
      subject = message.subject;
      saveState();
      lastError = undefined;
      if (view && view.key === message.key) setBusy(message.more ? l10n.t('Loading more runs…') : l10n.t('Refreshing…'));
      else renderPlaceholder(l10n.t('Loading runs…'));
      break;
    case 'data':
      subject = message.subject;
      saveState();
      view = message.view;
      render(message.view);
      break;
    case 'error':
      lastError = message.message;
      if (view) renderError(message.message);
      else renderPlaceholder(message.message, true);
      break;
  }
});

// The theme changed (VS Code swaps the body's class and its variables): recolour.
new MutationObserver(() => {
  if (view) drawCharts(view);
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });

vscode.postMessage({ type: 'ready' });

function readState(): InsightsState | undefined {
  const raw = vscode.getState() as Partial<InsightsState> | undefined;
  return raw && typeof raw === 'object' && raw.subject ? (raw as InsightsState) : undefined;
}

function saveState(): void {
  if (!subject) return;
  state = { subject, tables };
  vscode.setState(state);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderPlaceholder(text: string, error = false): void {
  destroyCharts();
  app.replaceChildren(el('p', { class: error ? 'placeholder error' : 'placeholder', role: error ? 'alert' : 'status' }, text));
  app.setAttribute('aria-busy', error ? 'false' : 'true');
}

function setBusy(text: string): void {
  app.setAttribute('aria-busy', 'true');
  const banner = document.getElementById('banner');
  if (banner) {
    banner.className = 'banner info';
    banner.textContent = text;
  }
  for (const button of Array.from(app.querySelectorAll<HTMLButtonElement>('button[data-action="loadMore"], button[data-action="refresh"]'))) button.disabled = true;
}

function renderError(message: string): void {
  app.setAttribute('aria-busy', 'false');
  const banner = document.getElementById('banner');
  if (banner) {
    banner.className = 'banner error';
    banner.setAttribute('role', 'alert');
    banner.textContent = message;
  }
  for (const button of Array.from(app.querySelectorAll<HTMLButtonElement>('button[data-action]'))) button.disabled = false;
}

function themeColour(variable: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

function render(v: InsightsView): void {
  const started = performance.now();
  destroyCharts();
  const header = el('header', { class: 'insights-header' });
  header.append(el('h1', { 'data-testid': 'insights-title' }, v.heading));
  header.append(el('p', { class: 'subtitle', 'data-insights': 'subject' }, `${v.scopeLabel} · ${v.rangeLabel}`));
  const basis = el('p', { class: 'basis', 'data-insights': 'basis', 'data-runs': String(v.basis.runs), 'data-complete': String(v.basis.complete) }, v.basis.text);
  header.append(basis);
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': l10n.t('Insights actions') });
  const toggle = button(tables ? l10n.t('Show charts') : l10n.t('Show tables'), 'toggleTables', () => {
    tables = !tables;
    saveState();
    if (view) render(view);
  });
  toggle.setAttribute('aria-pressed', String(tables));
  toolbar.append(toggle);
  if (v.basis.canLoadMore) toolbar.append(button(l10n.t('Load more runs'), 'loadMore', () => vscode.postMessage({ type: 'loadMore' })));
  toolbar.append(button(l10n.t('Refresh'), 'refresh', () => vscode.postMessage({ type: 'refresh' })));
  header.append(toolbar);
  const banner = el('div', { id: 'banner', class: 'banner', 'aria-live': 'polite' });
  if (lastError) {
    banner.className = 'banner error';
    banner.textContent = lastError;
  }
  header.append(banner);

  const main: HTMLElement[] = [header, ratiosSection(v), runsSection(v), durationsSection(v), errorsSection(v), breakdownSection('users', l10n.t('Runs by user'), l10n.t('User'), v.byUser), breakdownSection('engines', l10n.t('Runs by engine'), l10n.t('Engine'), v.byEngine)];
  app.replaceChildren(...main);
  app.classList.toggle('tables', tables);
  app.setAttribute('data-view', tables ? 'tables' : 'charts');
  app.setAttribute('aria-busy', 'false');
  if (!tables) drawCharts(v);
  // Count the drawing as the browser paints it: two frames after the canvases were filled.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const ms = performance.now() - started;
      document.body.setAttribute('data-draw-ms', ms.toFixed(1));
      document.body.setAttribute('data-drawn-runs', String(v.basis.runs));
      vscode.postMessage({ type: 'drawn', points: v.durations.points.t.length, ms: Math.round(ms * 10) / 10 });
    }),
  );
}

function button(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const node = el('button', { type: 'button', 'data-action': action }, label);
  node.addEventListener('click', onClick);
  return node;
}

function section(name: string, title: string): HTMLElement {
  const node = el('section', { 'data-chart': name, 'aria-labelledby': `title-${name}` });
  node.append(el('h2', { id: `title-${name}` }, title));
  return node;
}

function ratiosSection(v: InsightsView): HTMLElement {
  const node = section('ratios', l10n.t('Failure rate and cache hits'));
  const cards = el('div', { class: 'cards' });
  cards.append(ratioCard('failure', l10n.t('Failure rate'), v.ratios.failure, v.ratios.previousLabel), ratioCard('cacheHit', l10n.t('Cache-hit ratio'), v.ratios.cacheHit, v.ratios.previousLabel));
  node.append(cards);
  return node;
}

function ratioCard(name: string, title: string, ratio: RatioView, previousLabel: string): HTMLElement {
  const card = el('div', { class: 'card', 'data-ratio': name });
  card.append(el('h3', {}, title));
  card.append(el('p', { class: 'big', 'data-insights': 'value' }, ratio.text));
  card.append(el('p', { class: 'detail' }, ratio.detail));
  if (ratio.previous) {
    const good = ratio.trend === 'same' || ratio.trend === undefined ? 'neutral' : ratio.trend === ratio.better ? 'good' : 'bad';
    const trend = el('p', { class: `trend ${good}`, 'data-insights': 'trend', 'data-trend': ratio.trend ?? '' });
    trend.textContent = l10n.t('{0} vs {1} in the {2} ({3})', ratio.trendText ?? '', ratio.previous.text, previousLabel, ratio.previous.detail);
    card.append(trend);
  } else {
    card.append(el('p', { class: 'detail' }, previousLabel));
  }
  return card;
}

function runsSection(v: InsightsView): HTMLElement {
  const hourly = v.buckets.unit === 'hour';
  const node = section('runs', hourly ? l10n.t('Runs per hour by status') : l10n.t('Runs per day by status'));
  const chartLabel = hourly ? l10n.t('Runs per hour, stacked by status; arrow keys step through the hours') : l10n.t('Runs per day, stacked by status; arrow keys step through the days');
  node.append(el('div', { class: 'chart-host', id: 'chart-runs', tabindex: '0', role: 'img', 'aria-label': chartLabel }));
  node.append(el('div', { class: 'tooltip', id: 'tooltip-runs', role: 'status', 'aria-live': 'polite' }));
  const table = el('table', { class: 'data-table', 'data-table': 'runs' });
  const head = el('tr');
  for (const text of [hourly ? l10n.t('Hour') : l10n.t('Day'), ...STATUSES.map(statusLabel), l10n.t('All'), 'p50', 'p95']) head.append(el('th', { scope: 'col' }, text));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  const body = table.tBodies[0];
  v.buckets.starts.forEach((start, i) => {
    const row = el('tr', { 'data-bucket-start': String(start) });
    row.append(el('th', { scope: 'row' }, v.buckets.labels[i]));
    let all = 0;
    for (const status of STATUSES) {
      const count = v.buckets.counts[status][i];
      all += count;
      row.append(el('td', { 'data-col': status }, count.toLocaleString('en-US')));
    }
    row.append(el('td', { 'data-col': 'all' }, all.toLocaleString('en-US')));
    row.append(el('td', { 'data-col': 'p50' }, seconds(v.buckets.p50[i])));
    row.append(el('td', { 'data-col': 'p95' }, seconds(v.buckets.p95[i])));
    body.append(row);
  });
  const total = el('tr', { 'data-bucket-start': 'total', class: 'total' });
  total.append(el('th', { scope: 'row' }, l10n.t('Total')));
  for (const status of STATUSES) total.append(el('td', { 'data-col': status }, v.totals[status].toLocaleString('en-US')));
  total.append(el('td', { 'data-col': 'all' }, v.totals.all.toLocaleString('en-US')));
  total.append(el('td', { 'data-col': 'p50' }, v.durations.p50Text), el('td', { 'data-col': 'p95' }, v.durations.p95Text));
  const foot = el('tfoot');
  foot.append(total);
  table.append(foot);
  node.append(wrapTable(table));
  return node;
}

function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatDuration(value);
}

function durationsSection(v: InsightsView): HTMLElement {
  const node = section('durations', l10n.t('Execution time per run'));
  const without = v.durations.withoutDuration;
  const note =
    l10n.t('Log scale; p50 {0}, p95 {1}.', v.durations.p50Text, v.durations.p95Text) +
    (without ? ` ${countText(without, l10n.t('{0} run without an execution time is not drawn.'), l10n.t('{0} runs without an execution time are not drawn.'))}` : '');
  node.append(el('p', { class: 'detail', 'data-insights': 'percentiles' }, note));
  node.append(el('div', { class: 'chart-host', id: 'chart-durations', tabindex: '0', role: 'application', 'aria-label': l10n.t('Execution time per run; arrow keys select a run, Enter opens its details') }));
  node.append(el('div', { class: 'tooltip', id: 'tooltip-durations', role: 'status', 'aria-live': 'polite' }));
  if (tables) node.append(wrapTable(runTable(v)));
  return node;
}

function runTable(v: InsightsView): HTMLTableElement {
  const { points, ids, users } = v.durations;
  const table = el('table', { class: 'data-table', 'data-table': 'durations' });
  const shown = Math.min(points.t.length, RUN_TABLE_MAX);
  table.append(el('caption', {}, shown < points.t.length ? l10n.t('The newest {0} of {1} runs drawn', formatCount(shown), formatCount(points.t.length)) : countText(points.t.length, l10n.t('{0} run drawn'), l10n.t('{0} runs drawn'))));
  const head = el('tr');
  for (const text of [l10n.t('Time'), l10n.t('Execution time'), l10n.t('User'), l10n.t('Status'), '']) head.append(el('th', { scope: 'col' }, text));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  const body = table.tBodies[0];
  for (let i = points.t.length - 1; i >= points.t.length - shown; i--) {
    const id = ids[points.run[i]];
    const row = el('tr', { 'data-run-id': id });
    row.append(el('td', {}, formatLocalTime(new Date(points.t[i] * 1000).toISOString())));
    row.append(el('td', { 'data-col': 'seconds', 'data-seconds': String(points.seconds[i]) }, formatDuration(points.seconds[i])));
    row.append(el('td', {}, users[points.user[i]] ?? ''));
    row.append(el('td', {}, statusLabel(STATUSES[points.status[i]])));
    const cell = el('td');
    cell.append(button(l10n.t('Details'), 'openRun', () => vscode.postMessage({ type: 'openRun', id })));
    row.append(cell);
    body.append(row);
  }
  return table;
}

function errorsSection(v: InsightsView): HTMLElement {
  const node = section('errors', l10n.t('Top errors'));
  if (v.errors.length === 0) {
    node.append(el('p', { class: 'detail' }, l10n.t('No failed run with an error in the runs read.')));
    return node;
  }
  const table = el('table', { class: 'data-table always', 'data-table': 'errors' });
  const head = el('tr');
  for (const text of [l10n.t('Exception'), l10n.t('Message (numbers, ids and paths masked)'), l10n.t('Runs'), l10n.t('First seen'), l10n.t('Last seen'), l10n.t('Latest run')]) head.append(el('th', { scope: 'col' }, text));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  for (const group of v.errors) {
    const row = el('tr', { 'data-error-type': group.type });
    row.append(el('td', { class: 'mono', 'data-col': 'type' }, group.type));
    const message = el('td', { class: 'mono', 'data-col': 'message', title: group.example }, group.message);
    row.append(message);
    row.append(el('td', { 'data-col': 'count' }, group.count.toLocaleString('en-US')));
    row.append(el('td', { 'data-col': 'first' }, group.firstSeenText), el('td', { 'data-col': 'last' }, group.lastSeenText));
    const cell = el('td');
    const link = button(l10n.t('Open latest'), 'openRun', () => vscode.postMessage({ type: 'openRun', id: group.latestRunId }));
    link.setAttribute('data-run-id', group.latestRunId);
    cell.append(link);
    row.append(cell);
    table.tBodies[0].append(row);
  }
  node.append(wrapTable(table));
  return node;
}

function breakdownSection(name: string, title: string, column: string, rows: InsightsView['byUser']): HTMLElement {
  const node = section(name, title);
  const table = el('table', { class: 'data-table always breakdown', 'data-table': name });
  const head = el('tr');
  for (const text of [column, l10n.t('Runs'), l10n.t('Failing'), '']) head.append(el('th', { scope: 'col' }, text));
  table.append(el('thead'), el('tbody'));
  table.tHead?.append(head);
  const most = Math.max(1, ...rows.map((r) => r.runs));
  for (const row of rows) {
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, row.label), el('td', { 'data-col': 'runs' }, row.runs.toLocaleString('en-US')), el('td', { 'data-col': 'failing' }, row.failing.toLocaleString('en-US')));
    // A bar beside the numbers (decoration: the numbers are the content).
    const bar = el('td', { 'aria-hidden': 'true', class: 'bar-cell' });
    const fill = el('div', { class: 'bar' });
    fill.style.width = `${Math.round((row.runs / most) * 100)}%`;
    const failing = el('div', { class: 'bar failing' });
    failing.style.width = `${row.runs ? Math.round((row.failing / row.runs) * 100) : 0}%`;
    fill.append(failing);
    bar.append(fill);
    tr.append(bar);
    table.tBodies[0].append(tr);
  }
  node.append(wrapTable(table));
  return node;
}

function wrapTable(table: HTMLTableElement): HTMLElement {
  const wrapper = el('div', { class: table.classList.contains('always') ? 'table-host always' : 'table-host' });
  wrapper.append(table);
  return wrapper;
}

// ---------------------------------------------------------------------------------------------
// Charts

function destroyCharts(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
}

function axisColours(): { stroke: string; grid: string } {
  return { stroke: themeColour('--vscode-foreground', '#cccccc'), grid: themeColour('--vscode-contrastBorder', '') || themeColour('--vscode-widget-border', '') || themeColour('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)') };
}

function drawCharts(v: InsightsView): void {
  destroyCharts();
  if (tables) return;
  const runsHost = document.getElementById('chart-runs');
  const durationsHost = document.getElementById('chart-durations');
  if (runsHost) charts.push(drawRuns(runsHost, v));
  if (durationsHost) charts.push(drawDurations(durationsHost, v));
}

function widthOf(host: HTMLElement): number {
  return Math.max(320, Math.floor(host.getBoundingClientRect().width || (app.clientWidth - 32)));
}

function drawRuns(host: HTMLElement, v: InsightsView): uPlot {
  const colours = STATUSES.map((s) => themeColour(STATUS_COLOUR_VAR[s], '#888888'));
  const axis = axisColours();
  host.setAttribute('data-colors', JSON.stringify(Object.fromEntries(STATUSES.map((s, i) => [s, colours[i]]))));
  const x = v.buckets.starts.map((ms) => ms / 1000);
  // Stacked bars: each status drawn as the running total up to it, tallest first, so each one's
  // visible part is its own count (uPlot has no stacking of its own).
  const cumulative: number[][] = [];
  let running = new Array<number>(x.length).fill(0);
  for (const status of STATUSES) {
    running = running.map((sum, i) => sum + v.buckets.counts[status][i]);
    cumulative.push(running);
  }
  const order = [3, 2, 1, 0];
  const bars = uPlot.paths.bars?.({ size: [0.8, 48], gap: 1 });
  const chart = new uPlot(
    {
      width: widthOf(host),
      height: 220,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { stroke: axis.stroke, grid: { stroke: axis.grid, width: 1 }, ticks: { stroke: axis.grid } },
        { stroke: axis.stroke, grid: { stroke: axis.grid, width: 1 }, ticks: { stroke: axis.grid }, label: l10n.t('runs') },
      ],
      series: [{}, ...order.map((i) => ({ label: statusLabel(STATUSES[i]), stroke: colours[i], fill: colours[i], width: 0, paths: bars, points: { show: false } }))],
      hooks: { setCursor: [(u: uPlot) => showBucket(u, v)] },
    },
    [x, ...order.map((i) => cumulative[i])],
    host,
  );
  keyboardSteps(host, chart, x.length, (index) => chart.setCursor({ left: chart.valToPos(x[index], 'x'), top: 10 }));
  return chart;
}

function showBucket(u: uPlot, v: InsightsView): void {
  const tip = document.getElementById('tooltip-runs');
  const index = u.cursor.idx;
  if (!tip) return;
  if (index === null || index === undefined) {
    tip.textContent = '';
    return;
  }
  const parts = STATUSES.map((s) => `${statusLabel(s)} ${formatCount(v.buckets.counts[s][index])}`);
  tip.textContent = l10n.t('{0}: {1}; p50 {2}, p95 {3}', v.buckets.labels[index], parts.join(', '), seconds(v.buckets.p50[index]), seconds(v.buckets.p95[index]));
}

function drawDurations(host: HTMLElement, v: InsightsView): uPlot {
  const { points } = v.durations;
  const colours = STATUSES.map((s) => themeColour(STATUS_COLOUR_VAR[s], '#888888'));
  const p50Colour = themeColour(P50_VAR, '#b180d7');
  const p95Colour = themeColour(P95_VAR, '#d18616');
  const axis = axisColours();
  host.setAttribute('data-colors', JSON.stringify({ ...Object.fromEntries(STATUSES.map((s, i) => [s, colours[i]])), p50: p50Colour, p95: p95Colour }));
  const n = points.t.length;
  // One y column per status (null where the run has another), so each status has its colour.
  const columns: (number | null)[][] = STATUSES.map(() => new Array<number | null>(n).fill(null));
  for (let i = 0; i < n; i++) columns[points.status[i]][i] = Math.max(LOG_FLOOR_SECONDS, points.seconds[i]);
  const p50 = new Array<number | null>(n).fill(v.durations.p50 === undefined ? null : Math.max(LOG_FLOOR_SECONDS, v.durations.p50));
  const p95 = new Array<number | null>(n).fill(v.durations.p95 === undefined ? null : Math.max(LOG_FLOOR_SECONDS, v.durations.p95));
  let selected = -1;
  const marker = el('div', { class: 'marker', 'aria-hidden': 'true' });
  const chart = new uPlot(
    {
      width: widthOf(host),
      height: 260,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false }, dataIdx: (u, _seriesIdx, hovered) => nearest(u, hovered) },
      scales: { x: { time: true }, y: { distr: 3, log: 10 } },
      axes: [
        { stroke: axis.stroke, grid: { stroke: axis.grid, width: 1 }, ticks: { stroke: axis.grid } },
        { stroke: axis.stroke, grid: { stroke: axis.grid, width: 1 }, ticks: { stroke: axis.grid }, label: l10n.t('seconds'), values: (_u, splits) => splits.map((s) => formatDurationTick(s)), size: 70 },
      ],
      series: [
        {},
        ...STATUSES.map((s, i) => ({ label: statusLabel(s), stroke: colours[i], fill: colours[i], paths: () => null, points: { show: true, size: 4, width: 0, stroke: colours[i], fill: colours[i] } })),
        { label: 'p50', stroke: p50Colour, width: 1.5, dash: [6, 4], points: { show: false }, spanGaps: true },
        { label: 'p95', stroke: p95Colour, width: 1.5, dash: [2, 3], points: { show: false }, spanGaps: true },
      ],
      hooks: {
        setCursor: [
          (u: uPlot) => {
            const index = u.cursor.idx;
            if (index !== null && index !== undefined && index >= 0) select(index, false);
          },
        ],
      },
    },
    [points.t, ...columns, p50, p95],
    host,
  );
  chart.over.append(marker);

  // The point nearest the pointer in both directions (uPlot's own choice is by x only).
  function nearest(u: uPlot, hovered: number): number {
    const left = u.cursor.left ?? -1;
    const top = u.cursor.top ?? -1;
    if (left < 0 || n === 0) return hovered;
    let best = hovered;
    let bestDistance = Infinity;
    const lo = Math.max(0, hovered - 200);
    const hi = Math.min(n - 1, hovered + 200);
    for (let i = lo; i <= hi; i++) {
      const dx = u.valToPos(points.t[i], 'x') - left;
      if (Math.abs(dx) > 12) continue;
      const dy = u.valToPos(Math.max(LOG_FLOOR_SECONDS, points.seconds[i]), 'y') - top;
      const distance = dx * dx + dy * dy;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  }

  function select(index: number, fromKeyboard: boolean): void {
    if (index < 0 || index >= n) return;
    selected = index;
    const x = chart.valToPos(points.t[index], 'x');
    const y = chart.valToPos(Math.max(LOG_FLOOR_SECONDS, points.seconds[index]), 'y');
    marker.style.left = `${x}px`;
    marker.style.top = `${y}px`;
    marker.classList.add('shown');
    host.setAttribute('data-selected-run', v.durations.ids[points.run[index]]);
    // Where the point is, relative to the plot's overlay (a test clicks there).
    host.setAttribute('data-selected-x', x.toFixed(1));
    host.setAttribute('data-selected-y', y.toFixed(1));
    const tip = document.getElementById('tooltip-durations');
    if (tip) {
      const when = formatLocalTime(new Date(points.t[index] * 1000).toISOString());
      const how = fromKeyboard ? l10n.t('Enter opens the details') : l10n.t('click opens the details');
      tip.textContent = [when, formatDuration(points.seconds[index]), v.durations.users[points.user[index]] ?? '', statusLabel(STATUSES[points.status[index]]), how].join(' · ');
    }
  }

  chart.over.addEventListener('click', () => {
    const index = chart.cursor.idx;
    if (index === null || index === undefined || index < 0) return;
    // Only a click near a point opens it (not anywhere on the chart).
    const dx = chart.valToPos(points.t[index], 'x') - (chart.cursor.left ?? -100);
    const dy = chart.valToPos(Math.max(LOG_FLOOR_SECONDS, points.seconds[index]), 'y') - (chart.cursor.top ?? -100);
    if (dx * dx + dy * dy > 12 * 12) return;
    vscode.postMessage({ type: 'openRun', id: v.durations.ids[points.run[index]] });
  });
  keyboardSteps(host, chart, n, (index) => select(index, true), () => {
    if (selected >= 0) vscode.postMessage({ type: 'openRun', id: v.durations.ids[points.run[selected]] });
  });
  return chart;
}

/** Arrow keys, Home, End and Page keys step through a chart's x values; Enter acts on the selection. */
function keyboardSteps(host: HTMLElement, _chart: uPlot, count: number, show: (index: number) => void, onEnter?: () => void): void {
  let index = -1;
  host.addEventListener('keydown', (event) => {
    if (count === 0) return;
    const page = Math.max(1, Math.round(count / 10));
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index < 0 ? count - 1 : index - 1, Home: 0, End: count - 1, PageUp: index + page, PageDown: index - page };
    if (event.key in moves) {
      index = Math.min(count - 1, Math.max(0, moves[event.key]));
      show(index);
      event.preventDefault();
    } else if ((event.key === 'Enter' || event.key === ' ') && onEnter) {
      onEnter();
      event.preventDefault();
    }
  });
}

// Keep the canvases as wide as their sections.
new ResizeObserver(() => {
  for (const chart of charts) {
    const host = chart.root.parentElement;
    if (host) {
      const width = widthOf(host);
      if (Math.abs(width - chart.width) > 4) chart.setSize({ width, height: chart.height });
    }
  }
}).observe(app);
