// kubectl's generator commands (`kubectl create namespace|configmap|secret|deployment|job|
// cronjob|service|...`), which send protobuf bodies.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubelite, type RunningCluster } from './harness.js';

describe('kubectl create generators', () => {
  let c: RunningCluster;
  before(async () => {
    c = await startKubelite();
  });
  after(async () => {
    await c?.stop();
  });

  const json = (args: string) => JSON.parse(c.k(`get ${args} -o json`));

  it('creates namespaces, config maps and secrets', () => {
    assert.equal(c.k('create namespace gen'), 'namespace/gen created\n');
    assert.equal(json('ns gen').status.phase, 'Active');
    assert.equal(c.k('create configmap app-config -n gen --from-literal=mode=fast --from-literal=level=3'), 'configmap/app-config created\n');
    assert.deepEqual(json('configmap app-config -n gen').data, { level: '3', mode: 'fast' });
    assert.equal(c.k('create secret generic creds -n gen --from-literal=user=admin'), 'secret/creds created\n');
    const secret = json('secret creds -n gen');
    assert.equal(secret.type, 'Opaque');
    assert.equal(Buffer.from(secret.data.user, 'base64').toString(), 'admin');
    c.k(['create', 'secret', 'docker-registry', 'pull', '-n', 'gen', '--docker-server=registry.local', '--docker-username=u', '--docker-password=p']);
    assert.equal(json('secret pull -n gen').type, 'kubernetes.io/dockerconfigjson');
    c.k('create serviceaccount robot -n gen');
    assert.equal(json('sa robot -n gen').metadata.name, 'robot');
  });

  it('creates deployments, jobs and cronjobs with the defaults a real cluster fills in', () => {
    assert.equal(c.k('create deployment web -n gen --image=nginx:1.25 --replicas=2 --port=80'), 'deployment.apps/web created\n');
    const d = json('deploy web -n gen');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.25');
    assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
    assert.equal(d.spec.strategy.type, 'RollingUpdate');
    c.k(['create', 'job', 'once', '-n', 'gen', '--image=busybox', '--', 'echo', 'hi']);
    const j = json('job once -n gen');
    assert.deepEqual(j.spec.template.spec.containers[0].command, ['echo', 'hi']);
    assert.equal(j.spec.template.spec.restartPolicy, 'Never');
    assert.equal(j.spec.backoffLimit, 6);
    assert.ok(j.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']);
    c.k(['create', 'cronjob', 'tick', '-n', 'gen', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date']);
    const cj = json('cronjob tick -n gen');
    assert.equal(cj.spec.schedule, '*/1 * * * *');
    assert.equal(cj.spec.concurrencyPolicy, 'Allow');
    c.k('create job from-cron -n gen --from=cronjob/tick');
    const fromCron = json('job from-cron -n gen');
    assert.deepEqual(fromCron.spec.template.spec.containers[0].command, ['date']);
    assert.equal(fromCron.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
  });

  it('creates services of each type, with cluster IPs and node ports allocated', () => {
    c.k('create service clusterip api -n gen --tcp=80:8080');
    const api = json('svc api -n gen');
    assert.match(api.spec.clusterIP, /^198\.18\.0\.\d+$/);
    assert.deepEqual(api.spec.ports[0], { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 });
    c.k('create service nodeport np -n gen --tcp=80:80 --node-port=30080');
    assert.equal(json('svc np -n gen').spec.ports[0].nodePort, 30080);
    const clash = c.kubectl('create service nodeport np2 -n gen --tcp=81:81 --node-port=30080');
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/);
    c.k('create service externalname ext -n gen --external-name=example.com');
    assert.equal(json('svc ext -n gen').spec.externalName, 'example.com');
    c.k('create service clusterip headless -n gen --clusterip=None');
    assert.equal(json('svc headless -n gen').spec.clusterIP, 'None');
    assert.match(c.k('get svc -n gen'), /np\s+NodePort\s+198\.18\.0\.\d+\s+<none>\s+80:30080\/TCP/);
  });

  it('creates quotas, roles, bindings, priority classes, budgets and ingresses', () => {
    c.k('create quota q -n gen --hard=pods=10,cpu=4');
    assert.equal(json('quota q -n gen').spec.hard.pods, '10');
    c.k('create role reader -n gen --verb=get,list --resource=pods');
    c.k('create rolebinding rb -n gen --role=reader --serviceaccount=gen:robot');
    c.k('create clusterrole cr --verb=get --resource=nodes');
    c.k('create clusterrolebinding crb --clusterrole=cr --user=alice');
    assert.equal(json('rolebinding rb -n gen').roleRef.name, 'reader');
    c.k('create priorityclass high --value=1000 --description=important');
    assert.equal(json('priorityclass high').value, 1000);
    c.k('create poddisruptionbudget pdb -n gen --selector=app=web --min-available=1');
    assert.equal(json('pdb pdb -n gen').spec.minAvailable, 1);
    c.k(['create', 'ingress', 'ing', '-n', 'gen', '--rule=web.example/*=web:80']);
    assert.equal(json('ingress ing -n gen').spec.rules[0].host, 'web.example');
  });

  it('refuses bad generator input with the server message', () => {
    const r = c.kubectl('create deployment Bad -n gen --image=nginx');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /metadata\.name: Invalid value: "Bad"/);
    assert.equal(c.kubectl('create namespace gen').code, 1);
  });
});
