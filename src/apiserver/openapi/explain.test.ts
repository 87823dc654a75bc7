// Drives the real kubectl against the published documents: `kubectl explain` reads only
// discovery and /openapi/v3, so a loopback server with a minimal discovery suffices.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheme } from '../../api/scheme.js';
import { builtinSchemas } from '../../api/schema/builtin.js';
import { OpenApiPublisher } from './publisher.js';

const kubectlPath = '/usr/bin/kubectl';
const skip = !existsSync(kubectlPath) && 'kubectl is not installed';

let server: Server;
let url = '';
let cacheDir = '';

function discovery(scheme: Scheme, pathname: string): unknown {
  if (pathname === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  if (pathname === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: scheme.groups().filter((g) => g.name).map((g) => ({
        name: g.name,
        versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0] },
      })),
    };
  }
  const m = pathname.match(/^\/api\/(v1)$/) ?? pathname.match(/^\/apis\/([^/]+)\/([^/]+)$/);
  if (!m) return undefined;
  const [group, version] = m.length === 2 ? ['', m[1]] : [m[1], m[2]];
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: scheme.resourcesIn(group, version).map((r) => ({
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames,
    })),
  };
}

before(async () => {
  if (skip) return;
  const scheme = new Scheme();
  const publisher = new OpenApiPublisher(scheme, builtinSchemas);
  server = createServer((req, res) => {
    const answer = publisher.handle(req.url!, req.headers.accept, req.headers['if-none-match']);
    if (answer) {
      res.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
      res.end(answer.body);
      return;
    }
    const doc = discovery(scheme, new URL(req.url!, 'http://x').pathname);
    res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cacheDir = mkdtempSync(join(tmpdir(), 'kubelite-explain-'));
});

after(() => {
  server?.close();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      kubectlPath,
      ['--server', url, '--cache-dir', cacheDir, ...args],
      { env: { ...process.env, KUBECONFIG: join(cacheDir, 'none') }, timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

test('kubectl explain pods.spec.containers', { skip }, async () => {
  const out = await kubectl('explain', 'pods.spec.containers');
  assert.match(out, /^KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <\[\]Container>\n/);
  assert.match(out, /DESCRIPTION:\n    List of containers belonging to the pod\./);
  assert.match(out, /\n  name\t<string> -required-\n    Name of the container specified as a DNS_LABEL\./);
  assert.match(out, /\n  imagePullPolicy\t<string>\n  enum: Always, IfNotPresent, Never\n/);
  assert.match(out, /\n  ports\t<\[\]ContainerPort>\n/);
  assert.match(out, /\n  resources\t<ResourceRequirements>\n/);
  assert.doesNotMatch(out, /restartPolicyRules/);
});

test('kubectl explain deploy --recursive', { skip }, async () => {
  const out = await kubectl('explain', 'deploy', '--recursive');
  assert.match(out, /^GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n/);
  assert.match(out, /\n  spec\t<DeploymentSpec>\n    minReadySeconds\t<integer>\n/);
  assert.match(out, /\n        maxSurge\t<IntOrString>\n/);
  assert.match(out, /\n    selector\t<LabelSelector> -required-\n/);
  assert.match(out, /\n {12}limits\t<map\[string\]Quantity>\n/);
  assert.match(out, /\n    creationTimestamp\t<string>\n/);
});

test('kubectl explain cronjob.spec.jobTemplate and other versions', { skip }, async () => {
  const out = await kubectl('explain', 'cronjob.spec.jobTemplate');
  assert.match(out, /^GROUP:      batch\nKIND:       CronJob\nVERSION:    v1\n\nFIELD: jobTemplate <JobTemplateSpec>\n/);
  assert.match(out, /\n  spec\t<JobSpec>\n/);
  const hpa = await kubectl('explain', 'hpa.spec', '--api-version=autoscaling/v1');
  assert.match(hpa, /VERSION:    v1\n/);
  assert.match(hpa, /\n  targetCPUUtilizationPercentage\t<integer>\n/);
  const hpa2 = await kubectl('explain', 'hpa.spec');
  assert.match(hpa2, /VERSION:    v2\n/);
  assert.match(hpa2, /\n  metrics\t<\[\]MetricSpec>\n/);
});

test('kubectl explain reports fields that do not exist', { skip }, async () => {
  await assert.rejects(kubectl('explain', 'pods.spec.nosuchfield'), /field "nosuchfield" does not exist/);
});
