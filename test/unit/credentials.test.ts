import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile, chmod } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExpiry, resolveCredentials, sdkCredentialsPath } from '../../src/auth/credentials';

const now = new Date('2025-04-01T12:00:00Z');
let root: string;
let homeCount = 0;

async function homeWith(contents?: string): Promise<string> {
  const home = path.join(root, `home${homeCount++}`);
  await mkdir(path.join(home, '.fused'), { recursive: true });
  if (contents !== undefined) await writeFile(sdkCredentialsPath(home), contents);
  return home;
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'fused-credentials-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resolveCredentials: precedence', () => {
  it('secret storage wins over the environment and the SDK file', async () => {
    const home = await homeWith(JSON.stringify({ access_token: 'sdk-token' }));
    const result = await resolveCredentials({ secretToken: ' secret-token ', env: { FUSED_AUTH_TOKEN: 'env-token' }, homeDir: home, now });
    assert.deepEqual(result, { credentials: { token: 'secret-token', scheme: 'Bearer', source: 'secret-storage' } });
  });
  it('FUSED_AUTH_TOKEN comes next, with FUSED_AUTH_TOKEN_TYPE as the scheme', async () => {
    const home = await homeWith(JSON.stringify({ access_token: 'sdk-token' }));
    const result = await resolveCredentials({ secretToken: '', env: { FUSED_AUTH_TOKEN: 'env-token', FUSED_AUTH_TOKEN_TYPE: 'Token' }, homeDir: home, now });
    assert.deepEqual(result.credentials, { token: 'env-token', scheme: 'Token', source: 'environment' });
  });
  it('the environment defaults to Bearer and ignores a malformed scheme', async () => {
    const home = await homeWith();
    assert.equal((await resolveCredentials({ env: { FUSED_AUTH_TOKEN: 't' }, homeDir: home, now })).credentials?.scheme, 'Bearer');
    assert.equal((await resolveCredentials({ env: { FUSED_AUTH_TOKEN: 't', FUSED_AUTH_TOKEN_TYPE: 'Bad Scheme' }, homeDir: home, now })).credentials?.scheme, 'Bearer');
  });
  it('a blank environment variable falls through to the SDK file', async () => {
    const home = await homeWith(JSON.stringify({ access_token: 'sdk-token', auth_scheme: 'Bearer' }));
    const result = await resolveCredentials({ env: { FUSED_AUTH_TOKEN: '  ' }, homeDir: home, now });
    assert.equal(result.credentials?.source, 'fused-sdk');
    assert.equal(result.credentials?.token, 'sdk-token');
  });
  it('nothing anywhere: no credentials and no problem', async () => {
    const result = await resolveCredentials({ env: {}, homeDir: path.join(root, 'no-such-home'), now });
    assert.deepEqual(result, {});
  });
});

describe('resolveCredentials: the Fused SDK file', () => {
  it('reads access_token, auth_scheme and expires_at (epoch seconds)', async () => {
    const expires = now.getTime() / 1000 + 3600;
    const home = await homeWith(JSON.stringify({ access_token: 'abc', auth_scheme: 'Token', expires_at: expires }));
    const result = await resolveCredentials({ env: {}, homeDir: home, now });
    assert.deepEqual(result.credentials, { token: 'abc', scheme: 'Token', source: 'fused-sdk', expiresAt: new Date(expires * 1000) });
    assert.equal(result.problem, undefined);
  });
  it('reads an ISO expires_at', async () => {
    const home = await homeWith(JSON.stringify({ access_token: 'abc', expires_at: '2025-04-02T00:00:00+00:00' }));
    const result = await resolveCredentials({ env: {}, homeDir: home, now });
    assert.equal(result.credentials?.expiresAt?.toISOString(), '2025-04-02T00:00:00.000Z');
    assert.equal(result.credentials?.scheme, 'Bearer');
  });
  it('an expired token gives a problem that says how to refresh it, and no credentials', async () => {
    for (const expires_at of [now.getTime() / 1000 - 1, '2025-04-01T11:59:59Z', now.getTime() / 1000]) {
      const home = await homeWith(JSON.stringify({ access_token: 'old-token', expires_at }));
      const result = await resolveCredentials({ env: {}, homeDir: home, now });
      assert.equal(result.credentials, undefined);
      assert.match(result.problem ?? '', /expired at 2025-04-01T1/);
      assert.match(result.problem ?? '', /fused\.api\.login\(\)/);
      assert.match(result.problem ?? '', /Fused: Set API Token/);
      assert.equal(result.problem?.includes('old-token'), false, 'the token never appears in a message');
    }
  });
  it('malformed files give a problem, never a throw', async () => {
    const cases: [string, RegExp][] = [
      ['{not json', /not valid JSON/],
      ['[1,2]', /does not hold a JSON object/],
      ['null', /does not hold a JSON object/],
      ['{}', /has no access_token/],
      ['{"access_token": 42}', /has no access_token/],
      ['{"access_token": "   "}', /has no access_token/],
      ['{"access_token": "secret-x", "expires_at": "next tuesday"}', /unreadable expires_at/],
      ['{"access_token": "secret-x", "expires_at": true}', /unreadable expires_at/],
    ];
    for (const [contents, pattern] of cases) {
      const home = await homeWith(contents);
      const result = await resolveCredentials({ env: {}, homeDir: home, now });
      assert.equal(result.credentials, undefined, contents);
      assert.match(result.problem ?? '', pattern, contents);
      assert.equal(result.problem?.includes('secret-x'), false);
    }
  });
  it('an unreadable file (a directory, or no permission) is a problem, not a crash', async () => {
    const home = await homeWith();
    await mkdir(sdkCredentialsPath(home));
    const result = await resolveCredentials({ env: {}, homeDir: home, now });
    assert.match(result.problem ?? '', /Could not read the Fused SDK credentials.*EISDIR/);
    if (process.getuid?.() !== 0) {
      const locked = await homeWith('{"access_token":"x"}');
      await chmod(sdkCredentialsPath(locked), 0o000);
      const denied = await resolveCredentials({ env: {}, homeDir: locked, now });
      assert.match(denied.problem ?? '', /EACCES/);
    }
  });
  it('uses an injected reader and survives one that throws oddly', async () => {
    const read = async (file: string): Promise<string> => {
      assert.equal(file, sdkCredentialsPath('/home/someone'));
      return JSON.stringify({ access_token: 'injected' });
    };
    assert.equal((await resolveCredentials({ env: {}, homeDir: '/home/someone', now, readFile: read })).credentials?.token, 'injected');
    const weird = await resolveCredentials({ env: {}, homeDir: '/x', now, readFile: () => Promise.reject(new Error('disk on fire')) });
    assert.match(weird.problem ?? '', /disk on fire/);
  });
});

describe('parseExpiry', () => {
  it('reads seconds, milliseconds, numeric strings and ISO', () => {
    assert.equal((parseExpiry(1743508800) as Date).toISOString(), '2025-04-01T12:00:00.000Z');
    assert.equal((parseExpiry(1743508800000) as Date).toISOString(), '2025-04-01T12:00:00.000Z');
    assert.equal((parseExpiry('1743508800') as Date).toISOString(), '2025-04-01T12:00:00.000Z');
    assert.equal((parseExpiry('2025-04-01T12:00:00Z') as Date).toISOString(), '2025-04-01T12:00:00.000Z');
  });
  it('absent is undefined; nonsense is invalid', () => {
    assert.equal(parseExpiry(undefined), undefined);
    assert.equal(parseExpiry(null), undefined);
    assert.equal(parseExpiry(''), undefined);
    assert.equal(parseExpiry(-5), 'invalid');
    assert.equal(parseExpiry('soon'), 'invalid');
    assert.equal(parseExpiry({}), 'invalid');
  });
});
