// The colours ANSI escapes gave stdout/stderr, shown as editor decorations on the stripped
// text. One decoration type per distinct style (bounded), ranges recomputed from the cached
// record when a run's log becomes visible.
import vscode = require('vscode');
import { NAMED_COLOR_THEME_IDS, positionsOf, stripAnsi, styleKey, type AnsiColor, type AnsiStyle } from '../text/ansi';
import { runAddressOf, type RunFileSystemProvider } from './runFileSystem';
import { DisposableStore } from '../util/disposables';

/** Distinct styles given their own decoration type; further styles are shown uncoloured. */
const MAX_STYLES = 64;

export class AnsiDecorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** Ranges by document URI, for the few logs open at a time. */
  private readonly rangesByDocument = new Map<string, Map<string, vscode.Range[]>>();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly files: RunFileSystemProvider) {
    this.subscriptions.add(
      vscode.window.onDidChangeVisibleTextEditors((editors) => void this.decorate(editors)),
      vscode.workspace.onDidCloseTextDocument((document) => this.rangesByDocument.delete(document.uri.toString())),
      // A reloaded record changes the document: recompute its colours.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (!runAddressOf(event.document.uri)) return;
        this.rangesByDocument.delete(event.document.uri.toString());
        void this.decorate(vscode.window.visibleTextEditors.filter((e) => e.document === event.document));
      }),
    );
    void this.decorate(vscode.window.visibleTextEditors);
  }

  private async decorate(editors: readonly vscode.TextEditor[]): Promise<void> {
    for (const editor of editors) {
      const address = runAddressOf(editor.document.uri);
      if (!address || (address.file.kind !== 'stderr' && address.file.kind !== 'stdout')) continue;
      try {
        const byStyle = await this.rangesFor(editor.document, address.recordId, address.file.kind);
        for (const [key, ranges] of byStyle) {
          const type = this.types.get(key);
          if (type) editor.setDecorations(type, ranges);
        }
      } catch {
        // The document itself shows the error (the file system provider reported it).
      }
    }
  }

  private async rangesFor(document: vscode.TextDocument, recordId: string, field: 'stderr' | 'stdout'): Promise<Map<string, vscode.Range[]>> {
    const cacheKey = document.uri.toString();
    const cached = this.rangesByDocument.get(cacheKey);
    if (cached) return cached;
    const record = await this.files.record(recordId);
    const value = record[field];
    const byStyle = new Map<string, vscode.Range[]>();
    if (typeof value === 'string' && value.length > 0) {
      const { text, ranges } = stripAnsi(value);
      const positions = positionsOf(text, ranges.flatMap((r) => [r.start, r.end]));
      ranges.forEach((range, index) => {
        const key = styleKey(range.style);
        if (!this.ensureType(key, range.style)) return;
        const start = positions[index * 2];
        const end = positions[index * 2 + 1];
        let list = byStyle.get(key);
        if (!list) byStyle.set(key, (list = []));
        list.push(new vscode.Range(start.line, start.character, end.line, end.character));
      });
    }
    this.rangesByDocument.set(cacheKey, byStyle);
    return byStyle;
  }

  private ensureType(key: string, style: AnsiStyle): boolean {
    if (this.types.has(key)) return true;
    if (this.types.size >= MAX_STYLES) return false;
    this.types.set(
      key,
      vscode.window.createTextEditorDecorationType({
        color: style.fg ? cssColor(style.fg) : undefined,
        backgroundColor: style.bg ? cssColor(style.bg) : undefined,
        fontWeight: style.bold ? 'bold' : undefined,
        fontStyle: style.italic ? 'italic' : undefined,
        textDecoration: style.underline ? 'underline' : undefined,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    return true;
  }

  dispose(): void {
    this.subscriptions.dispose();
    for (const type of this.types.values()) type.dispose();
    this.types.clear();
    this.rangesByDocument.clear();
  }
}

/** Named colours follow the theme's terminal palette; exact colours are used as given. */
function cssColor(color: AnsiColor): string | vscode.ThemeColor {
  return color.kind === 'named' ? new vscode.ThemeColor(NAMED_COLOR_THEME_IDS[color.index]) : `rgb(${color.r}, ${color.g}, ${color.b})`;
}
