// Pure decisions of the connection: the auto fallback, interpreter candidates, SDK error kinds,
// restricted settings and loopback detection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError, FusedApiError, NetworkError, NotFoundError, RequestRejectedError, TimeoutError } from '../../src/api/errors';
import { sdkError } from '../../src/api/sdkErrors';
import { isLoopbackUrl, resolveSetting } from '../../src/config/restricted';
import { autoDecision, describeBackendChoice, isEndpointMissing, parseBackendSetting } from '../../src/connection/backendChoice';
import { describeInterpreterOrigin, interpreterCandidates } from '../../src/python/interpreters';

describe('auto back end: when to try the Python SDK', () => {
  const missingPath = new NotFoundError('404 for /v1/audit-log', { endpointMissing: true, status: 404 });
  const missingRecord = new NotFoundError('no record abc', { status: 404 });
  it('tries the SDK only while undecided, only for an unknown path, and only where allowed', () => {
    assert.equal(autoDecision('undecided', missingPath, true), 'try-sdk');
    assert.equal(autoDecision('undecided', new NotFoundError('405', { endpointMissing: true, status: 405 }), true), 'try-sdk');
    assert.equal(autoDecision('undecided', missingPath, false), 'rethrow', 'Restricted Mode: never');
    assert.equal(autoDecision('http', missingPath, true), 'rethrow', 'HTTP already answered: the path exists');
    assert.equal(autoDecision('python-sdk', missingPath, true), 'rethrow');
  });
  it('a 404 for one record id is ambiguous: probe with a list query first', () => {
    assert.equal(autoDecision('undecided', missingRecord, true), 'probe-list');
    assert.equal(autoDecision('undecided', missingRecord, false), 'rethrow');
  });
  it('other failures are HTTP answers that stand', () => {
    for (const error of [new AuthenticationError(401), new NetworkError('reset'), new TimeoutError('headers', 1000), new Error('plain'), undefined]) {
      assert.equal(autoDecision('undecided', error, true), 'rethrow', String(error));
    }
    assert.equal(isEndpointMissing(missingPath), true);
    assert.equal(isEndpointMissing(missingRecord), false);
  });
  it('reads the setting, with auto for anything unknown, and says why a back end is in use', () => {
    assert.equal(parseBackendSetting('http'), 'http');
    assert.equal(parseBackendSetting('python-sdk'), 'python-sdk');
    assert.equal(parseBackendSetting('pyhton'), 'auto');
    assert.equal(parseBackendSetting(undefined), 'auto');
    assert.match(describeBackendChoice({ setting: 'auto', settingSource: 'default', inUse: 'python-sdk', switchedThisSession: true }), /^Python SDK: .*"auto" \(default\).*404\/405/);
    assert.match(describeBackendChoice({ setting: 'auto', settingSource: 'default', inUse: 'http', switchedThisSession: false }), /^HTTP: .*HTTP first/);
  });
});

describe('the user\'s Python: interpreter candidates', () => {
  it('an explicit setting wins over the Python extension', () => {
    assert.deepEqual(interpreterCandidates({ setting: ' /opt/venv/bin/python ', pythonExtension: '/ws/.venv/bin/python', platform: 'linux' }), [
      { command: '/opt/venv/bin/python', args: [], origin: 'setting' },
    ]);
  });
  it('an empty setting means the Python extension\'s selected interpreter', () => {
    assert.deepEqual(interpreterCandidates({ setting: '', pythonExtension: '/ws/.venv/bin/python', platform: 'linux' }), [
      { command: '/ws/.venv/bin/python', args: [], origin: 'python-extension' },
    ]);
  });
  it('without either: python3, python, and py -3 on Windows only', () => {
    assert.deepEqual(
      interpreterCandidates({ setting: '', platform: 'linux' }).map((c) => [c.command, ...c.args].join(' ')),
      ['python3', 'python'],
    );
    assert.deepEqual(
      interpreterCandidates({ setting: '', pythonExtension: '  ', platform: 'win32' }).map((c) => [c.command, ...c.args].join(' ')),
      ['python3', 'python', 'py -3'],
    );
    assert.match(describeInterpreterOrigin('path'), /PATH/);
  });
});

describe('SDK exceptions to error kinds', () => {
  const kindOf = (failure: Parameters<typeof sdkError>[0]) => sdkError(failure, 5000).kind;
  it('an HTTP status on the exception decides first', () => {
    assert.equal(kindOf({ error: 'HTTPError', status: 400, bases: ['HTTPError', 'RequestException', 'OSError'] }), 'rejected');
    assert.equal(kindOf({ error: 'HTTPError', status: 422 }), 'rejected');
    assert.equal(kindOf({ error: 'HTTPError', status: 401 }), 'authentication');
    assert.equal(kindOf({ error: 'HTTPError', status: 403 }), 'authentication');
    assert.equal(kindOf({ error: 'HTTPError', status: 404 }), 'not-found');
    assert.equal(kindOf({ error: 'HTTPError', status: 429 }), 'rate-limited');
    assert.equal(kindOf({ error: 'HTTPError', status: 503 }), 'server');
    assert.ok(sdkError({ error: 'HTTPError', status: 400 }, 5000) instanceof RequestRejectedError);
  });
  it('then the exception classes: timeouts, connection errors, bad arguments', () => {
    assert.equal(kindOf({ error: 'ReadTimeout', bases: ['ReadTimeout', 'Timeout', 'RequestException', 'OSError'] }), 'timeout');
    const connect = sdkError({ error: 'ConnectTimeout', bases: ['ConnectTimeout', 'ConnectionError', 'Timeout'] }, 5000) as TimeoutError;
    assert.equal(connect.phase, 'connect');
    assert.equal(kindOf({ error: 'ConnectionError', bases: ['ConnectionError', 'RequestException', 'OSError'] }), 'network');
    assert.equal(kindOf({ error: 'URLError', bases: ['URLError', 'OSError', 'Exception'] }), 'network');
    assert.equal(kindOf({ error: 'ValueError', bases: ['ValueError', 'Exception'] }), 'rejected');
    const other = sdkError({ error: 'KeyError', message: "'items'" }, 5000);
    assert.ok(other instanceof FusedApiError);
    assert.equal(other.kind, 'server');
    assert.match(other.message, /The fused SDK raised KeyError: 'items'/);
    assert.doesNotMatch(other.message, /\(0\)/);
  });
});

describe('restricted settings', () => {
  const inspected = { defaultValue: 'https://www.fused.io/server/v1', globalValue: 'https://user.example/v1', workspaceValue: 'https://evil.example/v1' };
  it('trusted: the workspace value wins, folder over workspace', () => {
    assert.deepEqual(resolveSetting(inspected, '', true), { value: 'https://evil.example/v1', source: 'workspace settings' });
    assert.deepEqual(resolveSetting({ ...inspected, workspaceFolderValue: 'f' }, '', true), { value: 'f', source: 'folder settings' });
  });
  it('untrusted: the user value (or the default), and the ignored workspace value is reported', () => {
    assert.deepEqual(resolveSetting(inspected, '', false), { value: 'https://user.example/v1', source: 'user settings', ignoredWorkspaceValue: 'https://evil.example/v1' });
    assert.deepEqual(resolveSetting({ defaultValue: 'd', workspaceValue: 'w' }, 'x', false), { value: 'd', source: 'default', ignoredWorkspaceValue: 'w' });
    assert.deepEqual(resolveSetting(undefined, 'x', false), { value: 'x', source: 'default' });
  });
  it('loopback base URLs (for the demo hint)', () => {
    for (const url of ['http://127.0.0.1:8123/v1', 'http://localhost:1/v1', 'http://[::1]:9/v1', 'http://127.10.0.3/v1', 'http://demo.localhost/v1']) assert.equal(isLoopbackUrl(url), true, url);
    for (const url of ['https://www.fused.io/server/v1', 'http://fused.proxy-only.test:1/v1', 'http://10.0.0.1/v1', 'not a url', 'http://127.0.0.1.evil.example/']) assert.equal(isLoopbackUrl(url), false, url);
  });
});
