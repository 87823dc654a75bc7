// pumpSession: every byte a command wrote reaches the client before the exit status closes the
// connection, even when the connection sends slowly (a busy node: a WebSocket hands on the next
// chunk only once the previous one is sent).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { ChannelConnection } from './channels.js';
import { pumpSession, type CommandResult, type RemoteStreams } from './remotecommand.js';

/** A WebSocket stand-in that takes 20 ms to send each frame and records what went out, in order. */
function slowSocket() {
  const frames: string[] = [];
  const ws = {
    on() {},
    send(frame: Buffer, _opts: unknown, cb?: (err?: Error) => void) {
      frames.push(`${frame[0]}:${frame.subarray(1).toString()}`);
      setTimeout(() => cb?.(), 20);
    },
    close() {
      frames.push('close');
    },
    terminate() {},
  };
  return { ws: ws as unknown as WebSocket, frames };
}

describe('pumpSession', () => {
  it('sends all output before the status, however slowly the connection sends', async () => {
    const { ws, frames } = slowSocket();
    const conn = new ChannelConnection(ws, { base64: false, closeSignal: true });
    let result: CommandResult | undefined;
    const streams: RemoteStreams = {
      protocol: 'v5.channel.k8s.io',
      stdout: conn.writable(1),
      stderr: conn.writable(2),
      finish(r) {
        result = r;
        conn.send(3, Buffer.from(r.kind));
        conn.close();
      },
      close: () => conn.close(),
      onClientGone: (fn) => conn.onClose(fn),
    };
    // A command that writes three times, the last just before it exits.
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let exited!: (v: { exitCode: number }) => void;
    const session = { stdout, stderr, exit: new Promise<{ exitCode: number }>((r) => (exited = r)), close() {} };
    const pumped = pumpSession(streams, async () => session, ['sh', '-c', '…']);
    await new Promise((r) => setImmediate(r));
    stdout.write('color=blue');
    stdout.write('\n');
    stderr.write('a warning\n');
    stdout.end('something else');
    stderr.end();
    exited({ exitCode: 0 });
    await pumped;
    assert.deepEqual(result, { kind: 'success' });
    assert.deepEqual(
      frames.filter((f) => f.startsWith('1:')),
      ['1:color=blue', '1:\n', '1:something else'],
    );
    assert.ok(frames.indexOf('2:a warning\n') >= 0, JSON.stringify(frames));
    assert.deepEqual(frames.slice(-2), ['3:success', 'close']);
  });
});
