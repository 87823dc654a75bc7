// pods/NAME[:PORT]/proxy against the real API server, with a loopback HTTP server standing in
// for the pod (a Pod whose status.podIP is 127.0.0.1, bound to a non-simulated Node).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';
import { apiRequest, closedPort, createNodes, createPod, startBackend, type Backend, type Echo } from './proxy.testkit.js';

let cp: TestControlPlane;
let backend: Backend;
const base = '/api/v1/namespaces/default/pods';

before(async () => {
  cp = await startTestControlPlane({ controllers: false, nodes: 0 });
  backend = await startBackend();
  await createNodes(cp);
  await createPod(cp, 'web', 'real-node', '127.0.0.1', [{ name: 'http', containerPort: backend.port }]);
});

after(async () => {
  await backend.stop();
  await cp.stop();
});

test('GET with a path and query reaches the pod without the caller\'s credentials', async () => {
  const res = await apiRequest(cp, 'GET', `${base}/web/proxy/some/path/?x=1&y=two`, undefined, { 'X-Custom': 'kept' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['x-backend'], 'yes');
  const echo = res.json<Echo>();
  assert.equal(echo.method, 'GET');
  assert.equal(echo.url, '/some/path/?x=1&y=two');
  assert.equal(echo.headers['x-custom'], 'kept');
  assert.equal(echo.headers.authorization, undefined);
  assert.equal(echo.headers['x-forwarded-uri'], `${base}/web/proxy/some/path/`);
  assert.equal(echo.headers['x-forwarded-for'], '127.0.0.1');
});

test('ports by name, by number, or the first declared container port', async () => {
  for (const id of ['web', 'web:http', `web:${backend.port}`, `http:web:${backend.port}`]) {
    const res = await apiRequest(cp, 'GET', `${base}/${id}/proxy/`);
    assert.equal(res.status, 200, `${id}: ${res.text}`);
    assert.equal(res.json<Echo>().url, '/');
  }
  const unknown = await apiRequest(cp, 'GET', `${base}/web:metrics/proxy/`);
  assert.equal(unknown.status, 503);
  assert.equal(unknown.json().message, 'error trying to reach service: dial tcp: lookup tcp/metrics: unknown port');
});

test('POST streams the body and content type to the pod', async () => {
  const body = JSON.stringify({ hello: 'world', n: [1, 2, 3] });
  const res = await apiRequest(cp, 'POST', `${base}/web/proxy/submit`, body, { 'Content-Type': 'application/json' });
  assert.equal(res.status, 200, res.text);
  const echo = res.json<Echo>();
  assert.equal(echo.method, 'POST');
  assert.equal(echo.url, '/submit');
  assert.equal(echo.body, body);
  assert.equal(echo.headers['content-type'], 'application/json');
});

test('the bare proxy URL redirects to its trailing slash', async () => {
  const res = await apiRequest(cp, 'GET', `${base}/web/proxy?a=b`);
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, `${base}/web/proxy/?a=b`);
});

test('redirects and HTML links are rewritten under the proxy prefix; CORS headers dropped', async () => {
  const redirect = await apiRequest(cp, 'GET', `${base}/web/proxy/redirect`);
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.location, `${base}/web/proxy/landed?from=redirect`);
  const page = await apiRequest(cp, 'GET', `${base}/web/proxy/page`);
  assert.equal(page.status, 200);
  assert.equal(page.headers['access-control-allow-origin'], undefined);
  assert.equal(page.text, `<html><body><a href="${base}/web/proxy/next">next</a> <a href="https://example.com/">away</a> <img src="logo.png"></body></html>`);
});

test('connection upgrades pass through (WebSocket)', async () => {
  const url = new URL(cp.url);
  const ws = new WebSocket(`wss://${url.host}${base}/web:http/proxy/ws?k=v`, { ca: cp.caPem, headers: { Authorization: `Bearer ${cp.adminToken}` } });
  const reply = await new Promise<string>((resolve, reject) => {
    ws.on('open', () => ws.send('ping'));
    ws.on('message', (m) => resolve(m.toString()));
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(new Error(`unexpected ${res.statusCode}`)));
  });
  ws.close();
  assert.equal(reply, 'echo /ws?k=v: ping');
});

test('errors: missing pod, no IP, simulated node, address outside the pod CIDRs, nothing listening', async () => {
  const missing = await apiRequest(cp, 'GET', `${base}/nope/proxy/`);
  assert.equal(missing.status, 404);
  assert.equal(missing.json().message, 'pods "nope" not found');

  const badId = await apiRequest(cp, 'GET', `${base}/ftp:web:21/proxy/`);
  assert.equal(badId.status, 400);
  assert.equal(badId.json().message, 'invalid pod request "ftp:web:21"');

  await createPod(cp, 'pending', 'real-node', undefined, [{ containerPort: 80 }]);
  const noIP = await apiRequest(cp, 'GET', `${base}/pending/proxy/`);
  assert.equal(noIP.status, 400);
  assert.equal(noIP.json().message, 'address not allowed');

  await createPod(cp, 'simulated', 'sim-node', '198.19.113.7', [{ containerPort: 80 }]);
  const sim = await apiRequest(cp, 'GET', `${base}/simulated/proxy/`);
  assert.equal(sim.status, 503);
  assert.equal(sim.json().reason, 'ServiceUnavailable');
  assert.match(sim.json<{ message: string }>().message, /pod "simulated" runs on node "sim-node", which is simulated/);

  // 203.0.113.0/24 is no node's pod CIDR: refused before any connection is tried.
  await createPod(cp, 'outside', 'real-node', '203.0.113.9', [{ containerPort: 80 }]);
  const outside = await apiRequest(cp, 'GET', `${base}/outside/proxy/`);
  assert.equal(outside.status, 400);
  assert.match(outside.json<{ message: string }>().message, /^address not allowed: 203\.0\.113\.9 is in no pod CIDR/);

  const port = await closedPort();
  await createPod(cp, 'down', 'real-node', '127.0.0.1', [{ containerPort: port }]);
  const down = await apiRequest(cp, 'GET', `${base}/down/proxy/`);
  assert.equal(down.status, 503);
  assert.equal(down.json().message, `error trying to reach service: dial tcp 127.0.0.1:${port}: connect: connection refused`);
  const downUpgrade = await apiRequest(cp, 'GET', `${base}/down/proxy/ws`, undefined, { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' });
  assert.equal(downUpgrade.status, 500);
  assert.equal(downUpgrade.json().message, `error dialing backend: dial tcp 127.0.0.1:${port}: connect: connection refused`);
});
