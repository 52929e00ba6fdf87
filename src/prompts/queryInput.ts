// What the palette commands accept from InputBoxes and QuickPicks, checked before any request
// so a typo gets a message naming the problem instead of a round trip. Pure: no `vscode` import.
import * as l10n from '@vscode/l10n';
import { LIMITS } from '../api/types';
import { MAX_RECORD_ID_LENGTH } from '../api/recordId';

/** Returned by InputBox validators: a message, or undefined when the text is acceptable. */
export type InputProblem = string | undefined;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_TEXT_INPUT = 512;

type TextInput = 'udfName' | 'udfId' | 'sharedToken';

/** Each sentence whole per kind of input, so a language can inflect the noun (not "Enter " + noun). */
function blankOrControl(text: string, what: TextInput): InputProblem {
  if (text.trim() === '') return { udfName: () => l10n.t('Enter a UDF name.'), udfId: () => l10n.t('Enter a UDF id.'), sharedToken: () => l10n.t('Enter a shared token.') }[what]();
  if (CONTROL_CHARS.test(text)) {
    return {
      udfName: () => l10n.t('UDF name cannot contain control characters.'),
      udfId: () => l10n.t('UDF id cannot contain control characters.'),
      sharedToken: () => l10n.t('Shared token cannot contain control characters.'),
    }[what]();
  }
  if (text.length > MAX_TEXT_INPUT) {
    return {
      udfName: () => l10n.t('UDF name is {0} characters long; at most {1} are accepted.', text.length, MAX_TEXT_INPUT),
      udfId: () => l10n.t('UDF id is {0} characters long; at most {1} are accepted.', text.length, MAX_TEXT_INPUT),
      sharedToken: () => l10n.t('Shared token is {0} characters long; at most {1} are accepted.', text.length, MAX_TEXT_INPUT),
    }[what]();
  }
  return undefined;
}

/**
 * An audit record id. Fused hands out UUIDs, but any id a server lists can be asked for, so only
 * what cannot be an id is refused: blank text, control characters, and runaway length.
 */
export function validateRecordIdInput(text: string): InputProblem {
  if (text.trim() === '') return l10n.t('Enter an audit record id.');
  if (CONTROL_CHARS.test(text)) return l10n.t('An audit record id cannot contain control characters.');
  if (text.trim().length > MAX_RECORD_ID_LENGTH) return l10n.t('That is {0} characters long; a record id has at most {1}.', text.trim().length, MAX_RECORD_ID_LENGTH);
  return undefined;
}

/** A UDF name (slug), as typed in the "runs of UDF by name" picker. */
export function validateUdfNameInput(text: string): InputProblem {
  const problem = blankOrControl(text, 'udfName');
  if (problem) return problem;
  if (text.trim() !== text) return l10n.t('A UDF name has no leading or trailing spaces.');
  return undefined;
}

/** A UDF id (a UUID in Fused; any id a server lists is accepted). */
export function validateUdfIdInput(text: string): InputProblem {
  const problem = blankOrControl(text, 'udfId');
  if (problem) return problem;
  if (text.trim() !== text) return l10n.t('A UDF id has no leading or trailing spaces.');
  return undefined;
}

export function validateSharedTokenInput(text: string): InputProblem {
  const problem = blankOrControl(text, 'sharedToken');
  if (problem) return problem;
  if (/\s/.test(text.trim())) return l10n.t('A shared token has no spaces; paste just the token (the part after /shared/ in a share link).');
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
  if (trimmed === '') return { problem: l10n.t('Enter how many records to scan, 1 to {0}.', LIMITS.maxRecordsToScan) };
  if (!/^\d+$/.test(trimmed)) return { problem: l10n.t('"{0}" is not a whole number; enter 1 to {1}.', text.trim(), LIMITS.maxRecordsToScan) };
  const value = Number(trimmed);
  if (value < 1) return { problem: l10n.t('Scan at least 1 record.') };
  if (value > LIMITS.maxRecordsToScan) {
    return { problem: l10n.t('Fused scans at most {0} records per distinct query; {1} is over the cap.', LIMITS.maxRecordsToScan, value) };
  }
  return { value };
}
