// The `meta.json` Fused writes beside a saved UDF's file:
//   {"version": "0.0.3", "job_config": {"steps": [{"type": "udf", "udf": {"name": "arraylake_example",
//     "entrypoint": "udf", "metadata": {"fused:slug": "arraylake_example", …}}}]}}
// The audit log records the UDF under that `name`. A file that is not this shape, malformed
// or huge is ignored (the caller logs the reason); it is never an error for the user.
// Pure, no `vscode` import.
import { userMessage } from '../api/errors';

/** Larger files are not a UDF's metadata (real ones are a few KB); not read. */
export const META_JSON_MAX_BYTES = 512 * 1024;

export interface MetaUdfStep {
  name: string;
  /** The function Fused calls; `udf` when the step does not say. */
  entrypoint: string;
}

export type MetaJsonResult = { ok: true; steps: MetaUdfStep[] } | { ok: false; reason: string };

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export function parseMetaJson(text: string, byteLength = text.length): MetaJsonResult {
  if (byteLength > META_JSON_MAX_BYTES) return { ok: false, reason: `it is ${byteLength.toLocaleString('en-US')} bytes (more than ${META_JSON_MAX_BYTES.toLocaleString('en-US')})` };
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, reason: `it is not valid JSON (${userMessage(error)})` };
  }
  const steps = field(field(value, 'job_config'), 'steps');
  if (!Array.isArray(steps)) return { ok: false, reason: 'it has no job_config.steps list' };
  const found: MetaUdfStep[] = [];
  for (const step of steps) {
    if (field(step, 'type') !== 'udf') continue;
    const udf = field(step, 'udf');
    const named = field(udf, 'name');
    const slug = field(field(udf, 'metadata'), 'fused:slug');
    const name = typeof named === 'string' && named.trim() ? named.trim() : typeof slug === 'string' ? slug.trim() : '';
    if (!NAME.test(name)) continue;
    const entrypoint = field(udf, 'entrypoint');
    found.push({ name, entrypoint: typeof entrypoint === 'string' && entrypoint.trim() ? entrypoint.trim() : 'udf' });
  }
  if (found.length === 0) return { ok: false, reason: 'no step of type "udf" has a name' };
  return { ok: true, steps: found };
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}
