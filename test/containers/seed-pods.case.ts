// The seed pods of issue 4's acceptance, run for real and checked the way a user checks them:
// through the real kubectl (STATUS and RESTARTS columns, `describe` events, `logs -f` and
// `--previous`, jsonpath, `exec`, `cp`, `port-forward`). One suite, registered once per real
// runtime (kubelet-process.test.ts, kubelet-containerd.test.ts) against a cluster the caller
// starts.
//
// The seeds' images (alpine, ruby, luksa/kubia-unhealthy) are not reachable here: every pod uses
// the local busybox image, and the Ruby programs are rewritten in sh/awk with the same output.
// The tests run concurrently (their waits overlap: back-off, probes, preStop), so kubectl runs
// asynchronously and polls every half second rather than blocking the event loop.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningCluster } from '../e2e/harness.js';
import { explained, idle, image, Kubectl, parsePodRow, pullPolicy, until, type PodRow } from './kubectl.testkit.js';

export interface SeedPodsSuiteOptions {
  /** The runtime's name, for the suite's title. */
  runtime: string;
  /** Starts the cluster (one real node) and makes the busybox image available to it. */
  start: () => Promise<RunningCluster>;
  /** Why the suite cannot run here, when it cannot. */
  skip?: string;
}

/**
 * The status rows `kubectl get -w` prints for a pod, from a watch opened before the pod is
 * created, so states that pass by quickly are seen however busy the machine is. Rows repeat
 * only when READY, STATUS or the restart count change; `at` is seconds since the watch opened.
 */
async function watchStatuses(k: Kubectl, pod: string): Promise<{ until(stop: (row: PodRow) => boolean, timeoutMs: number): Promise<Array<PodRow & { at: number }>> }> {
  const started = Date.now();
  const w = await k.watch(['get', 'pods', '--field-selector', `metadata.name=${pod}`, '--watch', '--no-headers']);
  const seen: Array<PodRow & { at: number }> = [];
  let read = 0;
  const take = () => {
    const text = w.rows();
    const end = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(read, end).split('\n')) {
      const row = parsePodRow(line.trim());
      if (!row) continue;
      const prev = seen.at(-1);
      if (!prev || prev.status !== row.status || prev.ready !== row.ready || prev.restarts.split(' ')[0] !== row.restarts.split(' ')[0]) seen.push({ ...row, at: Math.round((Date.now() - started) / 1000) });
    }
    read = Math.max(read, end);
  };
  return {
    async until(stop, timeoutMs) {
      try {
        await until(`pod ${pod} to reach the expected status`, async () => (take(), seen.some(stop)), timeoutMs);
        return seen;
      } finally {
        w.child.kill();
      }
    },
  };
}

export function seedPodsSuite(o: SeedPodsSuiteOptions): void {
  describe(`seed pods on the ${o.runtime} runtime, with the real kubectl`, { skip: o.skip, concurrency: true }, () => {
    let cluster: RunningCluster;
    let k: Kubectl;
    let scratch: string;

    before(async () => {
      cluster = await o.start();
      scratch = join(cluster.dataDir, 'acceptance');
      mkdirSync(join(scratch, 'kubectl-cache'), { recursive: true });
      k = new Kubectl(cluster, join(scratch, 'kubectl-cache'));
    });

    after(async () => {
      await cluster?.stop();
    });

    const explainedRun = (pods: string[], body: () => Promise<void>) => explained(k, cluster, pods, body);

    it('hello-loop prints hello world every 2 s, followed by logs -f', () =>
      explainedRun(['hello-loop'], async () => {
        // seed 000, pod.yaml (image alpine → busybox)
        assert.match(
          await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: hello-loop
spec:
  containers:
  - name: loop
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["/bin/sh"]
    args:
    - -c
    - while true; do echo "hello world"; sleep 2s; done
`),
          /pod\/hello-loop created/,
        );
        await k.ok(['wait', '--for=condition=Ready', 'pod/hello-loop', '--timeout=60s'], { timeoutMs: 70_000 });
        assert.deepEqual(await k.podRow('hello-loop'), { ready: '1/1', status: 'Running', restarts: '0' });
        const follow = k.stream(['logs', '-f', 'hello-loop']);
        try {
          // What was logged so far, then a line written after kubectl started following.
          const first = await until('a first line from logs -f', async () => follow.output().match(/hello world\n/g)?.length, 10_000);
          await until('a new line through logs -f', async () => (follow.output().match(/hello world\n/g)?.length ?? 0) > first, 10_000);
          assert.equal(follow.child.exitCode, null, 'logs -f keeps following');
          assert.match(follow.output(), /^(hello world\n)+$/);
        } finally {
          follow.child.kill();
        }
        const previous = await k.run(['logs', 'hello-loop', '--previous']);
        assert.equal(previous.code, 1);
        assert.match(previous.stderr, /previous terminated container "loop" in pod "hello-loop" not found/);
      }));

    it('logs -f follows a container to its end, then returns', () =>
      explainedRun(['countdown'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: countdown
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "for i in 3 2 1; do echo $i; sleep 1; done; echo liftoff"]
`);
        await until('countdown to run', async () => (await k.podRow('countdown'))?.status === 'Running', 60_000);
        const followed = await k.run(['logs', '-f', 'countdown'], { timeoutMs: 30_000 });
        assert.equal(followed.code, 0, followed.stderr);
        assert.equal(followed.stdout, '3\n2\n1\nliftoff\n');
        await until('countdown to complete', async () => (await k.podRow('countdown'))?.status === 'Completed', 15_000);
      }));

    it('the fib Job prints the first 100 Fibonacci numbers and completes', () =>
      explainedRun([], async () => {
        // seed 000, fib.yaml; Ruby's `a,b = 0,1; 100.times { puts b = (a = a+b) - b }` in awk,
        // with string addition because the numbers outgrow a double.
        await k.apply(`apiVersion: batch/v1
kind: Job
metadata:
  name: fib
spec:
  template:
     metadata:
       name: fib
     spec:
       containers:
       - name: fib
         image: ${image}
         imagePullPolicy: ${pullPolicy}
         command: ["awk"]
         args:
         - |
           function add(x, y,   r, c, i, s) {
             while (length(x) < length(y)) x = "0" x
             while (length(y) < length(x)) y = "0" y
             r = ""; c = 0
             for (i = length(x); i > 0; i--) { s = substr(x, i, 1) + substr(y, i, 1) + c; c = int(s / 10); r = (s % 10) r }
             return c ? c r : r
           }
           BEGIN { a = "0"; b = "1"; for (n = 0; n < 100; n++) { print a; t = add(a, b); a = b; b = t } }
       restartPolicy: Never
`);
        await k.ok(['wait', '--for=condition=complete', 'job/fib', '--timeout=60s'], { timeoutMs: 70_000 });
        const lines = (await k.ok(['logs', 'job/fib'])).trim().split('\n');
        assert.equal(lines.length, 100);
        assert.deepEqual(lines.slice(-3), ['83621143489848422977', '135301852344706746049', '218922995834555169026']);
        const pods = await k.ok(['get', 'pods', '-l', 'job-name=fib', '--no-headers']);
        assert.match(pods, /^fib-\w+\s+0\/1\s+Completed\s+0\s/);
        assert.match(await k.ok(['describe', 'jobs/fib']), /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
      }));

    it('the luck Job retries a failed pod until one exits 0', () =>
      explainedRun([], async () => {
        // seed 000, luck.yaml: `exit rand(10)` made deterministic, so the test neither waits
        // for many back-offs nor runs out of retries: the first pod is unlucky (exit 3), the
        // second lucky. A hostPath directory keeps the count across pods.
        const tries = join(scratch, 'luck');
        mkdirSync(tries, { recursive: true });
        await k.apply(`apiVersion: batch/v1
kind: Job
metadata:
  name: luck
spec:
  template:
    metadata:
      name: luck
    spec:
      containers:
      - name: luck
        image: ${image}
        imagePullPolicy: ${pullPolicy}
        command: ["sh", "-c"]
        args: ['n=$(cat /tries/n 2>/dev/null || echo 0); echo $((n + 1)) > /tries/n; if [ "$n" = 0 ]; then echo unlucky; exit 3; fi; echo lucky']
        volumeMounts:
        - name: tries
          mountPath: /tries
      volumes:
      - name: tries
        hostPath:
          path: ${tries}
          type: Directory
      restartPolicy: Never
`);
        // The job controller waits 10 s before it replaces the failed pod.
        await k.ok(['wait', '--for=condition=complete', 'job/luck', '--timeout=90s'], { timeoutMs: 100_000 });
        const rows = (await k.ok(['get', 'pods', '-l', 'job-name=luck', '--no-headers'])).trim().split('\n');
        assert.deepEqual(rows.map((r) => r.split(/\s+/).slice(1, 4).join(' ')).sort(), ['0/1 Completed 0', '0/1 Error 0']);
        assert.match(await k.ok(['describe', 'jobs/luck']), /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 1 Failed/);
        assert.equal(readFileSync(join(tries, 'n'), 'utf8').trim(), '2');
      }));

    it('a failing liveness probe restarts the container into CrashLoopBackOff; logs --previous shows the dead one', () =>
      explainedRun(['kubia-liveness'], async () => {
        // seed 002, kubia-liveness.yml: luksa/kubia-unhealthy answers 500 after a few requests;
        // here busybox httpd runs a CGI that does the same (after 3 requests, the probe period
        // being 1 s). A short grace period: httpd ignores SIGTERM as PID 1 and is killed (137).
        const statuses = await watchStatuses(k, 'kubia-liveness');
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: kubia-liveness
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - image: ${image}
    imagePullPolicy: ${pullPolicy}
    name: kubia
    command: ["sh", "-c"]
    args:
    - |
      mkdir -p /www/cgi-bin
      cat > /www/cgi-bin/index.cgi <<'EOF'
      #!/bin/sh
      n=$(( $(cat /www/requests 2>/dev/null || echo 0) + 1 )); echo $n > /www/requests
      if [ $n -gt 3 ]; then
        printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nI am not well. Please restart me!\\n'
      else
        printf 'Content-Type: text/plain\\r\\n\\r\\nYou have hit %s\\n' "$(hostname)"
      fi
      EOF
      chmod +x /www/cgi-bin/index.cgi
      echo "Kubia server starting..."
      exec httpd -f -p 8080 -h /www
    livenessProbe:
      httpGet:
        path: /
        port: 8080
      periodSeconds: 1
`);
        // Run 1 fails its probe and restarts at once; then the kubelet backs off 10 s, 20 s ...
        // How many kills pass before the first back-off depends on timing, as upstream (the
        // back-off is measured from the previous run's end, and a kill takes its grace period).
        const seen = await statuses.until((row) => row.status === 'CrashLoopBackOff', 60_000);
        assert.ok(seen.some((r) => r.status === 'Running'), `Running before the crash loop: ${JSON.stringify(seen)}`);
        const row = (await k.podRow('kubia-liveness'))!;
        assert.match(row.restarts, /^[1-9] \(\d+s ago\)$/, `restarts before the first back-off: ${JSON.stringify(seen)}`);
        assert.equal(row.ready, '0/1');
        const previous = await k.ok(['logs', 'kubia-liveness', '--previous']);
        assert.match(previous, /^Kubia server starting\.\.\.$/m);
        const describe = await k.ok(['describe', 'pod', 'kubia-liveness']);
        assert.match(describe, /State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
        assert.match(describe, /Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+(137|143)/);
        assert.match(describe, /Liveness:\s+http-get http:\/\/:8080\/ delay=0s timeout=1s period=1s #success=1 #failure=3/);
        assert.match(describe, /Warning\s+Unhealthy\s+.*Liveness probe failed: HTTP probe failed with statuscode: 500/);
        assert.match(describe, /Normal\s+Killing\s+.*Container kubia failed liveness probe, will be restarted/);
        assert.match(describe, /Warning\s+BackOff\s+.*Back-off restarting failed container kubia in pod kubia-liveness_default\(/);
      }));

    it('a readiness probe gates Ready', () =>
      explainedRun(['ready-gate'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: ready-gate
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    workingDir: /tmp
    command: ["sh", "-c", "${idle}"]
    readinessProbe:
      exec:
        command: ["cat", "/tmp/ready"]
      periodSeconds: 1
      timeoutSeconds: 5
`);
        await until('ready-gate to run', async () => (await k.podRow('ready-gate'))?.status === 'Running', 60_000);
        // Running, probed several times, and still not Ready.
        await until('a failed readiness probe', async () => /Readiness probe failed: cat: can't open '\/tmp\/ready': No such file or directory/.test(await k.ok(['describe', 'pod', 'ready-gate'])), 15_000);
        assert.deepEqual(await k.podRow('ready-gate'), { ready: '0/1', status: 'Running', restarts: '0' });
        assert.equal(await k.jsonpath('pod/ready-gate', '{.status.conditions[?(@.type=="Ready")].status}'), 'False');
        // exec runs in the container's working directory.
        assert.equal(await k.ok(['exec', 'ready-gate', '--', 'pwd']), '/tmp\n');
        await k.ok(['exec', 'ready-gate', '--', 'touch', 'ready']);
        await k.ok(['wait', '--for=condition=Ready', 'pod/ready-gate', '--timeout=15s'], { timeoutMs: 20_000 });
        assert.equal((await k.podRow('ready-gate'))?.ready, '1/1');
        await k.ok(['exec', 'ready-gate', '--', 'rm', 'ready']);
        await k.ok(['wait', '--for=condition=Ready=false', 'pod/ready-gate', '--timeout=15s'], { timeoutMs: 20_000 });
        assert.deepEqual(await k.podRow('ready-gate'), { ready: '0/1', status: 'Running', restarts: '0' });
      }));

    it('an init container writes to an emptyDir that the app reads', () =>
      explainedRun(['init-demo'], async () => {
        const statuses = await watchStatuses(k, 'init-demo');
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: init-demo
spec:
  terminationGracePeriodSeconds: 2
  initContainers:
  - name: write
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "sleep 4; echo written by the init container > /work/message"]
    volumeMounts:
    - name: work
      mountPath: /work
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "cat /work/message; ${idle}"]
    volumeMounts:
    - name: work
      mountPath: /work
  volumes:
  - name: work
    emptyDir: {}
`);
        const seen = await statuses.until((row) => row.status === 'Running', 60_000);
        assert.ok(seen.some((r) => r.status === 'Init:0/1' && r.ready === '0/1'), `Init:0/1 while the init container runs: ${JSON.stringify(seen)}`);
        assert.equal(await k.ok(['logs', 'init-demo']), 'written by the init container\n');
        assert.equal(await k.ok(['logs', 'init-demo', '-c', 'write']), '');
        assert.equal(await k.jsonpath('pod/init-demo', '{.status.initContainerStatuses[0].state.terminated.reason}'), 'Completed');
        assert.equal(await k.jsonpath('pod/init-demo', '{.status.conditions[?(@.type=="Initialized")].status}'), 'True');
      }));

    it('a memory limit OOM-kills the container', () =>
      explainedRun(['oom'], async () => {
        // dd fills a 64 MiB buffer under a 32 MiB limit.
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: oom
spec:
  restartPolicy: Never
  containers:
  - name: hog
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "echo allocating; exec dd if=/dev/zero of=/dev/null bs=64M count=1"]
    resources:
      limits:
        memory: 32Mi
`);
        await until('oom to be OOMKilled', async () => (await k.podRow('oom'))?.status === 'OOMKilled', 60_000);
        assert.deepEqual(await k.podRow('oom'), { ready: '0/1', status: 'OOMKilled', restarts: '0' });
        assert.equal(await k.jsonpath('pod/oom', '{.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}'), 'OOMKilled 137');
        assert.equal(await k.jsonpath('pod/oom', '{.status.phase}'), 'Failed');
        assert.equal(await k.ok(['logs', 'oom']), 'allocating\n');
      }));

    it('a preStop hook delays deletion, and runs before SIGTERM', () =>
      explainedRun(['prestop'], async () => {
        // The hook and the SIGTERM trap leave marks in a hostPath directory, to show their order.
        const marks = join(scratch, 'prestop');
        mkdirSync(marks, { recursive: true });
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: prestop
spec:
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "trap 'echo SIGTERM >> /marks/log; exit 0' TERM; while true; do sleep 1; done"]
    lifecycle:
      preStop:
        exec:
          command: ["sh", "-c", "sleep 4; echo preStop >> /marks/log"]
    volumeMounts:
    - name: marks
      mountPath: /marks
  volumes:
  - name: marks
    hostPath:
      path: ${marks}
      type: Directory
`);
        await k.ok(['wait', '--for=condition=Ready', 'pod/prestop', '--timeout=60s'], { timeoutMs: 70_000 });
        // kubectl delete waits until the pod is gone: the hook's 4 s, then SIGTERM ends it at
        // once (well within the 30 s grace period). Meanwhile the pod shows Terminating.
        const started = Date.now();
        const deletion = k.run(['delete', 'pod', 'prestop'], { timeoutMs: 40_000 });
        await until('prestop to show Terminating', async () => (await k.podRow('prestop'))?.status === 'Terminating', 10_000);
        const deleted = await deletion;
        const took = Date.now() - started;
        assert.equal(deleted.code, 0, deleted.stderr);
        assert.match(deleted.stdout, /pod "prestop" deleted/);
        assert.ok(took >= 4000, `deletion took ${took} ms, less than the preStop hook's 4 s`);
        assert.ok(took < 25_000, `deletion took ${took} ms: the container did not stop on SIGTERM after the hook`);
        assert.equal(readFileSync(join(marks, 'log'), 'utf8'), 'preStop\nSIGTERM\n');
        const events = await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=prestop', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
        assert.match(events, /^Killing\s+Stopping container app$/m);
      }));

    it('restartPolicy Never leaves exit code 7 visible', () =>
      explainedRun(['exit7'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: exit7
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "echo failing on purpose; exit 7"]
`);
        await until('exit7 to fail', async () => (await k.jsonpath('pod/exit7', '{.status.phase}')) === 'Failed', 60_000);
        assert.equal(await k.jsonpath('pod/exit7', '{.status.containerStatuses[0].state.terminated.exitCode}'), '7');
        assert.equal(await k.jsonpath('pod/exit7', '{.status.containerStatuses[0].state.terminated.reason}'), 'Error');
        assert.deepEqual(await k.podRow('exit7'), { ready: '0/1', status: 'Error', restarts: '0' });
        assert.equal(await k.ok(['logs', 'exit7']), 'failing on purpose\n');
        // It stays that way: no restart.
        await new Promise((r) => setTimeout(r, 2000));
        assert.deepEqual(await k.podRow('exit7'), { ready: '0/1', status: 'Error', restarts: '0' });
      }));

    it('exec, cp and port-forward reach a busybox httpd', () =>
      explainedRun(['httpd'], async () => {
        await k.apply(`apiVersion: v1
kind: Pod
metadata:
  name: httpd
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: httpd
    image: ${image}
    imagePullPolicy: ${pullPolicy}
    command: ["sh", "-c", "mkdir -p /www && echo hello from httpd > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports:
    - containerPort: 8080
    readinessProbe:
      tcpSocket:
        port: 8080
      periodSeconds: 1
      timeoutSeconds: 5
`);
        await k.ok(['wait', '--for=condition=Ready', 'pod/httpd', '--timeout=60s'], { timeoutMs: 70_000 });

        // exec: output, and the remote exit code as kubectl's own.
        assert.equal(await k.ok(['exec', 'httpd', '--', 'cat', '/www/index.html']), 'hello from httpd\n');
        assert.equal(await k.ok(['exec', '-i', 'httpd', '--', 'sh', '-c', 'cat > /www/piped.txt; cat /www/piped.txt'], { input: 'through stdin\n' }), 'through stdin\n');
        const failed = await k.run(['exec', 'httpd', '--', 'sh', '-c', 'exit 3']);
        assert.equal(failed.code, 3);
        assert.match(failed.stderr, /command terminated with exit code 3/);

        // cp, both ways.
        const local = join(scratch, 'cp');
        mkdirSync(local, { recursive: true });
        writeFileSync(join(local, 'upload.txt'), 'uploaded with kubectl cp\n');
        await k.ok(['cp', join(local, 'upload.txt'), 'httpd:/www/upload.txt']);
        assert.equal(await k.ok(['exec', 'httpd', '--', 'cat', '/www/upload.txt']), 'uploaded with kubectl cp\n');
        await k.ok(['cp', 'httpd:/www/index.html', join(local, 'downloaded.html')]);
        assert.equal(readFileSync(join(local, 'downloaded.html'), 'utf8'), 'hello from httpd\n');

        // port-forward, then HTTP to 127.0.0.1.
        const pf = k.stream(['port-forward', 'pod/httpd', ':8080']);
        try {
          const port = await until('port-forward to listen', async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(pf.output())?.[1], 20_000);
          const index = await fetch(`http://127.0.0.1:${port}/index.html`);
          assert.equal(index.status, 200);
          assert.equal(await index.text(), 'hello from httpd\n');
          const uploaded = await fetch(`http://127.0.0.1:${port}/upload.txt`);
          assert.equal(await uploaded.text(), 'uploaded with kubectl cp\n');
          assert.equal((await fetch(`http://127.0.0.1:${port}/missing`)).status, 404);
          assert.match(pf.output(), new RegExp(`Handling connection for ${port}`));
        } finally {
          pf.child.kill();
        }

        // Nothing listens on 9999: the connection fails, kubectl says why and gives up.
        const closed = k.stream(['port-forward', 'pod/httpd', ':9999']);
        const exited = new Promise<number | null>((r) => closed.child.once('exit', (code) => r(code)));
        try {
          const port = await until('port-forward to listen', async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 9999/.exec(closed.output())?.[1], 20_000);
          const answered = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.status, (e: Error) => e.message);
          assert.equal(answered, 'fetch failed');
          const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
          assert.equal(code, 1, closed.output());
          assert.match(closed.output(), /an error occurred forwarding \d+ -> 9999: error forwarding port 9999 to pod \w+, uid : .*connection refused/i);
          assert.match(closed.output(), /^error: lost connection to pod$/m);
        } finally {
          closed.child.kill();
        }
      }));
  });
}
