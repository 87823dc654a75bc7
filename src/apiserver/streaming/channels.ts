// The WebSocket channel protocols of Kubernetes' streaming endpoints (`channel.k8s.io`,
// `base64.channel.k8s.io`, `v4.channel.k8s.io`, `v5.channel.k8s.io`): every message starts
// with one byte naming its channel (stdin 0, stdout 1, stderr 2, error 3, resize 4, or a
// port-forward pair), as a digit character in the base64 flavours. v5 adds the CLOSE
// signal: a message [255, n] says the peer will send nothing more on channel n (stdin EOF).

import { PassThrough, Writable, type Readable } from 'node:stream';
import type { WebSocket, RawData } from 'ws';

/** The channel byte of v5's close signal. */
export const closeSignal = 255;

export interface ChannelProtocol {
  base64: boolean;
  /** v5: understands the close signal. */
  closeSignal: boolean;
}

/** Parses a negotiated subprotocol name; undefined when it is not a channel protocol. */
export function channelProtocol(name: string): ChannelProtocol | undefined {
  switch (name) {
    case '':
    case 'channel.k8s.io':
    case 'v4.channel.k8s.io':
      return { base64: false, closeSignal: false };
    case 'v5.channel.k8s.io':
      return { base64: false, closeSignal: true };
    case 'base64.channel.k8s.io':
    case 'v4.base64.channel.k8s.io':
      return { base64: true, closeSignal: false };
    default:
      return undefined;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}

/**
 * Multiplexes numbered channels over one WebSocket. Incoming data appears on readable(n)
 * (which ends at the v5 close signal or when the socket goes); writable(n) sends on n.
 */
export class ChannelConnection {
  private readonly readers = new Map<number, PassThrough>();
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly protocol: ChannelProtocol,
  ) {
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      let data = toBuffer(raw);
      if (data.length === 0) return;
      let channel: number;
      if (protocol.base64 && !isBinary) {
        channel = data[0] - 48;
        data = Buffer.from(data.subarray(1).toString('latin1'), 'base64');
      } else {
        channel = data[0];
        data = data.subarray(1);
      }
      if (channel === closeSignal && protocol.closeSignal) {
        if (data.length) this.readers.get(data[0])?.end();
        return;
      }
      const r = this.readers.get(channel);
      if (r && !r.writableEnded) r.write(data);
    });
    const onGone = () => this.gone();
    ws.on('close', onGone);
    ws.on('error', onGone);
  }

  /** Data the peer sends on channel n. */
  readable(n: number): Readable {
    let r = this.readers.get(n);
    if (!r) {
      r = new PassThrough();
      this.readers.set(n, r);
      if (this.closed) r.end();
    }
    return r;
  }

  /** Sends one message on channel n. */
  send(n: number, data: Buffer, cb?: (err?: Error) => void): void {
    if (this.closed) {
      cb?.(new Error('connection closed'));
      return;
    }
    if (this.protocol.base64) {
      this.ws.send(String.fromCharCode(48 + n) + data.toString('base64'), { binary: false }, cb);
    } else {
      const frame = Buffer.allocUnsafe(data.length + 1);
      frame[0] = n;
      data.copy(frame, 1);
      this.ws.send(frame, { binary: true }, cb);
    }
  }

  /** A stream whose writes go out on channel n; ending it sends nothing (the server closes the socket). */
  writable(n: number): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => this.send(n, chunk, (err) => cb(this.closed ? null : (err ?? null))),
    });
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeListeners.push(fn);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the conversation with a normal close. */
  close(code = 1000): void {
    if (!this.closed) {
      try {
        this.ws.close(code);
      } catch {
        this.ws.terminate();
      }
      // A peer that never answers the close frame must not keep the socket.
      const t = setTimeout(() => this.ws.terminate(), 5000);
      t.unref();
    }
    this.gone();
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.readers.values()) r.end();
    for (const fn of this.closeListeners.splice(0)) fn();
  }
}
