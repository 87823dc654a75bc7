// A thin keep-alive HTTPS client for load: one agent with a socket per concurrent client, the
// bearer token and CA of the cluster, and the body read as bytes. Kept minimal so the client
// side costs little next to the server it measures.

import https from 'node:https';
import type { ClusterCredentials } from './kubelite-process.js';

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export class BenchHttpsClient {
  private readonly agent: https.Agent;
  private readonly url: URL;
  private readonly auth: string;

  constructor(
    private readonly creds: ClusterCredentials,
    sockets: number,
  ) {
    this.url = new URL(creds.server);
    this.auth = `Bearer ${creds.token}`;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, ca: creds.caPem });
  }

  request(method: string, path: string, body?: string, accept = 'application/json'): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Accept: accept, Authorization: this.auth, 'User-Agent': 'kubelite-bench' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const req = https.request({ hostname: this.url.hostname, port: this.url.port, path, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like request, but any status other than `expected` is an error carrying the server's message. */
  async expect(expected: number, method: string, path: string, body?: string, accept?: string): Promise<Buffer> {
    const answer = await this.request(method, path, body, accept);
    if (answer.status !== expected) {
      throw new Error(`${method} ${path}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
    }
    return answer.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
