import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import * as packet from 'dns-packet';
import type { KubeObject } from '../api/object.js';
import { ClusterRecords } from './records.js';
import { DnsServer } from './server.js';

function query(name: string, type: string, id = 42): Buffer {
  return packet.encode({ id, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ name, type: type as 'A', class: 'IN' }] });
}

/** What the tests read of a response. */
interface Reply {
  id?: number;
  rcode: string;
  flag_aa: boolean;
  answers?: { type: string; data: unknown }[];
  authorities?: { type: string }[];
}

const decode = (m: Buffer) => packet.decode(m) as unknown as Reply;

function askUdp(port: number, msg: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no answer'));
    }, 3000);
    s.once('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(decode(m));
    });
    s.send(msg, port, '127.0.0.1');
  });
}

function askTcp(port: number, msg: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.end();
        resolve(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    s.on('error', reject);
    const head = Buffer.alloc(2);
    head.writeUInt16BE(msg.length);
    s.write(Buffer.concat([head, msg]));
  });
}

function records(): ClusterRecords {
  const r = new ClusterRecords();
  r.setService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ver', namespace: 'default' }, spec: { clusterIP: '198.18.0.20', ports: [{ name: 'http', port: 80 }] } } as KubeObject);
  return r;
}

test('answers cluster names over UDP and TCP, authoritatively, with NXDOMAIN and an SOA for missing ones', async () => {
  const dns = new DnsServer({ records: records(), port: 0 });
  await dns.listen();
  try {
    const a = await askUdp(dns.port, query('ver.default.svc.cluster.local', 'A'));
    assert.equal(a.id, 42);
    assert.equal(a.rcode, 'NOERROR');
    assert.equal(a.flag_aa, true);
    assert.deepEqual(a.answers?.map((x) => [x.type, x.data]), [['A', '198.18.0.20']]);
    const t = await askTcp(dns.port, query('ver.default.svc.cluster.local', 'A', 7));
    assert.equal(t.id, 7);
    assert.deepEqual(t.answers?.map((x) => x.data), ['198.18.0.20']);
    const nx = await askUdp(dns.port, query('nope.default.svc.cluster.local', 'A'));
    assert.equal(nx.rcode, 'NXDOMAIN');
    assert.equal(nx.authorities?.[0]?.type, 'SOA');
  } finally {
    await dns.close();
  }
});

test('forwards other names to the upstream resolver and relays its answer; without one, NXDOMAIN', async () => {
  // A stand-in upstream on loopback that answers every A query with 192.0.2.1.
  const upstream = dgram.createSocket('udp4');
  await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', () => r()));
  upstream.on('message', (m, rinfo) => {
    const q = packet.decode(m);
    upstream.send(packet.encode({ id: q.id, type: 'response', flags: packet.RECURSION_AVAILABLE, questions: q.questions, answers: [{ type: 'A', name: q.questions![0].name, ttl: 60, data: '192.0.2.1' }] }), rinfo.port, rinfo.address);
  });
  const dns = new DnsServer({ records: records(), port: 0, upstreams: [`127.0.0.1:${upstream.address().port}`] });
  const closed = new DnsServer({ records: records(), port: 0, upstreams: [] });
  await dns.listen();
  await closed.listen();
  try {
    const a = await askUdp(dns.port, query('example.com', 'A', 99));
    assert.equal(a.id, 99);
    assert.deepEqual(a.answers?.map((x) => x.data), ['192.0.2.1']);
    const none = await askUdp(closed.port, query('example.com', 'A'));
    assert.equal(none.rcode, 'NXDOMAIN');
    assert.equal(none.flag_aa, false);
  } finally {
    upstream.close();
    await dns.close();
    await closed.close();
  }
});

test('garbage gets FORMERR or no answer, and the server keeps answering', async () => {
  const dns = new DnsServer({ records: records(), port: 0 });
  await dns.listen();
  try {
    const bad = Buffer.concat([query('x', 'A').subarray(0, 12), Buffer.from([0xff, 0xff, 0xff])]);
    const res = await askUdp(dns.port, bad);
    assert.equal(res.rcode, 'FORMERR');
    const s = dgram.createSocket('udp4');
    s.send(Buffer.from([1, 2, 3]), dns.port, '127.0.0.1', () => s.close());
    const a = await askUdp(dns.port, query('ver.default.svc.cluster.local', 'A'));
    assert.equal(a.rcode, 'NOERROR');
  } finally {
    await dns.close();
  }
});
