// Where the Fused API token comes from, in order: VS Code secret storage, the FUSED_AUTH_TOKEN
// environment variable (the Fused SDK's own override), then the Fused SDK's ~/.fused/credentials.
// Pure (inputs are passed in) so it is unit-tested without VS Code. Never logs or returns a
// token inside a message; problems are phrased so the user knows how to fix them.

import * as l10n from '@vscode/l10n';
import { userMessage } from '../api/errors';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Credentials } from '../api/types';

export interface ResolveCredentialsInput {
  /** The token saved with "Fused: Set API Token", if any. */
  secretToken?: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  now: Date;
  /** Reads a file as UTF-8; injectable for tests. Rejects with code ENOENT when missing. */
  readFile?: (file: string) => Promise<string>;
}

export interface ResolvedCredentials {
  credentials?: Credentials;
  /** Why no credentials (or why a lower-priority source was skipped), for the user. */
  problem?: string;
}

export const DEFAULT_SCHEME = 'Bearer';

const refreshAdvice = (): string =>
  l10n.t('Refresh it by running `fused.api.login()` (or `fused.api.NotebookCredentials()` in a notebook) in Python, or run "Fused: Set API Token".');

/** The SDK's credentials file for a home directory. */
export function sdkCredentialsPath(homeDir: string): string {
  return path.join(homeDir, '.fused', 'credentials');
}

function cleanScheme(value: unknown): string {
  if (typeof value !== 'string') return DEFAULT_SCHEME;
  const trimmed = value.trim();
  // A scheme is a single HTTP token; anything else would corrupt the Authorization header.
  return /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/.test(trimmed) ? trimmed : DEFAULT_SCHEME;
}

/**
 * Parses `expires_at`: epoch seconds (number or numeric string; milliseconds are recognised
 * by size) or an ISO 8601 string. Returns undefined when absent, or 'invalid'.
 */
export function parseExpiry(value: unknown): Date | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined;
  let epoch: number | undefined;
  if (typeof value === 'number') epoch = value;
  else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) epoch = Number(value);
  if (epoch !== undefined) {
    if (!Number.isFinite(epoch) || epoch <= 0) return 'invalid';
    // Seconds until the year 5138; anything bigger is milliseconds.
    return new Date(epoch > 1e11 ? epoch : epoch * 1000);
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? 'invalid' : new Date(ms);
  }
  return 'invalid';
}

function isMissingFile(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function fromSdkFile(input: ResolveCredentialsInput): Promise<ResolvedCredentials> {
  const file = sdkCredentialsPath(input.homeDir);
  const read = input.readFile ?? ((name: string) => fs.readFile(name, 'utf8'));
  let text: string;
  try {
    text = await read(file);
  } catch (error) {
    if (isMissingFile(error)) return {};
    const reason = (error as { code?: string })?.code ?? (userMessage(error));
    return { problem: l10n.t('Could not read the Fused SDK credentials at {0} ({1}). Check its permissions, or run "Fused: Set API Token".', file, reason) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      problem: l10n.t('The Fused SDK credentials file {0} is not valid JSON. Sign in again with `fused.api.login()` in Python to rewrite it, or run "Fused: Set API Token".', file),
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { problem: l10n.t('The Fused SDK credentials file {0} does not hold a JSON object. Sign in again with `fused.api.login()` in Python, or run "Fused: Set API Token".', file) };
  }
  const data = parsed as Record<string, unknown>;
  const token = typeof data.access_token === 'string' ? data.access_token.trim() : '';
  if (!token) {
    return { problem: l10n.t('The Fused SDK credentials file {0} has no access_token. Sign in again with `fused.api.login()` in Python, or run "Fused: Set API Token".', file) };
  }
  const expiry = parseExpiry(data.expires_at);
  if (expiry === 'invalid') {
    return { problem: l10n.t('The Fused SDK credentials file {0} has an unreadable expires_at. {1}', file, refreshAdvice()) };
  }
  if (expiry && expiry.getTime() <= input.now.getTime()) {
    return { problem: l10n.t('Your Fused SDK token (in {0}) expired at {1}. {2}', file, expiry.toISOString(), refreshAdvice()) };
  }
  return {
    credentials: {
      token,
      scheme: cleanScheme(data.auth_scheme ?? data.token_type),
      source: 'fused-sdk',
      ...(expiry ? { expiresAt: expiry } : {}),
    },
  };
}

/** Resolves the credentials to use now. Never throws for bad input; reports a `problem` instead. */
export async function resolveCredentials(input: ResolveCredentialsInput): Promise<ResolvedCredentials> {
  const secret = input.secretToken?.trim();
  if (secret) return { credentials: { token: secret, scheme: DEFAULT_SCHEME, source: 'secret-storage' } };

  const envToken = input.env.FUSED_AUTH_TOKEN?.trim();
  if (envToken) {
    return { credentials: { token: envToken, scheme: cleanScheme(input.env.FUSED_AUTH_TOKEN_TYPE), source: 'environment' } };
  }

  try {
    return await fromSdkFile(input);
  } catch (error) {
    // Defensive: nothing above should throw, but a credentials problem must never crash a view.
    return { problem: l10n.t('Could not read the Fused SDK credentials: {0}', userMessage(error)) };
  }
}
