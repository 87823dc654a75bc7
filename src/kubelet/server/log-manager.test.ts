import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FakeClock } from '../../machinery/clock.js';
import type { ContainerRuntime, ContainerStatus } from '../runtime/interface.js';
import { formatCriLine, logTimeFromMs } from './cri-log.js';
import { ContainerLogManager, rotationStamp } from './log-manager.js';
import { readContainerLogs } from './logs.js';
import { parseLogOptions, type LogOptions } from './cri-log.js';

function fakeRuntime(path: string, opts: { reopen: boolean }): { runtime: ContainerRuntime; reopened: string[] } {
  const reopened: string[] = [];
  const runtime = {
    listContainers: async () => [{ id: 'c1', sandboxId: 's', name: 'app', attempt: 0, state: 'running', labels: {} }],
    containerStatus: async (id: string) => ({ id, logPath: path, state: 'running' }) as unknown as ContainerStatus,
    ...(opts.reopen
      ? {
          reopenContainerLog: async (id: string) => {
            reopened.push(id);
            writeFileSync(path, '');
          },
        }
      : {}),
  } as unknown as ContainerRuntime;
  return { runtime, reopened };
}

const line = (i: number) => formatCriLine(logTimeFromMs(Date.parse('2024-01-01T00:00:00Z') + i), 'stdout', `line ${i} ${'x'.repeat(80)}`);

test('the rotated-file suffix is YYYYMMDD-hhmmss in UTC', () => {
  assert.equal(rotationStamp(Date.parse('2024-03-04T05:06:07.890Z')), '20240304-050607');
});

test('logs over maxSize rotate; older rotations are gzipped; at most maxFiles remain; the log still reads whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-rotate-'));
  try {
    const path = join(dir, '0.log');
    const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
    const { runtime, reopened } = fakeRuntime(path, { reopen: true });
    const manager = new ContainerLogManager({ runtime, maxSize: 1000, maxFiles: 3, clock });
    let n = 0;
    for (let round = 0; round < 4; round++) {
      let text = '';
      while (text.length < 1200) text += line(n++);
      writeFileSync(path, text, { flag: 'a' });
      await manager.rotateAll();
      clock.advance(1000);
    }
    assert.equal(reopened.length, 4);
    const names = readdirSync(dir).sort();
    // maxFiles 3: the live log, the newest rotation (plain), one older (gzipped).
    assert.deepEqual(names, ['0.log', '0.log.20240101-000002.gz', '0.log.20240101-000003']);
    assert.equal(statSync(path).size, 0);
    assert.match(gunzipSync(readFileSync(join(dir, names[1]))).toString(), /line \d+/);
    // Small logs are left alone.
    writeFileSync(path, line(n++));
    await manager.rotateAll();
    assert.equal(readdirSync(dir).length, 3);
    let out = '';
    const o = parseLogOptions(new URLSearchParams(''), Date.now()) as LogOptions;
    await readContainerLogs({ path, options: o, write: async (b) => void (out += b.toString()) });
    const nums = [...out.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(nums, [...nums].sort((a, b) => a - b), 'lines come out in order across files');
    assert.equal(nums[nums.length - 1], n - 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runtime that cannot reopen logs gets copy-and-truncate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-rotate-'));
  try {
    const path = join(dir, '0.log');
    const { runtime } = fakeRuntime(path, { reopen: false });
    const manager = new ContainerLogManager({ runtime, maxSize: 100, maxFiles: 5, clock: new FakeClock(0) });
    writeFileSync(path, line(1) + line(2));
    await manager.rotate('c1', path);
    assert.equal(statSync(path).size, 0);
    assert.equal(readFileSync(join(dir, '0.log.19700101-000000'), 'utf8'), line(1) + line(2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the rotation loop checks every interval and holds at most one listener on the node stop signal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-rotate-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '');
    const clock = new FakeClock(0);
    let passes = 0;
    const { runtime } = fakeRuntime(path, { reopen: false });
    const counting = { ...runtime, listContainers: async () => (passes++, runtime.listContainers()) } as ContainerRuntime;
    const manager = new ContainerLogManager({ runtime: counting, clock, intervalMs: 10_000 });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    // Settled: the pass is done and the loop waits on the clock for the next one.
    const settle = async () => {
      const deadline = Date.now() + 5000;
      while (clock.pendingTimers() === 0) {
        assert.ok(Date.now() < deadline, 'the loop never waited on its clock');
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    for (let i = 0; i < 30; i++) {
      await settle();
      clock.advance(10_000);
    }
    await settle();
    assert.equal(passes, 31);
    assert.ok(getEventListeners(stop.signal, 'abort').length <= 1);
    stop.abort();
    await running;
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
