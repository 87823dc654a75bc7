import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeChunk, writeJsonStreamingArray } from './respond.js';

/** A server whose one response is handed to `body`; the client connects but reads only when told. */
async function withStreamingResponse(body: (res: http.ServerResponse) => Promise<void>, client: (res: http.IncomingMessage, req: http.ClientRequest) => Promise<void>) {
  let finished!: Promise<void>;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    finished = body(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const req = http.get({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    res.pause();
    await client(res, req);
    await finished;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const chunk = 'x'.repeat(64 * 1024);

test('writeChunk waits while more than the allowance is unsent, and resumes when the client reads', async () => {
  let written = 0;
  let blocked = false;
  let release!: () => void;
  // Resolves when the writer is held up, or when it wrote everything without waiting.
  const stalled = new Promise<void>((resolve) => (release = resolve));
  await withStreamingResponse(
    async (res) => {
      // Far more than socket buffers hold: a writer that never waited would finish at once.
      for (let i = 0; i < 400; i++) {
        const pending = writeChunk(res, chunk, 256 * 1024);
        const settled = await Promise.race([pending.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
        if (!settled) {
          blocked = true;
          release();
          await pending;
        }
        written++;
      }
      release();
      res.end();
    },
    async (res) => {
      await stalled;
      assert.ok(written < 400, 'the writer stopped while nobody read');
      let received = 0;
      res.on('data', (d: Buffer) => (received += d.length));
      res.resume();
      await new Promise((resolve) => res.on('end', resolve));
      assert.equal(received, 400 * chunk.length);
    },
  );
  assert.ok(blocked);
  assert.equal(written, 400);
});

test('writeChunk stops waiting when the client goes away', async () => {
  let after = 'not reached';
  await withStreamingResponse(
    async (res) => {
      for (let i = 0; i < 400 && !res.destroyed; i++) await writeChunk(res, chunk, 64 * 1024);
      after = res.destroyed ? 'stopped: client gone' : 'wrote everything';
    },
    async (_res, req) => {
      await new Promise((r) => setTimeout(r, 100));
      req.destroy();
    },
  );
  assert.equal(after, 'stopped: client gone');
});

async function fetchStreamed(obj: Record<string, unknown>, arrayKey: string): Promise<{ text: string; headers: http.IncomingHttpHeaders }> {
  const server = http.createServer((_req, res) => void writeJsonStreamingArray(res, 200, obj, arrayKey, 'application/json', 64 * 1024));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' }, resolve));
    let text = '';
    for await (const chunk of res) text += chunk;
    return { text, headers: res.headers };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a streamed list is the same JSON as the whole object, in many pieces', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ cells: [`pod-${i}`, '1/1', 'Running', 0, '5m'], object: { metadata: { name: `pod-${i}`, labels: { app: 'x' } } } }));
  const table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '42', continue: 'abc' }, columnDefinitions: null, rows };
  const { text, headers } = await fetchStreamed(table, 'rows');
  assert.equal(text, JSON.stringify(table));
  assert.equal(headers['transfer-encoding'], 'chunked');
  assert.ok(text.length > 4 * 64 * 1024);
});

test('a streamed list with nothing but its array, or an empty array, is still exact', async () => {
  assert.equal((await fetchStreamed({ items: [1, undefined, 'x'] }, 'items')).text, JSON.stringify({ items: [1, undefined, 'x'] }));
  const empty = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [] };
  assert.equal((await fetchStreamed(empty, 'items')).text, JSON.stringify(empty));
});
