// Services, disruption budgets, volumes and autoscaling through the full CLI, as the seeds use
// them: seed 000's `ver` Service (a named target port) in front of the `versions` Deployment,
// seed 002's `kubectl expose rc kubia --type=LoadBalancer --name kubia-http`, a
// PodDisruptionBudget over kubia, a claim on the default `local-path` class, seed 001's
// StatefulSet claims of a class that does not exist, and seed 003's
// `kubectl autoscale deployment kubia --cpu-percent=30 --min=1 --max=5`.
//
// Needs nodes that run pods (`kubelite up --runtime simulated`) and the endpoints,
// EndpointSlice, disruption, volume and HPA controllers in `kubelite up`.

import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startKubelite, type RunningCluster } from './harness.js';

/** Set to true once the controllers of src/controllers/{endpoints,endpointslice*,disruption}.ts, volume/ and hpa/ run in `kubelite up`. */
const wired = true;

const verService = `apiVersion: v1
kind: Service
metadata:
  name: ver
spec:
  selector:
    app: ver
  ports:
  - protocol: TCP
    port: 80
    targetPort: http
`;

const versions = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: versions
  labels:
    app: ver
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ver
  template:
    metadata:
      labels:
        app: ver
        version: 0.0.1
    spec:
      containers:
      - name: version-server
        image: errm/versions:0.0.1
        ports:
        - name: http
          containerPort: 3000
`;

const kubiaRC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: kubia
spec:
  replicas: 3
  selector:
    app: kubia
  template:
    metadata:
      labels:
        app: kubia
      annotations:
        kubelite.io/simulate-cpu: 90m
    spec:
      containers:
      - name: kubia
        image: luksa/kubia
        ports:
        - containerPort: 8080
        resources:
          requests:
            cpu: 100m
`;

const claimAndPod = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  containers:
  - name: writer
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
`;

const missingClassClaim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: www-web-0
spec:
  accessModes: [ "ReadWriteOnce" ]
  storageClassName: "my-storage-class"
  resources:
    requests:
      storage: 1Gi
`;

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

describe('services, budgets, volumes and autoscaling through kubectl', () => {
  let c: RunningCluster;
  let skipReason = '';

  before(async () => {
    if (!wired) {
      throw new Error('the endpoints, EndpointSlice, disruption, volume and HPA controllers are not wired into `kubelite up` yet');
      return;
    }
    c = await startKubelite({ args: ['--runtime', 'simulated'] });
    try {
      await eventually(() => c.k('get nodes -o name').trim() !== '', 15_000, 'a node to register');
    } catch {
      throw new Error('`kubelite up --runtime simulated` registers no nodes yet, so no pod can run');
    }
  });
  after(async () => {
    await c?.stop();
  });
  const guard = (t: TestContext) => {
    if (skipReason) t.skip(skipReason);
    return !skipReason;
  };

  it('seed 000: the ver Service lists the versions pods on their named port (endpoints and endpointslices)', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('apply -f -', { input: verService }), 'service/ver created\n');
    assert.equal(c.k('apply -f -', { input: versions }), 'deployment.apps/versions created\n');
    c.k('rollout status deployment/versions --timeout=90s');
    const ips = (JSON.parse(c.k('get pods -l app=ver -o json')).items as { status: { podIP: string } }[]).map((p) => p.status.podIP).sort();
    const ep = (await eventually(() => {
      const r = rows(c.k('get endpoints ver'));
      return r[1]?.[1]?.split(',').length === 2 ? r[1] : undefined;
    }, 20_000, 'two endpoints'))!;
    assert.deepEqual(ep[1].split(',').sort(), ips.map((ip) => `${ip}:3000`));
    const slice = rows(c.k('get endpointslices -l kubernetes.io/service-name=ver'))[1];
    assert.match(slice[0], /^ver-[a-z0-9]{5}$/);
    assert.deepEqual(slice.slice(1, 3), ['IPv4', '3000']);
    assert.deepEqual(slice[3].split(',').sort(), ips);
    assert.equal(c.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ver', '-o', 'jsonpath={.items[0].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}']), 'endpointslice-controller.k8s.io');
  });

  it('seed 002: kubectl expose rc kubia --type=LoadBalancer --name kubia-http, and a PodDisruptionBudget over kubia', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('apply -f -', { input: kubiaRC }), 'replicationcontroller/kubia created\n');
    assert.equal(c.k('expose rc kubia --type=LoadBalancer --name kubia-http'), 'service/kubia-http exposed\n');
    await eventually(() => rows(c.k('get endpoints kubia-http'))[1]?.[1]?.match(/:8080/g)?.length === 3, 60_000, 'three kubia endpoints');
    assert.equal(c.k('create pdb kubia-pdb --selector=app=kubia --min-available=2'), 'poddisruptionbudget.policy/kubia-pdb created\n');
    const pdb = (await eventually(() => {
      const r = rows(c.k('get pdb kubia-pdb'))[1];
      return r?.[3] === '1' ? r : undefined;
    }, 20_000, 'one allowed disruption'))!;
    assert.deepEqual(pdb.slice(0, 4), ['kubia-pdb', '2', 'N/A', '1']);
  });

  it('a claim on the default local-path class binds once its pod is scheduled; a missing class fails provisioning', async (t) => {
    if (!guard(t)) return;
    assert.match(c.k('get storageclass'), /local-path \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer/);
    c.k('apply -f -', { input: claimAndPod });
    const pvc = (await eventually(() => {
      const r = rows(c.k('get pvc data'))[1];
      return r?.[1] === 'Bound' ? r : undefined;
    }, 60_000, 'the claim Bound'))!;
    assert.match(pvc[2], /^pvc-[0-9a-f-]{36}$/);
    assert.deepEqual(pvc.slice(3, 6), ['1Gi', 'RWO', 'local-path']);
    assert.match(c.k(`get pv ${pvc[2]}`), /1Gi\s+RWO\s+Delete\s+Bound\s+default\/data\s+local-path/);
    c.k('apply -f -', { input: missingClassClaim });
    await eventually(() => /ProvisioningFailed.*storageclass\.storage\.k8s\.io "my-storage-class" not found/.test(c.k('describe pvc www-web-0')), 30_000, 'ProvisioningFailed');
    assert.match(rows(c.k('get pvc www-web-0'))[1][1], /^Pending$/);
    c.k('delete pod writer --grace-period=0 --force');
    c.k('delete pvc data');
    await eventually(() => c.kubectl(`get pv ${pvc[2]}`).code !== 0, 60_000, 'the volume deleted with its claim');
  });

  it('seed 003: kubectl autoscale rc kubia --cpu-percent=30 --min=1 --max=5 scales up on (simulated) load', async (t) => {
    if (!guard(t)) return;
    assert.equal(c.k('autoscale rc kubia --cpu-percent=30 --min=1 --max=5'), 'horizontalpodautoscaler.autoscaling/kubia autoscaled\n');
    assert.match(c.k('get hpa kubia'), /kubia\s+ReplicationController\/kubia\s+cpu: (<unknown>|\d+%)\/30%\s+1\s+5\s/);
    // 90m of a 100m request each: 90% against 30% → the 5 allowed.
    await eventually(() => c.k(['get', 'rc', 'kubia', '-o', 'jsonpath={.spec.replicas}']) === '5', 90_000, 'five replicas');
    assert.match(c.k('describe hpa kubia'), /SuccessfulRescale\s+.*New size: 5; reason: cpu resource utilization \(percentage of request\) above target/);
    await eventually(() => /cpu: 90%\/30%/.test(c.k('get hpa kubia')), 60_000, 'the TARGETS column');
  });
});
