// What the palette commands accept from InputBoxes and QuickPicks, checked before any request
// so a typo gets a message naming the problem instead of a round trip. Pure: no `vscode` import.
import { LIMITS } from '../api/types';
import { MAX_RECORD_ID_LENGTH } from '../api/recordId';

/** Returned by InputBox validators: a message, or undefined when the text is acceptable. */
export type InputProblem = string | undefined;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_TEXT_INPUT = 512;

function blankOrControl(text: string, what: string): InputProblem {
  if (text.trim() === '') return `Enter ${what}.`;
  if (CONTROL_CHARS.test(text)) return `${capitalise(what)} cannot contain control characters.`;
  if (text.length > MAX_TEXT_INPUT) return `${capitalise(what)} is ${text.length} characters long; at most ${MAX_TEXT_INPUT} are accepted.`;
  return undefined;
}

function capitalise(text: string): string {
  const bare = text.replace(/^(a|an|the) /, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

/**
 * An audit record id. Fused hands out UUIDs, but any id a server lists can be asked for, so only
 * what cannot be an id is refused: blank text, control characters, and runaway length.
 */
export function validateRecordIdInput(text: string): InputProblem {
  if (text.trim() === '') return 'Enter an audit record id.';
  if (CONTROL_CHARS.test(text)) return 'An audit record id cannot contain control characters.';
  if (text.trim().length > MAX_RECORD_ID_LENGTH) return `That is ${text.trim().length} characters long; a record id has at most ${MAX_RECORD_ID_LENGTH}.`;
  return undefined;
}

/** A UDF name (slug), as typed in the "runs of UDF by name" picker. */
export function validateUdfNameInput(text: string): InputProblem {
  const problem = blankOrControl(text, 'a UDF name');
  if (problem) return problem;
  if (text.trim() !== text) return 'A UDF name has no leading or trailing spaces.';
  return undefined;
}

/** A UDF id (a UUID in Fused; any id a server lists is accepted). */
export function validateUdfIdInput(text: string): InputProblem {
  const problem = blankOrControl(text, 'a UDF id');
  if (problem) return problem;
  if (text.trim() !== text) return 'A UDF id has no leading or trailing spaces.';
  return undefined;
}

export function validateSharedTokenInput(text: string): InputProblem {
  const problem = blankOrControl(text, 'a shared token');
  if (problem) return problem;
  if (/\s/.test(text.trim())) return 'A shared token has no spaces; paste just the token (the part after /shared/ in a share link).';
  return undefined;
}

/**
 * A shared token, or a share link that contains one (users copy links, not tokens):
 * `https://www.fused.io/server/v1/realtime-shared/fsh_abc/run/file` -> `fsh_abc`.
 */
export function sharedTokenFromInput(text: string): string {
  const trimmed = text.trim();
  const match = /\/(?:realtime-)?shared\/([^/?#\s]+)/.exec(trimmed);
  return match ? decodeURIComponentSafe(match[1]) : trimmed;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `max_records_to_scan` typed by the user: a whole number 1..5000. */
export function parseMaxRecordsToScan(text: string): { value: number } | { problem: string } {
  const trimmed = text.trim().replace(/[_,\s]/g, '');
  if (trimmed === '') return { problem: `Enter how many records to scan, 1 to ${LIMITS.maxRecordsToScan}.` };
  if (!/^\d+$/.test(trimmed)) return { problem: `"${text.trim()}" is not a whole number; enter 1 to ${LIMITS.maxRecordsToScan}.` };
  const value = Number(trimmed);
  if (value < 1) return { problem: 'Scan at least 1 record.' };
  if (value > LIMITS.maxRecordsToScan) {
    return { problem: `Fused scans at most ${LIMITS.maxRecordsToScan} records per distinct query; ${value} is over the cap.` };
  }
  return { value };
}
