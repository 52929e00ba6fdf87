// The Check Connection report builder (src/diagnostics/connectionReport.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConnectionLines, formatConnectionReport, jwtExpiry, type ConnectionFacts } from '../../src/diagnostics/connectionReport';
import { visibleText } from '../../src/text/safeText';

const now = new Date('2026-11-27T12:00:00Z');
const healthy: ConnectionFacts = {
  checkedAt: now,
  trusted: true,
  ignoredWorkspaceSettings: [],
  backend: { setting: 'auto', settingSource: 'default', inUse: 'http', switched: false },
  baseUrl: { value: 'https://www.fused.io/server/v1', source: 'default', loopback: false },
  auditLogPath: { value: '/audit-log', source: 'default' },
  credentials: { needed: true, source: 'fused-sdk', scheme: 'Bearer', expiresAt: new Date('2026-11-27T15:00:00Z') },
  requests: [{ backend: 'http', what: 'GET https://www.fused.io/server/v1/audit-log?limit=1', ok: true, status: 200, elapsedMs: 84, records: 1, bytes: 2210 }],
};

describe('Check Connection report', () => {
  it('a healthy HTTP connection: back end and why, URL and path with their source, credentials without the token, the timed request', () => {
    const lines = buildConnectionLines(healthy);
    assert.deepEqual(lines.map((l) => [l.status, l.label]), [
      ['info', 'Back end'],
      ['info', 'Base URL'],
      ['info', 'Audit-log path'],
      ['ok', 'Credentials'],
      ['ok', 'Request (HTTP)'],
    ]);
    const text = formatConnectionReport(lines, now, 120);
    assert.match(text, /Back end\s+HTTP: "fusedRuns\.api\.backend" is "auto" \(default\); HTTP first/);
    assert.match(text, /Credentials\s+from the Fused SDK's ~\/\.fused\/credentials, scheme Bearer, expires 2026-11-27T15:00:00\.000Z \(in 3 h\)/);
    assert.match(text, /✓ Request \(HTTP\)\s+GET https:\/\/www\.fused\.io\/server\/v1\/audit-log\?limit=1 → 200 OK in 84 ms \(1 record, 2210 bytes\)/);
    assert.match(text, /All checks passed\.\n$/);
  });

  it('every failed line carries its fix and the action that applies it', () => {
    const facts: ConnectionFacts = {
      ...healthy,
      credentials: { needed: true, problem: 'Your Fused SDK token (in /home/u/.fused/credentials) expired at 2026-11-01T00:00:00.000Z.' },
      requests: [{ backend: 'http', what: 'GET https://x/v1/audit-log?limit=1', ok: false, status: 401, elapsedMs: 30, kind: 'authentication', message: 'Fused rejected the API token (401).' }],
    };
    const lines = buildConnectionLines(facts);
    const failed = lines.filter((l) => l.status === 'fail');
    assert.deepEqual(failed.map((l) => l.label), ['Credentials', 'Request (HTTP)']);
    for (const line of failed) {
      assert.ok(line.fix, `${line.label} has a fix`);
      assert.ok(line.actions?.some((a) => a.command === 'fusedRuns.setApiToken'), `${line.label} offers Set API Token`);
    }
    const text = formatConnectionReport(lines, now, 40);
    assert.match(text, /✗ Request \(HTTP\)\s+GET https:\/\/x\/v1\/audit-log\?limit=1 → 401 in 30 ms: Fused rejected/);
    assert.match(text, /\n\s+→ Set a current API token.*\[Set API Token \| Use the Fused SDK's Sign-in\]/);
    assert.match(text, /2 checks failed/);
  });

  it('auto with an unknown path: the SDK is checked next; Python facts and a failed import carry Select Interpreter', () => {
    const base: ConnectionFacts = {
      ...healthy,
      requests: [{ backend: 'http', what: 'GET …', ok: false, status: 404, elapsedMs: 12, kind: 'not-found', endpointMissing: true, message: 'Fused answered 404' }],
    };
    const working = buildConnectionLines({
      ...base,
      python: { ok: true, command: '/venv/bin/python', origin: "the Python extension's selected interpreter", executable: '/venv/bin/python', pythonVersion: '3.11.7', fusedVersion: '1.14.0', importMs: 2310 },
    });
    const python = working.find((l) => l.label === 'Python')!;
    assert.equal(python.status, 'ok');
    assert.match(python.text, /\/venv\/bin\/python \(Python 3\.11\.7; from the Python extension's selected interpreter\): fused 1\.14\.0, import took 2310 ms/);
    const request = working.find((l) => l.label === 'Request (HTTP)')!;
    assert.ok(request.actions?.some((a) => a.args?.[0] === 'fusedRuns.api.auditLogPath'));
    const broken = buildConnectionLines({ ...base, python: { ok: false, command: 'python3, then python', origin: 'PATH, as no interpreter is selected', problem: 'fused-not-importable', message: "No module named 'fused'" } });
    assert.deepEqual(broken.map((l) => l.label), ['Back end', 'Base URL', 'Audit-log path', 'Credentials', 'Request (HTTP)', 'Python'], 'in the order they ran');
    assert.match(broken.find((l) => l.label === 'Request (HTTP)')!.fix!, /the Python line below/);
    const failedPython = broken.find((l) => l.label === 'Python')!;
    assert.equal(failedPython.status, 'fail');
    assert.deepEqual(failedPython.actions?.map((a) => a.title), ['Select Interpreter', 'Open Settings']);
  });

  it('the Python back end does not ask for our token; network failures point at the URL and the proxy', () => {
    const lines = buildConnectionLines({
      ...healthy,
      backend: { setting: 'python-sdk', settingSource: 'user settings', inUse: 'python-sdk', switched: false },
      credentials: { needed: false },
      requests: [{ backend: 'python-sdk', what: 'fused.api.log(limit=1)', ok: false, elapsedMs: 900, kind: 'network', message: 'The fused SDK could not reach Fused' }],
    });
    assert.equal(lines.find((l) => l.label === 'Credentials')?.status, 'info');
    assert.equal(lines.some((l) => l.label === 'Base URL'), false, 'HTTP settings are not what is used');
    const request = lines.find((l) => l.label === 'Request (SDK)')!;
    assert.deepEqual(request.actions?.map((a) => a.args?.[0]), ['fusedRuns.api.baseUrl', 'http.proxy']);
  });

  it('Restricted Mode says which workspace settings were ignored and offers to manage trust', () => {
    const lines = buildConnectionLines({ ...healthy, trusted: false, ignoredWorkspaceSettings: ['fusedRuns.api.baseUrl'] });
    assert.equal(lines[0].label, 'Workspace');
    assert.equal(lines[0].status, 'warn');
    assert.match(lines[0].text, /"fusedRuns\.api\.baseUrl" is ignored/);
    assert.equal(lines[0].actions?.[0].command, 'workbench.trust.manage');
  });

  it('server text cannot hide or reorder: control and bidi characters are shown as code points', () => {
    assert.equal(visibleText('a\u202Eb\u0007c\u001b[31m'), 'a⟨U+202E⟩b⟨U+0007⟩c⟨U+001B⟩[31m');
    const lines = buildConnectionLines({ ...healthy, requests: [{ backend: 'http', what: 'GET x', ok: false, status: 500, elapsedMs: 1, kind: 'server', message: 'boom\u202Egnp.exe' }] });
    assert.match(formatConnectionReport(lines, now, 1), /boom⟨U\+202E⟩gnp\.exe/);
  });

  it('a JWT\'s exp claim gives the expiry; anything else gives none', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString('base64url');
    assert.equal(jwtExpiry(`e30.${payload}.sig`)?.toISOString(), new Date(1_800_000_000_000).toISOString());
    assert.equal(jwtExpiry('opaque-token'), undefined);
    assert.equal(jwtExpiry('a.!!!.c'), undefined);
  });
});
