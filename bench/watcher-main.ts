// The watcher process of the watch-delivery benchmark (see watch-latency.ts): opens one watch
// and timestamps every ADDED event the moment its last byte arrives.

import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { nowMs } from './load.js';
import type { WatcherReply, WatcherRequest } from './watch-latency.js';

const arrivals = new Map<string, number>();
let onArrival: (() => void) | undefined;
let response: IncomingMessage | undefined;

function reply(m: WatcherReply): void {
  process.send!(m);
}

function startWatch(m: Extract<WatcherRequest, { type: 'start' }>): void {
  const url = new URL(m.creds.server);
  const req = https.request(
    {
      hostname: url.hostname,
      port: url.port,
      path: m.path,
      method: 'GET',
      headers: { Accept: 'application/json', Authorization: `Bearer ${m.creds.token}`, 'User-Agent': 'kubelite-bench-watcher' },
      ca: m.creds.caPem,
      agent: false,
    },
    (res) => {
      if (res.statusCode !== 200) {
        reply({ type: 'error', message: `watch answered ${res.statusCode}` });
        return;
      }
      response = res;
      reply({ type: 'watching' });
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        const at = nowMs();
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const event = JSON.parse(line) as { type: string; object?: { metadata?: { name?: string } } };
          const name = event.object?.metadata?.name;
          if (event.type === 'ADDED' && name && !arrivals.has(name)) arrivals.set(name, at);
        }
        onArrival?.();
      });
    },
  );
  req.on('error', (e) => reply({ type: 'error', message: e.message }));
  req.end();
}

function collect(m: Extract<WatcherRequest, { type: 'collect' }>): void {
  const matching = () => [...arrivals].filter(([name]) => name.startsWith(m.prefix));
  const finish = () => {
    clearTimeout(timer);
    onArrival = undefined;
    reply({ type: 'arrivals', arrivals: matching() });
  };
  const timer = setTimeout(finish, m.timeoutMs);
  onArrival = () => {
    if (matching().length >= m.count) finish();
  };
  onArrival();
}

process.on('message', (m: WatcherRequest) => {
  if (m.type === 'start') startWatch(m);
  else if (m.type === 'collect') collect(m);
  else {
    response?.destroy();
    process.exit(0);
  }
});
