// The rest of issue 4's pod features, run for real and checked the way a user checks them,
// through the real kubectl: logs (--tail, --since, --timestamps, -c, --all-containers, -l,
// job/NAME, deploy/NAME), attach and exec with a terminal, env from every source, every volume
// kind (configMap, secret, downwardAPI, projected, the service account token, hostPath, a
// local-path claim), probes and hooks, termination messages, forced deletion, restart policy
// OnFailure, a command that does not exist, host network and ports, QoS and CPU limits, users,
// and the node's status. One suite, registered once per real runtime
// (pod-features-process.test.ts, pod-features-containerd.test.ts) against a cluster the caller
// starts; `o.lacks` names what a runtime cannot do by design, and those tests say so in their name.
//
// The tests run concurrently (their waits overlap), so kubectl runs asynchronously.
//
// Terminals: `kubectl exec -it` and `attach -it` need a terminal on kubectl's side, so they run
// under util-linux script(1), which gives kubectl a pseudo-terminal fed from a pipe.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { RunningCluster } from '../e2e/harness.js';
import { explained, idle, image, Kubectl, pullPolicy, until } from './kubectl.testkit.js';

export interface PodFeaturesSuiteOptions {
  /** The runtime's name, for the suite's title. */
  runtime: string;
  /** The node `start` registers. */
  nodeName: string;
  /** Starts the cluster (one real node) and makes the busybox image available to it. */
  start: () => Promise<RunningCluster>;
  /** Why the suite cannot run here, when it cannot. */
  skip?: string;
  /** What the runtime cannot do by design (and why), so those tests are skipped with the reason. */
  lacks?: { images?: string; pidNamespace?: string; ipcNamespace?: string };
  /** `containerd://1.6.20…` or `process://…`: how `describe node` names the runtime. */
  runtimeVersion: RegExp;
}

/** A TCP port that is free on 127.0.0.1 right now (for a hostPort). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `NAME=value` lines of `env` as a map. */
function envMap(text: string): Map<string, string> {
  return new Map(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

export function podFeaturesSuite(o: PodFeaturesSuiteOptions): void {
  describe(`pod features on the ${o.runtime} runtime, with the real kubectl`, { skip: o.skip, concurrency: true }, () => {
    let cluster: RunningCluster;
    let k: Kubectl;
    let scratch: string;

    before(async () => {
      cluster = await o.start();
      scratch = join(cluster.dataDir, 'features');
      mkdirSync(join(scratch, 'kubectl-cache'), { recursive: true });
      k = new Kubectl(cluster, join(scratch, 'kubectl-cache'));
    });

    after(async () => {
      await cluster?.stop();
    });

    const explainedRun = (pods: string[], body: () => Promise<void>) => explained(k, cluster, pods, body);

    // ---------------------------------------------------------------- logs, attach, exec -it

    it('logs: -c, default container, --tail, --since, --timestamps, --all-containers, --prefix, -l', () =>
      explainedRun(['logs-two'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: logs-two
  labels: { app: logdemo }
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: a
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "trap 'exit 0' TERM; echo old; sleep 4; i=1; while true; do echo new $i; i=$((i+1)); sleep 1; done"]
  - name: b
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "echo from b; ${idle}"]
`);
        await k.ready('logs-two');
        await until('container a to print its third new line', async () => (await k.ok(['logs', 'logs-two', '-c', 'a'])).includes('new 3\n'), 30_000);

        // Without -c, kubectl picks the first container and says so.
        const defaulted = await k.run(['logs', 'logs-two']);
        assert.equal(defaulted.code, 0, defaulted.stderr);
        assert.match(defaulted.stdout, /^old\nnew 1\nnew 2\nnew 3\n/);
        assert.match(defaulted.stderr, /Defaulted container "a" out of: a, b/);

        assert.equal(await k.ok(['logs', 'logs-two', '-c', 'b']), 'from b\n');
        assert.match(await k.ok(['logs', 'logs-two', '-c', 'a', '--tail=1']), /^new \d+\n$/);
        assert.equal((await k.ok(['logs', 'logs-two', '-c', 'a', '--tail=2'])).split('\n').length, 3);
        // --since: "old" was written 4 s before the first "new" line, so 2 s back shows only new ones.
        const recent = await k.ok(['logs', 'logs-two', '-c', 'a', '--since=2s']);
        assert.doesNotMatch(recent, /old/);
        assert.match(recent, /^new \d+$/m);
        assert.match(await k.ok(['logs', 'logs-two', '-c', 'b', '--timestamps']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z from b\n$/);

        const all = await k.ok(['logs', 'logs-two', '--all-containers']);
        assert.match(all, /^old\n/m);
        assert.match(all, /^from b\n/m);
        const prefixed = await k.ok(['logs', 'logs-two', '--all-containers', '--prefix']);
        assert.match(prefixed, /^\[pod\/logs-two\/a\] old$/m);
        assert.match(prefixed, /^\[pod\/logs-two\/b\] from b$/m);

        assert.equal(await k.ok(['logs', '-l', 'app=logdemo', '-c', 'b']), 'from b\n');
        assert.equal(await k.ok(['logs', '-l', 'app=logdemo', '-c', 'b', '--prefix']), '[pod/logs-two/b] from b\n');
        const missing = await k.run(['logs', 'logs-two', '-c', 'c']);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /container c is not valid for pod logs-two/);
      }));

    it('logs job/NAME and deploy/NAME', () =>
      explainedRun([], async () => {
        await k.apply(`apiVersion: batch/v1
kind: Job
metadata:
  name: log-job
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: ${image}
        imagePullPolicy: ${pullPolicy}
        command: ["sh", "-c", "echo job says hi"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: log-deploy
spec:
  replicas: 1
  selector:
    matchLabels: { app: log-deploy }
  template:
    metadata:
      labels: { app: log-deploy }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: main
        image: ${image}
        imagePullPolicy: ${pullPolicy}
        command: ["sh", "-c", "echo deploy says hi; ${idle}"]
`);
        await k.ok(['wait', '--for=condition=complete', 'job/log-job', '--timeout=90s'], { timeoutMs: 100_000 });
        assert.equal(await k.ok(['logs', 'job/log-job']), 'job says hi\n');
        await k.ok(['rollout', 'status', 'deploy/log-deploy', '--timeout=90s'], { timeoutMs: 100_000 });
        await until('the deployment pod to log', async () => (await k.ok(['logs', 'deploy/log-deploy'])) === 'deploy says hi\n', 15_000);
      }));

    it('attach -i sends a line to a container with stdin, which echoes it', () =>
      explainedRun(['attach-echo'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: attach-echo
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: echo
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    stdin: true
    command: ["sh", "-c", "trap 'exit 0' TERM; while read line; do echo \\"echo: $line\\"; done"]
`);
        await k.ready('attach-echo');
        const attach = k.interactive(['attach', '-i', 'attach-echo']);
        try {
          // kubectl connects, then the line goes through; repeated until the stream is up.
          await until(
            'the container to echo the line',
            async () => {
              if (/echo: hello through attach/.test(attach.output())) return true;
              attach.write('hello through attach\n');
              return false;
            },
            20_000,
          );
          assert.equal(attach.child.exitCode, null, 'attach stays attached');
        } finally {
          attach.child.kill();
        }
        // What the container wrote is also in its log.
        assert.match(await k.ok(['logs', 'attach-echo']), /^echo: hello through attach$/m);
      }));

    it('attach -it to a tty container (stdin and tty) runs commands in its shell; exec -it gets a terminal', () =>
      explainedRun(['tty-shell'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: tty-shell
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: shell
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    stdin: true
    tty: true
    command: ["sh"]
`);
        await k.ready('tty-shell');
        const attach = k.interactive(['attach', '-it', 'tty-shell'], { tty: true });
        try {
          await until(
            'the shell to answer through attach -it',
            async () => {
              if (/\b42\b/.test(attach.output().replace(/\$\(\(6\*7\)\)/g, ''))) return true;
              attach.write('echo $((6*7))\r');
              return false;
            },
            20_000,
          );
        } finally {
          attach.child.kill();
        }

        // exec -it: a terminal inside, and the remote exit code as kubectl's (script -e passes it on).
        const exec = k.interactive(['exec', '-it', 'tty-shell', '--', 'sh'], { tty: true });
        try {
          await until(
            'exec -it to reach a shell',
            async () => {
              if (/TTY=\/dev\/pts\/\d+/.test(attach.output() + exec.output())) return true;
              exec.write('echo TTY=$(tty)\r');
              return false;
            },
            20_000,
          );
          exec.write('exit 5\r');
          const code = await Promise.race([exec.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
          assert.equal(code, 5, exec.output());
        } finally {
          exec.child.kill();
        }
        // Without a terminal on kubectl's side, -t is dropped with kubectl's own warning.
        const piped = await k.run(['exec', '-it', 'tty-shell', '--', 'sh', '-c', 'tty || true'], { input: '' });
        assert.match(piped.stderr, /Unable to use a TTY - input is not a terminal or the right kind of file/);
        assert.match(piped.stdout, /not a tty/);
      }));

    // ---------------------------------------------------------------- env

    it('env: values, fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef, envFrom with a prefix', () =>
      explainedRun(['env-demo'], async () => {
        await k.apply(`apiVersion: v1
kind: ConfigMap
metadata:
  name: env-cm
data:
  color: blue
  size: large
---
apiVersion: v1
kind: Secret
metadata:
  name: env-secret
stringData:
  password: s3cr3t
---
apiVersion: v1
kind: Pod
metadata:
  name: env-demo
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
    resources:
      limits:
        memory: 64Mi
        cpu: 500m
    envFrom:
    - prefix: CFG_
      configMapRef:
        name: env-cm
    env:
    - name: POD_NAME
      valueFrom: { fieldRef: { fieldPath: metadata.name } }
    - name: POD_NAMESPACE
      valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
    - name: POD_IP
      valueFrom: { fieldRef: { fieldPath: status.podIP } }
    - name: NODE_NAME
      valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
    - name: GREETING
      value: hello from $(POD_NAME)
    - name: MEM_LIMIT
      valueFrom: { resourceFieldRef: { resource: limits.memory } }
    - name: MEM_LIMIT_MI
      valueFrom: { resourceFieldRef: { resource: limits.memory, divisor: 1Mi } }
    - name: CPU_LIMIT
      valueFrom: { resourceFieldRef: { resource: limits.cpu, divisor: 1m } }
    - name: COLOR
      valueFrom: { configMapKeyRef: { name: env-cm, key: color } }
    - name: PASSWORD
      valueFrom: { secretKeyRef: { name: env-secret, key: password } }
`);
        await k.ready('env-demo');
        const env = envMap(await k.ok(['exec', 'env-demo', '--', 'env']));
        const podIP = await k.jsonpath('pod/env-demo', '{.status.podIP}');
        assert.ok(podIP, 'the pod has an IP');
        assert.deepEqual(
          Object.fromEntries(['POD_NAME', 'POD_NAMESPACE', 'POD_IP', 'NODE_NAME', 'GREETING', 'MEM_LIMIT', 'MEM_LIMIT_MI', 'CPU_LIMIT', 'COLOR', 'PASSWORD', 'CFG_color', 'CFG_size'].map((n) => [n, env.get(n)])),
          {
            POD_NAME: 'env-demo',
            POD_NAMESPACE: 'default',
            POD_IP: podIP,
            NODE_NAME: o.nodeName,
            GREETING: 'hello from env-demo',
            MEM_LIMIT: String(64 * 1024 * 1024),
            MEM_LIMIT_MI: '64',
            CPU_LIMIT: '500',
            COLOR: 'blue',
            PASSWORD: 's3cr3t',
            CFG_color: 'blue',
            CFG_size: 'large',
          },
        );
        // /etc/hosts names the pod at its own address; the hostname is the pod's name.
        assert.match(await k.ok(['exec', 'env-demo', '--', 'cat', '/etc/hosts']), new RegExp(`^${podIP.replace(/\./g, '\\.')}\\s+env-demo$`, 'm'));
        assert.equal(await k.ok(['exec', 'env-demo', '--', 'hostname']), 'env-demo\n');
        // Services' variables, as every pod gets them: the kubernetes Service.
        assert.match(env.get('KUBERNETES_SERVICE_HOST') ?? '', /^198\.18\./);
      }));

    it('env from a missing ConfigMap key leaves the container in CreateContainerConfigError', () =>
      explainedRun(['env-missing'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: env-missing
spec:
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
    env:
    - name: NOPE
      valueFrom: { configMapKeyRef: { name: no-such-cm, key: nope } }
`);
        await until('CreateContainerConfigError', async () => (await k.podRow('env-missing'))?.status === 'CreateContainerConfigError', 60_000);
        assert.equal(await k.jsonpath('pod/env-missing', '{.status.containerStatuses[0].state.waiting.message}'), 'configmap "no-such-cm" not found');
        await k.ok(['delete', 'pod', 'env-missing', '--wait=false']);
      }));

    // ---------------------------------------------------------------- volumes

    it('volumes: configMap and secret (items, paths, modes), downwardAPI, projected token, hostPath; a ConfigMap update reaches the file', () =>
      explainedRun(['vol-demo'], async () => {
        const host = join(scratch, 'hostpath');
        mkdirSync(host, { recursive: true });
        writeFileSync(join(host, 'from-host.txt'), 'written on the host\n');
        await k.apply(`apiVersion: v1
kind: ConfigMap
metadata:
  name: vol-cm
data:
  app.conf: color=blue
  other: something else
---
apiVersion: v1
kind: Secret
metadata:
  name: vol-secret
stringData:
  password: s3cr3t
---
apiVersion: v1
kind: Pod
metadata:
  name: vol-demo
  labels: { app: vol-demo, tier: test }
  annotations: { team: storage }
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
    volumeMounts:
    - { name: cm-all, mountPath: /etc/cm-all }
    - { name: cm-items, mountPath: /etc/cm-items }
    - { name: secret, mountPath: /etc/secret, readOnly: true }
    - { name: podinfo, mountPath: /etc/podinfo }
    - { name: projected, mountPath: /etc/projected }
    - { name: host, mountPath: /host }
  volumes:
  - name: cm-all
    configMap: { name: vol-cm }
  - name: cm-items
    configMap:
      name: vol-cm
      defaultMode: 0400
      items:
      - { key: app.conf, path: conf/app.conf }
  - name: secret
    secret: { secretName: vol-secret, defaultMode: 0440 }
  - name: podinfo
    downwardAPI:
      items:
      - { path: labels, fieldRef: { fieldPath: metadata.labels } }
      - { path: annotations, fieldRef: { fieldPath: metadata.annotations } }
      - { path: name, fieldRef: { fieldPath: metadata.name } }
  - name: projected
    projected:
      sources:
      - serviceAccountToken: { path: token, expirationSeconds: 3600 }
      - configMap:
          name: vol-cm
          items: [{ key: app.conf, path: app.conf }]
  - name: host
    hostPath: { path: ${host}, type: Directory }
`);
        await k.ready('vol-demo');
        const sh = (script: string) => k.ok(['exec', 'vol-demo', '--', 'sh', '-c', script]);

        assert.equal(await sh('cat /etc/cm-all/app.conf; echo; cat /etc/cm-all/other'), 'color=blue\nsomething else');
        assert.equal(await sh('ls /etc/cm-items; cat /etc/cm-items/conf/app.conf; echo; stat -L -c %a /etc/cm-items/conf/app.conf'), 'conf\ncolor=blue\n400\n');
        assert.equal(await sh('stat -L -c %a /etc/cm-all/app.conf'), '644\n');
        assert.equal(await sh('cat /etc/secret/password; echo; stat -L -c %a /etc/secret/password'), 's3cr3t\n440\n');
        const readOnly = await k.run(['exec', 'vol-demo', '--', 'sh', '-c', 'echo x > /etc/secret/new']);
        assert.notEqual(readOnly.code, 0);
        assert.match(readOnly.stderr, /Read-only file system/);

        assert.equal(await sh('cat /etc/podinfo/labels'), 'app="vol-demo"\ntier="test"');
        assert.match(await sh('cat /etc/podinfo/annotations'), /^team="storage"$/m);
        assert.equal(await sh('cat /etc/podinfo/name'), 'vol-demo');

        // The projected token and the kube-api-access one are JWTs the API server accepts as the pod's service account.
        assert.equal(await sh('cat /etc/projected/app.conf'), 'color=blue');
        for (const path of ['/etc/projected/token', '/var/run/secrets/kubernetes.io/serviceaccount/token']) {
          const token = await sh(`cat ${path}`);
          assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, `${path} is a JWT`);
          const whoami = await k.ok(['auth', 'whoami', '--token', token]);
          assert.match(whoami, /^Username\s+system:serviceaccount:default:default$/m, `${path}: ${whoami}`);
          // Bound to the pod and its node, as upstream's TokenRequest makes it.
          assert.match(whoami, /^Extra: authentication\.kubernetes\.io\/pod-name\s+\[vol-demo\]$/m, whoami);
          assert.match(whoami, new RegExp(`^Extra: authentication\\.kubernetes\\.io/node-name\\s+\\[${o.nodeName}\\]$`, 'm'), whoami);
        }
        const claims = JSON.parse(Buffer.from((await sh('cat /etc/projected/token')).split('.')[1], 'base64url').toString()) as { exp: number; iat: number; sub: string };
        assert.equal(claims.exp - claims.iat, 3600, 'the projected token lives expirationSeconds');
        assert.equal(claims.sub, 'system:serviceaccount:default:default');
        assert.equal(await sh('cat /var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'default');
        assert.match(await sh('cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt'), /^-----BEGIN CERTIFICATE-----/);

        assert.equal(await sh('cat /host/from-host.txt; echo written in the pod > /host/from-pod.txt'), 'written on the host\n');
        assert.equal(readFileSync(join(host, 'from-pod.txt'), 'utf8'), 'written in the pod\n');

        // An update reaches the mounted files (upstream: within the kubelet's sync period and cache TTL, about a minute).
        await k.ok(['patch', 'configmap', 'vol-cm', '-p', '{"data":{"app.conf":"color=green"}}']);
        const started = Date.now();
        await until('the new ConfigMap value in the volume', async () => (await sh('cat /etc/cm-all/app.conf')) === 'color=green', 70_000);
        assert.equal(await sh('cat /etc/cm-items/conf/app.conf'), 'color=green');
        assert.equal(await sh('cat /etc/projected/app.conf'), 'color=green');
        assert.ok(Date.now() - started < 70_000);
      }));

    it('a local-path PersistentVolumeClaim keeps what one pod wrote for the next', () =>
      explainedRun(['pvc-writer', 'pvc-reader'], async () => {
        const pod = (name: string, script: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${script}"]
    volumeMounts:
    - { name: data, mountPath: /data }
  volumes:
  - name: data
    persistentVolumeClaim: { claimName: feat-data }
`;
        await k.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: feat-data
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local-path
  resources:
    requests:
      storage: 16Mi
---
${pod('pvc-writer', 'echo kept on the volume > /data/note')}`);
        await until('pvc-writer to complete', async () => (await k.podRow('pvc-writer'))?.status === 'Completed', 90_000);
        assert.equal(await k.jsonpath('pvc/feat-data', '{.status.phase}'), 'Bound');
        await k.apply(pod('pvc-reader', 'cat /data/note'));
        await until('pvc-reader to complete', async () => (await k.podRow('pvc-reader'))?.status === 'Completed', 90_000);
        assert.equal(await k.ok(['logs', 'pvc-reader']), 'kept on the volume\n');
      }));

    // ---------------------------------------------------------------- probes, hooks, termination

    it('a startupProbe holds off liveness until the app has started', () =>
      explainedRun(['slow-start'], async () => {
        // Liveness alone (period 1 s, threshold 1) would kill the app before it starts at 5 s.
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: slow-start
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 5; touch /tmp/started; while true; do sleep 1; done"]
    startupProbe:
      exec: { command: ["test", "-f", "/tmp/started"] }
      periodSeconds: 1
      timeoutSeconds: 5
      failureThreshold: 30
    livenessProbe:
      exec: { command: ["test", "-f", "/tmp/started"] }
      periodSeconds: 1
      timeoutSeconds: 5
      failureThreshold: 1
`);
        await until('slow-start to run', async () => (await k.podRow('slow-start'))?.status === 'Running', 60_000);
        await k.ready('slow-start', 30);
        assert.equal(await k.jsonpath('pod/slow-start', '{.status.containerStatuses[0].started}'), 'true');
        await new Promise((r) => setTimeout(r, 3000));
        assert.deepEqual(await k.podRow('slow-start'), { ready: '1/1', status: 'Running', restarts: '0' });
        const describe = await k.ok(['describe', 'pod', 'slow-start']);
        assert.match(describe, /Startup:\s+exec \[test -f \/tmp\/started\] delay=0s timeout=5s period=1s #success=1 #failure=30/);
        assert.match(describe, /Warning\s+Unhealthy\s+.*Startup probe failed/);
        assert.doesNotMatch(describe, /Liveness probe failed/);
      }));

    it('probes: httpGet with httpHeaders and tcpSocket; a postStart hook whose effect the container sees', () =>
      explainedRun(['probed'], async () => {
        // The CGI answers 200 only when the probe sends its header (busybox httpd passes headers as HTTP_*).
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: probed
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c"]
    args:
    - |
      mkdir -p /www/cgi-bin
      cat > /www/cgi-bin/healthz <<'EOF'
      #!/bin/sh
      if [ "$HTTP_X_PROBE" = "kubelet" ]; then printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'; else printf 'Status: 403 Forbidden\\r\\n\\r\\n'; fi
      EOF
      chmod +x /www/cgi-bin/healthz
      while [ ! -f /tmp/hooked ]; do sleep 0.2; done
      echo "postStart said: $(cat /tmp/hooked)"
      exec httpd -f -p 8080 -h /www
    lifecycle:
      postStart:
        exec: { command: ["sh", "-c", "echo hello from postStart > /tmp/hooked"] }
    readinessProbe:
      httpGet:
        path: /cgi-bin/healthz
        port: 8080
        httpHeaders: [{ name: X-Probe, value: kubelet }]
      periodSeconds: 1
    livenessProbe:
      tcpSocket: { port: 8080 }
      periodSeconds: 1
      failureThreshold: 10
      initialDelaySeconds: 3
`);
        await k.ready('probed', 60);
        assert.equal(await k.ok(['logs', 'probed']), 'postStart said: hello from postStart\n');
        // Without the header the CGI refuses: what made the pod Ready was the probe's header.
        assert.match(await k.ok(['exec', 'probed', '--', 'sh', '-c', 'wget -S -O- http://127.0.0.1:8080/cgi-bin/healthz 2>&1 || true']), /403 Forbidden/);
        // The liveness probe (from 3 s on) finds the port open: no restart.
        await new Promise((r) => setTimeout(r, 5000));
        assert.deepEqual(await k.podRow('probed'), { ready: '1/1', status: 'Running', restarts: '0' });
        const describe = await k.ok(['describe', 'pod', 'probed']);
        assert.match(describe, /Liveness:\s+tcp-socket :8080 delay=3s timeout=1s period=1s #success=1 #failure=10/);
        assert.match(describe, /Readiness:\s+http-get http:\/\/:8080\/cgi-bin\/healthz delay=0s timeout=1s period=1s #success=1 #failure=3/);
      }));

    it('termination messages: the file, a custom path, and FallbackToLogsOnError', () =>
      explainedRun(['term-file', 'term-path', 'term-fallback', 'term-fallback-ok'], async () => {
        const pod = (name: string, script: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${script}"]
${extra}`;
        await k.apply(
          [
            pod('term-file', "echo logged; printf 'all done' > /dev/termination-log"),
            pod('term-path', "printf 'custom reason' > /tmp/why; exit 3", '    terminationMessagePath: /tmp/why\n'),
            pod('term-fallback', 'echo line one; echo last words; exit 2', '    terminationMessagePolicy: FallbackToLogsOnError\n'),
            pod('term-fallback-ok', 'echo only logs', '    terminationMessagePolicy: FallbackToLogsOnError\n'),
          ].join('---\n'),
        );
        const message = '{.status.containerStatuses[0].state.terminated.message}';
        for (const [name, phase] of [['term-file', 'Succeeded'], ['term-path', 'Failed'], ['term-fallback', 'Failed'], ['term-fallback-ok', 'Succeeded']]) {
          await until(`${name} to end`, async () => (await k.jsonpath(`pod/${name}`, '{.status.phase}')) === phase, 90_000);
        }
        assert.equal(await k.jsonpath('pod/term-file', message), 'all done');
        assert.equal(await k.jsonpath('pod/term-path', message), 'custom reason');
        assert.equal(await k.jsonpath('pod/term-path', '{.status.containerStatuses[0].state.terminated.exitCode}'), '3');
        assert.equal(await k.jsonpath('pod/term-fallback', message), 'line one\nlast words\n');
        // Only on error: a container that succeeds gets no message from its logs.
        assert.equal(await k.jsonpath('pod/term-fallback-ok', message), '');
        assert.match(await k.ok(['describe', 'pod', 'term-fallback']), /Message:\s+line one\nlast words\n/);
      }));

    it('delete --grace-period=0 --force removes the pod at once; the node still stops the container within its grace period', () =>
      explainedRun(['stubborn'], async () => {
        const beats = join(scratch, 'stubborn');
        mkdirSync(beats, { recursive: true });
        // Ignores SIGTERM, so only SIGKILL at the end of the grace period (8 s) stops it.
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: stubborn
spec:
  terminationGracePeriodSeconds: 8
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "trap '' TERM; while true; do date +%s > /beats/last; sleep 1; done"]
    volumeMounts:
    - { name: beats, mountPath: /beats }
  volumes:
  - name: beats
    hostPath: { path: ${beats}, type: Directory }
`);
        await k.ready('stubborn');
        await until('a heartbeat', async () => existsSync(join(beats, 'last')), 10_000);
        const started = Date.now();
        const deleted = await k.run(['delete', 'pod', 'stubborn', '--grace-period=0', '--force'], { timeoutMs: 20_000 });
        const returned = Date.now();
        assert.equal(deleted.code, 0, deleted.stderr);
        assert.equal(deleted.stdout, 'pod "stubborn" force deleted\n');
        assert.match(deleted.stderr, /^Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated\. The resource may continue to run on the cluster indefinitely\.$/m);
        const gone = await k.run(['get', 'pod', 'stubborn']);
        assert.equal(gone.code, 1);
        assert.match(gone.stderr, /Error from server \(NotFound\): pods "stubborn" not found/);
        // "At once" means kubectl did not wait for the container: it returned, and the pod was
        // gone from the API, while the container still ran. As upstream (kubernetes#120449) the
        // kubelet sends SIGTERM and waits the pod's grace period before SIGKILL, so the container
        // outlives its API object by up to 8 s. (No wall-clock bound on kubectl itself: on a
        // loaded machine its start alone can take seconds.)
        const beat = () => Number(readFileSync(join(beats, 'last'), 'utf8'));
        // The beats are whole seconds: one in a later second than kubectl's return came after it.
        await until('a heartbeat after kubectl returned', async () => beat() > Math.floor(returned / 1000), 10_000);
        await until(
          'the heartbeats to stop',
          async () => {
            const before = beat();
            await new Promise((r) => setTimeout(r, 2500));
            return beat() === before;
          },
          20_000,
        );
        assert.ok(beat() * 1000 - started < 15_000, `the container ran ${beat() - started / 1000} s after the deletion`);
      }));

    it('restartPolicy OnFailure restarts a failed container, and not one that succeeded', () =>
      explainedRun(['on-failure'], async () => {
        // The first run fails, the second (which finds the emptyDir mark) succeeds.
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: on-failure
spec:
  restartPolicy: OnFailure
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "if [ -f /data/tried ]; then echo second try works; exit 0; fi; touch /data/tried; echo first try fails; exit 1"]
    volumeMounts:
    - { name: data, mountPath: /data }
  volumes:
  - name: data
    emptyDir: {}
`);
        await until('on-failure to succeed', async () => (await k.jsonpath('pod/on-failure', '{.status.phase}')) === 'Succeeded', 90_000);
        const row = await k.podRow('on-failure');
        assert.deepEqual({ ...row, restarts: row?.restarts.split(' ')[0] }, { ready: '0/1', status: 'Completed', restarts: '1' });
        assert.equal(await k.ok(['logs', 'on-failure']), 'second try works\n');
        assert.equal(await k.ok(['logs', 'on-failure', '--previous']), 'first try fails\n');
        assert.equal(await k.jsonpath('pod/on-failure', '{.status.containerStatuses[0].lastState.terminated.exitCode}'), '1');
        await new Promise((r) => setTimeout(r, 2000));
        assert.equal((await k.podRow('on-failure'))?.restarts.split(' ')[0], '1');
      }));

    it('a command that does not exist: RunContainerError, then CrashLoopBackOff with a StartError (128), as upstream with containerd', () =>
      explainedRun(['no-such-cmd'], async () => {
        // A watch sees every status the kubelet writes: RunContainerError lasts only until the next sync.
        const watch = await k.watch(['get', 'pods', '--field-selector', 'metadata.name=no-such-cmd', '--watch', '--no-headers']);
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: no-such-cmd
spec:
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["/no/such/command"]
`);
        try {
          await until('no-such-cmd to back off', async () => (await k.podRow('no-such-cmd'))?.status === 'CrashLoopBackOff', 60_000);
        } finally {
          watch.child.kill();
        }
        // Upstream with containerd and runc: the container is created, starting it fails
        // (RunContainerError), and the failed start leaves a terminated state StartError, exit
        // code 128, with runc's message. The process runtime gives the same.
        const statuses = watch.rows().split('\n').map((l) => l.split(/\s+/)[2]).filter(Boolean);
        assert.ok(statuses.includes('RunContainerError'), `statuses seen: ${statuses.join(', ')}`);
        const last = '{.status.containerStatuses[0].lastState.terminated';
        assert.equal(await k.jsonpath('pod/no-such-cmd', `${last}.reason} ${last}.exitCode}`), 'StartError 128');
        assert.match(await k.jsonpath('pod/no-such-cmd', `${last}.message}`), /exec: "\/no\/such\/command": stat \/no\/such\/command: no such file or directory/);
        // It never started: upstream's time.Unix(0, 0), which describe shows as such.
        assert.equal(await k.jsonpath('pod/no-such-cmd', `${last}.startedAt}`), '1970-01-01T00:00:00Z');
        const described = await until(
          'the BackOff event',
          async () => {
            const d = await k.ok(['describe', 'pod', 'no-such-cmd']);
            return /Warning\s+BackOff\s+.*Back-off restarting failed container main in pod no-such-cmd_default\(/.test(d) && d;
          },
          15_000,
        );
        assert.match(described, /Last State:\s+Terminated\n\s+Reason:\s+StartError\n[^]*?Started:\s+Thu, 01 Jan 1970 00:00:00 \+0000/);
        assert.match(described, /Warning\s+Failed\s+.*Error: .*exec: "\/no\/such\/command": stat \/no\/such\/command: no such file or directory/);
        await k.ok(['delete', 'pod', 'no-such-cmd', '--wait=false']);
      }));

    // ---------------------------------------------------------------- network, resources, identity

    it('hostNetwork: the pod IP is the node IP; hostPort: reachable on 127.0.0.1', () =>
      explainedRun(['host-net', 'host-port'], async () => {
        const port = await freePort();
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: host-net
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
---
apiVersion: v1
kind: Pod
metadata:
  name: host-port
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "mkdir -p /www && echo served through a hostPort > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - { containerPort: 8080, hostPort: ${port} }
`);
        await Promise.all([k.ready('host-net'), k.ready('host-port')]);
        const [podIP, hostIP] = (await k.jsonpath('pod/host-net', '{.status.podIP} {.status.hostIP}')).split(' ');
        assert.ok(hostIP, 'hostIP is set');
        assert.equal(podIP, hostIP);
        const other = await k.jsonpath('pod/host-port', '{.status.podIP}');
        assert.notEqual(other, hostIP, 'a pod without hostNetwork has its own IP');
        const answer = await until('the hostPort to answer', () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => undefined), 20_000).catch(async (e: Error) => {
          // What the node's NAT table says of the port, to tell a lost rule from a slow server.
          const nat = await new Promise<string>((r) => execFile('iptables-save', ['-t', 'nat'], (_err, out) => r(String(out))));
          throw new Error(`${e.message}\nnat rules naming ${port}:\n${nat.split('\n').filter((l) => l.includes(String(port))).join('\n') || '(none)'}`);
        });
        assert.equal(answer, 'served through a hostPort\n');
      }));

    it('QoS classes in describe; a CPU limit in the container cgroup (cpu.max, or cpu.cfs_quota_us on cgroup v1); runAsUser', () =>
      explainedRun(['qos-guaranteed', 'qos-burstable', 'qos-besteffort'], async () => {
        const pod = (name: string, resources: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 2
${extra}  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
${resources}`;
        await k.apply(
          [
            pod('qos-guaranteed', '    resources:\n      limits: { cpu: 250m, memory: 64Mi }\n'),
            pod('qos-burstable', '    resources:\n      requests: { cpu: 100m }\n', '  securityContext: { runAsUser: 1000, runAsGroup: 3000 }\n'),
            pod('qos-besteffort', ''),
          ].join('---\n'),
        );
        for (const [name, qos] of [['qos-guaranteed', 'Guaranteed'], ['qos-burstable', 'Burstable'], ['qos-besteffort', 'BestEffort']]) {
          await k.ready(name);
          assert.match(await k.ok(['describe', 'pod', name]), new RegExp(`^QoS Class:\\s+${qos}$`, 'm'));
          assert.equal(await k.jsonpath(`pod/${name}`, '{.status.qosClass}'), qos);
        }
        // The container's own cgroup: cpu.max on cgroup v2; on v1 the same numbers in cpu.cfs_quota_us and
        // cpu.cfs_period_us (inside a container the cpu hierarchy may be mounted at the container's own cgroup).
        // 250m is 25 ms per 100 ms period.
        const cpuMax = (pod: string) =>
          k.ok([
            'exec', pod, '--', 'sh', '-c',
            `if [ -d /sys/fs/cgroup/cpu ]; then
               d=/sys/fs/cgroup/cpu$(sed -nE 's/^[0-9]+:(cpu|cpu,cpuacct|cpuacct,cpu):(.*)/\\2/p' /proc/self/cgroup)
               [ -f "$d/cpu.cfs_quota_us" ] || d=/sys/fs/cgroup/cpu
               q=$(cat "$d/cpu.cfs_quota_us"); [ "$q" = -1 ] && q=max
               echo "$q $(cat "$d/cpu.cfs_period_us")"
             else
               cat "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/cpu.max"
             fi`,
          ]);
        assert.equal(await cpuMax('qos-guaranteed'), '25000 100000\n');
        assert.equal(await cpuMax('qos-besteffort'), 'max 100000\n');
        assert.equal(await k.ok(['exec', 'qos-burstable', '--', 'sh', '-c', 'id -u; id -g']), '1000\n3000\n');
        assert.equal(await k.ok(['exec', 'qos-besteffort', '--', 'id', '-u']), '0\n');
      }));

    it('hostPID: the container sees the node\'s processes', () =>
      explainedRun(['host-pid'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: host-pid
spec:
  hostPID: true
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
`);
        await k.ready('host-pid');
        // kubelite itself (kubelite up) is among them.
        const cmdline = await k.ok(['exec', 'host-pid', '--', 'sh', '-c', `tr '\\0' ' ' < /proc/${cluster.process.pid}/cmdline`]);
        assert.match(cmdline, / up --data-dir /);
      }));

    it(`a pod's own PID namespace: PID 1 is its container's command${o.lacks?.pidNamespace ? ` (skipped: ${o.lacks.pidNamespace})` : ''}`, { skip: o.lacks?.pidNamespace }, () =>
      explainedRun(['own-pid'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: own-pid
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
`);
        await k.ready('own-pid');
        assert.equal(await k.ok(['exec', 'own-pid', '--', 'sh', '-c', `tr '\\0' ' ' < /proc/1/cmdline`]), `sh -c ${idle} `);
        const seen = await k.ok(['exec', 'own-pid', '--', 'sh', '-c', `test -e /proc/${cluster.process.pid} && echo visible || echo hidden`]);
        assert.equal(seen, 'hidden\n');
      }));

    it(`hostIPC: the container is in the node's IPC namespace${o.lacks?.ipcNamespace ? '' : ', a pod without it in its own'}`, () =>
      explainedRun(['host-ipc', 'own-ipc'], async () => {
        const pod = (name: string, hostIPC: boolean) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  hostIPC: ${hostIPC}
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "${idle}"]
`;
        await k.apply(pod('host-ipc', true) + '---\n' + pod('own-ipc', false));
        await k.ready('host-ipc');
        await k.ready('own-ipc');
        // The namespace's identity is the link /proc/PID/ns/ipc reads as (ipc:[inode]).
        const nodeIpc = readlinkSync('/proc/self/ns/ipc');
        assert.equal(await k.ok(['exec', 'host-ipc', '--', 'readlink', '/proc/self/ns/ipc']), `${nodeIpc}\n`);
        const own = (await k.ok(['exec', 'own-ipc', '--', 'readlink', '/proc/self/ns/ipc'])).trim();
        assert.match(own, /^ipc:\[\d+\]$/);
        if (!o.lacks?.ipcNamespace) assert.notEqual(own, nodeIpc);
      }));

    it('log rotation: a log over 10 MiB is rotated on the node, and kubectl logs reads the live file', () =>
      explainedRun(['log-rotate'], async () => {
        // 11 MiB of 1000-character lines at once, then a tick a second.
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: log-rotate
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "head -c 11534336 /dev/zero | tr '\\\\0' x | fold -w 1000; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done"]
`);
        await k.ready('log-rotate');
        const uid = await k.jsonpath('pod/log-rotate', '{.metadata.uid}');
        const found = await new Promise<string>((r) => execFile('find', [cluster.dataDir, '-type', 'd', '-path', `*/pod-logs/default_log-rotate_${uid}/app`], (_e, out) => r(String(out).trim())));
        assert.ok(found, 'no log directory for the container on the node');
        // The node checks every 10 s.
        const rotated = await until('a rotated log file', async () => readdirSync(found).find((f) => /^0\.log\.\d{8}-\d{6}$/.test(f)), 30_000);
        assert.ok(statSync(join(found, rotated)).size > 10 * 1024 * 1024, `${rotated} is smaller than 10 MiB`);
        // Between the rename and the runtime's reopen (a CRI call) there is no live file, as upstream.
        const live = await until('the reopened live file', async () => statSync(join(found, '0.log'), { throwIfNoEntry: false }), 10_000);
        assert.ok(live.size < 1024 * 1024, 'the live file was not started afresh');
        await until('a tick in the live log', async () => /^tick \d+\n$/.test(await k.ok(['logs', 'log-rotate', '--tail=1'])), 10_000);
      }));

    // ---------------------------------------------------------------- the node

    it('describe node: capacity from the machine, Ready, addresses, versions', () =>
      explainedRun([], async () => {
        const describe = await k.ok(['describe', 'node', o.nodeName]);
        const memKi = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1];
        const capacity = /^Capacity:\n((?:\s+.*\n)+?)Allocatable:\n((?:\s+.*\n)+?)System Info:/m.exec(describe);
        assert.ok(capacity, describe);
        assert.match(capacity[1], new RegExp(`^\\s+cpu:\\s+${cpus().length}$`, 'm'));
        assert.match(capacity[1], new RegExp(`^\\s+memory:\\s+${memKi}Ki$`, 'm'));
        assert.match(capacity[1], /^\s+pods:\s+110$/m);
        assert.match(capacity[2], /^\s+cpu:\s+\S+$/m);
        assert.match(capacity[2], /^\s+memory:\s+\d+Ki$/m);
        assert.match(describe, /^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
        for (const c of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.match(describe, new RegExp(`^\\s+${c}\\s+False\\s`, 'm'));
        assert.match(describe, /^Addresses:\n\s+InternalIP:\s+\d+\.\d+\.\d+\.\d+\n\s+Hostname:\s+\S+$/m);
        assert.match(describe, /^\s+Kubelet Version:\s+v1\.\d+\.\d+/m);
        assert.match(describe, /^\s+Operating System:\s+linux$/m);
        const runtime = /^\s+Container Runtime Version:\s+(\S+)$/m.exec(describe)?.[1];
        assert.match(runtime ?? '', o.runtimeVersion);
        assert.match(describe, /^PodCIDR:\s+198\.19\.\d+\.0\/24$/m);
      }));

    it(`the node lists its images${o.lacks?.images ? ` (skipped: ${o.lacks.images})` : ''}`, { skip: o.lacks?.images }, () =>
      explainedRun([], async () => {
        const images = await until(
          'the busybox image in the node status',
          async () => {
            const names = await k.jsonpath(`node/${o.nodeName}`, '{range .status.images[*]}{.names}{"\\n"}{end}');
            return /docker\.io\/library\/busybox/.test(names) && names;
          },
          30_000,
        );
        // Its names: repo digests (none for an imported image), then tags.
        assert.match(images, /^\["docker\.io\/library\/busybox:latest"\]$/m);
        assert.match(await k.jsonpath(`node/${o.nodeName}`, '{.status.images[0].sizeBytes}'), /^\d+$/);
      }));
  });
}
