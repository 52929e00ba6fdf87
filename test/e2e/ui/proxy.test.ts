// HTTP goes through VS Code's network stack: with `http.proxy` pointing at a loopback forward
// proxy and a base URL whose host name only that proxy resolves (fused.proxy-only.test), the tree
// fills only if the extension's requests went through the proxy, and the proxy's log shows them.
// VS Code never proxies 127.0.0.1/localhost, hence the name. The control run, with
// `http.proxySupport: "off"`, must fail: it proves the setting did the routing.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { LAUNCH_TIMEOUT_MS, launchWorkbench, startForwardProxy, type ForwardProxy, type Workbench } from '../harness';

const PROXY_ONLY_HOST = 'fused.proxy-only.test';

/** A UDF name of the demo user in the tree's default range (last 24 h). */
function expectedUdf(wb: Workbench): string {
  const name = wb.fused.records
    .filter((r) => r.user_email === wb.fused.users[0].email && Date.now() - Date.parse(r.timestamp) < 23 * 3600_000)
    .map((r) => r.udf_name)
    .find((n): n is string => !!n);
  assert.ok(name, 'the demo data has a recent UDF');
  return name;
}

function launchBehind(proxy: ForwardProxy, name: string, proxySupport: 'override' | 'off'): Promise<Workbench> {
  return launchWorkbench({
    name,
    settings: (fused) => ({
      'fusedRuns.api.baseUrl': `http://${PROXY_ONLY_HOST}:${fused.port}/v1`,
      'http.proxy': proxy.url,
      'http.proxySupport': proxySupport,
    }),
  });
}

describe('through the proxy (http.proxySupport: override)', () => {
  let proxy: ForwardProxy;
  let wb: Workbench;
  before(async () => {
    proxy = await startForwardProxy({ [PROXY_ONLY_HOST]: '127.0.0.1' });
    wb = await launchBehind(proxy, 'proxy', 'override');
  }, { timeout: LAUNCH_TIMEOUT_MS });
  afterEach(async (t) => wb?.captureIfFailed(t as unknown as { name: string; passed?: boolean }));
  after(async () => {
    await wb?.close();
    await proxy?.close();
  });

  it('the tree fills with the server\'s UDFs, and every request went through the proxy', async () => {
    await wb.openView();
    await wb.waitForTreeRow(expectedUdf(wb), 60_000);
    const target = `${PROXY_ONLY_HOST}:${wb.fused.port}`;
    const ours = proxy.log.filter((entry) => entry.target === target || entry.target.startsWith(`http://${target}/`));
    assert.ok(ours.length >= 1, `proxy log: ${JSON.stringify(proxy.log)}`);
    // VS Code's fetch tunnels even http:// URLs with CONNECT.
    assert.ok(ours.every((entry) => entry.outcome === 'tunnel' || entry.outcome === 'forwarded'), JSON.stringify(ours));
    const served = wb.fused.stats();
    assert.ok(served.requests >= 1 && served.byStatus['200'] >= 1, JSON.stringify(served.byStatus));
    console.log(`proxy log (${proxy.log.length} entries): ${JSON.stringify(proxy.log.slice(0, 5))}`);
  });

  it('Check Connection names the proxy and times a request through it', async () => {
    const text = await wb.checkConnection();
    assert.match(text, new RegExp(`Proxy\\s+${proxy.url.replace(/[.]/g, '\\.')} \\("http\\.proxySupport": override\\)`));
    assert.match(text, new RegExp(`✓ Request \\(HTTP\\)\\s+GET http://${PROXY_ONLY_HOST.replace(/\./g, '\\.')}:${wb.fused.port}/v1/audit-log\\?limit=1 → 200 OK in \\d+ ms`));
    assert.match(text, /All checks passed/);
  });
});

describe('control run: http.proxySupport "off"', () => {
  let proxy: ForwardProxy;
  let wb: Workbench;
  before(async () => {
    proxy = await startForwardProxy({ [PROXY_ONLY_HOST]: '127.0.0.1' });
    wb = await launchBehind(proxy, 'proxy-off', 'off');
  }, { timeout: LAUNCH_TIMEOUT_MS });
  afterEach(async (t) => wb?.captureIfFailed(t as unknown as { name: string; passed?: boolean }));
  after(async () => {
    await wb?.close();
    await proxy?.close();
  });

  it('the same settings without proxy support fail to resolve the host, and nothing reaches the proxy or the server', async () => {
    await wb.openView();
    const row = await wb.waitForTreeRow('Could not load UDFs', 60_000);
    const description = (await row.locator('.label-description').textContent()) ?? '';
    assert.match(description, new RegExp(`Could not find the host ${PROXY_ONLY_HOST.replace(/\./g, '\\.')}`));
    assert.deepEqual(proxy.log, []);
    assert.equal(wb.fused.stats().requests, 0);
  });
});
