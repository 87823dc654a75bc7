import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatCriLine, logTimeFromMs, parseLogOptions, type LogOptions } from './cri-log.js';
import { readContainerLogs, rotatedLogFiles } from './logs.js';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const line = (i: number, text: string, stream: 'stdout' | 'stderr' = 'stdout', partial = false) => formatCriLine(logTimeFromMs(t0 + i * 1000), stream, text, partial);

function opts(query: string): LogOptions {
  const o = parseLogOptions(new URLSearchParams(query), t0 + 100_000);
  if ('error' in o) throw new Error(o.error);
  return o;
}

async function read(path: string, query: string, extra: Partial<Parameters<typeof readContainerLogs>[0]> = {}): Promise<string> {
  let out = '';
  await readContainerLogs({ path, options: opts(query), write: async (b) => void (out += b.toString()), ...extra });
  return out;
}

function logDir(): { dir: string; path: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kubelite-logs-'));
  return { dir, path: join(dir, '0.log'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a log reads whole across rotated files, gzipped ones included, oldest first', async () => {
  const { dir, path, done } = logDir();
  try {
    writeFileSync(join(dir, '0.log.20240101-000001.gz'), gzipSync(line(1, 'one') + line(2, 'two')));
    writeFileSync(join(dir, '0.log.20240101-000003'), line(3, 'three') + line(4, 'fo', 'stdout', true));
    writeFileSync(path, line(5, 'ur') + line(6, 'err', 'stderr') + line(7, 'seven'));
    writeFileSync(join(dir, '0.log.20240101-000009.gz.tmp'), 'half written');
    assert.deepEqual((await rotatedLogFiles(path)).map((p) => p.slice(dir.length + 1)), ['0.log.20240101-000001.gz', '0.log.20240101-000003']);
    assert.equal(await read(path, ''), 'one\ntwo\nthree\nfour\nerr\nseven\n');
    assert.equal(await read(path, 'tailLines=4'), 'three\nfour\nerr\nseven\n', 'tail reaches back into rotated files');
    assert.equal(await read(path, 'tailLines=2&timestamps=true'), '2024-01-01T00:00:06.000000000Z err\n2024-01-01T00:00:07.000000000Z seven\n');
    assert.equal(await read(path, 'sinceTime=2024-01-01T00:00:04Z'), 'four\nerr\nseven\n', 'a joined line is dated by its first piece');
    assert.equal(await read(path, 'limitBytes=10'), 'one\ntwo\nth');
    assert.equal(await read(path, 'stream=Stderr'), 'err\n');
    assert.equal(await read(path, '', { readRotated: false }), 'ur\nerr\nseven\n');
    assert.equal(await read(path, 'tailLines=0'), '');
  } finally {
    done();
  }
});

test('follow streams new lines, survives a rotation, and ends when the container stops', async () => {
  const { dir, path, done } = logDir();
  try {
    writeFileSync(path, line(1, 'first'));
    let running = true;
    let out = '';
    const reading = readContainerLogs({ path, options: opts('follow=true&tailLines=1'), write: async (b) => void (out += b.toString()), isRunning: async () => running, pollMs: 30 });
    const until = async (want: string) => {
      for (let i = 0; i < 200 && !out.includes(want); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(out.includes(want), `waiting for ${JSON.stringify(want)}, have ${JSON.stringify(out)}`);
    };
    await until('first\n');
    appendFileSync(path, line(2, 'sec', 'stdout', true));
    appendFileSync(path, line(2, 'ond'));
    await until('second\n');
    // Rotation: the old file moves away, the runtime reopens a new one.
    appendFileSync(path, line(3, 'last before rotation'));
    renameSync(path, `${path}.20240101-000003`);
    writeFileSync(path, line(4, 'after rotation'));
    await until('after rotation\n');
    running = false;
    await reading;
    assert.equal(out, 'first\nsecond\nlast before rotation\nafter rotation\n');
    void dir;
  } finally {
    done();
  }
});

test('a follower stops at once when its client goes away', async () => {
  const { path, done } = logDir();
  try {
    writeFileSync(path, line(1, 'x'));
    const ac = new AbortController();
    const started = Date.now();
    const reading = readContainerLogs({ path, options: opts('follow=true'), write: async () => {}, isRunning: async () => true, signal: ac.signal, pollMs: 5000 });
    setTimeout(() => ac.abort(), 50);
    await reading;
    assert.ok(Date.now() - started < 2000);
  } finally {
    done();
  }
});

test('a missing log file is an error the kubelet reports', async () => {
  await assert.rejects(read('/nonexistent/dir/0.log', ''), /failed to open log file/);
});
