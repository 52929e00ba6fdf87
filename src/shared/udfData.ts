// What a run's `udf_data` holds. The Fused SDK records either its serialized UDF (JSON with
// `name`, `code`, `entrypoint`, `headers`, `metadata`, `parameters`, as fused-py's BaseUdf model
// dumps it), or the UDF's source as plain text, or some other payload. Pure: shared by the
// documents (which file to show, in which language) and the details webview.
//
// Robust to huge input: JSON.parse is linear, and the "does this look like Python" test only
// reads a bounded prefix line by line, never a regex over the whole payload.

import * as l10n from '@vscode/l10n';

export type UdfDataKind = 'serialized' | 'code' | 'text' | 'missing';

export interface UdfHeaderModule {
  /** The name the UDF imports it by (e.g. `utils`). */
  module_name: string;
  /**
   * The module's source. When the SDK recorded only a reference (`source_file` / `url`) this
   * is a Python comment saying so, so a document can still be opened for it.
   */
  source_code: string;
  /** Where the SDK read the module from, when recorded. */
  source_file?: string;
  url?: string;
}

export interface ParsedUdfData {
  kind: UdfDataKind;
  /** The Python source: the `code` field of serialized UDFs, or the payload itself for plain code. */
  code?: string;
  name?: string;
  entrypoint?: string;
  headers: UdfHeaderModule[];
  metadata?: unknown;
  parameters?: unknown;
  /** The payload as recorded ('' when missing). */
  raw: string;
}

/** How much of a payload is read to decide whether it is Python. */
const SNIFF_CHARS = 64 * 1024;

export function parseUdfData(udf_data: string | null | undefined): ParsedUdfData {
  if (udf_data === null || udf_data === undefined || typeof udf_data !== 'string') {
    return { kind: 'missing', headers: [], raw: '' };
  }
  const raw = udf_data;
  const start = firstNonSpace(raw);
  if (start === -1) return { kind: 'missing', headers: [], raw };

  if (raw[start] === '{' && raw[lastNonSpace(raw)] === '}') {
    const serialized = parseSerialized(raw);
    if (serialized) return serialized;
  }
  if (looksLikePython(raw)) return { kind: 'code', code: raw, headers: [], raw };
  return { kind: 'text', headers: [], raw };
}

function parseSerialized(raw: string): ParsedUdfData | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  // Some payloads wrap the model (e.g. {"udf": {...}}); take the inner object when it has code.
  const model = isObject(value.udf) && typeof value.udf.code === 'string' ? value.udf : value;
  const code = typeof model.code === 'string' ? model.code : typeof model.source_code === 'string' ? model.source_code : undefined;
  if (code === undefined) return undefined;
  const parsed: ParsedUdfData = { kind: 'serialized', code, headers: parseHeaders(model.headers), raw };
  if (typeof model.name === 'string') parsed.name = model.name;
  if (typeof model.entrypoint === 'string') parsed.entrypoint = model.entrypoint;
  if ('metadata' in model && model.metadata !== null) parsed.metadata = model.metadata;
  // The SDK has called these `parameters` and `default_parameters` over time.
  const parameters = 'parameters' in model ? model.parameters : model.default_parameters;
  if (parameters !== undefined && parameters !== null) parsed.parameters = parameters;
  return parsed;
}

/**
 * Headers as the SDK has written them: a list of `{module_name, source_code, source_file}`
 * objects, a list of references (`{module_name, url}` or a bare string path/URL), or a map
 * of module name to source. Anything else is skipped rather than failing the whole payload.
 */
function parseHeaders(headers: unknown): UdfHeaderModule[] {
  const modules: UdfHeaderModule[] = [];
  if (Array.isArray(headers)) {
    for (const header of headers) {
      const module = parseHeader(header);
      if (module) modules.push(module);
    }
  } else if (isObject(headers)) {
    for (const [module_name, source] of Object.entries(headers)) {
      if (typeof source === 'string') modules.push({ module_name, source_code: source });
      else {
        const module = parseHeader(isObject(source) ? { module_name, ...source } : undefined);
        if (module) modules.push(module);
      }
    }
  }
  return modules;
}

function parseHeader(header: unknown): UdfHeaderModule | undefined {
  if (typeof header === 'string') {
    const reference = header.trim();
    if (!reference) return undefined;
    return { module_name: moduleNameFromReference(reference), source_code: referenceOnly(reference), source_file: reference };
  }
  if (!isObject(header)) return undefined;
  const sourceFile = typeof header.source_file === 'string' ? header.source_file : undefined;
  const url = typeof header.url === 'string' ? header.url : undefined;
  const named = typeof header.module_name === 'string' && header.module_name ? header.module_name : typeof header.name === 'string' && header.name ? header.name : undefined;
  const module_name = named ?? moduleNameFromReference(sourceFile ?? url ?? '');
  if (!module_name) return undefined;
  const code = typeof header.source_code === 'string' ? header.source_code : typeof header.code === 'string' ? header.code : undefined;
  const module: UdfHeaderModule = { module_name, source_code: code ?? referenceOnly(url ?? sourceFile ?? module_name) };
  if (sourceFile !== undefined) module.source_file = sourceFile;
  if (url !== undefined) module.url = url;
  return module;
}

function referenceOnly(reference: string): string {
  return `${l10n.t('# This run recorded this module by reference only, without its source:')}\n# ${reference.replace(/[\r\n]+/g, ' ')}\n`;
}

/** `utils.py`, `https://…/utils.py`, `/a/b/utils.py` → `utils`. */
function moduleNameFromReference(reference: string): string {
  const base = reference.split(/[/\\]/).filter(Boolean).pop() ?? '';
  return base.replace(/\.py$/i, '');
}

/**
 * Python if, in the first 64 KB, a line (outside strings, roughly) starts like Python
 * statements do: `def`/`class`/`import`/`from … import`/a decorator/`@fused.udf`, and the
 * payload is not obviously something else (JSON, HTML, a traceback alone).
 */
export function looksLikePython(text: string): boolean {
  const prefix = text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text;
  let strong = 0;
  let weak = 0;
  let lineStart = 0;
  let lines = 0;
  while (lineStart <= prefix.length && lines < 2000) {
    let lineEnd = prefix.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = prefix.length;
    const line = prefix.slice(lineStart, Math.min(lineEnd, lineStart + 400)).trimEnd();
    lineStart = lineEnd + 1;
    lines++;
    const trimmed = line.trimStart();
    if (!trimmed) continue;
    if (trimmed.startsWith('Traceback (most recent call last)')) return false;
    if (/^@fused\.udf\b/.test(trimmed)) return true;
    if (/^(async\s+)?def\s+[A-Za-z_]\w*\s*\(/.test(trimmed) || /^class\s+[A-Za-z_]\w*\s*[(:]/.test(trimmed)) strong++;
    else if (/^import\s+[A-Za-z_][\w.]*(\s+as\s+\w+)?(\s*,\s*[A-Za-z_][\w.]*(\s+as\s+\w+)?)*\s*(#.*)?$/.test(trimmed)) strong++;
    else if (/^from\s+\.*[A-Za-z_][\w.]*\s+import\s+/.test(trimmed)) strong++;
    else if (/^@[A-Za-z_][\w.]*/.test(trimmed) && !trimmed.includes(' ')) weak++;
    else if (/^(return|if|elif|else|for|while|with|try|except|raise|print)\b.*:?$/.test(trimmed)) weak++;
    else if (/^#/.test(trimmed)) continue;
  }
  return strong > 0 || weak >= 3;
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

function lastNonSpace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
