// launchWorkbench(): the local Fused server + code-server with the built extension + headless
// Chromium showing the workbench, and helpers that read and drive it the way a person would.
// See test/e2e/README.md for the API and examples.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { BASE_SETTINGS, TRUST_SETTINGS, installUnpackedExtension, runFolders, startCodeServer, type CodeServer } from './codeServer';
import { startFusedServer, type FusedTestServer, type StartFusedServerOptions } from './fusedServer';
import { createRunDir, removeBrowserProfile, REPO_ROOT, TEST_RESULTS_DIR } from './paths';
import { waitUntil } from './wait';

export interface LaunchOptions {
  /** Label for the run folder and screenshots (default "workbench"). */
  name?: string;
  /**
   * User settings merged over the harness defaults (which set fusedRuns.api.* to the local server);
   * a function gets the started local server (for settings that need its port).
   */
  settings?: Record<string, unknown> | ((fused: FusedTestServer) => Record<string, unknown>);
  /** FUSED_AUTH_TOKEN for the extension host: default the local server's token; null = not set at all. */
  token?: string | null;
  /** Options for the local Fused server (records, seed, dataFile, now, token). */
  server?: StartFusedServerOptions;
  /** Files written into the workspace folder before the window opens: relative path -> content. */
  workspaceFiles?: Record<string, string>;
  /** Files written into the isolated $HOME, e.g. { '.fused/credentials': '{...}' }. */
  homeFiles?: Record<string, string>;
  /** Extra environment for code-server and the extension host (a function gets the started local server). */
  env?: Record<string, string> | ((fused: FusedTestServer) => Record<string, string>);
  /** Workspace Trust on (default off): the workspace opens in Restricted Mode. */
  workspaceTrust?: boolean;
  /** The extension to install (default: the repository, which must be built with `node esbuild.js`). */
  extensionPath?: string;
  /** More unpacked extensions to install beside it (folders with a package.json), e.g. test/e2e/python-extension-standin, the benchmark's empty and probe extensions. */
  extraExtensions?: string[];
  /** aria-label prefix of the activity-bar item to wait for; false = only wait for the workbench. */
  waitForActivityBarItem?: string | false;
  viewport?: { width: number; height: number };
}

export interface TreeRow {
  /** The item's label as shown. */
  label: string;
  /** The item's description (grey text after the label), '' if none. */
  description: string;
  /** The accessible label VS Code computed (label, description, tooltip text...). */
  ariaLabel: string;
  /** 1 for root items, 2 for their children, ... */
  level: number;
  /** true/false for collapsible items, undefined for leaves. */
  expanded: boolean | undefined;
}

/** How long the workbench may take to show (at a load of 20 on 2 cores a reload took 26 s; the bound is generous). */
const WORKBENCH_TIMEOUT_MS = 120_000;

// Shapes of the DOM objects our page callbacks touch (the test build has no DOM lib).
interface DomElement {
  textContent: string | null;
  innerText: string;
  style: { top: string };
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
declare const document: { activeElement: { blur?: () => void } | null };

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

function asMatcher(text: string | RegExp): RegExp {
  return typeof text === 'string' ? exactText(text) : text;
}

/**
 * Which tree row: its label exactly (a string) or by RegExp, or a part of its accessible name
 * (`{ accessibleName }`, what a screen reader says: a run row's "<UDF> run at <local time>" stays
 * the same while its label, a relative time, changes as time passes).
 */
export type TreeRowMatch = string | RegExp | { accessibleName: string };

/** A CSS string literal holding `text`. */
function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\a ')}"`;
}

function describeMatch(match: TreeRowMatch): string {
  return typeof match === 'string' || match instanceof RegExp ? String(match) : `accessible name containing ${JSON.stringify(match.accessibleName)}`;
}

export class Workbench {
  /** Uncaught errors in the workbench page (e.g. a script injected into a webview would not land here; check its frame). */
  readonly pageErrors: string[] = [];
  /** console.error lines of the workbench page. */
  readonly consoleErrors: string[] = [];
  private closed = false;

  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    /** The local Fused server this workbench talks to (records, stats, faults). */
    readonly fused: FusedTestServer,
    readonly codeServer: CodeServer,
    /** The open workspace folder. */
    readonly workspaceDir: string,
    /** .e2e-runs/<run>/: logs, user data, settings of this run. */
    readonly runDir: string,
    /** URL the page opened (http://127.0.0.1:PORT/?folder=...). */
    readonly url: string,
    private readonly waitForItem: string | false,
    private readonly label: string,
  ) {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
  }

  // ---- workbench ---------------------------------------------------------------------------

  async waitForWorkbench(timeoutMs = WORKBENCH_TIMEOUT_MS): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
    if (this.waitForItem) await this.activityBarItem(this.waitForItem).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Reloads the window (Developer: Reload Window equivalent) and waits for the workbench again. */
  async reload(): Promise<void> {
    // Waiting for the page's load event has a 30 s limit of its own; the workbench being there is what counts.
    await this.page.reload({ waitUntil: 'commit' });
    await this.waitForWorkbench();
  }

  /**
   * Reloads the window the way a user does, with "Developer: Reload Window": the workbench shuts
   * down (saving its editors and webview states) before the page loads again. A browser reload
   * (reload()) can cut that save short, and a webview opened seconds before is then not restored.
   */
  async reloadWindow(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (frame) => frame === this.page.mainFrame(), timeout: 120_000 });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.waitForWorkbench();
  }

  /** The activity-bar item whose aria-label starts with `label` (e.g. "Fused Runs"). */
  activityBarItem(label = 'Fused Runs'): Locator {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${label}"]`).first();
  }

  /** Opens the Fused Runs container (clicks its activity-bar icon unless it is already showing). */
  async openView(label = 'Fused Runs'): Promise<void> {
    const item = this.activityBarItem(label);
    await item.waitFor({ state: 'visible' });
    const actionItem = this.page
      .locator('.part.activitybar .action-item')
      .filter({ has: this.page.locator(`a[aria-label^="${label}"]`) })
      .first();
    const sidebar = this.page.locator('.part.sidebar');
    const showing = async () =>
      (await actionItem.evaluate((element) => element.classList.contains('checked'))) && (await sidebar.isVisible());
    // The icon toggles: clicking it while the container is showing hides the side bar. Right after
    // a (re)load the side bar may still be appearing, so after each click wait until it shows
    // before clicking again.
    for (let attempt = 0; attempt < 4; attempt++) {
      if (await showing()) return;
      await item.click();
      if (await waitUntil(showing, { timeout: 5_000, message: `the "${label}" container shows` }).catch(() => false)) return;
    }
    if (!(await showing())) throw new Error(`the "${label}" container did not open in the side bar`);
  }

  /** The title of the side bar ("FUSED RUNS" when our container is open). */
  async sideBarTitle(): Promise<string> {
    return ((await this.page.locator('.part.sidebar .composite.title .title-label').first().innerText()) ?? '').trim();
  }

  /**
   * Resolves once the page has painted two more frames: whatever the input handled so far did
   * to the DOM (an edit, a re-render) is on screen. For asserting that something did NOT change.
   */
  async nextPaint(): Promise<void> {
    await this.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))');
  }

  // ---- tree --------------------------------------------------------------------------------

  /** Locator of all tree rows in the side bar (all views of the open container). */
  treeRowLocator(): Locator {
    return this.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]');
  }

  /** The rows VS Code currently renders (a long tree is virtualised: only rows in view exist). */
  async treeRows(): Promise<TreeRow[]> {
    return this.treeRowLocator().evaluateAll((rows) =>
      rows.map((row) => {
        const expanded = row.getAttribute('aria-expanded');
        return {
          label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
          ariaLabel: row.getAttribute('aria-label') ?? '',
          level: Number(row.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
        };
      }),
    );
  }

  /** The row whose label is exactly `label` (or matches the RegExp), or whose accessible name contains `accessibleName`. */
  treeRow(label: TreeRowMatch): Locator {
    if (typeof label === 'object' && !(label instanceof RegExp)) {
      return this.page.locator(`.part.sidebar .monaco-list-row[role="treeitem"][aria-label*=${cssString(label.accessibleName)}]`).first();
    }
    return this.treeRowLocator().filter({ has: this.page.locator('.label-name', { hasText: asMatcher(label) }) }).first();
  }

  async waitForTreeRow(label: TreeRowMatch, timeoutMs = 30_000): Promise<Locator> {
    const row = this.treeRow(label);
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    return row;
  }

  /** Expands a collapsible row (no-op when already expanded) and waits until VS Code says it is. */
  async expandTreeRow(label: TreeRowMatch): Promise<Locator> {
    const row = await this.waitForTreeRow(label);
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await this.page.waitForFunction((element) => element.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: 30_000 });
    }
    return row;
  }

  /** The text of the view pane headers in the side bar (title + description, e.g. "UDFs Mine · 24 h"). */
  async viewHeaders(): Promise<string[]> {
    return this.page.locator('.part.sidebar .pane-header').evaluateAll((headers) =>
      (headers as unknown as DomElement[]).map((header) => header.innerText.replace(/\s+/g, ' ').trim()),
    );
  }

  // ---- commands and quick input ------------------------------------------------------------

  /** Runs a command by its palette title, e.g. "Fused: Refresh", through F1 like a person would. */
  async runCommand(title: string): Promise<void> {
    const row = this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(title) }) })
      .first();
    let lastError: unknown;
    // The palette of a previous command can still be closing when the next one starts (seen under
    // load): then the input we found hides under our hands. Such a race gets a fresh attempt.
    for (let attempt = 0; attempt < 3; attempt++) {
      const input = await this.openQuickInput('F1');
      try {
        await input.fill(`>${title}`, { timeout: 5_000 });
      } catch (error) {
        lastError = error;
        continue;
      }
      try {
        await row.waitFor({ state: 'visible', timeout: 15_000 });
      } catch (error) {
        if (!(await this.quickInputVisible())) {
          lastError = error;
          continue;
        }
        const offered = await this.quickPickItems();
        throw new Error(`command "${title}" is not in the palette; it offers: ${JSON.stringify(offered.slice(0, 15))}`);
      }
      await row.click();
      return;
    }
    throw new Error(`could not run "${title}" from the palette: ${(lastError as Error)?.message ?? 'unknown'}`);
  }

  /** Closes a showing quick input, then opens a fresh one with `key`; returns its input box. */
  private async openQuickInput(key: string): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await widget.isVisible()) {
        await this.page.keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
      }
      // Keys go to the focused frame; a focused webview or hover would swallow F1.
      await this.page.evaluate(() => document.activeElement?.blur?.());
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: 3_000 });
        return input;
      } catch {
        await this.page.keyboard.press('Escape');
      }
    }
    throw new Error(`the quick input did not open on ${key}`);
  }

  /**
   * Right-clicks the tree row `rowLabel` and clicks the context-menu entry `item` (exact text or
   * RegExp). Waits for the menu to close, pressing Enter on the entry if a click was lost.
   */
  async treeContextMenu(rowLabel: TreeRowMatch, item: string | RegExp): Promise<void> {
    const row = await this.waitForTreeRow(rowLabel);
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu').first();
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    const entry = menu.locator('.action-item .action-label', { hasText: asMatcher(item) }).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      const offered = await menu.locator('.action-item .action-label').allInnerTexts();
      await this.page.keyboard.press('Escape');
      throw new Error(`the context menu of "${describeMatch(rowLabel)}" has no "${String(item)}"; it offers: ${JSON.stringify(offered.map((t) => t.trim()).filter(Boolean))}`);
    }
    await entry.hover();
    await entry.click();
    try {
      await menu.waitFor({ state: 'hidden', timeout: 2_000 });
    } catch {
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  /**
   * Moves the mouse off the side bar and waits until no hover or tooltip is showing, so a row's
   * tooltip (which VS Code shows while the mouse rests on a row, e.g. after a click) does not
   * cover the next row to click.
   */
  async clearHover(): Promise<void> {
    const editor = await this.page.locator('.part.editor').boundingBox();
    const viewport = this.page.viewportSize() ?? { width: 1280, height: 720 };
    await this.page.mouse.move(editor ? editor.x + editor.width * 0.75 : viewport.width - 50, editor ? editor.y + editor.height * 0.75 : viewport.height / 2);
    const hovers = this.page.locator('.workbench-hover, .context-view .monaco-hover, .monaco-hover:not(.hidden)').filter({ visible: true });
    await waitUntil(async () => (await hovers.count()) === 0, { timeout: 5_000, message: 'no hover shows' }).catch(async () => {
      // A sticky hover (the mouse crossed it) stays until dismissed.
      await this.page.keyboard.press('Escape');
      await waitUntil(async () => (await hovers.count()) === 0, { timeout: 5_000, message: 'no hover shows after Escape' });
    });
  }

  /** Whether a quick pick / input box is showing. */
  async quickInputVisible(): Promise<boolean> {
    return this.page.locator('.quick-input-widget').isVisible();
  }

  /**
   * Waits for a quick pick or input box (e.g. a command's fallback prompt) and returns its
   * title/placeholder/message. With `title`/`placeholder`, waits until they match: a multi-step
   * prompt reuses the same widget, so "visible" alone can still show the previous step.
   */
  async waitForQuickInput(
    options: number | { title?: string | RegExp; placeholder?: string | RegExp; timeoutMs?: number } = {},
  ): Promise<{ title: string; placeholder: string; message: string }> {
    const { title, placeholder, timeoutMs = 15_000 } = typeof options === 'number' ? { timeoutMs: options } : options;
    const widget = this.page.locator('.quick-input-widget');
    const read = async () => ({
      title: ((await widget.locator('.quick-input-title').textContent().catch(() => '')) ?? '').trim(),
      placeholder: (await widget.locator('.quick-input-box input').getAttribute('placeholder').catch(() => '')) ?? '',
      message: ((await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '').trim(),
    });
    const matches = (value: string, expected: string | RegExp | undefined) =>
      expected === undefined || (typeof expected === 'string' ? value.includes(expected) : expected.test(value));
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
    let seen = await read();
    return waitUntil(
      async () => {
        seen = await read();
        return matches(seen.title, title) && matches(seen.placeholder, placeholder) && seen;
      },
      { timeout: timeoutMs, message: () => `the quick input shows title ${String(title ?? '*')} / placeholder ${String(placeholder ?? '*')} (it shows ${JSON.stringify(seen)})` },
    );
  }

  /** Labels of the items the open quick pick shows. */
  async quickPickItems(): Promise<string[]> {
    return this.page
      .locator('.quick-input-widget .monaco-list-row')
      .evaluateAll((rows) => rows.map((row) => (row.querySelector('.label-name')?.textContent ?? '').trim()));
  }

  /** Types into the open quick input (replacing its value). */
  async fillQuickInput(text: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-box input').fill(text);
  }

  /** Presses Enter in the open quick input. */
  async acceptQuickInput(): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-box input').press('Enter');
  }

  /** Clicks the quick pick item whose label is exactly `label` (or matches the RegExp). */
  async pickQuickPickItem(label: string | RegExp): Promise<void> {
    const row = this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: asMatcher(label) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  // ---- notifications, status bar -----------------------------------------------------------

  /** Messages of the notification toasts showing now (falls back to the notification center if open). */
  async notifications(): Promise<string[]> {
    const toasts = await this.page
      .locator('.notifications-toasts .notification-toast .notification-list-item-message')
      .allInnerTexts();
    if (toasts.length) return toasts.map((text) => text.trim());
    const center = await this.page.locator('.notifications-center .notification-list-item-message').allInnerTexts();
    return center.map((text) => text.trim());
  }

  /** Waits until a notification matching `text` (substring or RegExp) shows, and returns its message. */
  async waitForNotification(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    let seen: string[] = [];
    return waitUntil(
      async () => {
        seen = await this.notifications();
        return seen.find((message) => (typeof text === 'string' ? message.includes(text) : text.test(message)));
      },
      { timeout: timeoutMs, message: () => `a notification matches ${String(text)} (showing: ${JSON.stringify(seen)})` },
    );
  }

  /** Texts of the status-bar items (e.g. "$(error) 3 failing"). */
  async statusBarItems(): Promise<string[]> {
    const texts = await this.page.locator('.part.statusbar .statusbar-item').evaluateAll((items) =>
      (items as unknown as DomElement[]).map((item) => (item.innerText || item.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim()),
    );
    return texts.filter((text) => text.length > 0);
  }

  // ---- editors -----------------------------------------------------------------------------

  /** Opens a file of the workspace through Go to File, like a person, and waits until its tab is active. */
  async openWorkspaceFile(relative: string): Promise<void> {
    await this.runCommand('Go to File...');
    await this.waitForQuickInput({ placeholder: /files by name/i });
    await this.fillQuickInput(relative);
    await this.pickQuickPickItem(path.basename(relative));
    let seen = '';
    await waitUntil(
      async () => {
        seen = await this.activeTabTitle().catch((error: Error) => `(${error.message})`);
        // The tab label may leave the extension out ("hover_demo").
        return seen === path.basename(relative) || seen === path.basename(relative, path.extname(relative));
      },
      { timeout: 20_000, message: () => `${relative} opens (the active tab is ${JSON.stringify(seen)})` },
    );
  }

  /** The lines the active editor renders (Monaco virtualises: only lines in view; read full documents in an ext-host test). */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout: 15_000 });
    return lines.evaluate((element) =>
      Array.from((element as unknown as DomElement).querySelectorAll('.view-line'))
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
        .join('\n'),
    );
  }

  /**
   * Follows a link the active editor detected (a DocumentLinkProvider's link, e.g. a traceback
   * frame) the way a person does: hold Ctrl, point at the link until the editor underlines it
   * as the one a click opens, then click there.
   *
   * Not `locator.click({ modifiers: ['Control'] })`: holding Ctrl over a link makes Monaco render
   * the line again (it swaps the link's decoration for the active one), which replaces the span
   * Playwright aimed at. When a frame is painted between Playwright's mouse move and its
   * mousedown (a loaded machine), the check on the mousedown finds its element detached
   * ("<html> intercepts pointer events") and retries, with the same outcome, until the timeout.
   * Here the click goes to the point, and only once the editor shows the link active.
   */
  async followEditorLink(text: RegExp, timeoutMs = 15_000): Promise<void> {
    const lines = '.editor-group-container.active .view-line';
    const link = this.page.locator(`${lines} .detected-link`, { hasText: text }).first();
    await link.waitFor({ state: 'visible', timeout: timeoutMs });
    const box = await link.boundingBox();
    if (!box) throw new Error(`the editor link ${String(text)} has no box on screen`);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.keyboard.down('Control');
    try {
      await this.page.mouse.move(x, y);
      await this.page.locator(`${lines} .detected-link-active`, { hasText: text }).first().waitFor({ state: 'visible', timeout: timeoutMs });
      await this.page.mouse.down();
      await this.page.mouse.up();
    } finally {
      await this.page.keyboard.up('Control');
    }
  }

  /**
   * Runs "Fused: Check Connection" and returns the report of this run (its header's time is after
   * the command started; an earlier report in the same document does not count).
   */
  async checkConnection(timeoutMs = 60_000): Promise<string> {
    const started = Date.now() - 1_000;
    await this.runCommand('Fused: Check Connection');
    await this.page.locator('.tabs-container .tab', { hasText: 'Fused Connection Check' }).waitFor({ timeout: timeoutMs });
    let text = '';
    return waitUntil(
      async () => {
        text = await this.editorText();
        const stamp = /^Fused: Check Connection — (\S+)/.exec(text)?.[1];
        return stamp !== undefined && Date.parse(stamp) >= started && /(All checks passed|checks? failed)/.test(text) && text;
      },
      { timeout: timeoutMs, message: () => `Check Connection shows a new report (the editor shows:\n${text})` },
    );
  }

  /** Title of the active editor tab, e.g. "stderr.log". */
  async activeTabTitle(): Promise<string> {
    const tab = this.page.locator('.editor-group-container.active .tabs-container .tab.active').first();
    await tab.waitFor({ state: 'visible', timeout: 15_000 });
    const label = await tab.locator('.label-name').first().textContent().catch(() => null);
    return (label ?? (await tab.getAttribute('aria-label')) ?? '').trim();
  }

  /** Titles of all open editor tabs (all groups). */
  async tabTitles(): Promise<string[]> {
    return this.page
      .locator('.tabs-container .tab')
      .evaluateAll((tabs) => tabs.map((tab) => (tab.querySelector('.label-name')?.textContent ?? tab.getAttribute('aria-label') ?? '').trim()));
  }

  // ---- webviews and hovers -----------------------------------------------------------------

  /**
   * The content frame of the visible webview (VS Code nests it: iframe.webview > iframe#active-frame).
   * Use it like a page: `wb.webviewFrame().locator('h1')`.
   */
  webviewFrame(): FrameLocator {
    return this.page
      .locator('iframe.webview.ready')
      .filter({ visible: true })
      .last()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
  }

  /**
   * Answers VS Code's simple save dialog (a quick input holding a path) with `file`, then waits
   * until the file exists unless told not to.
   */
  async saveDialog(file: string, options: { waitForFile?: boolean } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    // The dialog shows its folder as a path at once, then lists the folder and only then puts in
    // its default file name (code-server's simple file dialog: updateItems sets the items and the
    // value together). Typing before the listing arrives would be overwritten, so wait for it.
    await waitUntil(async () => ((await input.inputValue()) ?? '').startsWith('/') && (await rows.count()) > 0, {
      timeout: 15_000,
      message: async () => `the save dialog lists its folder (it holds ${JSON.stringify(await input.inputValue().catch(() => '?'))})`,
    });
    await this.fillQuickInput(file);
    await waitUntil(async () => (await input.inputValue()) === file, {
      timeout: 5_000,
      message: async () => `the save dialog holds ${JSON.stringify(file)} (it holds ${JSON.stringify(await input.inputValue().catch(() => '?'))})`,
    });
    await this.acceptQuickInput();
    if (options.waitForFile === false) return;
    await waitUntil(() => fs.existsSync(file), { timeout: 30_000, message: `${file} is written` });
  }

  /**
   * Hovers over `target` (a Locator, or the label of a tree row) and returns the text of the
   * hover that appears (tree tooltips, editor hovers from a HoverProvider).
   */
  async hover(target: Locator | TreeRowMatch, timeoutMs = 15_000): Promise<string> {
    const locator = typeof target === 'string' || target instanceof RegExp || 'accessibleName' in target ? await this.waitForTreeRow(target) : target;
    const hoverWidget = this.page
      .locator('.workbench-hover, .monaco-hover:not(.hidden)')
      .filter({ visible: true })
      .filter({ hasText: /\S/ })
      .last();
    // The target can move after the pointer reached it (a code lens that resolves inserts a line
    // above it), leaving the pointer over something else: until a hover shows, the pointer leaves
    // and comes back to where the target is now.
    await waitUntil(
      async () => {
        await this.page.mouse.move(0, 0);
        await locator.hover({ timeout: 5_000 }).catch(() => undefined);
        return hoverWidget.waitFor({ state: 'visible', timeout: 3_000 }).then(
          () => true,
          () => false,
        );
      },
      { timeout: timeoutMs, message: 'a hover shows over the target' },
    );
    // An editor hover says "Loading..." until its providers answer; wait for their content.
    let text = '';
    return waitUntil(async () => (text = (await hoverWidget.innerText()).trim()) !== '' && !/^Loading\.\.\.$/.test(text) && text, {
      timeout: timeoutMs,
      message: () => `the hover shows its content (it shows ${JSON.stringify(text.slice(0, 200))})`,
    });
  }

  // ---- artefacts and teardown --------------------------------------------------------------

  /** Saves a PNG of the page under test-results/<run label>/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const dir = path.join(TEST_RESULTS_DIR, this.label);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** For node:test `afterEach((t) => wb.captureIfFailed(t))`: screenshot when the test failed. */
  async captureIfFailed(t: { name: string; passed?: boolean }): Promise<void> {
    if (t.passed === false && !this.closed) {
      const file = await this.screenshot(`FAILED-${t.name}`).catch((error: Error) => `(screenshot failed: ${error.message})`);
      process.stderr.write(`[e2e] failure screenshot: ${file}\n[e2e] code-server log: ${this.codeServer.logFile}\n`);
    }
  }

  /** Stops Chromium, code-server (by PID: SIGTERM, then SIGKILL) and the local server. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const errors: unknown[] = [];
    await this.context.close().catch((error) => errors.push(error));
    removeBrowserProfile(this.runDir);
    await this.codeServer.stop().catch((error) => errors.push(error));
    await this.fused.close().catch((error) => errors.push(error));
    if (errors.length) throw new AggregateError(errors, 'workbench teardown failed');
  }
}

function writeFiles(root: string, files: Record<string, string> | undefined): void {
  for (const [relative, content] of Object.entries(files ?? {})) {
    const target = path.resolve(root, relative);
    if (!target.startsWith(root + path.sep)) throw new Error(`file path escapes its folder: ${relative}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

/** Settings the harness writes: the base set, the local server's URL/path, then `extra`. */
export function workbenchSettings(fused: FusedTestServer, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    ...BASE_SETTINGS,
    'fusedRuns.api.baseUrl': fused.baseUrl,
    'fusedRuns.api.auditLogPath': fused.auditLogPath,
    ...extra,
  };
}

/** The environment that carries the token: FUSED_AUTH_TOKEN set, or removed entirely for token: null. */
export function tokenEnv(fused: FusedTestServer, token: string | null | undefined): { env: Record<string, string>; unsetEnv: string[] } {
  const always = ['FUSED_AUTH_TOKEN', 'FUSED_AUTH_TOKEN_TYPE'];
  if (token === null) return { env: {}, unsetEnv: always };
  return { env: { FUSED_AUTH_TOKEN: token ?? fused.token }, unsetEnv: always };
}

/**
 * Starts the local Fused server, code-server (extension installed) and headless Chromium, and
 * waits for the workbench. Always `await wb.close()` (use `useWorkbench` in node:test files).
 */
export async function launchWorkbench(options: LaunchOptions = {}): Promise<Workbench> {
  const label = options.name ?? 'workbench';
  const runDir = createRunDir(label);
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const fused = await startFusedServer(options.server ?? {});
    cleanups.push(() => fused.close());

    const workspaceDir = path.join(runDir, 'workspace');
    fs.mkdirSync(workspaceDir, { recursive: true });
    writeFiles(workspaceDir, options.workspaceFiles);
    const folders = runFolders(runDir);
    writeFiles(folders.homeDir, options.homeFiles);
    installUnpackedExtension(folders.extensionsDir, options.extensionPath ?? REPO_ROOT);
    for (const extra of options.extraExtensions ?? []) installUnpackedExtension(folders.extensionsDir, extra);

    const { env, unsetEnv } = tokenEnv(fused, options.token);
    const settings = typeof options.settings === 'function' ? options.settings(fused) : options.settings;
    const extraEnv = typeof options.env === 'function' ? options.env(fused) : options.env;
    const codeServer = await startCodeServer({
      runDir,
      workspaceDir,
      settings: workbenchSettings(fused, { ...(options.workspaceTrust ? TRUST_SETTINGS : {}), ...settings }),
      env: { ...env, ...extraEnv },
      unsetEnv,
      workspaceTrust: options.workspaceTrust,
    });
    cleanups.push(() => codeServer.stop());

    const context = await launchBrowser(runDir, options.viewport);
    cleanups.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const url = `${codeServer.url}/?folder=${encodeURIComponent(workspaceDir)}`;
    const workbench = new Workbench(
      page,
      context,
      fused,
      codeServer,
      workspaceDir,
      runDir,
      url,
      options.waitForActivityBarItem ?? 'Fused Runs',
      `${path.basename(runDir)}`,
    );
    // The page's own "load" can take over 30 s on a loaded machine; the workbench being up is
    // the condition that matters, and waitForWorkbench waits for it.
    await page.goto(url, { waitUntil: 'commit', timeout: WORKBENCH_TIMEOUT_MS });
    try {
      await workbench.waitForWorkbench();
    } catch (error) {
      await workbench.screenshot('FAILED-launch').catch(() => undefined);
      throw new Error(`the workbench did not come up (${(error as Error).message}); logs in ${runDir}`);
    }
    return workbench;
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error;
  }
}
