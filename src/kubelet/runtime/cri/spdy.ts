// A small SPDY/3.1 client, the transport of the CRI streaming server's exec, attach and
// port-forward URLs (the kubelet and the API server speak it to runtimes). It exists because
// the WebSocket form (v4.channel.k8s.io) cannot half-close a stream: `echo x | kubectl exec -i
// … cat` needs stdin's end to reach the process, and port-forward needs the client's FIN.
//
// Only what a client of the streaming server needs: an HTTP/1.1 upgrade, client-opened
// streams (SYN_STREAM with a header block), DATA with FIN, and replies to PING. Header blocks
// are sent as zlib "stored" (uncompressed) deflate blocks, which any zlib reader accepts and
// which need no dictionary; the server's reply headers are never read, so its compressed
// blocks are skipped rather than inflated.

import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

const FLAG_FIN = 0x01;
const TYPE_SYN_STREAM = 1;
const TYPE_SYN_REPLY = 2;
const TYPE_RST_STREAM = 3;
const TYPE_PING = 6;
const TYPE_GOAWAY = 7;
const TYPE_HEADERS = 8;
const MAX_DATA_FRAME = 64 * 1024;

/** One SPDY stream: a Duplex whose end() sends FIN (a half-close). */
export class SpdyStream extends Duplex {
  replied = false;
  private remoteEnded = false;

  constructor(
    readonly id: number,
    private readonly conn: SpdyConnection,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    /* data is pushed as frames arrive */
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.conn.writeData(this.id, chunk, false);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.conn.writeData(this.id, Buffer.alloc(0), true);
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.conn.forget(this.id);
    cb(err);
  }

  /** @internal */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteEnded) return;
    if (data.length) this.push(data);
    if (fin) this.endRemote();
  }

  /** @internal */
  endRemote(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.push(null);
  }
}

function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  const entries = Object.entries(headers);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, value] of entries) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** Deflate stored blocks: not final, byte-aligned, LEN and its one's complement, the bytes. */
function storedBlock(data: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let off = 0;
  do {
    const piece = data.subarray(off, off + 0xffff);
    off += piece.length;
    const h = Buffer.alloc(5);
    h[0] = 0x00;
    h.writeUInt16LE(piece.length, 1);
    h.writeUInt16LE(~piece.length & 0xffff, 3);
    chunks.push(h, piece);
  } while (off < data.length);
  // An empty stored block ends each header block, as zlib's Z_SYNC_FLUSH does: a reader hands
  // out what it decoded when it meets one, without reading past the frame for the next block.
  chunks.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
  return Buffer.concat(chunks);
}

export class SpdyConnection {
  private nextStreamId = 1;
  private readonly streams = new Map<number, SpdyStream>();
  private buffer: Buffer = Buffer.alloc(0);
  private zlibStarted = false;
  private closed = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  private constructor(
    private readonly socket: Socket,
    /** The sub-protocol the server chose (X-Stream-Protocol-Version). */
    readonly protocol: string,
    head: Buffer,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.onClose());
    socket.on('error', () => this.onClose());
    if (head.length) this.onData(head);
  }

  /** Upgrades an HTTP connection to `url` to SPDY/3.1, offering `protocols` in order of preference. */
  static connect(url: string, protocols: string[], timeoutMs = 30_000): Promise<SpdyConnection> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols },
        timeout: timeoutMs,
      });
      req.on('upgrade', (res, socket, head) => {
        const chosen = res.headers['x-stream-protocol-version'];
        resolve(new SpdyConnection(socket, Array.isArray(chosen) ? (chosen[0] ?? '') : (chosen ?? ''), head));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new Error(`stream upgrade refused (${res.statusCode}): ${Buffer.concat(chunks).toString('utf8').trim()}`)));
      });
      req.on('timeout', () => req.destroy(new Error('stream upgrade timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  /** Opens a stream carrying `headers`. */
  openStream(headers: Record<string, string>): SpdyStream {
    if (this.closed) throw new Error('SPDY connection closed');
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(id, this);
    this.streams.set(id, stream);
    let block = storedBlock(encodeHeaderBlock(headers));
    if (!this.zlibStarted) {
      // zlib header: deflate, 32 KiB window, no preset dictionary.
      block = Buffer.concat([Buffer.from([0x78, 0x01]), block]);
      this.zlibStarted = true;
    }
    const payload = Buffer.alloc(10);
    payload.writeUInt32BE(id & 0x7fffffff, 0);
    payload.writeUInt32BE(0, 4);
    payload[8] = 0; // priority 0, slot 0
    payload[9] = 0;
    this.writeControl(TYPE_SYN_STREAM, 0, Buffer.concat([payload, block]));
    return stream;
  }

  /** @internal */
  writeData(id: number, data: Buffer, fin: boolean): void {
    if (this.closed) return;
    let off = 0;
    do {
      const piece = data.subarray(off, off + MAX_DATA_FRAME);
      off += piece.length;
      const h = Buffer.alloc(8);
      h.writeUInt32BE(id & 0x7fffffff, 0);
      h.writeUInt32BE(piece.length, 4);
      h[4] = fin && off >= data.length ? FLAG_FIN : 0;
      this.socket.write(Buffer.concat([h, piece]));
    } while (off < data.length);
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private writeControl(type: number, flags: number, payload: Buffer): void {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8003, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(payload.length, 4);
    h[4] = flags;
    this.socket.write(Buffer.concat([h, payload]));
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const flags = frame[4]!;
    const payload = frame.subarray(8);
    if (frame[0]! & 0x80) {
      const type = frame.readUInt16BE(2);
      const streamId = payload.length >= 4 ? payload.readUInt32BE(0) & 0x7fffffff : 0;
      switch (type) {
        case TYPE_SYN_REPLY:
        case TYPE_HEADERS: {
          const s = this.streams.get(streamId);
          if (s) {
            s.replied = true;
            if (flags & FLAG_FIN) s.endRemote();
          }
          break;
        }
        case TYPE_RST_STREAM: {
          const s = this.streams.get(streamId);
          if (s) {
            s.endRemote();
            this.streams.delete(streamId);
          }
          break;
        }
        case TYPE_PING:
          this.writeControl(TYPE_PING, 0, payload);
          break;
        case TYPE_GOAWAY:
          break;
        default:
          // SETTINGS, WINDOW_UPDATE, server pushes: nothing a client of the streaming server needs.
          break;
      }
      return;
    }
    const id = frame.readUInt32BE(0) & 0x7fffffff;
    this.streams.get(id)?.receive(Buffer.from(payload), (flags & FLAG_FIN) !== 0);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.endRemote();
    this.streams.clear();
    this.resolveDone();
  }

  /** Says goodbye and closes the connection. */
  close(): void {
    if (this.closed) return;
    const goaway = Buffer.alloc(8);
    goaway.writeUInt32BE(0, 0);
    goaway.writeUInt32BE(0, 4);
    try {
      this.writeControl(TYPE_GOAWAY, 0, goaway);
    } catch {
      /* socket already gone */
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.onClose();
  }
}
