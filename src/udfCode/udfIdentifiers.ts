// What the string given to fused.run / fused.load / fused.submit names, as the audit log knows
// it. Shapes seen in public Fused code, by frequency: GitHub URLs of a UDF folder (mostly
// `fused.load` of the shared `common` utility module), `fsh_…` shared tokens, `UDF_…` public
// UDF tokens, bare names, `user@example.com/name`, `team/name`. Pure, no `vscode` import.

export type UdfTarget =
  /** Asked with `udf_name=`. */
  | { kind: 'udf_name'; value: string; shape: 'bare' | 'owner' | 'github' | 'path' }
  /** Asked with `shared_token=`: `fsh_…` shared links and `UDF_…` public UDF tokens. */
  | { kind: 'shared_token'; value: string; shape: 'fsh' | 'udf_token' };

/** A UDF name as Fused writes slugs; anything else is not worth a query. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;
const SHARED_TOKEN = /^fsh_[A-Za-z0-9_-]{1,200}$/;
const PUBLIC_UDF_TOKEN = /^UDF_[A-Za-z0-9_-]{1,200}$/;
/** https://github.com/<org>/<repo>/tree|blob/<ref>/<path…> */
const GITHUB_URL = /^(?:https?:\/\/)?(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+\/(?:tree|blob)\/[^/\s]+\/(\S+)$/i;

/**
 * Folders of Fused's public UDF repository that hold helper code loaded with `fused.load`
 * and never run on their own (85% of GitHub `fused.load` URLs in the measured corpus were
 * `common`). Prefetching their runs would cost a request that always comes back empty.
 */
export const UTILITY_MODULES: ReadonlySet<string> = new Set(['common', 'utils', 'util', 'helpers']);

export function classifyUdfIdentifier(literal: string): UdfTarget | undefined {
  const value = literal.trim();
  if (!value || value.length > 2000) return undefined;
  if (SHARED_TOKEN.test(value)) return { kind: 'shared_token', value, shape: 'fsh' };
  if (PUBLIC_UDF_TOKEN.test(value)) return { kind: 'shared_token', value, shape: 'udf_token' };
  const github = GITHUB_URL.exec(value);
  if (github) {
    const name = lastSegment(github[1].replace(/[?#].*$/, ''));
    return name ? { kind: 'udf_name', value: name, shape: 'github' } : undefined;
  }
  // Other URLs (s3://, https://…) are files, not UDF names.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  if (!value.includes('/')) return NAME.test(value) ? { kind: 'udf_name', value, shape: 'bare' } : undefined;
  const segments = value.split('/');
  // `user@example.com/name`, `team/name`: the audit log records the UDF's own name.
  if (segments.length === 2 && segments[0] && !segments[0].startsWith('.') && NAME.test(segments[1])) {
    return { kind: 'udf_name', value: segments[1], shape: 'owner' };
  }
  // A local path to a UDF folder or file (`./udfs/my_udf/`, `udfs/my_udf.py`): its folder or stem.
  const name = lastSegment(value);
  return name ? { kind: 'udf_name', value: name, shape: 'path' } : undefined;
}

function lastSegment(path: string): string | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  const last = (segments[segments.length - 1] ?? '').replace(/\.py$/i, '');
  return NAME.test(last) && last !== '.' && last !== '..' ? last : undefined;
}

/** A GitHub URL of a helper module (e.g. `…/public/common/`): loaded, never run. */
export function isUtilityModule(target: UdfTarget): boolean {
  return target.kind === 'udf_name' && target.shape === 'github' && UTILITY_MODULES.has(target.value.toLowerCase());
}
