// Links from traceback frames in a run's stderr/stdout to the line of the run's own code (or
// header module) that raised. The rule for which frames link is in traceback.ts.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { runAddressOf, runDocumentUri, type RunFileSystemProvider } from './runFileSystem';
import { findTracebackFrames, frameTargets, type RunLinkContext } from '../shared/traceback';
import { lineFragment, RUN_SCHEME } from '../shared/runUri';
import { labelText } from '../text/safeText';

export class TracebackLinkProvider implements vscode.DocumentLinkProvider {
  constructor(private readonly files: RunFileSystemProvider) {}

  async provideDocumentLinks(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentLink[]> {
    const address = runAddressOf(document.uri);
    if (!address || (address.file.kind !== 'stderr' && address.file.kind !== 'stdout')) return [];
    const text = document.getText();
    const frames = findTracebackFrames(text);
    if (frames.length === 0 || token.isCancellationRequested) return [];
    const record = await this.files.record(address.recordId);
    const parsed = this.files.parsedUdfData(record);
    const context: RunLinkContext = {
      udfName: record.udf_name,
      entrypoint: parsed.entrypoint,
      // A payload that is not Python has no lines a frame could point into.
      codeLineCount: parsed.kind === 'serialized' || parsed.kind === 'code' ? countLines(parsed.code ?? '') : 0,
      headers: parsed.headers.map((h) => ({ module_name: h.module_name, source_file: h.source_file, lineCount: countLines(h.source_code) })),
    };
    const links: vscode.DocumentLink[] = [];
    frameTargets(frames, context).forEach((target, index) => {
      if (!target) return;
      const frame = frames[index];
      const file = target.kind === 'code' ? ({ kind: 'code' } as const) : ({ kind: 'header', module: target.module } as const);
      // `#L12` is understood by VS Code's opener: the document opens with line 12 selected.
      const uri = runDocumentUri({ recordId: address.recordId, udfName: address.udfName, file }).with({ fragment: lineFragment(target.line) });
      const link = new vscode.DocumentLink(new vscode.Range(document.positionAt(frame.start), document.positionAt(frame.end)), uri);
      // VS Code shows the tooltip as the label of a Markdown link with theme icons: the module name is record text.
      link.tooltip = target.kind === 'code' ? l10n.t('Open line {0} of the code that ran', target.line) : labelText(l10n.t('Open line {0} of header module {1}', target.line, target.module), 200);
      links.push(link);
    });
    return links;
  }
}

/** Lines as Python numbers them: a trailing newline does not start another line. */
export function countLines(text: string): number {
  if (!text) return 0;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}

export function registerTracebackLinks(files: RunFileSystemProvider): vscode.Disposable {
  return vscode.languages.registerDocumentLinkProvider({ scheme: RUN_SCHEME }, new TracebackLinkProvider(files));
}
