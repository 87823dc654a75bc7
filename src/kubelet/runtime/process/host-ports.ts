// hostPort mappings by a userspace forwarder rather than iptables DNAT: a listener on
// hostIp:hostPort (all addresses when hostIp is empty, as Kubernetes does) that relays each TCP
// connection, or each UDP peer, to the pod. Nothing is left in the kernel when kubelite dies, it
// works on 127.0.0.1 without route_localnet, and a port already taken fails the sandbox at once.
// The pod sees connections coming from the bridge gateway rather than from the client.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket, type RemoteInfo } from 'node:dgram';
import type { PortMapping } from '../interface.js';

export interface Forwarder {
  readonly mapping: PortMapping;
  close(): Promise<void>;
}

const udpIdleMs = 30_000;

function listenTcp(mapping: PortMapping, target: { host: string; port: number }): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port });
    sockets.add(client);
    sockets.add(upstream);
    const done = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    client.on('error', done);
    upstream.on('error', done);
    client.on('close', done);
    upstream.on('close', done);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot open hostPort ${mapping.hostIp || '0.0.0.0'}:${mapping.hostPort}/TCP: ${e.code ?? e.message}`)));
    server.listen({ host: mapping.hostIp || undefined, port: mapping.hostPort, exclusive: true }, () =>
      resolve({
        mapping,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

function listenUdp(mapping: PortMapping, target: { host: string; port: number }): Promise<Forwarder> {
  const family = mapping.hostIp && mapping.hostIp.includes(':') ? 'udp6' : 'udp4';
  const socket: UdpSocket = createSocket({ type: family, reuseAddr: false });
  const peers = new Map<string, { upstream: UdpSocket; timer?: NodeJS.Timeout; connected: boolean; queued: Buffer[] }>();
  const touch = (key: string) => {
    const p = peers.get(key);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      p.upstream.close();
      peers.delete(key);
    }, udpIdleMs);
    p.timer.unref();
  };
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    let p = peers.get(key);
    if (!p) {
      const upstream = createSocket('udp4');
      const peer = { upstream, connected: false, queued: [msg] as Buffer[] };
      p = peer;
      peers.set(key, peer);
      upstream.on('message', (reply) => {
        socket.send(reply, from.port, from.address);
        touch(key);
      });
      upstream.on('error', () => {});
      upstream.connect(target.port, target.host, () => {
        peer.connected = true;
        for (const m of peer.queued) upstream.send(m);
        peer.queued = [];
      });
    } else if (p.connected) {
      p.upstream.send(msg);
    } else {
      p.queued.push(msg);
    }
    touch(key);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot open hostPort ${mapping.hostIp || '0.0.0.0'}:${mapping.hostPort}/UDP: ${e.code ?? e.message}`)));
    socket.bind({ address: mapping.hostIp || undefined, port: mapping.hostPort, exclusive: true }, () =>
      resolve({
        mapping,
        close: () =>
          new Promise<void>((done) => {
            for (const p of peers.values()) {
              if (p.timer) clearTimeout(p.timer);
              p.upstream.close();
            }
            peers.clear();
            socket.close(() => done());
          }),
      }),
    );
  });
}

/** Opens the forwarders of a sandbox's port mappings (all or none). `targetHost`: the pod IP, or 127.0.0.1 on the node's network. */
export async function openHostPorts(mappings: PortMapping[], targetHost: string): Promise<Forwarder[]> {
  const open: Forwarder[] = [];
  try {
    for (const m of mappings) {
      if (!m.hostPort) continue;
      // On the node's network a hostPort equal to the containerPort is the container's own socket.
      if (targetHost === '127.0.0.1' && m.hostPort === m.containerPort) continue;
      const target = { host: targetHost, port: m.containerPort };
      if (m.protocol === 'TCP') open.push(await listenTcp(m, target));
      else if (m.protocol === 'UDP') open.push(await listenUdp(m, target));
      else throw new Error(`hostPort ${m.hostPort}/${m.protocol}: the process runtime forwards TCP and UDP only`);
    }
    return open;
  } catch (e) {
    await Promise.all(open.map((f) => f.close()));
    throw e;
  }
}
