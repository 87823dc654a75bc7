// The server side of port-forward in its three shapes:
// - SPDY/3.1 (`portforward.k8s.io`): the client opens an error and a data stream per
//   connection, paired by their `requestID` header, with the pod port in `port`;
// - SPDY tunnelled in a WebSocket (`SPDY/3.1+portforward.k8s.io`, kubectl 1.31+'s default):
//   the same, with the SPDY bytes carried in binary WebSocket messages;
// - the WebSocket channel protocol (`v4.channel.k8s.io` with `?ports=80,443`): a data and an
//   error channel per port, each starting with the port as two little-endian bytes.

import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { ChannelConnection, channelProtocol } from './channels.js';
import { SpdyServerConnection, type SpdyStream } from './spdy.js';
import { acceptSpdy, acceptWebSocket, isWebSocketRequest, negotiateStreamProtocol, offeredProtocols, rejectRaw } from './upgrade.js';

export const portForwardProtocol = 'portforward.k8s.io';
export const tunnelingPrefix = 'SPDY/3.1+';
const streamCreationTimeoutMs = 30_000;

/** Opens a connection to a port of the pod; rejects with a message for the error stream. */
export type PortDialer = (port: number) => Promise<Duplex>;

export interface PortForwardTarget {
  dial: PortDialer;
  /** How a failed forward is reported: `error forwarding port 80 to pod <id>, uid : <why>`. */
  describeError(port: number, err: Error): string;
  log?: (msg: string) => void;
}

/** Ports of `?ports=80,443` (the WebSocket flavour). */
export function parsePorts(query: URLSearchParams): number[] | { error: string } {
  const raw = query.getAll('ports');
  if (raw.length === 0) return { error: 'query parameter "port" is required' };
  const ports: number[] = [];
  for (const s of raw) {
    if (!s) return { error: 'query parameter "port" cannot be empty' };
    for (const p of s.split(',')) {
      const n = Number(p);
      if (!/^\d+$/.test(p) || n > 65535) return { error: `unable to parse "${s}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax` };
      if (n < 1) return { error: `port "${s}" must be > 0` };
      ports.push(n);
    }
  }
  return ports;
}

/**
 * Copies between a client stream and a pod connection; settles when the pod side is done, with
 * its error when it failed before answering anything (a runtime may learn that the connection
 * was refused only after it handed back the stream), for the error stream. Later errors (a reset
 * mid-stream) just end the connection, as upstream's runtimes only log them.
 */
function splice(client: Duplex, pod: Duplex): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let done = false;
    let answered = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      resolve(err);
    };
    client.on('data', (c: Buffer) => {
      if (!pod.write(c)) {
        client.pause();
        pod.once('drain', () => client.resume());
      }
    });
    client.on('end', () => pod.end());
    client.on('close', () => {
      if (!pod.writableEnded) pod.end();
    });
    client.on('error', () => pod.destroy());
    pod.on('data', (c: Buffer) => {
      answered = true;
      if (!client.write(c)) {
        pod.pause();
        client.once('drain', () => pod.resume());
      }
    });
    pod.on('end', () => finish());
    pod.on('close', () => finish());
    pod.on('error', (e: Error) => finish(answered ? undefined : e));
  });
}

/** Completes a port-forward upgrade on the raw socket and serves it until the client leaves. */
export async function servePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget): Promise<void> {
  if (isWebSocketRequest(req)) {
    const offered = offeredProtocols(req);
    const tunnel = offered.find((p) => p === tunnelingPrefix + portForwardProtocol);
    if (tunnel) {
      const ws = await acceptWebSocket(req, socket, head, tunnel);
      return serveSpdyPortForward(webSocketDuplex(ws), target);
    }
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const ports = parsePorts(url.searchParams);
    if (!Array.isArray(ports)) {
      rejectRaw(socket, 400, ports.error);
      return;
    }
    const chosen = offered.length === 0 ? '' : offered.find((p) => ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'].includes(p));
    if (chosen === undefined) {
      rejectRaw(socket, 400, `unable to upgrade websocket connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [v4.channel.k8s.io v4.base64.channel.k8s.io]`);
      return;
    }
    const ws = await acceptWebSocket(req, socket, head, chosen);
    return serveChannelPortForward(new ChannelConnection(ws, channelProtocol(chosen)!), ports, target);
  }
  const negotiated = negotiateStreamProtocol(req, [portForwardProtocol]);
  if ('error' in negotiated) {
    rejectRaw(socket, 403, negotiated.error, { 'X-Accepted-Stream-Protocol-Versions': portForwardProtocol });
    return;
  }
  acceptSpdy(socket, negotiated.protocol);
  if (head.length) socket.unshift(head);
  return serveSpdyPortForward(socket, target);
}

/** A byte stream over binary WebSocket messages (the SPDY tunnel). */
export function webSocketDuplex(ws: WebSocket): Duplex {
  const d = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(chunk, { binary: true }, () => cb());
    },
    final(cb) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (data: RawData) => {
    d.push(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
  });
  ws.on('close', () => {
    d.push(null);
    d.destroy();
  });
  ws.on('error', () => d.destroy());
  return d;
}

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

function serveSpdyPortForward(transport: Duplex, target: PortForwardTarget): Promise<void> {
  return new Promise((resolve) => {
    const pairs = new Map<string, Pair>();
    const conn = new SpdyServerConnection(transport, {
      log: target.log,
      onStream(stream) {
        const portText = stream.header('port') ?? '';
        const type = stream.header('streamtype') ?? '';
        const port = Number(portText);
        if (!portText || !/^\d+$/.test(portText) || port < 1 || port > 65535) return false;
        if (type !== 'data' && type !== 'error') return false;
        // Old clients send no request id: pair consecutive error/data stream ids.
        const requestId = stream.header('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
        let pair = pairs.get(requestId);
        if (!pair) {
          const timer = setTimeout(() => {
            pairs.delete(requestId);
            pair?.error?.end(`(request=${requestId}) timed out waiting for streams`);
            pair?.data?.destroy();
          }, streamCreationTimeoutMs);
          timer.unref();
          pair = { timer };
          pairs.set(requestId, pair);
        }
        if (pair[type]) {
          stream.end(`error processing stream for request ${requestId}: ${type} stream already assigned`);
          return;
        }
        pair[type] = stream;
        if (pair.data && pair.error) {
          clearTimeout(pair.timer);
          pairs.delete(requestId);
          void forward(pair.data, pair.error, port, target);
        }
      },
    });
    conn.onClose(() => {
      for (const p of pairs.values()) clearTimeout(p.timer);
      resolve();
    });
  });
}

async function forward(data: SpdyStream, error: SpdyStream, port: number, target: PortForwardTarget): Promise<void> {
  // The client never writes on the error stream; drain its FIN.
  error.resume();
  let pod: Duplex;
  try {
    pod = await target.dial(port);
  } catch (e) {
    error.end(target.describeError(port, e as Error));
    data.end();
    return;
  }
  const failed = await splice(data, pod);
  // As the kubelet's streaming server: the error stream first, then the data stream.
  if (failed) error.end(target.describeError(port, failed));
  else error.end();
  data.end();
}

function serveChannelPortForward(conn: ChannelConnection, ports: number[], target: PortForwardTarget): Promise<void> {
  return new Promise((resolve) => {
    const portBytes = (p: number) => {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(p);
      return b;
    };
    const jobs = ports.map(async (port, i) => {
      const dataCh = i * 2;
      const errCh = i * 2 + 1;
      conn.send(dataCh, portBytes(port));
      conn.send(errCh, portBytes(port));
      const incoming = conn.readable(dataCh);
      let pod: Duplex;
      try {
        pod = await target.dial(port);
      } catch (e) {
        conn.send(errCh, Buffer.from(target.describeError(port, e as Error)));
        incoming.resume();
        return;
      }
      const outgoing = conn.writable(dataCh);
      const client = Duplex.from({ readable: incoming, writable: outgoing });
      const failed = await splice(client, pod);
      if (failed) conn.send(errCh, Buffer.from(target.describeError(port, failed)));
    });
    void Promise.all(jobs).then(() => conn.close());
    conn.onClose(() => resolve());
  });
}
