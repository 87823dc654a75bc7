import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Duplex } from 'node:stream';
import zlib from 'node:zlib';
import {
  FrameReader,
  FrameType,
  HeaderDeflater,
  SpdyServerConnection,
  decodeHeaderBlock,
  encodeControlFrame,
  encodeDataFrame,
  encodeHeaderBlock,
  spdyDictionary,
  type SpdyFrame,
  type SpdyStream,
} from './spdy.js';

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

test('the SPDY/3 dictionary is byte-exact (kubectl announces its adler32 as DICTID e3c6a7c2)', () => {
  assert.equal(spdyDictionary.length, 1423);
  assert.equal(adler32(spdyDictionary).toString(16), 'e3c6a7c2');
});

test('header blocks round-trip, lowercasing names and joining values with NUL', () => {
  const block = encodeHeaderBlock({ StreamType: ['error'], port: ['80'], multi: ['a', 'b'] });
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: ['error'], port: ['80'], multi: ['a', 'b'] });
});

test('stored header blocks read back with a sync-flushing inflater, frame after frame', () => {
  const d = new HeaderDeflater();
  const a = d.compress(encodeHeaderBlock({ a: ['1'] }));
  const b = d.compress(encodeHeaderBlock({}));
  // Each frame ends at a flush point, as Go's zlib reader needs it to.
  assert.deepEqual([...a.subarray(a.length - 5)], [0, 0, 0, 0xff, 0xff]);
  const out = zlib.inflateSync(Buffer.concat([a, b]), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.deepEqual(decodeHeaderBlock(out), { a: ['1'] });
  assert.deepEqual(decodeHeaderBlock(out.subarray(encodeHeaderBlock({ a: ['1'] }).length)), {});
});

test('the frame reader splits a byte stream at any boundary', () => {
  const frames = Buffer.concat([encodeDataFrame(1, 1, Buffer.from('hi')), encodeControlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 1]))]);
  const r = new FrameReader();
  const got: SpdyFrame[] = [];
  for (const byte of frames) got.push(...r.push(Buffer.from([byte])));
  assert.equal(got.length, 2);
  assert.deepEqual(got[0], { type: 'data', streamId: 1, flags: 1, data: Buffer.from('hi') });
  assert.equal(got[1].type, 'control');
});

/** A SPDY client as kubectl's spdystream writes: headers deflated with the dictionary. */
class TestClient {
  private readonly deflate = zlib.createDeflate({ dictionary: spdyDictionary, level: 9 });
  private readonly reader = new FrameReader();
  readonly frames: SpdyFrame[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly wire: Duplex) {
    wire.on('data', (c: Buffer) => {
      this.frames.push(...this.reader.push(c));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  private compress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      const out: Buffer[] = [];
      const onData = (c: Buffer) => out.push(c);
      this.deflate.on('data', onData);
      this.deflate.write(block);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () =>
        setImmediate(() => {
          this.deflate.off('data', onData);
          resolve(Buffer.concat(out));
        }),
      );
    });
  }

  async synStream(id: number, headers: Record<string, string[]>, fin = false): Promise<void> {
    const head = Buffer.alloc(10);
    head.writeUInt32BE(id, 0);
    const block = await this.compress(encodeHeaderBlock(headers));
    this.wire.write(encodeControlFrame(FrameType.SynStream, fin ? 1 : 0, Buffer.concat([head, block])));
  }

  data(id: number, data: string, fin = false): void {
    this.wire.write(encodeDataFrame(id, fin ? 1 : 0, Buffer.from(data)));
  }

  async until(pred: (f: SpdyFrame[]) => boolean): Promise<void> {
    while (!pred(this.frames)) await new Promise<void>((r) => this.waiters.push(r));
  }
}

function wirePair(): [Duplex, Duplex] {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  return [Duplex.from({ readable: bToA, writable: aToB }), Duplex.from({ readable: aToB, writable: bToA })];
}

test('a server connection replies to new streams, carries data both ways and answers pings', async () => {
  const [clientWire, serverWire] = wirePair();
  const streams: SpdyStream[] = [];
  const conn = new SpdyServerConnection(serverWire, {
    onStream(s) {
      if (s.header('streamtype') === 'refused') return false;
      streams.push(s);
      // Echo in upper case.
      s.on('data', (d: Buffer) => s.write(d.toString().toUpperCase()));
      s.on('end', () => s.end());
    },
  });
  const client = new TestClient(clientWire);
  await client.synStream(1, { streamtype: ['data'], port: ['80'] });
  await client.until((f) => f.some((x) => x.type === 'control' && x.frameType === FrameType.SynReply));
  assert.deepEqual(streams[0].headers, { streamtype: ['data'], port: ['80'] });
  client.data(1, 'hello');
  client.data(1, '', true);
  await client.until((f) => f.some((x) => x.type === 'data' && (x.flags & 1) === 1));
  const payload = Buffer.concat(client.frames.filter((f): f is Extract<SpdyFrame, { type: 'data' }> => f.type === 'data').map((f) => f.data)).toString();
  assert.equal(payload, 'HELLO');

  // A second stream's headers continue the same compression context.
  await client.synStream(3, { streamtype: ['refused'] });
  await client.until((f) => f.some((x) => x.type === 'control' && x.frameType === FrameType.RstStream));

  client.wire.write(encodeControlFrame(FrameType.Ping, 0, Buffer.from([0, 0, 0, 7])));
  await client.until((f) => f.some((x) => x.type === 'control' && x.frameType === FrameType.Ping));
  conn.close();
  await client.until((f) => f.some((x) => x.type === 'control' && x.frameType === FrameType.GoAway));
  assert.ok(conn.isClosed);
});
