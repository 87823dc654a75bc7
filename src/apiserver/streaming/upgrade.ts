// HTTP connection upgrades (WebSocket, SPDY/3.1) for servers built on node:http. Node hands
// an upgrade request to an 'upgrade' listener with the raw socket instead of a response; to
// keep one request path (authentication, routing, Status errors) for both kinds of request,
// serveUpgrades() wraps the socket in an ordinary ServerResponse. A handler that wants the
// connection takes the socket over with takeUpgrade(); one that answers with an error just
// writes the response, and the socket is closed after it.

import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface UpgradeState {
  socket: Duplex;
  head: Buffer;
  taken: boolean;
}

const upgrades = new WeakMap<IncomingMessage, UpgradeState>();

/**
 * Routes upgrade requests of `server` through `handler` as ordinary requests. The response
 * object writes onto the raw socket; the socket closes when the response finishes unless the
 * handler took it over.
 */
export function serveUpgrades(server: http.Server, handler: (req: IncomingMessage, res: ServerResponse) => void): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const state: UpgradeState = { socket, head, taken: false };
    upgrades.set(req, state);
    socket.on('error', () => socket.destroy());
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => {
      if (!state.taken) {
        res.detachSocket(socket as Socket);
        socket.end();
      }
    });
    handler(req, res);
  });
}

/** Whether the request asks to switch protocols (`Connection: Upgrade`). */
export function isUpgradeRequest(req: IncomingMessage): boolean {
  const conn = String(req.headers.connection ?? '').toLowerCase();
  return conn.split(',').some((t) => t.trim() === 'upgrade') && !!req.headers.upgrade;
}

export function isWebSocketRequest(req: IncomingMessage): boolean {
  return isUpgradeRequest(req) && String(req.headers.upgrade).toLowerCase() === 'websocket';
}

export function isSpdyRequest(req: IncomingMessage): boolean {
  return isUpgradeRequest(req) && String(req.headers.upgrade).toLowerCase().includes('spdy/3.1');
}

/** Whether the raw connection of this request can be taken over (it came through serveUpgrades). */
export function canTakeUpgrade(req: IncomingMessage): boolean {
  const s = upgrades.get(req);
  return !!s && !s.taken;
}

/** Takes the raw connection of an upgrade request away from its response. */
export function takeUpgrade(req: IncomingMessage, res: ServerResponse): { socket: Duplex; head: Buffer } {
  const s = upgrades.get(req);
  if (!s || s.taken) throw new Error('not an upgradable request');
  s.taken = true;
  res.detachSocket(s.socket as Socket);
  return { socket: s.socket, head: s.head };
}

/** The WebSocket subprotocols a request offers, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * Completes a WebSocket handshake with `protocol` as the subprotocol ('' for none). The
 * caller has checked the offer; the socket must have been taken over.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  return new Promise((resolve) => {
    const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 << 20 });
    // ws insists subprotocols be RFC 6455 tokens, and `SPDY/3.1+portforward.k8s.io` is not
    // one: the choice was made by the caller, so answer it directly.
    delete req.headers['sec-websocket-protocol'];
    if (protocol) server.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
    server.handleUpgrade(req, socket, head, (ws) => {
      server.close();
      resolve(ws);
    });
  });
}

/** Answers an SPDY upgrade: 101 Switching Protocols with the negotiated stream protocol. */
export function acceptSpdy(socket: Duplex, protocol: string | undefined): void {
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
  if (protocol) lines.push(`X-Stream-Protocol-Version: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
}

/**
 * The protocol negotiation of Kubernetes' httpstream.Handshake: the first of the client's
 * `X-Stream-Protocol-Version` values the server supports, or an error text (answered with 403).
 */
export function negotiateStreamProtocol(req: IncomingMessage, supported: readonly string[]): { protocol: string } | { error: string } {
  const raw = req.headers['x-stream-protocol-version'];
  const client = (Array.isArray(raw) ? raw : raw ? [raw] : [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (client.length === 0) return { error: 'unable to upgrade: X-Stream-Protocol-Version is required' };
  const found = client.find((p) => supported.includes(p));
  if (!found) return { error: `unable to upgrade: unable to negotiate protocol: client supports [${client.join(' ')}], server accepts [${supported.join(' ')}]` };
  return { protocol: found };
}

/** Writes a plain-text HTTP error on a raw socket and closes it (after a failed upgrade). */
export function rejectRaw(socket: Duplex, code: number, message: string, extraHeaders: Record<string, string> = {}): void {
  const body = Buffer.from(message + '\n');
  const head = [
    `HTTP/1.1 ${code} ${http.STATUS_CODES[code] ?? ''}`,
    'Content-Type: text/plain; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    `Content-Length: ${body.length}`,
    'Connection: close',
    ...Object.entries(extraHeaders).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n'), body]));
}
