// Bad input gets a clear Status in Kubernetes' form, stores nothing, and never takes the
// server down: malformed, oversized, deeply nested and wrong-kind bodies, bad parameters, and
// invalid objects through kubectl.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { startKubelite, type RunningCluster } from './harness.js';

interface Reply {
  status: number;
  body: string;
  json: () => { kind?: string; status?: string; reason?: string; message?: string; code?: number; details?: { causes?: { field?: string; message?: string }[] } };
}

function send(c: RunningCluster, method: string, path: string, body?: string | Buffer, contentType = 'application/json'): Promise<Reply> {
  const url = new URL(path, c.server);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: `Bearer ${c.token}`, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, ca: c.caPem, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pods = '/api/v1/namespaces/default/pods';

describe('bad input', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
  });
  after(async () => {
    await c?.stop();
  });

  async function nothingStored(): Promise<void> {
    const list = await send(c, 'GET', pods);
    assert.equal(list.status, 200);
    assert.deepEqual(JSON.parse(list.body).items, []);
  }

  it('answers malformed JSON with 400 and a Status', async () => {
    const r = await send(c, 'POST', pods, '{"apiVersion":"v1","kind":"Pod",');
    assert.equal(r.status, 400);
    const s = r.json();
    assert.equal(s.kind, 'Status');
    assert.equal(s.status, 'Failure');
    assert.equal(s.reason, 'BadRequest');
    assert.equal(s.code, 400);
    await nothingStored();
  });

  it('refuses bodies that are not objects, or of the wrong kind or version', async () => {
    for (const body of ['[]', '"pod"', '42', 'null']) {
      const r = await send(c, 'POST', pods, body);
      assert.equal(r.status, 400, body);
    }
    const svc = await send(c, 'POST', pods, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }));
    assert.equal(svc.status, 400);
    assert.match(svc.json().message!, /Service/);
    const ver = await send(c, 'POST', pods, JSON.stringify({ apiVersion: 'apps/v1', kind: 'Pod', metadata: { name: 'x' } }));
    assert.equal(ver.status, 400);
    assert.match(ver.json().message!, /does not match the expected API version/);
    await nothingStored();
  });

  it('refuses oversized bodies with 413', async () => {
    const huge = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const r = await send(c, 'POST', pods, huge);
    assert.equal(r.status, 413);
    assert.equal(r.json().reason, 'RequestEntityTooLarge');
    await nothingStored();
  });

  it('survives absurd nesting and unknown content types', async () => {
    const deep = '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000);
    const r = await send(c, 'POST', pods, deep);
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    const yaml = await send(c, 'POST', pods, 'a: &a [*a, *a]\n', 'application/yaml');
    assert.ok(yaml.status >= 400 && yaml.status < 500);
    const weird = await send(c, 'POST', pods, 'x', 'text/plain');
    assert.equal(weird.status, 415);
    const patch = await send(c, 'PATCH', `${pods}/none`, '{}', 'text/plain');
    assert.equal(patch.status, 415);
    assert.equal((await send(c, 'GET', '/healthz')).status, 200);
    await nothingStored();
  });

  it('answers invalid objects with 422 and field causes', async () => {
    const r = await send(c, 'POST', pods, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }));
    assert.equal(r.status, 422);
    const s = r.json();
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.message, 'Pod "p" is invalid: spec.containers[0].image: Required value');
    assert.deepEqual(s.details!.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
    const noName = await send(c, 'POST', pods, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [{ name: 'c', image: 'i' }] } }));
    assert.equal(noName.status, 422);
    assert.match(noName.json().message!, /metadata\.name: Required value: name or generateName is required/);
    await nothingStored();
  });

  it('rejects bad query parameters with 400', async () => {
    assert.equal((await send(c, 'GET', `${pods}?labelSelector=a%20in%20(`)).status, 400);
    assert.equal((await send(c, 'GET', `${pods}?fieldSelector=spec.bogus%3D1`)).status, 400);
    assert.equal((await send(c, 'GET', `${pods}?resourceVersion=abc`)).status, 400);
    assert.equal((await send(c, 'GET', `${pods}?limit=2&continue=garbage`)).status, 400);
    assert.equal((await send(c, 'POST', `${pods}?fieldValidation=Sometimes`, '{}')).status, 400);
    assert.equal((await send(c, 'POST', `${pods}?dryRun=Maybe`, '{}')).status, 422);
  });

  it('answers unknown paths and resources with 404, and unsupported verbs with 405', async () => {
    assert.equal((await send(c, 'GET', '/api/v1/namespaces/default/widgets')).status, 404);
    assert.equal((await send(c, 'GET', '/apis/nope.example.com/v1/things')).status, 404);
    assert.equal((await send(c, 'GET', '/nothing/here')).status, 404);
    assert.equal((await send(c, 'DELETE', '/api/v1/namespaces')).status, 405);
  });

  it('stores nothing for a dry run, but answers as if it had', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dry' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const r = await send(c, 'POST', `${pods}?dryRun=All`, body);
    assert.equal(r.status, 201);
    assert.equal(JSON.parse(r.body).metadata.name, 'dry');
    await nothingStored();
    const k = c.k(['create', '-f', '-', '--dry-run=server', '-o', 'name'], { input: body });
    assert.equal(k, 'pod/dry\n');
    await nothingStored();
  });

  it('prints the errors kubectl users expect', () => {
    const unknown = c.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containerz: [] } }) });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /strict decoding error: unknown field "spec\.containerz"/);
    const warn = c.kubectl(['create', '--validate=warn', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned' }, extra: 1 }) });
    assert.equal(warn.code, 0);
    assert.match(warn.stderr, /Warning: unknown field "extra"/);
    const noKind = c.kubectl(['create', '-f', '-'], { input: '{"apiVersion":"v1","metadata":{"name":"x"}}' });
    assert.equal(noKind.code, 1);
    assert.match(noKind.stderr, /kind not set|Object 'Kind' is missing/);
    const badName = c.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'UPPER' } }) });
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /The ConfigMap "UPPER" is invalid: metadata\.name: Invalid value: "UPPER": a lowercase RFC 1123 subdomain/);
    const svc = c.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 70000 }] } }) });
    assert.equal(svc.code, 1);
    assert.match(svc.stderr, /spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/);
  });
});
