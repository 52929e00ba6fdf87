// Strings in code are translatable: every `l10n.t(...)` in src/ has an entry in the committed
// bundle (l10n/bundle.l10n.json, what `npm run l10n` writes and the .vsix ships), the bundle has
// no entry that no call uses, and every call is one the exporter (@vscode/l10n-dev) can read: a
// literal template, never text built at run time (the exporter skips those without a word, and
// such a string would stay English in every language). Record text is an argument `{0}`, never
// part of the template, and formatting puts it in verbatim.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import * as l10n from '@vscode/l10n';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(REPO, 'src');
const BUNDLE = path.join(REPO, 'l10n', 'bundle.l10n.json');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [full] : [];
  });
}

interface L10nCall {
  where: string;
  /** The bundle key: the message, or `message/comment` when the call has a comment. */
  key?: string;
  message?: string;
  /** Positional arguments after the message (undefined for the object form). */
  argCount?: number;
  problem?: string;
}

const literalText = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

/** Every call of `l10n.t` / `vscode.l10n.t` in a file, and every import of @vscode/l10n the exporter would not follow. */
export function l10nCalls(file: string, text = fs.readFileSync(file, 'utf8')): L10nCall[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const calls: L10nCall[] = [];
  const where = (node: ts.Node): string => `${path.relative(REPO, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && literalText(node.moduleSpecifier) === '@vscode/l10n') {
      const bindings = node.importClause?.namedBindings;
      if (!bindings || !ts.isNamespaceImport(bindings) || bindings.name.text !== 'l10n') {
        calls.push({ where: where(node), problem: "import @vscode/l10n as `import * as l10n from '@vscode/l10n'` (the exporter reads `l10n.t` calls only)" });
      }
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && literalText(node.moduleReference.expression) === '@vscode/l10n') {
      calls.push({ where: where(node), problem: "`import l10n = require('@vscode/l10n')` hides the calls from the exporter: use `import * as l10n from '@vscode/l10n'`" });
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't') {
      const target = node.expression.expression.getText(source);
      if (target === 'l10n' || target === 'vscode.l10n') {
        const [first, ...rest] = node.arguments;
        const message = literalText(first);
        if (message !== undefined && /\\[ux]/.test(first.getText(source))) {
          calls.push({ where: where(node), problem: 'write the character itself, not a \\u or \\x escape: the exporter (@vscode/l10n-dev 0.0.35) misreads them' });
        } else if (message !== undefined) {
          calls.push({ where: where(node), key: message, message, argCount: rest.length });
        } else if (first && ts.isObjectLiteralExpression(first)) {
          const property = (name: string) =>
            first.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name)?.initializer;
          const objectMessage = literalText(property('message'));
          const comment = property('comment');
          const commentText = comment && ts.isArrayLiteralExpression(comment) ? comment.elements.map((element) => literalText(element) ?? '').join('') : literalText(comment);
          if (objectMessage === undefined) calls.push({ where: where(node), problem: 'the message is not a literal string' });
          else calls.push({ where: where(node), key: commentText ? `${objectMessage}/${commentText}` : objectMessage, message: objectMessage });
        } else {
          calls.push({ where: where(node), problem: `the message is not a literal string: ${first?.getText(source).slice(0, 80)}` });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

/** The highest `{n}` in a template plus one: how many positional arguments it needs. */
function placeholdersNeeded(message: string): number {
  return Math.max(0, ...[...message.matchAll(/\{(\d+)\}/g)].map((match) => Number(match[1]) + 1));
}

const calls = sourceFiles(SRC).flatMap((file) => l10nCalls(file));
const bundle = (): Record<string, unknown> => JSON.parse(fs.readFileSync(BUNDLE, 'utf8'));

describe('translations of strings in code (l10n/bundle.l10n.json)', () => {
  it('the reader finds calls, literal or not, and imports the exporter cannot follow', () => {
    const found = l10nCalls(
      'probe.ts',
      [
        "import * as l10n from '@vscode/l10n';",
        "import { t } from '@vscode/l10n';",
        "l10n.t('Runs of {0}', name);",
        "vscode.l10n.t({ message: 'Sign in', comment: ['the button'] });",
        "l10n.t(`Runs of ${name}`);",
        "l10n.t('a ' + b);",
        "l10n.t('VS Code\\u2019s');",
      ].join('\n'),
    );
    assert.deepEqual(
      found.map(({ key, argCount, problem }) => ({ key, argCount, problem: problem?.slice(0, 25) })),
      [
        { key: undefined, argCount: undefined, problem: 'import @vscode/l10n as `i' },
        { key: 'Runs of {0}', argCount: 1, problem: undefined },
        { key: 'Sign in/the button', argCount: undefined, problem: undefined },
        { key: undefined, argCount: undefined, problem: 'the message is not a lite' },
        { key: undefined, argCount: undefined, problem: 'the message is not a lite' },
        { key: undefined, argCount: undefined, problem: 'write the character itsel' },
      ],
    );
  });

  it('every l10n.t call in src/ has a literal template the exporter can read', () => {
    assert.ok(calls.length > 20, `expected l10n.t calls under src/ (found ${calls.length})`);
    assert.deepEqual(
      calls.filter((call) => call.problem).map((call) => `${call.where}: ${call.problem}`),
      [],
    );
  });

  it("every l10n.t template gets the arguments its {n} placeholders name (none, or exactly as many: a count's template is filled by countText)", () => {
    const wrong = calls
      .filter((call) => call.message !== undefined && call.argCount !== undefined && call.argCount !== 0 && call.argCount !== placeholdersNeeded(call.message))
      .map((call) => `${call.where}: ${JSON.stringify(call.message)} needs ${placeholdersNeeded(call.message as string)}, gets ${call.argCount}`);
    assert.deepEqual(wrong, []);
  });

  it('every l10n.t string has an entry in the committed bundle, and the bundle has no stale entry (run `npm run l10n`)', () => {
    const entries = bundle();
    const used = new Set(calls.flatMap((call) => (call.key === undefined ? [] : [call.key])));
    const missing = [...used].filter((key) => !(key in entries)).sort();
    assert.deepEqual(missing, [], 'l10n.t strings with no entry in l10n/bundle.l10n.json: run `npm run l10n`');
    const stale = Object.keys(entries).filter((key) => !used.has(key)).sort();
    assert.deepEqual(stale, [], 'entries of l10n/bundle.l10n.json that no l10n.t call uses: run `npm run l10n`');
  });

  it('the committed bundle is exactly what the exporter (npm run l10n) writes from src/', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-runs-l10n-'));
    try {
      const cli = path.join(REPO, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js');
      const result = spawnSync(process.execPath, [cli, 'export', '--outDir', out, path.join(REPO, 'src')], { cwd: REPO, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8')), bundle());
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('package.json points VS Code at the bundle folder and the .vsix ships it', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.equal(manifest.l10n, './l10n');
    assert.match(manifest.scripts.l10n, /l10n-dev export --outDir \.\/l10n \.\/src/);
    const ignored = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split(/\r?\n/).filter((line) => line && !line.startsWith('#'));
    assert.ok(!ignored.some((pattern) => /^l10n\b/.test(pattern) || pattern === '**/*.json'), `.vscodeignore drops l10n/: ${ignored.join(', ')}`);
  });

  it('a template formats its {n} arguments verbatim: hostile record text stays data', () => {
    const hostile = '<img src=x onerror=alert(1)> [x](command:fusedRuns.signOut) $(alert) {1} $& $1 \u202e';
    assert.equal(l10n.t('Runs of {0} ({1})', hostile, '{0}'), `Runs of ${hostile} ({0})`);
    assert.equal(l10n.t('{0} of {1}', 3, 10), '3 of 10');
    // No arguments: the template is returned as written (countText fills a count's {0} later).
    assert.equal(l10n.t('{0} runs'), '{0} runs');
  });
});

/**
 * What is covered: every file under src/, every folder and the files at its top (nothing is left
 * out, and a new folder is covered from its first file). All their user-visible strings go through
 * l10n.t; log lines, thrown programmer errors and ids stay English, and the finders below know them.
 */
const SRC_ENTRIES = fs.readdirSync(SRC).sort();
/** The webview pages' browser scripts: every string they show comes from the host's view or from l10n.t (see hardCodedPageText). */
const PAGE_SCRIPTS = /^src\/webview\/app\//;

/** Properties of VS Code's UI objects (and our own view models) that a person reads. */
const UI_PROPERTIES = new Set(['title', 'placeHolder', 'placeholder', 'prompt', 'tooltip', 'description', 'detail', 'label', 'openLabel', 'saveLabel', 'validationMessage', 'note', 'text', 'fix', 'name', 'textContent', 'innerText', 'ariaLabel', 'heading']);
/** Attributes of an element that a person (or a screen reader) reads. */
const TEXT_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-roledescription', 'title', 'placeholder', 'alt']);
const MESSAGE_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'setStatusBarMessage']);

/** English prose in a literal: two words with a space between (ids, field names and icons are not). */
function isProse(node: ts.Node, source: ts.SourceFile): boolean {
  let text: string | undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
  else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  if (text === undefined) return false;
  void source;
  return /[A-Za-z]{2,}\S* +\S*[A-Za-z]/.test(text.replace(/\$\([\w~-]+\)/g, ''));
}

/** `{ log, label }`: the label of a paging read, which only the log shows (log lines stay English). */
function isLogLabel(node: ts.PropertyAssignment): boolean {
  return ts.isObjectLiteralExpression(node.parent) && node.parent.properties.some((property) => property.name !== undefined && ts.isIdentifier(property.name) && property.name.text === 'log');
}

/** Hard-coded prose where a person reads it: a message's text, or a UI property's value. */
export function hardCodedProse(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node) => found.push(`${path.relative(REPO, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText(source).slice(0, 90)}`);
  // What a message shows: the literal itself, or what messageText/labelText/markdownText wrap.
  const unwrap = (node: ts.Expression): ts.Expression =>
    ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['messageText', 'labelText', 'markdownText'].includes(node.expression.text) && node.arguments[0] ? unwrap(node.arguments[0]) : node;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : ts.isIdentifier(node.expression) ? node.expression.text : '';
      if (MESSAGE_CALLS.has(callee)) for (const argument of node.arguments) if (isProse(unwrap(argument), source)) report(argument);
      const [attribute, value] = node.arguments;
      if (callee === 'setAttribute' && value && TEXT_ATTRIBUTES.has(literalText(attribute) ?? '') && isProse(value, source)) report(value);
    }
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && UI_PROPERTIES.has(node.name.text) && isProse(unwrap(node.initializer), source) && !isLogLabel(node)) report(node);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && UI_PROPERTIES.has(node.left.name.text) && isProse(unwrap(node.right), source)) report(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** DOM and platform calls whose string arguments are names (tags, selectors, ids, events, CSS variables), never text. */
const PAGE_NAME_CALLS = new Set(['createElement', 'querySelector', 'querySelectorAll', 'getElementById', 'closest', 'addEventListener', 'removeEventListener', 'getPropertyValue', 'add', 'remove', 'toggle', 'contains', 'getAttribute', 'hasAttribute', 'removeAttribute', 'postMessage', 'toLocaleString', 'startsWith', 'endsWith', 'join', 'split', 'padStart', 'fill']);

/** Where a page's script writes class lists, not text. */
const CLASS_NAMES = new Set(['class', 'className']);
/** Parameters of a page's own helpers that take a name (a class list, tag, kind, action, id), never text. */
const NAME_PARAMETERS = new Set(['tag', 'className', 'kind', 'action', 'testId', 'name', 'key', 'variable', 'fallback', 'id']);

/**
 * In a page's browser script, text is put on screen by many helpers (el(tag, class, text),
 * button(label, ...), array literals of column headings), so looking at UI properties is not
 * enough: any literal that reads as English (prose, or a capitalised word such as 'Retry') is
 * reported unless it is a name: a DOM call's argument (tag, selector, id, event), an attribute's
 * name, a class list (a `class`/`className` value, or the argument of a helper of the same file
 * whose parameter is called className, tag, kind, action, ...), a comparison's operand, a switch
 * case, an import, or `l10n.t`'s template itself.
 */
export function hardCodedPageText(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  // The file's own helpers, by name: their parameters' names say which arguments are names.
  const parameters = new Map<string, string[]>();
  const collect = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name) parameters.set(node.name.text, node.parameters.map((parameter) => parameter.name.getText(source)));
    ts.forEachChild(node, collect);
  };
  collect(source);
  const readsAsEnglish = (value: string) => /[A-Za-z]{2,}\S* +\S*[A-Za-z]/.test(value) || /^[A-Z][a-z]+\b/.test(value.trim());
  const isName = (literal: ts.Node): boolean => {
    // A choice between literals (`a ? 'x y' : 'z'`, `a ?? 'x'`) is in the place of the whole.
    let node = literal;
    while (
      ts.isParenthesizedExpression(node.parent) ||
      (ts.isConditionalExpression(node.parent) && node.parent.condition !== node) ||
      (ts.isBinaryExpression(node.parent) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.parent.operatorToken.kind))
    ) {
      node = node.parent;
    }
    const parent = node.parent;
    if (ts.isPropertyAssignment(parent) && parent.initializer === node && CLASS_NAMES.has(parent.name.getText(source).replace(/['"]/g, ''))) return true;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(parent.left) && CLASS_NAMES.has(parent.left.name.text)) return true;
    if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent) || ts.isLiteralTypeNode(parent)) return true;
    if (ts.isCaseClause(parent) || ts.isElementAccessExpression(parent) || ts.isPropertyAssignment(parent) && parent.name === node) return true;
    if (ts.isBinaryExpression(parent) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.InKeyword].includes(parent.operatorToken.kind)) return true;
    if (ts.isCallExpression(parent)) {
      const callee = ts.isPropertyAccessExpression(parent.expression) ? parent.expression.name.text : ts.isIdentifier(parent.expression) ? parent.expression.text : '';
      if (PAGE_NAME_CALLS.has(callee)) return true;
      const parameter = parameters.get(callee)?.[parent.arguments.indexOf(node as ts.Expression)];
      if (parameter !== undefined && NAME_PARAMETERS.has(parameter)) return true;
      if (callee === 't' && parent.arguments[0] === node) return true;
      if (callee === 'setAttribute') return parent.arguments[0] === node || !TEXT_ATTRIBUTES.has(literalText(parent.arguments[0]) ?? '');
    }
    return false;
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && readsAsEnglish(node.text) && !isName(node)) {
      found.push(`${path.relative(REPO, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText(source).slice(0, 90)}`);
    }
    if (ts.isTemplateExpression(node) && isProse(node, source) && !isName(node)) {
      found.push(`${path.relative(REPO, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText(source).slice(0, 90)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('no hard-coded user-visible English in the covered folders', () => {
  it('the finder sees a literal message, a wrapped one and a UI property, and lets l10n.t and ids pass', () => {
    const found = hardCodedProse(
      path.join(SRC, 'probe.ts'),
      [
        "vscode.window.showErrorMessage('Could not load runs.');",
        'vscode.window.showInformationMessage(messageText(`Copied record ID ${id}`));',
        "const item = { label: 'Open the log', command: 'fusedRuns.showLog' };",
        "box.placeholder = 'Type a name';",
        "collectRecords(source, query, { log: options.log, label: `Failing UDFs of ${name}` });",
        "vscode.window.showErrorMessage(l10n.t('Could not load runs.'));",
        "const pick = { label: '$(pass) ok', description: 'stderr' };",
      ].join('\n'),
    );
    assert.deepEqual(found.map((line) => line.replace(/^src\/probe\.ts:(\d+):.*$/, '$1')), ['1', '2', '3', '4']);
  });

  it("the page finder sees el()/button() text, headings in arrays and a text attribute, and lets names, comparisons and l10n.t pass", () => {
    const found = hardCodedPageText(
      path.join(SRC, 'webview', 'app', 'probe.ts'),
      [
        "import '@vscode-elements/elements/dist/vscode-badge/index.js';",
        "box.append(el('h1', 'error-title', 'Could not load this run'));",
        "toolbar.append(actionButton('Retry', 'refresh', false));",
        "for (const text of ['Exception', 'p50', '']) head.append(el('th', { scope: 'col' }, text));",
        "toolbar.setAttribute('aria-label', 'Run actions');",
        'tip.textContent = `${when} · click opens the details`;',
        "const node = document.createElement('vscode-button'); node.setAttribute('role', 'Toolbar');",
        "if (event.key === 'Enter' || event.key === 'ArrowRight') go();",
        "box.append(el('p', 'error-id', l10n.t('Record ID: {0}', id)), el('span', 'value missing', 'null'));",
        "const colour = themeColour('--vscode-charts-green', '#888888'); document.getElementById('chart-runs');",
        'function el(tag: string, className?: string, text?: string) { return [tag, className, text]; }',
        "el('span', late ? 'relative future' : 'relative', 'Ran at noon');",
        "const host = el('div', { class: 'table-host always' }); host.className = 'value mono';",
      ].join('\n'),
    );
    assert.deepEqual(found.map((line) => line.replace(/^src\/webview\/app\/probe\.ts:(\d+):.*$/, '$1')), ['2', '3', '4', '5', '6', '12']);
  });

  it(`covered, with nothing left out: every file under src/ (${SRC_ENTRIES.join(', ')}); the webview pages' browser scripts (src/webview/app/) by the stricter page finder too`, () => {
    const files = sourceFiles(SRC);
    assert.ok(files.length > 50, `expected the files under src/ (found ${files.length})`);
    const pages = files.filter((file) => PAGE_SCRIPTS.test(path.relative(REPO, file).split(path.sep).join('/')));
    assert.ok(pages.length >= 3, `expected the pages' scripts under src/webview/app/ (found ${pages.length})`);
    assert.deepEqual([...files.flatMap((file) => hardCodedProse(file)), ...pages.flatMap((file) => hardCodedPageText(file))], []);
  });
});
