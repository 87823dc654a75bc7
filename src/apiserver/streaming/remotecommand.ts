// The server side of exec and attach (Kubernetes' remotecommand protocol), over a WebSocket
// (channel protocols v1 to v5) or SPDY/3.1 (stream protocols channel.k8s.io to v4): open the
// streams the client asked for, copy them to and from a runtime session, and report how the
// command ended on the error stream — a metav1.Status from v4 on (with the exit code), a
// plain message before.

import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { StreamOptions, StreamSession } from '../../kubelet/runtime/interface.js';
import { ChannelConnection, channelProtocol } from './channels.js';
import { SpdyServerConnection, type SpdyStream } from './spdy.js';
import { acceptSpdy, acceptWebSocket, isWebSocketRequest, negotiateStreamProtocol, offeredProtocols, rejectRaw } from './upgrade.js';

/** WebSocket subprotocols, most preferred first. */
export const remoteCommandWebSocketProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io'] as const;
/** SPDY stream protocols (X-Stream-Protocol-Version), most preferred first. */
export const remoteCommandSpdyProtocols = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

const streamCreationTimeoutMs = 30_000;

/** The exec/attach query (`stdin=1&stdout=1&tty=1`, or kubectl's `true`). */
export function streamOptionsOf(query: URLSearchParams): StreamOptions | { error: string } {
  const flag = (k: string) => ['1', 'true'].includes((query.get(k) ?? '').toLowerCase());
  const tty = flag('tty');
  const stdin = flag('stdin');
  const stdout = flag('stdout');
  // With a terminal, stderr is merged into stdout.
  const stderr = flag('stderr') && !tty;
  if (!stdin && !stdout && !stderr) return { error: 'you must specify at least 1 of stdin, stdout, stderr' };
  return { stdin, stdout, stderr, tty };
}

/** How a remote command ended, as the error stream reports it. */
export type CommandResult = { kind: 'success' } | { kind: 'exit'; code: number; command: string[] } | { kind: 'error'; message: string };

export function statusOf(result: CommandResult): Record<string, unknown> {
  switch (result.kind) {
    case 'success':
      return { metadata: {}, status: 'Success' };
    case 'exit':
      return {
        metadata: {},
        status: 'Failure',
        message: `command terminated with non-zero exit code: error executing command [${result.command.join(' ')}], exit code ${result.code}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(result.code) }] },
      };
    case 'error':
      return {
        metadata: {},
        status: 'Failure',
        message: `Internal error occurred: ${result.message}`,
        reason: 'InternalError',
        details: { causes: [{ message: result.message }] },
        code: 500,
      };
  }
}

/** The streams of one exec or attach connection. */
export interface RemoteStreams {
  protocol: string;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Terminal sizes, one JSON object each ({"Width":80,"Height":24}). */
  resize?: Readable;
  /** Reports the end of the command and closes the connection. */
  finish(result: CommandResult): void;
  /** Closes without a report (the client went away). */
  close(): void;
  /** Called once when the client goes away. */
  onClientGone(fn: () => void): void;
}

/**
 * Completes the upgrade of an exec/attach request on its raw socket and opens the streams.
 * Undefined when the upgrade failed (the client got an HTTP error).
 */
export async function openRemoteStreams(req: IncomingMessage, socket: Duplex, head: Buffer, opts: StreamOptions, log: (m: string) => void): Promise<RemoteStreams | undefined> {
  if (isWebSocketRequest(req)) return openWebSocketStreams(req, socket, head, opts);
  return openSpdyStreams(req, socket, head, opts, log);
}

/** How long a new WebSocket stream connection waits before its first message (see below). */
const websocketSettleMs = 50;

async function openWebSocketStreams(req: IncomingMessage, socket: Duplex, head: Buffer, opts: StreamOptions): Promise<RemoteStreams | undefined> {
  const offered = offeredProtocols(req);
  const chosen = offered.length === 0 ? '' : offered.find((p) => (remoteCommandWebSocketProtocols as readonly string[]).includes(p));
  if (chosen === undefined) {
    rejectRaw(socket, 400, `unable to upgrade: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${remoteCommandWebSocketProtocols.join(' ')}]`);
    return undefined;
  }
  const ws = await acceptWebSocket(req, socket, head, chosen);
  const conn = new ChannelConnection(ws, channelProtocol(chosen)!);
  // The client may write at once: its channels are read from the start.
  const stdin = opts.stdin ? conn.readable(0) : undefined;
  const resize = opts.tty ? conn.readable(4) : undefined;
  const v4 = chosen.startsWith('v4.') || chosen.startsWith('v5.');
  // kubectl's WebSocket client starts reading before it has registered its streams, and drops
  // what arrives for a stream it does not know yet ("Unknown stream id 1, discarding message",
  // then "error: closed all streams"). Upstream's API server spends a round trip reaching the
  // kubelet before the first byte flows; a command here can finish within a millisecond, so
  // give the client that moment.
  await new Promise((r) => setTimeout(r, websocketSettleMs));
  // An empty message on the lowest writable channel tells the client the streams are open.
  conn.send(opts.stdout ? 1 : opts.stderr ? 2 : 3, Buffer.alloc(0));
  let finished = false;
  return {
    protocol: chosen,
    stdin,
    stdout: opts.stdout ? conn.writable(1) : undefined,
    stderr: opts.stderr ? conn.writable(2) : undefined,
    resize,
    finish(result) {
      if (finished) return;
      finished = true;
      if (v4) conn.send(3, Buffer.from(JSON.stringify(statusOf(result))));
      else if (result.kind !== 'success') conn.send(3, Buffer.from(legacyMessage(result)));
      conn.close();
    },
    close() {
      finished = true;
      conn.close();
    },
    onClientGone(fn) {
      conn.onClose(() => {
        if (!finished) fn();
      });
    },
  };
}

function legacyMessage(result: CommandResult): string {
  if (result.kind === 'exit') return `command terminated with non-zero exit code: error executing command [${result.command.join(' ')}], exit code ${result.code}`;
  if (result.kind === 'error') return `Internal error occurred: ${result.message}`;
  return '';
}

async function openSpdyStreams(req: IncomingMessage, socket: Duplex, head: Buffer, opts: StreamOptions, log: (m: string) => void): Promise<RemoteStreams | undefined> {
  const negotiated = negotiateStreamProtocol(req, remoteCommandSpdyProtocols);
  if ('error' in negotiated) {
    rejectRaw(socket, 403, negotiated.error, { 'X-Accepted-Stream-Protocol-Versions': remoteCommandSpdyProtocols.join(', ') });
    return undefined;
  }
  const protocol = negotiated.protocol;
  const resizable = protocol === 'v4.channel.k8s.io' || protocol === 'v3.channel.k8s.io';
  let expected = 1 + (opts.stdin ? 1 : 0) + (opts.stdout ? 1 : 0) + (opts.stderr ? 1 : 0) + (opts.tty && resizable ? 1 : 0);
  const got: Record<string, SpdyStream> = {};
  acceptSpdy(socket, protocol);
  if (head.length) socket.unshift(head);
  let ready!: () => void;
  const allThere = new Promise<void>((resolve) => (ready = resolve));
  const conn = new SpdyServerConnection(socket, {
    log,
    onStream(stream) {
      const type = stream.header('streamtype') ?? '';
      if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) {
        log(`exec: unexpected stream type ${JSON.stringify(type)}`);
        return false;
      }
      got[type] = stream;
      if (--expected === 0) ready();
    },
  });
  const timer = setTimeout(() => conn.close(), streamCreationTimeoutMs);
  const closed = new Promise<void>((resolve) => conn.onClose(resolve));
  await Promise.race([allThere, closed]);
  clearTimeout(timer);
  if (conn.isClosed) return undefined;
  // The client writes nothing on stdout, stderr or error: answer their FIN-less halves only.
  let finished = false;
  const v4 = protocol === 'v4.channel.k8s.io';
  const endAll = () => {
    for (const s of Object.values(got)) s.end();
  };
  return {
    protocol,
    stdin: got.stdin,
    stdout: got.stdout,
    stderr: got.stderr,
    resize: got.resize,
    finish(result) {
      if (finished) return;
      finished = true;
      const error = got.error;
      if (v4) error?.write(JSON.stringify(statusOf(result)));
      else if (result.kind !== 'success') error?.write(legacyMessage(result));
      endAll();
      // Let the FINs go out before GOAWAY ends the connection.
      setImmediate(() => conn.close());
    },
    close() {
      finished = true;
      conn.close();
    },
    onClientGone(fn) {
      conn.onClose(() => {
        if (!finished) fn();
      });
    },
  };
}

/**
 * Runs a session over opened streams: copies stdin in, stdout/stderr out, applies terminal
 * sizes, and reports the exit code once the process has ended and its output is sent.
 */
export async function pumpSession(streams: RemoteStreams, start: () => Promise<StreamSession>, command: string[]): Promise<void> {
  let session: StreamSession;
  try {
    session = await start();
  } catch (e) {
    streams.finish({ kind: 'error', message: `error executing command in container: ${(e as Error).message}` });
    return;
  }
  streams.onClientGone(() => session.close());
  if (streams.stdin && session.stdin) {
    const target = session.stdin;
    target.on('error', () => {});
    streams.stdin.pipe(target);
  } else if (streams.stdin) {
    streams.stdin.resume();
  }
  if (streams.resize && session.resize) {
    let buf = '';
    streams.resize.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      // Sizes arrive as concatenated JSON objects, each followed by a newline.
      while ((nl = buf.indexOf('}')) >= 0) {
        const text = buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
        try {
          const size = JSON.parse(text.trim()) as { Width?: number; Height?: number };
          session.resize?.(size.Width ?? 0, size.Height ?? 0);
        } catch {
          /* a malformed size is ignored, as the kubelet does */
        }
      }
    });
  } else {
    streams.resize?.resume();
  }
  const copies: Promise<void>[] = [];
  const copy = (from: Readable | undefined, to: Writable | undefined) => {
    if (!from) return;
    copies.push(
      new Promise<void>((resolve) => {
        if (!to) {
          from.resume();
          from.on('end', resolve).on('close', resolve).on('error', () => resolve());
          return;
        }
        from.on('data', (chunk: Buffer) => {
          if (!to.write(chunk)) {
            from.pause();
            to.once('drain', () => from.resume());
          }
        });
        from.on('end', resolve).on('close', resolve).on('error', () => resolve());
      }),
    );
  };
  copy(session.stdout, streams.stdout);
  copy(session.stderr, streams.stderr);
  let exitCode: number;
  try {
    ({ exitCode } = await session.exit);
  } catch (e) {
    streams.finish({ kind: 'error', message: `error executing command in container: ${(e as Error).message}` });
    return;
  }
  // Output written just before exit may still be on its way out of the runtime.
  await Promise.race([Promise.all(copies), new Promise((r) => setTimeout(r, 2000).unref())]);
  // What was copied may still wait inside the client's stream (a Writable hands on its next
  // chunk only once the previous one is sent): flush it before the status closes the
  // connection, or a busy node loses the end of the output.
  const flushed = (w: Writable | undefined) => (w && !w.destroyed ? new Promise<void>((r) => w.end(() => r())) : undefined);
  await Promise.race([Promise.all([flushed(streams.stdout), flushed(streams.stderr)]), new Promise((r) => setTimeout(r, 2000).unref())]);
  streams.finish(exitCode === 0 ? { kind: 'success' } : { kind: 'exit', code: exitCode, command });
}
