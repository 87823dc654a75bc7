// The cluster DNS server: UDP and TCP on one address (loopback; pods reach it at the kube-dns
// ClusterIP through the service proxy's DNAT), answering the cluster's zone from ClusterRecords
// and passing every other name to the host's resolvers, as CoreDNS's `forward . /etc/resolv.conf`.
//
//   const dns = new DnsServer({ records, host: '127.0.0.1', port: 0, upstreams: hostResolvers() });
//   await dns.listen();   // dns.port

import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import * as packet from 'dns-packet';
import type { Answer as PacketAnswer, Packet, Question } from 'dns-packet';
import type { ClusterRecords, RecordType, Answer } from './records.js';

export interface DnsServerOptions {
  records: ClusterRecords;
  host?: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port?: number;
  /** Resolvers for names outside the cluster (`ip` or `ip:port`); none: such names are NXDOMAIN. */
  upstreams?: string[];
  /** How long an upstream may take (default 2 s). */
  upstreamTimeoutMs?: number;
  log?: (m: string) => void;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
/** Flags: QR (response), AA (authoritative), RD (copied), RA (recursion offered). */
const QR = 1 << 15;
const AA = 1 << 10;
const TC = 1 << 9;
const RD = 1 << 8;
const RA = 1 << 7;
const maxUdp = 512;

/** The nameservers of a resolv.conf, leaving out loopback ones that could be this server. */
export function hostResolvers(resolvConf = '/etc/resolv.conf', exclude: string[] = []): string[] {
  let text = '';
  try {
    text = readFileSync(resolvConf, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && !exclude.includes(m[1])) out.push(m[1]);
  }
  return out;
}

function toPacketAnswer(a: Answer): PacketAnswer {
  const base = { name: a.name, ttl: a.ttl, class: 'IN' as const };
  switch (a.type) {
    case 'SRV':
      return { ...base, type: 'SRV', data: a.data };
    case 'TXT':
      return { ...base, type: 'TXT', data: a.data };
    default:
      return { ...base, type: a.type, data: a.data } as PacketAnswer;
  }
}

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly tcpSockets = new Set<net.Socket>();
  private boundPort = 0;

  constructor(private readonly o: DnsServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<void> {
    const host = this.o.host ?? '127.0.0.1';
    // UDP first; TCP on the same port (retry when a free UDP port is taken on TCP).
    for (let attempt = 0; ; attempt++) {
      const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(this.o.port ?? 0, host, () => {
          udp.off('error', reject);
          resolve();
        });
      });
      const port = udp.address().port;
      const tcp = net.createServer((s) => this.serveTcp(s));
      try {
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(port, host, () => {
            tcp.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        udp.close();
        if ((this.o.port ?? 0) !== 0 || attempt > 20) throw e;
        continue;
      }
      udp.on('message', (msg, rinfo) => {
        void this.answerBytes(msg, true).then((res) => {
          if (res) udp.send(res, rinfo.port, rinfo.address);
        });
      });
      udp.on('error', (e) => this.o.log?.(`dns: udp: ${e.message}`));
      this.udp = udp;
      this.tcp = tcp;
      this.boundPort = port;
      return;
    }
  }

  async close(): Promise<void> {
    this.udp?.close();
    for (const s of this.tcpSockets) s.destroy();
    await new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()));
    this.udp = undefined;
    this.tcp = undefined;
  }

  private serveTcp(s: net.Socket): void {
    this.tcpSockets.add(s);
    s.on('close', () => this.tcpSockets.delete(s));
    s.on('error', () => s.destroy());
    s.setTimeout(10_000, () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.answerBytes(msg, false).then((res) => {
          if (!res || s.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(res.length);
          s.write(Buffer.concat([head, res]));
        });
      }
    });
  }

  /** The response to one query message, or undefined for garbage that deserves no answer. */
  async answerBytes(msg: Buffer, udp: boolean): Promise<Buffer | undefined> {
    let query: Packet;
    try {
      query = packet.decode(msg);
    } catch {
      if (msg.length < 12) return undefined;
      // A header we can read: FORMERR, as resolvers expect.
      const res = Buffer.from(msg.subarray(0, 12));
      res.writeUInt16BE((msg.readUInt16BE(2) & RD) | QR | RCODE.FORMERR, 2);
      res.fill(0, 4, 12);
      return res;
    }
    if (query.type === 'response') return undefined;
    const questions = query.questions ?? [];
    const rd = ((query.flags ?? 0) & RD) !== 0;
    const reply = (rcode: number, answers: PacketAnswer[] = [], additionals: PacketAnswer[] = [], authorities: PacketAnswer[] = [], aa = true): Buffer => {
      let flags = QR | (aa ? AA : 0) | (rd ? RD : 0) | RA | rcode;
      const build = (ans: PacketAnswer[], add: PacketAnswer[]) =>
        packet.encode({ id: query.id, type: 'response', flags, questions, answers: ans, additionals: add, authorities });
      let out = build(answers, additionals);
      if (udp && out.length > this.udpLimit(query)) {
        flags |= TC;
        out = build([], []);
      }
      return out;
    };
    if (questions.length !== 1) return reply(RCODE.FORMERR);
    const q = questions[0] as Question;
    const type = String(q.type) as RecordType;
    const result = this.o.records.lookup(q.name, type);
    if (result.kind === 'external') return this.forward(msg, query, reply);
    const soa = [this.soa()];
    if (result.kind === 'nxdomain') return reply(RCODE.NXDOMAIN, [], [], soa);
    return reply(RCODE.NOERROR, result.answers.map(toPacketAnswer), result.additionals.map(toPacketAnswer), result.answers.length ? [] : soa);
  }

  private udpLimit(query: Packet): number {
    const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    return Math.max(maxUdp, opt?.udpPayloadSize ?? 0);
  }

  private soa(): PacketAnswer {
    const zone = this.o.records.zone;
    return {
      type: 'SOA',
      name: zone,
      ttl: this.o.records.ttl,
      class: 'IN',
      data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: Math.floor(Date.now() / 1000) >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: this.o.records.ttl },
    };
  }

  /** Passes the query to the host's resolvers in turn; their answer goes back unchanged. */
  private async forward(msg: Buffer, query: Packet, reply: (rcode: number, a?: PacketAnswer[], b?: PacketAnswer[], c?: PacketAnswer[], aa?: boolean) => Buffer): Promise<Buffer> {
    const upstreams = this.o.upstreams ?? [];
    if (upstreams.length === 0) return reply(RCODE.NXDOMAIN, [], [], [], false);
    for (const u of upstreams) {
      const [host, portText] = u.includes(':') && !u.includes('::') ? u.split(':') : [u, '53'];
      const res = await this.askUdp(msg, host, Number(portText)).catch(() => undefined);
      if (res && res.length >= 12 && res.readUInt16BE(0) === query.id) return res;
    }
    return reply(RCODE.SERVFAIL, [], [], [], false);
  }

  private askUdp(msg: Buffer, host: string, port: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const s = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      const timer = setTimeout(() => {
        s.close();
        reject(new Error('timeout'));
      }, this.o.upstreamTimeoutMs ?? 2000);
      s.once('error', (e) => {
        clearTimeout(timer);
        s.close();
        reject(e);
      });
      s.once('message', (res) => {
        clearTimeout(timer);
        s.close();
        resolve(res);
      });
      s.send(msg, port, host);
    });
  }
}
