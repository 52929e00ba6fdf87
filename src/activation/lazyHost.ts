// What activation registers, and nothing more: every contributed command, the UDF tree's view,
// the Python hover and code-lens providers, the fused-run file system and a serializer for every
// webview panel (details, insights), each a stub that requires the feature bundle
// (dist/features.js) on first use and then forwards to what it provides. Its size is fixed:
// commands are read from package.json's commands, panels from its onWebviewPanel activation
// events, and a new feature plugs into an existing entry point or registers itself once the
// bundle is loaded.
// Only `vscode` and the ids in shared/contributions.ts are imported here (and by extension.ts),
// so activation loads no feature code.
import vscode = require('vscode');
import { RUN_SCHEME, UDF_TREE_VIEW_ID, WATCH_STATE_KEY } from '../shared/contributions';

/** What the feature bundle plugs into the entry points activation registered. */
export interface FeatureHost {
  /** The UDF tree's TreeView, created at activation; its data comes from setUdfTreeProvider. */
  readonly udfTreeView: vscode.TreeView<unknown>;
  setUdfTreeProvider(provider: vscode.TreeDataProvider<unknown>): vscode.Disposable;
  setHoverProvider(provider: vscode.HoverProvider): vscode.Disposable;
  setCodeLensProvider(provider: vscode.CodeLensProvider): vscode.Disposable;
  setRunFileSystem(provider: vscode.FileSystemProvider): vscode.Disposable;
  /** The serializer of a panel whose `onWebviewPanel:<viewType>` package.json declares. */
  setWebviewSerializer(viewType: string, serializer: vscode.WebviewPanelSerializer): vscode.Disposable;
}

/** Why and when the bundle was required, for the log. */
export interface FeatureLoad {
  reason: string;
  /** performance.now() before the require(). */
  startedAt: number;
}

/** The feature bundle's entry point (src/features.ts); what it returns is activate()'s API. */
export type ActivateFeatures = (context: vscode.ExtensionContext, host: FeatureHost, load: FeatureLoad) => unknown;


/** One implementation the feature bundle provides; get() loads the bundle first if needed. */
class Slot<T> {
  private value: T | undefined;
  constructor(
    private readonly name: string,
    private readonly load: () => void,
  ) {}

  get current(): T | undefined {
    return this.value;
  }

  get(): T {
    if (this.value === undefined) this.load();
    if (this.value === undefined) throw new Error(`Fused Runs: the feature bundle provides no ${this.name}.`);
    return this.value;
  }

  set(value: T): vscode.Disposable {
    this.value = value;
    return new vscode.Disposable(() => {
      if (this.value === value) this.value = undefined;
    });
  }
}

/** An event that forwards the implementation's event once it is plugged in. */
function relay<E>(disposables: vscode.Disposable[]): { emitter: vscode.EventEmitter<E>; pipe(event: vscode.Event<E> | undefined): vscode.Disposable } {
  const emitter = new vscode.EventEmitter<E>();
  disposables.push(emitter);
  return { emitter, pipe: (event) => event?.((value) => emitter.fire(value)) ?? new vscode.Disposable(() => undefined) };
}

export class LazyFeatures implements vscode.Disposable {
  private loaded = false;
  private api: unknown;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly commandStubs: vscode.Disposable[] = [];
  private readonly tree = new Slot<vscode.TreeDataProvider<unknown>>('UDF tree', () => this.load('the UDF tree'));
  private readonly hover = new Slot<vscode.HoverProvider>('hover provider', () => this.load('a hover'));
  private readonly lenses = new Slot<vscode.CodeLensProvider>('code lens provider', () => this.load('code lenses'));
  private readonly files = new Slot<vscode.FileSystemProvider>('fused-run file system', () => this.load('a run document'));
  private readonly serializers = new Map<string, Slot<vscode.WebviewPanelSerializer>>();
  readonly host: FeatureHost;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly bundlePath: string,
  ) {
    this.registerCommandStubs();
    const treeChanged = relay<unknown>(this.disposables);
    const filesChanged = relay<vscode.FileChangeEvent[]>(this.disposables);
    const lensesChanged = relay<void>(this.disposables);
    const tree = this.tree;
    const files = this.files;
    const lenses = this.lenses;
    const treeProvider: vscode.TreeDataProvider<unknown> = {
      onDidChangeTreeData: treeChanged.emitter.event,
      getTreeItem: (element) => tree.get().getTreeItem(element),
      getChildren: (element) => tree.get().getChildren(element),
      getParent: (element) => tree.get().getParent?.(element),
    };
    const udfTreeView = vscode.window.createTreeView(UDF_TREE_VIEW_ID, { treeDataProvider: treeProvider, showCollapseAll: true });
    this.host = {
      udfTreeView,
      setUdfTreeProvider: (provider) => vscode.Disposable.from(this.tree.set(provider), treeChanged.pipe(provider.onDidChangeTreeData)),
      setHoverProvider: (provider) => this.hover.set(provider),
      setCodeLensProvider: (provider) => vscode.Disposable.from(this.lenses.set(provider), lensesChanged.pipe(provider.onDidChangeCodeLenses)),
      setRunFileSystem: (provider) => vscode.Disposable.from(this.files.set(provider), filesChanged.pipe(provider.onDidChangeFile)),
      setWebviewSerializer: (viewType, serializer) => {
        const slot = this.serializers.get(viewType);
        if (!slot) throw new Error(`Fused Runs: package.json declares no onWebviewPanel:${viewType}, so no panel of that type is restored.`);
        return slot.set(serializer);
      },
    };
    this.disposables.push(
      udfTreeView,
      vscode.languages.registerHoverProvider({ language: 'python' }, { provideHover: (document, position, token) => this.hover.get().provideHover(document, position, token) }),
      vscode.languages.registerCodeLensProvider(
        { language: 'python' },
        {
          onDidChangeCodeLenses: lensesChanged.emitter.event,
          provideCodeLenses: (document, token) => lenses.get().provideCodeLenses(document, token),
          resolveCodeLens: (lens, token) => {
            const provider = lenses.get();
            return provider.resolveCodeLens ? provider.resolveCodeLens(lens, token) : lens;
          },
        },
      ),
      vscode.workspace.registerFileSystemProvider(
        RUN_SCHEME,
        {
          onDidChangeFile: filesChanged.emitter.event,
          watch: (uri, options) => files.get().watch(uri, options),
          stat: (uri) => files.get().stat(uri),
          readDirectory: (uri) => files.get().readDirectory(uri),
          createDirectory: (uri) => files.get().createDirectory(uri),
          readFile: (uri) => files.get().readFile(uri),
          writeFile: (uri, content, options) => files.get().writeFile(uri, content, options),
          delete: (uri, options) => files.get().delete(uri, options),
          rename: (oldUri, newUri, options) => files.get().rename(oldUri, newUri, options),
        },
        // vscode.l10n.t, not @vscode/l10n: activation loads nothing but vscode and the ids.
        { isReadonly: new vscode.MarkdownString(vscode.l10n.t('These are recorded Fused runs; they cannot be edited.')), isCaseSensitive: true },
      ),
    );
    this.registerSerializerStubs();
    // Hovers answer from a cache warmed when a Python file opens: that is the hover feature's
    // first use, so the bundle loads then, after activation has returned.
    const warm = (document: vscode.TextDocument) => {
      if (!this.loaded && document.languageId === 'python' && document.uri.scheme !== RUN_SCHEME) setTimeout(() => this.load('a Python file (warming hovers)'), 0);
    };
    this.disposables.push(vscode.workspace.onDidOpenTextDocument(warm));
    vscode.workspace.textDocuments.forEach(warm);
    // Watched UDFs are polled from the window's start (onStartupFinished): with a watch list to
    // resume, that is the watch's first use.
    const watched = context.workspaceState.get<unknown>(WATCH_STATE_KEY);
    if (Array.isArray(watched) && watched.length > 0) setTimeout(() => this.load('a watch list to resume'), 0);
  }

  /** Loads the feature bundle now (extension-test mode does, to hand out its test API). */
  loadNow(): unknown {
    this.load('the extension tests');
    return this.api;
  }

  /**
   * Every command of package.json, as a stub: the first call loads the feature bundle, which
   * registers the real commands (the stubs are disposed just before), then runs the real one.
   * Commands are read from the manifest VS Code already holds, so this never grows.
   */
  private registerCommandStubs(): void {
    const manifest = this.context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } };
    for (const { command } of manifest.contributes?.commands ?? []) {
      this.commandStubs.push(
        vscode.commands.registerCommand(command, (...args: unknown[]) => {
          this.load(`"${command}"`);
          return vscode.commands.executeCommand(command, ...args);
        }),
      );
    }
  }

  /**
   * A serializer for every `onWebviewPanel:<viewType>` of package.json, registered now so VS Code
   * restores those panels after a window reload; restoring one loads the feature bundle.
   */
  private registerSerializerStubs(): void {
    const manifest = this.context.extension.packageJSON as { activationEvents?: string[] };
    for (const event of manifest.activationEvents ?? []) {
      const viewType = /^onWebviewPanel:(.+)$/.exec(event)?.[1];
      if (!viewType || this.serializers.has(viewType)) continue;
      const slot = new Slot<vscode.WebviewPanelSerializer>(`serializer of ${viewType} panels`, () => this.load(`a restored ${viewType} panel`));
      this.serializers.set(viewType, slot);
      this.disposables.push(vscode.window.registerWebviewPanelSerializer(viewType, { deserializeWebviewPanel: (panel, state) => slot.get().deserializeWebviewPanel(panel, state) }));
    }
  }

  /** Requires the feature bundle once and lets it register and plug in everything. */
  private load(reason: string): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const stub of this.commandStubs.splice(0)) stub.dispose();
    const startedAt = performance.now();
    // A path esbuild cannot follow, so the bundle stays out of dist/extension.js.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const features = require(this.bundlePath) as { activateFeatures: ActivateFeatures };
    this.api = features.activateFeatures(this.context, this.host, { reason, startedAt });
  }

  dispose(): void {
    for (const stub of this.commandStubs.splice(0)) stub.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
