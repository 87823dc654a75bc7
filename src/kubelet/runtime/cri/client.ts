// A CRI v1 client over gRPC on a unix socket: RuntimeService and ImageService, one promise per
// call. Messages are plain objects with camelCase fields (proto-loader's conversion), int64
// as decimal strings (CRI timestamps exceed 2^53) and enums as their names.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { criProtoSource } from './api-proto.js';

let packageDefinition: protoLoader.PackageDefinition | undefined;

function criPackage(): protoLoader.PackageDefinition {
  if (!packageDefinition) {
    const parsed = protobuf.parse(criProtoSource, { keepCase: false });
    packageDefinition = protoLoader.fromJSON(parsed.root.toJSON() as Parameters<typeof protoLoader.fromJSON>[0], {
      keepCase: false,
      longs: String,
      enums: String,
      bytes: Buffer,
      defaults: true,
      oneofs: true,
    });
  }
  return packageDefinition;
}

/** A failed CRI call, with the gRPC status code (grpc.status) and the runtime's message. */
export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
  ) {
    super(`${method}: ${details || grpc.status[code] || `gRPC status ${code}`}`);
    this.name = 'CriError';
  }
  get notFound(): boolean {
    return this.code === grpc.status.NOT_FOUND || /not found|does not exist/i.test(this.details);
  }
}

// Loosely typed message bodies: the fields kubelite reads are named in cri-runtime.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CriMessage = Record<string, any>;

type Unary = (req: CriMessage, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: CriMessage) => void) => grpc.ClientUnaryCall;

export interface CriClientOptions {
  /** Path of the runtime's gRPC socket. */
  socket: string;
  /** Deadline of ordinary calls (default 2 min, as the kubelet's runtime-request-timeout). */
  timeoutMs?: number;
}

export class CriClient {
  private readonly runtime: grpc.Client;
  private readonly images: grpc.Client;
  private readonly timeoutMs: number;

  constructor(opts: CriClientOptions) {
    const pkg = grpc.loadPackageDefinition(criPackage()) as unknown as {
      runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } };
    };
    const target = `unix://${opts.socket}`;
    const channelOptions: grpc.ClientOptions = {
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
      'grpc.max_send_message_length': 16 * 1024 * 1024,
    };
    this.runtime = new pkg.runtime.v1.RuntimeService(target, grpc.credentials.createInsecure(), channelOptions);
    // One channel for both services, as the kubelet does when both share one endpoint.
    this.images = new pkg.runtime.v1.ImageService(target, grpc.credentials.createInsecure(), { ...channelOptions, channelOverride: this.runtime.getChannel() });
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** Calls a RuntimeService method. timeoutMs overrides the default deadline (ExecSync, PullImage). */
  call(method: string, request: CriMessage, timeoutMs?: number): Promise<CriMessage> {
    return this.invoke(this.runtime, method, request, timeoutMs);
  }

  /** Calls an ImageService method. */
  image(method: string, request: CriMessage, timeoutMs?: number): Promise<CriMessage> {
    return this.invoke(this.images, method, request, timeoutMs);
  }

  private invoke(client: grpc.Client, method: string, request: CriMessage, timeoutMs?: number): Promise<CriMessage> {
    const fn = (client as unknown as Record<string, Unary>)[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`CRI method ${method} is not in the client's proto`));
    const deadline = Date.now() + (timeoutMs ?? this.timeoutMs);
    return new Promise((resolve, reject) => {
      fn.call(client, request, new grpc.Metadata(), { deadline }, (err, res) => {
        if (err) reject(new CriError(method, err.code, err.details));
        else resolve(res);
      });
    });
  }

  /** Waits until the socket answers (the runtime is up), or rejects after timeoutMs. */
  async waitReady(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < until) {
      try {
        await this.call('Version', { version: 'v1' }, Math.max(200, Math.min(2000, until - Date.now())));
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`the CRI runtime did not answer within ${timeoutMs} ms: ${(last as Error)?.message ?? 'no answer'}`);
  }

  close(): void {
    this.images.close();
    this.runtime.close();
  }
}
