import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeKubectl } from './kubectl-bench.js';

// A stand-in kubectl: prints its arguments, burns a little CPU, fails on demand.
function fakeKubectl(dir: string): string {
  const path = join(dir, 'kubectl');
  writeFileSync(
    path,
    `#!/bin/sh
case "$*" in *fail*) echo "boom" >&2; exit 3;; esac
i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done
echo "NAME"; echo "$@"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

test('times kubectl runs and reports its output, its CPU and the server CPU', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-bench-test-'));
  try {
    let serverCpu = 0;
    const figures = await timeKubectl({ kubectl: fakeKubectl(dir), kubeconfig: '/k', cacheDir: dir, args: ['get', 'pods'], runs: 3, serverCpu: () => (serverCpu += 5) });
    assert.equal(figures.runsMs.length, 3);
    assert.ok(figures.medianMs > 0 && figures.firstMs > 0);
    assert.equal(figures.outputLines, 2);
    assert.equal(figures.serverCpuMs, 5);
    assert.ok(figures.kubectlCpuMs > 0, `kubectl CPU ${figures.kubectlCpuMs}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing kubectl is an error with its message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-bench-test-'));
  try {
    await assert.rejects(
      timeKubectl({ kubectl: fakeKubectl(dir), kubeconfig: '/k', cacheDir: dir, args: ['get', 'fail'], runs: 1, serverCpu: () => 0 }),
      /exited 3: boom/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
