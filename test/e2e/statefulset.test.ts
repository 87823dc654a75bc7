// Seed 001's `web` StatefulSet (and seed 003's peer naming) through the full CLI, as a user
// drives it: ordered pods web-0..2 with stable hostnames under a headless Service, claims
// www-web-N, kubectl scale, set image with rollout status/history/undo, a partitioned canary,
// OnDelete, and deletion that keeps the claims. Needs `kubelite up --runtime simulated` nodes
// and the StatefulSet controller in the controller manager; skipped with the reason otherwise.

import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startKubelite, type RunningCluster } from './harness.js';

const web = (image: string, withClaims: boolean) => `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
          name: web
${
  withClaims
    ? `        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`
    : ''
}`;

describe('the web StatefulSet (seed 001) through kubectl', () => {
  let c: RunningCluster;
  let skipReason = '';

  before(async () => {
    c = await startKubelite({ args: ['--runtime', 'simulated'] });
    try {
      await eventually(() => c.k('get nodes -o name').trim() !== '', 15_000, 'a node to register');
    } catch {
      throw new Error('`kubelite up --runtime simulated` registers no nodes yet, so no pod can run');
      return;
    }
    c.k(['apply', '-f', '-'], { input: web('nginx:1.7.9', false) });
    try {
      await eventually(() => c.k('get pods -l app=nginx -o name').includes('pod/web-0'), 20_000, 'web-0');
    } catch {
      throw new Error('no StatefulSet controller runs in `kubelite up` yet');
    }
  });
  after(async () => {
    await c?.stop();
  });

  const guard = (t: TestContext) => {
    if (skipReason) t.skip(skipReason);
    return !skipReason;
  };
  const status = () => c.k('rollout status statefulset/web --timeout=90s');
  const images = () => c.k(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}']);

  it('runs web-0, web-1, web-2 in order, each with its own hostname under the nginx domain', (t) => {
    if (!guard(t)) return;
    assert.match(status(), /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
    assert.equal(c.k(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.spec.hostname}.{.spec.subdomain} {end}']), 'web-0.nginx web-1.nginx web-2.nginx ');
    assert.match(c.k('get sts web'), /^NAME\s+READY\s+AGE\nweb\s+3\/3\s/);
    const created = c.k(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.creationTimestamp} {end}']).trim().split(' ');
    assert.deepEqual([...created].sort(), created, 'created in ordinal order');
    assert.equal(c.k(['get', 'pod', 'web-1', '-o', "jsonpath={.metadata.labels['statefulset\\.kubernetes\\.io/pod-name']}"]), 'web-1');
  });

  it('scales to 5 and back to 2, removing the highest ordinals', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('scale sts web --replicas=5'), 'statefulset.apps/web scaled\n');
    status();
    assert.equal(c.k('get pods -l app=nginx -o name'), 'pod/web-0\npod/web-1\npod/web-2\npod/web-3\npod/web-4\n');
    c.k('scale sts web --replicas=2');
    await eventually(() => c.k('get pods -l app=nginx -o name') === 'pod/web-0\npod/web-1\n', 60_000, 'two pods');
    c.k('scale sts web --replicas=3');
    status();
  });

  it('rolls out a new image from web-2 down; history and undo', (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('set image sts/web nginx=nginx:1.8'), 'statefulset.apps/web image updated\n');
    status();
    assert.equal(images(), 'web-0=nginx:1.8 web-1=nginx:1.8 web-2=nginx:1.8 ');
    assert.equal(c.k('rollout history sts/web'), 'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    assert.equal(c.k('rollout undo sts/web'), 'statefulset.apps/web rolled back\n');
    status();
    assert.equal(images(), 'web-0=nginx:1.7.9 web-1=nginx:1.7.9 web-2=nginx:1.7.9 ');
    assert.equal(c.k('rollout history sts/web'), 'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  });

  it('a partition keeps lower ordinals on the old template', (t) => {
    if (!guard(t)) return;
    c.k(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}']);
    c.k(['patch', 'statefulset', 'web', '--type=json', '-p', '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"k8s.gcr.io/nginx-slim:0.7"}]']);
    assert.match(status(), /partitioned roll out complete: 1 new pods have been updated\.\.\.\n$/);
    assert.equal(images(), 'web-0=nginx:1.7.9 web-1=nginx:1.7.9 web-2=k8s.gcr.io/nginx-slim:0.7 ');
    c.k(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}}}}']);
    status();
    assert.equal(images(), 'web-0=k8s.gcr.io/nginx-slim:0.7 web-1=k8s.gcr.io/nginx-slim:0.7 web-2=k8s.gcr.io/nginx-slim:0.7 ');
  });

  it('creates the claims www-web-N before the pods and keeps them when the set is deleted', async (t) => {
    if (!guard(t)) return;
    c.k('delete sts web');
    await eventually(() => c.k('get pods -l app=nginx -o name') === '', 60_000, 'pods gone');
    c.k(['apply', '-f', '-'], { input: web('nginx:1.7.9', true) });
    await eventually(() => c.k('get pvc -o name').includes('persistentvolumeclaim/www-web-0'), 30_000, 'www-web-0');
    c.k('delete sts web');
    await eventually(() => c.k('get pods -l app=nginx -o name') === '', 60_000, 'pods gone');
    assert.match(c.k('get pvc -o name'), /persistentvolumeclaim\/www-web-0\n/);
  });
});
