// The browser side of the record details webview. It receives a ready-made view model by
// postMessage and lays it out with DOM calls; every record value is set with textContent
// (or a Lit property rendered as text), never parsed as HTML.
//
// Components come from @vscode-elements/elements, the maintained successor of
// @vscode/webview-ui-toolkit (deprecated by its maintainers on 2025-01-01). Only the
// components used here are imported, so the bundle stays small.

// First: configures l10n.t from the host's bundle before any other module runs (see ./l10n.ts).
import './l10n';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import * as l10n from '@vscode/l10n';
import { countText } from '../../text/counts';
import { visibleText } from '../../text/safeText';
import type { DetailsState, FieldGroup, FieldRow, HostMessage, RecordAction, RecordView, TextPreview, UdfDataSummary, WebviewMessage } from '../protocol';
import './details.css';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: DetailsState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const stored = readStoredState();
let currentId: string | undefined = stored?.id;
let currentView: RecordView | undefined;
/** Scroll position to return to once the stored record is shown again. */
let pendingScroll: number | undefined = stored?.scrollY;

let scrollQueued = false;
window.addEventListener(
  'scroll',
  () => {
    if (scrollQueued || !currentId || !currentView) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      if (currentId) vscode.setState({ id: currentId, scrollY: Math.round(window.scrollY) });
    });
  },
  { passive: true },
);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = asHostMessage(event.data);
  if (!message) return;
  if (message.id !== currentId) pendingScroll = undefined;
  currentId = message.id;
  if (message.type !== 'record') vscode.setState({ id: message.id, scrollY: pendingScroll ?? Math.round(window.scrollY) });
  switch (message.type) {
    case 'loading':
      if (message.refreshing && currentView) setBanner(l10n.t('Refreshing…'), 'info');
      else renderPlaceholder(l10n.t('Loading run…'));
      break;
    case 'record':
      currentView = message.view;
      renderRecord(message.view);
      if (pendingScroll !== undefined) {
        const y = pendingScroll;
        pendingScroll = undefined;
        void restoreScroll(message.id, y);
      } else {
        vscode.setState({ id: message.id, scrollY: Math.round(window.scrollY) });
      }
      break;
    case 'error':
      renderError(message.message);
      break;
  }
});

vscode.postMessage({ type: 'ready' });

/** Scrolls once the components have rendered (Lit renders asynchronously, so the page grows after the DOM is built). */
async function restoreScroll(id: string, y: number): Promise<void> {
  const components = Array.from(app.querySelectorAll('vscode-collapsible, vscode-button, vscode-badge')) as unknown as { updateComplete?: Promise<unknown> }[];
  await Promise.all(components.map((component) => component.updateComplete));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  if (currentId !== id) return;
  window.scrollTo(0, y);
  vscode.setState({ id, scrollY: Math.round(window.scrollY) });
}

function readStoredState(): DetailsState | undefined {
  const state = vscode.getState() as Partial<DetailsState> | undefined;
  if (typeof state !== 'object' || state === null || typeof state.id !== 'string') return undefined;
  return { id: state.id, ...(typeof state.scrollY === 'number' && Number.isFinite(state.scrollY) ? { scrollY: state.scrollY } : {}) };
}

/** The host is trusted, but a malformed message must not break the page. */
function asHostMessage(data: unknown): HostMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Partial<HostMessage>;
  if (typeof message.id !== 'string') return undefined;
  switch (message.type) {
    case 'loading':
      return typeof message.refreshing === 'boolean' ? (message as HostMessage) : undefined;
    case 'record':
      return typeof message.view === 'object' && message.view !== null && Array.isArray(message.view.groups) ? (message as HostMessage) : undefined;
    case 'error':
      return typeof message.message === 'string' ? (message as HostMessage) : undefined;
    default:
      return undefined;
  }
}

function send(action: RecordAction): void {
  if (currentId) vscode.postMessage({ type: 'action', action, id: currentId });
}

// ---------------------------------------------------------------------------------------------
// DOM helpers: text only.

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, onClick: () => void, options: { secondary?: boolean; testId: string; title?: string }): HTMLElement {
  const node = document.createElement('vscode-button');
  node.textContent = label;
  if (options.secondary) node.setAttribute('secondary', '');
  node.dataset.action = options.testId;
  if (options.title) node.title = options.title;
  node.addEventListener('click', onClick);
  return node;
}

function actionButton(label: string, action: RecordAction, secondary = true, title?: string): HTMLElement {
  return button(label, () => send(action), { secondary, testId: action, title });
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderPlaceholder(text: string): void {
  app.setAttribute('aria-busy', 'true');
  app.replaceChildren(el('p', 'placeholder', text));
}

function renderError(message: string): void {
  app.setAttribute('aria-busy', 'false');
  const box = el('div', 'error-box');
  box.setAttribute('role', 'alert');
  box.append(el('h1', 'error-title', l10n.t('Could not load this run')), el('p', 'error-message', message));
  if (currentId) box.append(el('p', 'error-id', l10n.t('Record ID: {0}', visibleText(currentId))));
  box.append(actionButton(l10n.t('Retry'), 'refresh', false));
  if (currentView) {
    // Keep what was shown before the failed refresh, below the error.
    app.replaceChildren(box, header(currentView), ...recordSections(currentView));
  } else {
    app.replaceChildren(box);
  }
}

function setBanner(text: string, kind: 'info' | 'error'): void {
  app.querySelector('.banner')?.remove();
  const banner = el('div', `banner banner-${kind}`, text);
  banner.setAttribute('role', 'status');
  app.prepend(banner);
}

function renderRecord(view: RecordView): void {
  app.setAttribute('aria-busy', 'false');
  app.replaceChildren(header(view), ...recordSections(view));
}

function header(view: RecordView): HTMLElement {
  const head = el('header', 'header');
  const titleRow = el('div', 'title-row');
  const heading = el('h1', 'heading', view.heading);
  heading.id = 'heading';
  const status = el('span', `status status-${view.status}`, view.statusLabel);
  status.dataset.status = view.status;
  const cache = document.createElement('vscode-badge');
  cache.className = `cache-badge cache-${view.cache}`;
  cache.textContent = view.cache === 'hit' ? l10n.t('cache hit') : view.cache === 'miss' ? l10n.t('cache miss') : l10n.t('cache unknown');
  titleRow.append(heading, status, cache);

  const subtitle = el('p', 'subtitle');
  // The duration is shown once, in the Outcome group (with the raw seconds).
  const relative = el('span', view.relative.startsWith('⚠') ? 'relative future' : 'relative', view.relative);
  subtitle.append(el('span', 'local-time', view.localTime), el('span', 'sep', ' · '), relative);

  const toolbar = el('div', 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', l10n.t('Run actions'));
  toolbar.append(
    actionButton(l10n.t('Open Code'), 'openCode', false, l10n.t('Open the code that ran (udf_data) as a read-only document')),
    actionButton(l10n.t('Open stderr'), 'openStderr'),
    actionButton(l10n.t('Open stdout'), 'openStdout'),
    actionButton(l10n.t('Compare with Local File…'), 'compareWithLocalFile', true, l10n.t('Diff the code that ran against the active editor or a workspace file')),
    actionButton(l10n.t('Compare with Previous Run'), 'compareWithPreviousRun', true, l10n.t("Diff against this UDF's previous run whose code differs")),
    actionButton(l10n.t('Copy ID'), 'copyId', true, l10n.t('Copy the record id to the clipboard')),
    actionButton(l10n.t('Refresh'), 'refresh', true, l10n.t('Fetch this record again')),
  );
  head.append(titleRow, subtitle, toolbar);
  return head;
}

function recordSections(view: RecordView): HTMLElement[] {
  const sections = view.groups.map((group) => groupSection(group, group.key === 'outcome' ? view.previews : []));
  sections.push(udfDataSection(view.udfData));
  return sections;
}

function groupSection(group: FieldGroup, previews: TextPreview[]): HTMLElement {
  const section = el('section', 'group');
  section.dataset.group = group.key;
  section.setAttribute('aria-label', group.title);
  section.append(el('h2', 'group-title', group.title));
  const table = el('table', 'fields');
  const body = el('tbody');
  for (const row of group.rows) body.append(fieldRow(row));
  table.append(body);
  section.append(table);
  for (const preview of previews) section.append(previewBlock(preview));
  return section;
}

function fieldRow(row: FieldRow): HTMLTableRowElement {
  const tr = el('tr', 'field');
  tr.dataset.field = row.field;
  tr.dataset.state = row.state;
  const th = el('th', 'field-label', row.label);
  th.scope = 'row';
  const td = el('td', 'field-value');
  td.append(valueSpan(row.state, row.text, row.monospace));
  if (row.secondary) td.append(el('span', 'secondary', row.secondary));
  tr.append(th, td);
  return tr;
}

function valueSpan(state: FieldRow['state'], text: string, monospace: boolean): HTMLElement {
  if (state === 'absent') return el('span', 'value missing', l10n.t('absent'));
  // JSON's null, the value as recorded: the same word in every language.
  if (state === 'null') return el('span', 'value missing', 'null');
  if (state === 'empty' && text === '') return el('span', 'value missing', l10n.t('empty string'));
  return el('span', monospace ? 'value mono' : 'value', text);
}

function previewBlock(preview: TextPreview): HTMLElement {
  const block = el('div', 'preview');
  block.dataset.field = preview.field;
  block.dataset.state = preview.state;
  const head = el('div', 'preview-head');
  head.append(el('h3', 'preview-title', preview.label), el('span', 'preview-note', preview.note));
  const label = preview.field === 'udf_data' ? l10n.t('Open Code') : l10n.t('Open {0}', preview.label);
  head.append(button(label, () => send(preview.openAction), { secondary: true, testId: `${preview.openAction}-preview` }));
  block.append(head);
  if (preview.state === 'value' || (preview.state === 'empty' && preview.text !== '')) {
    const pre = el('pre', `preview-text preview-${preview.mode}`);
    if (preview.truncated && preview.mode === 'tail') pre.append(el('span', 'elided', '…\n'));
    pre.append(el('code', 'preview-code', preview.text));
    if (preview.truncated && preview.mode === 'head') pre.append(el('span', 'elided', '\n…'));
    block.append(pre);
  } else {
    block.append(valueSpan(preview.state, '', false));
  }
  return block;
}

function udfDataSection(summary: UdfDataSummary): HTMLElement {
  const section = el('section', 'group');
  section.dataset.group = 'udf';
  section.setAttribute('aria-label', l10n.t('UDF payload'));
  section.append(el('h2', 'group-title', l10n.t('UDF payload')));
  const table = el('table', 'fields');
  const body = el('tbody');
  const rows: [string, string, string | undefined][] = [
    ['kind', l10n.t('Recorded as'), summary.kindLabel],
    ['name', l10n.t('Name'), summary.name],
    ['entrypoint', l10n.t('Entrypoint'), summary.entrypoint],
  ];
  for (const [key, label, value] of rows) {
    if (value === undefined && key !== 'kind') continue;
    const tr = el('tr', 'field');
    tr.dataset.udf = key;
    const th = el('th', 'field-label', label);
    th.scope = 'row';
    const td = el('td', 'field-value');
    td.append(el('span', key === 'kind' ? 'value' : 'value mono', value ?? ''));
    tr.append(th, td);
    body.append(tr);
  }
  table.append(body);
  section.append(table);
  if (summary.kind !== 'missing') {
    const actions = el('div', 'toolbar');
    actions.append(actionButton(l10n.t('Open Raw udf_data'), 'openUdfData', true, l10n.t('Open udf_data exactly as recorded')));
    section.append(actions);
  }
  for (const [key, title, json] of [
    ['metadata', l10n.t('Metadata'), summary.metadata],
    ['parameters', l10n.t('Parameters'), summary.parameters],
  ] as const) {
    if (json === undefined) continue;
    const collapsible = document.createElement('vscode-collapsible');
    collapsible.heading = title;
    collapsible.open = true;
    collapsible.dataset.udf = key;
    const pre = el('pre', 'json');
    pre.append(el('code', undefined, json));
    collapsible.append(pre);
    section.append(collapsible);
  }
  if (summary.headers.length) {
    section.append(el('h3', 'subheading', l10n.t('Header modules')));
    const list = el('ul', 'headers');
    for (const header of summary.headers) {
      const item = el('li', 'header-module');
      item.dataset.module = header.module_name;
      item.append(el('span', 'value mono', header.module_name), el('span', 'secondary', header.reference ? l10n.t('by reference: {0}', header.reference) : countText(header.lines, l10n.t('{0} line'), l10n.t('{0} lines'))));
      item.append(
        button(l10n.t('Open'), () => currentId && vscode.postMessage({ type: 'openHeader', id: currentId, module_name: header.module_name }), {
          secondary: true,
          testId: 'openHeader',
          title: l10n.t('Open {0} as a document', header.module_name),
        }),
      );
      list.append(item);
    }
    section.append(list);
  }
  return section;
}
