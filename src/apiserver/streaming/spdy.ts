// SPDY/3.1 — the multiplexing protocol kubectl falls back to for exec, attach and
// port-forward (and tunnels inside a WebSocket for port-forward). Only the server side the
// kubelet needs: the peer opens streams (SYN_STREAM with headers), we accept them (SYN_REPLY)
// or refuse (RST_STREAM), and both sides send DATA until FIN. Header blocks are zlib streams
// with the SPDY/3 dictionary; what we send is written as stored (uncompressed) deflate blocks,
// which any inflater reads. Like moby/spdystream (kubectl's side), flow control is not
// enforced: the peer never sends WINDOW_UPDATE, so windows would only stall.

import { Duplex } from 'node:stream';
import zlib from 'node:zlib';

/** The SPDY/3 header-compression dictionary (draft 3, section 2.6.10.1). */
export const spdyDictionary: Buffer = (() => {
  const words = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
    'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
    'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
    'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
    'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
    'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive',
    'origin',
  ];
  const tail =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
    '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
    'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
    'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
    'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts: Buffer[] = [];
  for (const w of words) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    parts.push(len, Buffer.from(w, 'latin1'));
  }
  parts.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
})();

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const RstStatus = { ProtocolError: 1, InvalidStream: 2, RefusedStream: 3, Cancel: 5, InternalError: 6 } as const;

const flagFin = 0x01;
const maxDataFrame = 32 * 1024;

export type SpdyHeaders = Record<string, string[]>;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'control'; frameType: number; flags: number; payload: Buffer };

/** Splits a byte stream into SPDY frames; keeps what is incomplete for the next call. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4];
      const payload = this.buf.subarray(8, 8 + len);
      if (this.buf[0] & 0x80) {
        frames.push({ type: 'control', frameType: this.buf.readUInt16BE(2), flags, payload });
      } else {
        frames.push({ type: 'data', streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data: payload });
      }
      this.buf = this.buf.subarray(8 + len);
    }
    return frames;
  }
}

export function encodeControlFrame(frameType: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0); // control bit, version 3
  head.writeUInt16BE(frameType, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

export function encodeDataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

/** The uncompressed name/value block: count, then length-prefixed lowercased names and NUL-joined values. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  const entries = Object.entries(headers);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, values] of entries) {
    for (const s of [name.toLowerCase(), values.join('\0')]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let off = 0;
  const u32 = () => {
    if (off + 4 > block.length) throw new Error('truncated header block');
    const v = block.readUInt32BE(off);
    off += 4;
    return v;
  };
  const str = () => {
    const len = u32();
    if (off + len > block.length) throw new Error('truncated header block');
    const s = block.subarray(off, off + len).toString('utf8');
    off += len;
    return s;
  };
  const n = u32();
  for (let i = 0; i < n; i++) {
    const name = str().toLowerCase();
    const values = str().split('\0');
    headers[name] = [...(headers[name] ?? []), ...values];
  }
  return headers;
}

/**
 * Writes header blocks as one zlib stream of stored (uncompressed) deflate blocks, so no
 * dictionary is needed to read them, continuing across frames as SPDY requires. Each block
 * ends with an empty stored block, as a zlib sync flush does: without it, Go's inflater
 * reads ahead for the next block header and fails at the end of the frame.
 */
export class HeaderDeflater {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01])); // zlib header: deflate, 32K window, no preset dictionary
      this.started = true;
    }
    for (let off = 0; off < block.length; off += 0xffff) {
      const piece = block.subarray(off, off + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0x00; // BFINAL=0, BTYPE=00 (stored)
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
    }
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** Reads the peer's header blocks: one inflate stream (with the SPDY dictionary) for the whole connection. */
export class HeaderInflater {
  private z = zlib.createInflate({ dictionary: spdyDictionary });
  private out: Buffer[] = [];
  private failure: Error | undefined;

  constructor() {
    this.z.on('data', (c: Buffer) => this.out.push(c));
    this.z.on('error', (e: Error) => (this.failure = e));
  }

  inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.z.write(block);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        // 'data' events of this flush may still be queued behind the callback.
        setImmediate(() => {
          if (this.failure) return reject(this.failure);
          const result = Buffer.concat(this.out);
          this.out = [];
          resolve(result);
        });
      });
    });
  }

  close(): void {
    this.z.close();
  }
}

/** One stream of a connection: a Duplex whose writes become DATA frames; end() sends FIN. */
export class SpdyStream extends Duplex {
  replied = false;
  private remoteFinished = false;
  private localFinished = false;
  private isReset = false;

  constructor(
    private readonly conn: SpdyServerConnection,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** First value of a (lowercase) header. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.isReset || this.localFinished) return cb();
    for (let off = 0; off < chunk.length; off += maxDataFrame) {
      this.conn.sendRaw(encodeDataFrame(this.id, 0, chunk.subarray(off, off + maxDataFrame)));
    }
    this.conn.afterWrite(cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.isReset && !this.localFinished) {
      this.localFinished = true;
      this.conn.sendRaw(encodeDataFrame(this.id, flagFin, Buffer.alloc(0)));
    }
    this.maybeDone();
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (!this.isReset && !(this.localFinished && this.remoteFinished)) this.reset(RstStatus.Cancel);
    this.conn.forget(this.id);
    cb(err);
  }

  /** Tears the stream down in both directions (RST_STREAM). */
  reset(status: number = RstStatus.Cancel): void {
    if (this.isReset) return;
    this.isReset = true;
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(this.id & 0x7fffffff, 0);
    payload.writeUInt32BE(status, 4);
    this.conn.sendRaw(encodeControlFrame(FrameType.RstStream, 0, payload));
    if (!this.remoteFinished) {
      this.remoteFinished = true;
      this.push(null);
    }
    this.conn.forget(this.id);
  }

  /** @internal */
  remoteData(data: Buffer, fin: boolean): void {
    if (this.remoteFinished) return;
    if (data.length) this.push(data);
    if (fin) {
      this.remoteFinished = true;
      this.push(null);
      this.maybeDone();
    }
  }

  /** @internal the peer reset the stream */
  remoteReset(): void {
    this.isReset = true;
    if (!this.remoteFinished) {
      this.remoteFinished = true;
      this.push(null);
    }
    this.emit('reset');
    this.conn.forget(this.id);
    this.destroy();
  }

  private maybeDone(): void {
    if (this.localFinished && this.remoteFinished) this.conn.forget(this.id);
  }
}

export interface SpdyServerOptions {
  /** Decides on a new stream: return false to refuse it (it is reset). Called in frame order. */
  onStream(stream: SpdyStream): boolean | void;
  log?: (msg: string) => void;
}

/**
 * The server end of a SPDY/3.1 connection over any byte stream (a socket after the 101
 * answer, or a WebSocket tunnel). Frames are handled strictly in order: a header block must
 * be inflated before the frames after it mean anything.
 */
export class SpdyServerConnection {
  private readonly reader = new FrameReader();
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pending: SpdyFrame[] = [];
  private processing = false;
  private closed = false;
  private lastStreamId = 0;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly transport: Duplex,
    private readonly options: SpdyServerOptions,
  ) {
    transport.on('data', (chunk: Buffer) => {
      let frames: SpdyFrame[];
      try {
        frames = this.reader.push(chunk);
      } catch (e) {
        this.fail(e as Error);
        return;
      }
      this.pending.push(...frames);
      void this.drain();
    });
    transport.on('end', () => this.close());
    transport.on('close', () => this.close());
    transport.on('error', () => this.close());
  }

  /** Calls fn once the connection is gone. */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeListeners.push(fn);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  sendRaw(frame: Buffer): void {
    if (this.closed || this.transport.destroyed || this.transport.writableEnded) return;
    this.transport.write(frame);
  }

  /** @internal: calls cb when the transport has taken what was written (back-pressure). */
  afterWrite(cb: () => void): void {
    const t = this.transport;
    if (this.closed || t.destroyed || !t.writableNeedDrain) return cb();
    const done = () => {
      t.off('drain', done);
      t.off('close', done);
      cb();
    };
    t.on('drain', done);
    t.on('close', done);
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.pending.length && !this.closed) {
        const frame = this.pending.shift()!;
        await this.handle(frame);
      }
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.processing = false;
    }
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    if (frame.type === 'data') {
      const s = this.streams.get(frame.streamId);
      s?.remoteData(frame.data, (frame.flags & flagFin) !== 0);
      return;
    }
    const p = frame.payload;
    switch (frame.frameType) {
      case FrameType.SynStream: {
        const id = p.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(await this.inflater.inflate(p.subarray(10)));
        if (id === 0 || id <= this.lastStreamId || id % 2 === 0) {
          this.sendRst(id, RstStatus.ProtocolError);
          return;
        }
        this.lastStreamId = id;
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        let accepted: boolean | void;
        try {
          accepted = this.options.onStream(stream);
        } catch (e) {
          this.options.log?.(`spdy: stream handler failed: ${(e as Error).message}`);
          accepted = false;
        }
        if (accepted === false) {
          stream.reset(RstStatus.Cancel);
          return;
        }
        this.reply(stream);
        if (frame.flags & flagFin) stream.remoteData(Buffer.alloc(0), true);
        return;
      }
      case FrameType.SynReply:
      case FrameType.Headers: {
        // Header blocks must still pass through the inflater to keep its state in step.
        await this.inflater.inflate(p.subarray(4));
        const s = this.streams.get(p.readUInt32BE(0) & 0x7fffffff);
        if (s && frame.flags & flagFin) s.remoteData(Buffer.alloc(0), true);
        return;
      }
      case FrameType.RstStream: {
        this.streams.get(p.readUInt32BE(0) & 0x7fffffff)?.remoteReset();
        return;
      }
      case FrameType.Ping: {
        const id = p.readUInt32BE(0);
        // Client pings have odd ids; answer them with the same frame.
        if (id % 2 === 1) this.sendRaw(encodeControlFrame(FrameType.Ping, 0, p.subarray(0, 4)));
        return;
      }
      case FrameType.GoAway:
        this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE: nothing to do
    }
  }

  private reply(stream: SpdyStream): void {
    const idBuf = Buffer.alloc(4);
    idBuf.writeUInt32BE(stream.id);
    const block = this.deflater.compress(encodeHeaderBlock({}));
    this.sendRaw(encodeControlFrame(FrameType.SynReply, 0, Buffer.concat([idBuf, block])));
    stream.replied = true;
  }

  private sendRst(id: number, status: number): void {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(id & 0x7fffffff, 0);
    payload.writeUInt32BE(status, 4);
    this.sendRaw(encodeControlFrame(FrameType.RstStream, 0, payload));
  }

  private fail(e: Error): void {
    this.options.log?.(`spdy: protocol error: ${e.message}`);
    this.close();
  }

  /** Sends GOAWAY, ends every stream and the transport. */
  close(): void {
    if (this.closed) return;
    if (!this.transport.destroyed && !this.transport.writableEnded) {
      const payload = Buffer.alloc(8);
      payload.writeUInt32BE(this.lastStreamId, 0);
      payload.writeUInt32BE(0, 4);
      this.transport.write(encodeControlFrame(FrameType.GoAway, 0, payload));
    }
    this.closed = true;
    for (const s of [...this.streams.values()]) {
      s.remoteData(Buffer.alloc(0), true);
      s.destroy();
    }
    this.streams.clear();
    this.inflater.close();
    if (!this.transport.destroyed) this.transport.end();
    for (const fn of this.closeListeners.splice(0)) fn();
  }
}
