// The network benchmark's load generator, a process of its own so that bench/network.ts can run
// it on the host or inside a pod's network namespace (nsenter --net=/proc/PID/ns/net), and so
// that it does not share an event loop with the cluster it measures. Prints one JSON line.
//
//   node --import tsx bench/net-load.ts http --targets 198.19.216.2:80,198.19.216.3:80 --ms 4000 --concurrency 12
//   node --import tsx bench/net-load.ts dns --server 198.18.210.10:53 --name web.default.svc.cluster.local --ms 4000 --window 32
//
// HTTP: `concurrency` loops, each a new connection per request (busybox httpd closes after each
// answer, and the service proxy balances connections, not requests), round-robin over targets.
// DNS: `window` A queries in flight over one UDP socket; a query unanswered after 1 s is lost.

import dgram from 'node:dgram';
import { request, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import * as packet from 'dns-packet';

export interface LoadFigures {
  ok: number;
  errors: number;
  elapsedMs: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number };
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  return { p50: at(50), p99: at(99) };
}

function getOnce(target: string): Promise<boolean> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 2000 }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function httpLoad(targets: string[], ms: number, concurrency: number): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const ok = await getOnce(targets[next++ % targets.length]!);
        if (ok) latencies.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  return { ok: latencies.length, errors, elapsedMs, perSecond: (latencies.length * 1000) / elapsedMs, latencyMs: percentiles(latencies) };
}

export async function dnsLoad(server: string, name: string, ms: number, window: number): Promise<LoadFigures> {
  const [host, port] = [server.slice(0, server.lastIndexOf(':')), Number(server.slice(server.lastIndexOf(':') + 1))];
  const socket = dgram.createSocket('udp4');
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  let errors = 0;
  let id = 0;
  const start = performance.now();
  const end = start + ms;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  const send = () => {
    if (performance.now() >= end) {
      if (sent.size === 0) finish();
      return;
    }
    id = (id + 1) & 0xffff;
    sent.set(id, performance.now());
    socket.send(packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', class: 'IN', name }] }), port, host);
  };
  socket.on('message', (msg) => {
    const answer = packet.decode(msg);
    const at = sent.get(answer.id ?? -1);
    if (at === undefined) return;
    sent.delete(answer.id!);
    if (((answer.flags ?? 0) & 0x0f) === 0 && (answer.answers?.length ?? 0) > 0) latencies.push(performance.now() - at);
    else errors++;
    send();
  });
  // Lost queries: counted as errors, and their slot reused.
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const [qid, at] of sent) {
      if (now - at < 1000) continue;
      sent.delete(qid);
      errors++;
      send();
    }
  }, 100);
  for (let i = 0; i < window; i++) send();
  await Promise.race([finished, new Promise((r) => setTimeout(r, ms + 2000))]);
  clearInterval(sweeper);
  socket.close();
  const elapsedMs = Math.min(performance.now(), end) - start;
  return { ok: latencies.length, errors: errors + sent.size, elapsedMs, perSecond: (latencies.length * 1000) / elapsedMs, latencyMs: percentiles(latencies) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { targets: { type: 'string' }, server: { type: 'string' }, name: { type: 'string' }, ms: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '12' }, window: { type: 'string', default: '32' } },
  });
  const ms = Number(values.ms);
  const figures = positionals[0] === 'dns' ? await dnsLoad(values.server!, values.name!, ms, Number(values.window)) : await httpLoad(values.targets!.split(','), ms, Number(values.concurrency));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
