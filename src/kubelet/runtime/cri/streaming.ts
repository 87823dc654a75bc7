// Clients for the CRI streaming server's one-time URLs (Exec, Attach, PortForward), turned into
// the runtime interface's StreamSession and Duplex. Two transports, both as the kubelet's own
// streaming server speaks them:
// - SPDY/3.1 (default): streams per stdin/stdout/stderr/error/resize (remotecommand v4) and
//   data/error per forwarded connection (portforward.k8s.io); stdin and a forwarded
//   connection can be half-closed.
// - WebSocket, subprotocol v4.channel.k8s.io: one channel byte per message (0 stdin, 1 stdout,
//   2 stderr, 3 status JSON, 4 resize; port-forward 0 data, 1 error, each opened with the port
//   as two little-endian bytes). v4 has no way to close stdin alone: ending stdin does nothing
//   until the session closes (v5.channel.k8s.io's close frame is used when a server offers it).

import { Duplex, PassThrough, Writable, type Readable } from 'node:stream';
import WebSocket from 'ws';
import type { StreamOptions, StreamSession } from '../interface.js';
import { SpdyConnection } from './spdy.js';

export type StreamTransport = 'spdy' | 'websocket';

/** The exit of a remote command from the streaming server's v4 status message (a metav1.Status). */
export function exitFromStatus(raw: string): { exitCode: number; message?: string } {
  const text = raw.trim();
  if (!text) return { exitCode: 0 };
  let status: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    // v1/v2 servers write a plain error message.
    return { exitCode: 1, message: text };
  }
  if (status.status === 'Success') return { exitCode: 0 };
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return { exitCode: code, message: status.message };
  }
  return { exitCode: 1, message: status.message ?? text };
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function ended(stream: Readable | undefined): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

const remoteCommandProtocols = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** Opens an exec or attach session on a streaming-server URL. */
export async function openRemoteCommand(url: string, options: StreamOptions, transport: StreamTransport = 'spdy'): Promise<StreamSession> {
  return transport === 'websocket' ? openRemoteCommandWebSocket(url, options) : openRemoteCommandSpdy(url, options);
}

async function openRemoteCommandSpdy(url: string, options: StreamOptions): Promise<StreamSession> {
  const conn = await SpdyConnection.connect(url, remoteCommandProtocols);
  const errorStream = conn.openStream({ streamType: 'error' });
  const stdin = options.stdin ? conn.openStream({ streamType: 'stdin' }) : undefined;
  const stdout = options.stdout ? conn.openStream({ streamType: 'stdout' }) : undefined;
  const stderr = options.stderr && !options.tty ? conn.openStream({ streamType: 'stderr' }) : undefined;
  const resizeStream = options.tty ? conn.openStream({ streamType: 'resize' }) : undefined;
  // Output nobody reads must not stall the connection.
  const exit = readAll(errorStream).then(async (raw) => {
    await Promise.race([Promise.all([ended(stdout), ended(stderr)]), new Promise((r) => setTimeout(r, 2000))]);
    conn.close();
    return exitFromStatus(raw);
  });
  void conn.done.then(() => {
    stdout?.push(null);
    stderr?.push(null);
  });
  return {
    stdin,
    stdout,
    stderr,
    resize(width: number, height: number) {
      resizeStream?.write(JSON.stringify({ Width: width, Height: height }));
    },
    exit,
    close() {
      conn.close();
    },
  };
}

/**
 * Connects and calls onMessage for every message, including those that arrive with the upgrade
 * response (before a listener attached after `open` would see them).
 */
async function openWebSocket(url: string, protocols: string[], onMessage: (data: Buffer) => void): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols, { perMessageDeflate: false });
  ws.on('message', (data: Buffer) => onMessage(data));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new Error(`stream upgrade refused (${res.statusCode}): ${Buffer.concat(chunks).toString('utf8').trim()}`)));
    });
    ws.once('error', reject);
  });
  return ws;
}

async function openRemoteCommandWebSocket(url: string, options: StreamOptions): Promise<StreamSession> {
  const stdout = options.stdout ? new PassThrough() : undefined;
  const stderr = options.stderr && !options.tty ? new PassThrough() : undefined;
  const statusChunks: Buffer[] = [];
  const ws = await openWebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], (data: Buffer) => {
    if (!data.length) return;
    const body = data.subarray(1);
    switch (data[0]) {
      case 1:
        if (body.length) stdout?.write(body);
        break;
      case 2:
        if (body.length) stderr?.write(body);
        break;
      case 3:
        statusChunks.push(Buffer.from(body));
        break;
    }
  });
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  const exit = new Promise<{ exitCode: number; message?: string }>((resolve) => {
    ws.once('close', () => {
      stdout?.end();
      stderr?.end();
      resolve(exitFromStatus(Buffer.concat(statusChunks).toString('utf8')));
    });
  });
  const send = (channel: number, body: Buffer): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), body]));
  };
  const stdin = options.stdin
    ? new Writable({
        write(chunk: Buffer, _enc, cb) {
          send(0, chunk);
          cb();
        },
        final(cb) {
          if (v5) send(255, Buffer.from([0]));
          cb();
        },
      })
    : undefined;
  return {
    stdin,
    stdout,
    stderr,
    resize(width: number, height: number) {
      if (options.tty) send(4, Buffer.from(JSON.stringify({ Width: width, Height: height })));
    },
    exit,
    close() {
      ws.close();
    },
  };
}

/** A connection to `port` in a pod, through a streaming-server PortForward URL. */
export async function openPortForward(url: string, port: number, transport: StreamTransport = 'spdy'): Promise<Duplex> {
  return transport === 'websocket' ? openPortForwardWebSocket(url, port) : openPortForwardSpdy(url, port);
}

async function openPortForwardSpdy(url: string, port: number): Promise<Duplex> {
  const conn = await SpdyConnection.connect(url, ['portforward.k8s.io']);
  const headers = { port: String(port), requestID: '0' };
  const errorStream = conn.openStream({ streamType: 'error', ...headers });
  // The client never writes to the error stream.
  errorStream.end();
  const data = conn.openStream({ streamType: 'data', ...headers });
  let readEnded = false;
  let writeEnded = false;
  const maybeClose = (): void => {
    if (readEnded && writeEnded) conn.close();
  };
  const duplex = new Duplex({
    allowHalfOpen: true,
    read() {
      data.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      data.write(chunk, cb);
    },
    final(cb) {
      data.end();
      writeEnded = true;
      maybeClose();
      cb();
    },
    destroy(err, cb) {
      conn.close();
      cb(err);
    },
  });
  data.on('data', (c: Buffer) => {
    if (!duplex.push(c)) data.pause();
  });
  // The server writes why a connection failed (refused…) on the error stream and then closes
  // both: the data's end waits for that message, so the stream fails rather than just ends.
  const errorMessage = readAll(errorStream);
  data.once('end', () => {
    void errorMessage.then((message) => {
      if (message.trim()) return;
      readEnded = true;
      duplex.push(null);
      maybeClose();
    });
  });
  void errorMessage.then((message) => {
    if (message.trim()) duplex.destroy(new Error(message.trim()));
  });
  void conn.done.then(() => {
    if (!readEnded) {
      readEnded = true;
      duplex.push(null);
    }
  });
  return duplex;
}

async function openPortForwardWebSocket(url: string, port: number): Promise<Duplex> {
  const u = new URL(url);
  u.searchParams.set('port', String(port));
  const seen = new Set<number>();
  let errorText = '';
  let ws: WebSocket | undefined;
  const duplex = new Duplex({
    allowHalfOpen: true,
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return cb(new Error('port-forward connection closed'));
      ws.send(Buffer.concat([Buffer.from([0]), chunk]), cb);
    },
    final(cb) {
      // v4 cannot half-close: the server ends the connection when the pod's side closes.
      cb();
    },
    destroy(err, cb) {
      ws?.close();
      cb(err);
    },
  });
  ws = await openWebSocket(u.toString(), ['v4.channel.k8s.io'], (msg: Buffer) => {
    if (!msg.length) return;
    const channel = msg[0]!;
    let body = msg.subarray(1);
    // Each channel opens with the port number (two bytes).
    if (!seen.has(channel)) {
      seen.add(channel);
      body = body.subarray(2);
    }
    if (!body.length) return;
    if (channel === 0) duplex.push(Buffer.from(body));
    else if (channel === 1) errorText += body.toString('utf8');
  });
  ws.once('close', () => {
    if (errorText.trim()) duplex.destroy(new Error(errorText.trim()));
    else duplex.push(null);
  });
  return duplex;
}
