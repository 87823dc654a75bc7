// services/NAME[:PORT]/proxy against the real API server: endpoints written by hand
// (Endpoints or only EndpointSlices) with 127.0.0.1 addresses, a loopback HTTP server behind
// them, and kube-apiserver's answers when no endpoint can take the request.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestControlPlane, type TestControlPlane } from '../../testing/control-plane.js';
import { apiRequest, create, createNodes, createPod, startBackend, storeUnvalidated, type Backend, type Echo } from './proxy.testkit.js';

let cp: TestControlPlane;
let backend: Backend;
const base = '/api/v1/namespaces/default/services';

function service(name: string, ports: { name?: string; port: number }[], spec: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: ports.map((p) => ({ ...p, protocol: 'TCP' })), ...spec } };
}

function endpoints(name: string, subsets: unknown[]) {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name }, subsets };
}

before(async () => {
  cp = await startTestControlPlane({ controllers: false, nodes: 0 });
  backend = await startBackend();
  await createNodes(cp);
  // Seed 000's Service `ver`, its port named http.
  await create(cp, `${base}`, service('ver', [{ name: 'http', port: 80 }]));
  await storeUnvalidated(cp, '', 'endpoints', endpoints('ver', [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port: backend.port, protocol: 'TCP' }] }]));
});

after(async () => {
  await backend.stop();
  await cp.stop();
});

test('a named port reaches the endpoint with path and query', async () => {
  const res = await apiRequest(cp, 'GET', `${base}/ver:http/proxy/hello/world?q=1`);
  assert.equal(res.status, 200, res.text);
  const echo = res.json<Echo>();
  assert.equal(echo.url, '/hello/world?q=1');
  assert.equal(echo.headers['x-forwarded-uri'], `${base}/ver:http/proxy/hello/world`);
});

test('the Service port by number, or the only port without a name in the URL', async () => {
  for (const id of ['ver:80', 'ver', 'http:ver:http']) {
    const res = await apiRequest(cp, 'GET', `${base}/${id}/proxy/`);
    assert.equal(res.status, 200, `${id}: ${res.text}`);
    assert.equal(res.json<Echo>().url, '/');
  }
  const wrong = await apiRequest(cp, 'GET', `${base}/ver:81/proxy/`);
  assert.equal(wrong.status, 503);
  assert.equal(wrong.json().message, 'no service port 81 found for service "ver"');
  const unknownName = await apiRequest(cp, 'GET', `${base}/ver:metrics/proxy/`);
  assert.equal(unknownName.status, 503);
  assert.equal(unknownName.json().message, 'no endpoints available for service "ver:metrics"');
});

test('POST bodies reach the endpoint', async () => {
  const res = await apiRequest(cp, 'POST', `${base}/ver:http/proxy/form`, 'a=1&b=2', { 'Content-Type': 'application/x-www-form-urlencoded' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json<Echo>().method, res.json<Echo>().body], ['POST', 'a=1&b=2']);
});

test('EndpointSlices alone serve, their not-ready endpoints do not', async () => {
  await create(cp, base, service('sliced', [{ name: 'web', port: 8080 }, { name: 'admin', port: 9090 }]));
  const slice = (name: string, ready: boolean) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, labels: { 'kubernetes.io/service-name': 'sliced' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }],
    ports: [{ name: 'web', port: backend.port, protocol: 'TCP' }],
  });
  await storeUnvalidated(cp, 'discovery.k8s.io', 'endpointslices', slice('sliced-a', false));
  const notReady = await apiRequest(cp, 'GET', `${base}/sliced:web/proxy/`);
  assert.equal(notReady.status, 503);
  assert.equal(notReady.json().message, 'no endpoints available for service "sliced"');
  await storeUnvalidated(cp, 'discovery.k8s.io', 'endpointslices', slice('sliced-b', true));
  const ready = await apiRequest(cp, 'GET', `${base}/sliced:web/proxy/x`);
  assert.equal(ready.status, 200, ready.text);
  assert.equal(ready.json<Echo>().url, '/x');
});

test('no endpoints: 503; no Endpoints object: 404; ExternalName refused', async () => {
  await create(cp, base, service('empty', [{ port: 80 }], { selector: { app: 'nothing' } }));
  await create(cp, '/api/v1/namespaces/default/endpoints', endpoints('empty', []));
  const empty = await apiRequest(cp, 'GET', `${base}/empty/proxy/`);
  assert.equal(empty.status, 503);
  assert.equal(empty.json().reason, 'ServiceUnavailable');
  assert.equal(empty.json().message, 'no endpoints available for service "empty"');

  await create(cp, base, service('lonely', [{ port: 80 }]));
  const none = await apiRequest(cp, 'GET', `${base}/lonely/proxy/`);
  assert.equal(none.status, 404);
  assert.equal(none.json().message, 'endpoints "lonely" not found');

  const missing = await apiRequest(cp, 'GET', `${base}/ghost:80/proxy/`);
  assert.equal(missing.status, 404);
  assert.equal(missing.json().message, 'services "ghost" not found');

  await create(cp, base, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
  await storeUnvalidated(cp, '', 'endpoints', endpoints('external', [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: backend.port }] }]));
  const external = await apiRequest(cp, 'GET', `${base}/external/proxy/`);
  assert.equal(external.status, 404);
  assert.equal(external.json().message, 'endpoints "external" not found');
});

test('endpoints naming pods: the pod must still have the IP; pods on simulated nodes are answered clearly', async () => {
  await createPod(cp, 'moved', 'real-node', '198.19.112.40');
  await create(cp, base, service('stale', [{ port: 80 }]));
  await storeUnvalidated(cp, '', 'endpoints', endpoints('stale', [{ addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', namespace: 'default', name: 'moved' } }], ports: [{ port: backend.port }] }]));
  const stale = await apiRequest(cp, 'GET', `${base}/stale/proxy/`);
  assert.equal(stale.status, 503);
  assert.equal(stale.json().message, 'no endpoints available for service "stale"');

  await createPod(cp, 'sim', 'sim-node', '198.19.113.9');
  await create(cp, base, service('simulated', [{ name: 'http', port: 80 }]));
  await create(cp, '/api/v1/namespaces/default/endpoints', endpoints('simulated', [{ addresses: [{ ip: '198.19.113.9', nodeName: 'sim-node', targetRef: { kind: 'Pod', namespace: 'default', name: 'sim' } }], ports: [{ name: 'http', port: 8080 }] }]));
  const sim = await apiRequest(cp, 'GET', `${base}/simulated/proxy/`);
  assert.equal(sim.status, 503);
  assert.match(sim.json<{ message: string }>().message, /^no endpoints available for service "simulated": its endpoints are pods on simulated nodes \(kubelite\.io\/simulated=true: sim-node\)/);

  // An address in no node's pod CIDR is never connected to.
  await create(cp, base, service('elsewhere', [{ port: 80 }]));
  await create(cp, '/api/v1/namespaces/default/endpoints', endpoints('elsewhere', [{ addresses: [{ ip: '203.0.113.50' }], ports: [{ port: 80 }] }]));
  const elsewhere = await apiRequest(cp, 'GET', `${base}/elsewhere/proxy/`);
  assert.equal(elsewhere.status, 503);
  assert.equal(elsewhere.json().message, 'no endpoints available for service "elsewhere"');
});
